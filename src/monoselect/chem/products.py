"""Structures, formulae, masses and LC-MS m/z of every species, made by reaction SMARTS.

Each species is a substitution pattern over the sites; its structure is built by applying
the electrophile class's reaction SMARTS once per group on each site, keeping only the outcome
at that site (RDKit returns one outcome per matching N and leaves products unsanitised). A
group put on an N without H (alkylation past NR2, or of an alkylated ring N) quaternises it:
the same reaction with the N made cationic. A cation's m/z is its own ([M]+), not [M+H]+.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from monoselect.chem.molecules import Electrophile, Substrate, average_mass
from monoselect.errors import InvalidStructure

PROTON_MASS = 1.007276466621  # u, CODATA 2018


@dataclass(frozen=True)
class SpeciesInfo:
    label: str
    smiles: str
    formula: str
    mw: float  # average, g/mol
    monoisotopic: float  # u
    mz_h: float  # singly charged ion: [M+H]+, or [M]+ for a quaternary cation
    mz_2h: float  # doubly charged ion: [M+2H]2+, [M+H]2+ or [M]2+
    isotopes: tuple[tuple[int, float], ...]  # (nominal offset, relative intensity) from Cl/Br
    charge: int = 0  # permanent charge of the species (quaternary N)
    ions: tuple[str, str] = ("[M+H]+", "[M+2H]2+")  # what mz_h and mz_2h are


def _site_props(mol, sites: Sequence[int]):
    for i, atom_idx in enumerate(sites):
        mol.GetAtomWithIdx(atom_idx).SetIntProp("ms_site", i)


def quaternising(reaction_smarts: str) -> str:
    """The class's reaction with the product N cationic: a group on an N without H."""
    head, product = reaction_smarts.split(">>")
    return head + ">>" + product.replace("[N:1]", "[N+:1]", 1)


def _substitute(mol, electrophile_mol, rxn, site: int, quat_rxn=None):
    """Product of ``rxn`` at the N carrying property ms_site == site (``quat_rxn`` when that
    N has no H left)."""
    from rdkit import Chem

    target = next(
        a.GetIdx()
        for a in mol.GetAtoms()
        if a.HasProp("ms_site") and a.GetIntProp("ms_site") == site
    )
    if quat_rxn is not None and mol.GetAtomWithIdx(target).GetTotalNumHs() == 0:
        rxn = quat_rxn
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
    from rdkit.Chem import rdMolDescriptors
    from rdkit.Chem.rdChemReactions import ReactionFromSmarts

    rxn = ReactionFromSmarts(electrophile.reaction_smarts)
    quat_rxn = None
    if any(max(p, default=0) > 1 for p in patterns):  # a site's first group finds an N-H
        quat_rxn = ReactionFromSmarts(quaternising(electrophile.reaction_smarts))
    e_mol = Chem.MolFromSmiles(electrophile.smiles)
    base = Chem.MolFromSmiles(substrate.mapped_smiles)
    _site_props(base, substrate.sites.atoms)
    for atom in base.GetAtoms():
        atom.SetAtomMapNum(0)
    out = []
    for label, pattern in zip(labels, patterns, strict=True):
        mol = Chem.Mol(base)
        for site, state in enumerate(pattern):
            for _ in range(state):
                mol = _substitute(mol, e_mol, rxn, site, quat_rxn)
        # a cation's mass: RDKit takes off the electrons
        mono = rdMolDescriptors.CalcExactMolWt(mol)
        charge = Chem.GetFormalCharge(mol)
        (z1, mz1), (z2, mz2) = ion_mz(mono, charge)
        out.append(
            SpeciesInfo(
                label=label,
                smiles=Chem.MolToSmiles(mol),
                formula=rdMolDescriptors.CalcMolFormula(mol),
                mw=average_mass(mol),
                monoisotopic=mono,
                mz_h=mz1,
                mz_2h=mz2,
                isotopes=isotope_pattern(mol),
                charge=charge,
                ions=(z1, z2),
            )
        )
    return out


def ion_mz(mass: float, charge: int) -> tuple[tuple[str, float], tuple[str, float]]:
    """The two lowest positive ions of a species of ``mass`` (u) and permanent ``charge``:
    ([M+H]+, [M+2H]2+) for a neutral amine, ([M]+, [M+H]2+) for a quaternary cation,
    ([M]2+, [M+H]3+) for a dication."""
    out = []
    z = max(charge, 1)
    for zi in (z, z + 1):
        extra = zi - charge
        name = "[M" + (f"+{extra if extra > 1 else ''}H" if extra else "") + "]"
        name += f"{zi if zi > 1 else ''}+"
        out.append((name, (mass + extra * PROTON_MASS) / zi))
    return out[0], out[1]


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
