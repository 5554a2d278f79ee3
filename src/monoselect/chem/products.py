"""Structures, formulae, masses and LC-MS m/z of every species, made by reaction SMARTS.

Each species is a substitution pattern over the sites; its structure is built by applying
the electrophile class's reaction SMARTS once per substituted site, keeping only the outcome
at that site (RDKit returns one outcome per matching N and leaves products unsanitised).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from monoselect.chem.molecules import Electrophile, Substrate
from monoselect.errors import InvalidStructure

PROTON_MASS = 1.007276466621  # u, CODATA 2018


@dataclass(frozen=True)
class SpeciesInfo:
    label: str
    smiles: str
    formula: str
    mw: float  # average, g/mol
    monoisotopic: float  # u
    mz_h: float  # [M+H]+
    mz_2h: float  # [M+2H]2+
    isotopes: tuple[tuple[int, float], ...]  # (nominal offset, relative intensity) from Cl/Br


def _site_props(mol, sites: Sequence[int]):
    for i, atom_idx in enumerate(sites):
        mol.GetAtomWithIdx(atom_idx).SetIntProp("ms_site", i)


def _substitute(mol, electrophile_mol, rxn, site: int):
    """Product of ``rxn`` at the N carrying property ms_site == site."""
    from rdkit import Chem

    target = next(
        a.GetIdx()
        for a in mol.GetAtoms()
        if a.HasProp("ms_site") and a.GetIntProp("ms_site") == site
    )
    for outcome in rxn.RunReactants((mol, electrophile_mol)):
        product = outcome[0]
        reacted = [
            a
            for a in product.GetAtoms()
            if a.HasProp("old_mapno") and a.GetIntProp("old_mapno") == 1
        ]
        if not reacted or reacted[0].GetIntProp("react_atom_idx") != target:
            continue
        # mapped atoms lose their properties in RunReactants: label the reacted N again
        reacted[0].SetIntProp("ms_site", site)
        Chem.SanitizeMol(product)
        return product
    raise InvalidStructure(
        f"the electrophile does not react at site {site + 1}", field="electrophile"
    )


def isotope_pattern(mol) -> tuple[tuple[int, float], ...]:
    """Cl/Br isotope envelope as (nominal offset, intensity relative to the largest peak)."""
    from rdkit import Chem

    table = Chem.GetPeriodicTable()
    peaks = {0: 1.0}
    for atom in mol.GetAtoms():
        z = atom.GetAtomicNum()
        if z not in (17, 35):
            continue
        light = 35 if z == 17 else 79
        a_light = table.GetAbundanceForIsotope(z, light)
        a_heavy = table.GetAbundanceForIsotope(z, light + 2)
        total = a_light + a_heavy
        new: dict[int, float] = {}
        for off, p in peaks.items():
            new[off] = new.get(off, 0.0) + p * a_light / total
            new[off + 2] = new.get(off + 2, 0.0) + p * a_heavy / total
        peaks = new
    if len(peaks) == 1:
        return ()
    top = max(peaks.values())
    return tuple((off, round(p / top, 4)) for off, p in sorted(peaks.items()))


def species_structures(
    substrate: Substrate,
    electrophile: Electrophile,
    patterns: Sequence[Sequence[int]],
    labels: Sequence[str],
) -> list[SpeciesInfo]:
    """SpeciesInfo for each pattern (same order as ``patterns``)."""
    from rdkit import Chem
    from rdkit.Chem import Descriptors, rdMolDescriptors
    from rdkit.Chem.rdChemReactions import ReactionFromSmarts

    rxn = ReactionFromSmarts(electrophile.reaction_smarts)
    e_mol = Chem.MolFromSmiles(electrophile.smiles)
    base = Chem.MolFromSmiles(substrate.mapped_smiles)
    _site_props(base, substrate.sites.atoms)
    for atom in base.GetAtoms():
        atom.SetAtomMapNum(0)
    out = []
    for label, pattern in zip(labels, patterns, strict=True):
        mol = Chem.Mol(base)
        for site, state in enumerate(pattern):
            if state:
                mol = _substitute(mol, e_mol, rxn, site)
        mono = Descriptors.ExactMolWt(mol)
        out.append(
            SpeciesInfo(
                label=label,
                smiles=Chem.MolToSmiles(mol),
                formula=rdMolDescriptors.CalcMolFormula(mol),
                mw=Descriptors.MolWt(mol),
                monoisotopic=mono,
                mz_h=mono + PROTON_MASS,
                mz_2h=(mono + 2 * PROTON_MASS) / 2,
                isotopes=isotope_pattern(mol),
            )
        )
    return out


def depict_svg(species: Sequence[SpeciesInfo], *, per_row: int = 3) -> str:
    """One SVG grid of all species with their labels and [M+H]+."""
    from rdkit import Chem
    from rdkit.Chem import Draw

    mols = [Chem.MolFromSmiles(s.smiles) for s in species]
    legends = [f"{s.label}  [M+H]+ {s.mz_h:.2f}" for s in species]
    return Draw.MolsToGridImage(
        mols,
        molsPerRow=min(per_row, len(mols)),
        subImgSize=(260, 200),
        legends=legends,
        useSVG=True,
    )
