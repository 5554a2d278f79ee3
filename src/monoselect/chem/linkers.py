"""Bifunctional electrophiles (X-L-X): their two ends, chain geometry, and chain masses."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import yaml

from monoselect.data import text as _text
from monoselect.errors import InvalidStructure

PROTON = 1.007276467  # u, for [M+H]+

# the fragment one bond releases, by end type (alkyl halides HX, acyl chloride HCl;
# reductive amination of an aldehyde: + amine - H2O + H2, i.e. loses one O)
_LOST = {
    "Br": {"H": 1, "Br": 1},
    "Cl": {"H": 1, "Cl": 1},
    "I": {"H": 1, "I": 1},
    "COCl": {"H": 1, "Cl": 1},
    "CHO": {"O": 1},
}


@dataclass(frozen=True)
class LinkerInfo:
    ends: tuple[str, str]  # end types, e.g. ("Br", "Cl")
    l_path: int  # atoms from one reactive carbon to the other, inclusive
    a_path: int  # atoms on the diamine's shortest N...N path, inclusive
    a_formula: dict[str, int]
    l_formula: dict[str, int]


@lru_cache(maxsize=1)
def ring_data() -> dict:
    return yaml.safe_load(_text("ring_closure.yaml"))


def effective_molarity(atoms: int, overrides: dict[int, float] | None = None) -> float:
    """EM (mol/L) for a ring of ``atoms`` atoms: user value, table value, or large-ring law."""
    if overrides and atoms in overrides:
        return float(overrides[atoms])
    data = ring_data()
    if atoms < 5:
        return 0.0
    if atoms in data["em"]:
        return float(data["em"][atoms])
    big = data["large_ring"]
    if atoms >= big["from_size"]:
        return float(big["coefficient"]) * atoms**-1.5
    return 0.0


def _formula(mol) -> dict[str, int]:
    from rdkit import Chem

    m = Chem.AddHs(mol)
    return dict(Counter(a.GetSymbol() for a in m.GetAtoms()))


def linker_info(substrate, electrophile) -> LinkerInfo:
    """Ends and geometry of ``electrophile`` as a linker between ``substrate``'s two N-H."""
    from rdkit import Chem

    if len(substrate.sites.atoms) != 2:
        raise InvalidStructure(
            f"linkers are simulated for diamines with two N-H sites; {substrate.name} has "
            f"{len(substrate.sites.atoms)}",
            field="substrate",
        )
    mol = Chem.MolFromSmiles(electrophile.smiles)
    cls = electrophile.class_name
    if cls == "alkyl_halide":
        patt = Chem.MolFromSmarts("[CX4][Cl,Br,I]")
        hits = mol.GetSubstructMatches(patt)
        ends = [mol.GetAtomWithIdx(lg).GetSymbol() for _, lg in hits]
        carbons = [c for c, _ in hits]
    elif cls == "acyl_chloride":
        hits = mol.GetSubstructMatches(Chem.MolFromSmarts("[CX3](=O)[Cl]"))
        ends = ["COCl"] * len(hits)
        carbons = [h[0] for h in hits]
    elif cls == "aldehyde":
        hits = mol.GetSubstructMatches(Chem.MolFromSmarts("[CX3H1](=O)"))
        ends = ["CHO"] * len(hits)
        carbons = [h[0] for h in hits]
    else:
        raise InvalidStructure(
            f"{electrophile.name} ({electrophile.class_label}) is not supported as a linker",
            field="electrophile",
            fix="linkers: dihalides, diacid chlorides, dialdehydes",
        )
    if len(ends) != 2:
        raise InvalidStructure(
            f"{electrophile.name} has {len(ends)} reactive ends; a linker has exactly two",
            field="electrophile",
        )
    dist = Chem.GetDistanceMatrix(mol)
    l_path = int(dist[carbons[0], carbons[1]]) + 1
    smol = Chem.MolFromSmiles(substrate.mapped_smiles)
    a, b = substrate.sites.atoms
    a_path = int(Chem.GetDistanceMatrix(smol)[a, b]) + 1
    return LinkerInfo(
        tuple(sorted(ends)),
        l_path,
        a_path,
        _formula(Chem.MolFromSmiles(substrate.smiles)),
        _formula(mol),
    )


def chain_formula(info: LinkerInfo, n_a: int, n_l: int, free_ends: tuple[str, ...]) -> dict:
    """Element counts of a chain: units minus what each bond released."""
    total: Counter = Counter()
    for el, n in info.a_formula.items():
        total[el] += n * n_a
    for el, n in info.l_formula.items():
        total[el] += n * n_l
    reacted = Counter({e: 0 for e in info.ends})
    for e in info.ends:
        reacted[e] += n_l
    for e in free_ends:
        if e in reacted:
            reacted[e] -= 1
    for e, n in reacted.items():
        for el, k in _LOST[e].items():
            total[el] -= k * n
    return {el: n for el, n in total.items() if n}


def formula_text(formula: dict) -> str:
    order = ["C", "H", *sorted(e for e in formula if e not in ("C", "H"))]
    return "".join(f"{e}{formula[e] if formula[e] != 1 else ''}" for e in order if e in formula)


def monoisotopic(formula: dict) -> float:
    from rdkit import Chem

    table = Chem.GetPeriodicTable()
    return sum(table.GetMostCommonIsotopeMass(e) * n for e, n in formula.items())


def average_mass(formula: dict) -> float:
    from rdkit import Chem

    table = Chem.GetPeriodicTable()
    return sum(table.GetAtomicWeight(e) * n for e, n in formula.items())
