"""Per-reagent reactivity of alkylating agents: leaving group and the carbon attacked.

An alkyl halide or sulfonate reacts at k = k_class x f(leaving group) x f(carbon), where
k_class is its class value (a primary alkyl bromide) and the factors are relative SN2 rates
from data/alkylation.yaml, each with its status and source; a measured amine-alkylation rate
constant for the reagent, where the table has one, replaces the product. The same
leaving-group factors serve the linker model (each end of X-L-X): one table, not two.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from monoselect.data import load_yaml

__all__ = [
    "ALKYLATING_CLASSES",
    "OverAlkylation",
    "RateTerm",
    "ReagentRate",
    "leaving_group_factor",
    "n_class",
    "over_alkylation",
    "reagent_rate",
    "step_factor",
]

ALKYLATING_CLASSES = ("alkyl_halide", "alkyl_sulfonate")

_HALIDE = "[CX4;!$(C(F)(F)F)][Cl,Br,I]"
_SULFONATE = "[CX4][OX2]S(=O)(=O)[#6]"
# sulfonate leaving groups by the group on S (first match wins)
_SULFONATES = (
    ("OTs", "[OX2]S(=O)(=O)c1ccc([CH3])cc1"),
    ("OMs", "[OX2]S(=O)(=O)[CH3]"),
    ("OSO2R", "[OX2]S(=O)(=O)[#6]"),
)


@dataclass(frozen=True)
class RateTerm:
    """One factor of a reagent's rate constant: what it is, its value and where it is from."""

    what: str  # "leaving group", "carbon", "measured"
    name: str  # "Br", "benzylic"...
    factor: float
    status: str  # reference / approximate / assumed / measured
    source: str


@dataclass(frozen=True)
class ReagentRate:
    """A reagent's rate constant relative to its class value, with the terms that make it.

    ``ends``: factor per leaving-group symbol (each end of a linker), the fastest end's
    terms in ``terms``; ``measured_k``: a measured k (L/mol/s) replacing class x factors.
    """

    factor: float
    terms: tuple[RateTerm, ...]
    ends: tuple[tuple[str, float], ...]
    measured_k: float | None = None

    def k(self, k_class: float) -> float:
        """k_ref of this reagent (L/mol/s at the class's reference pKa, 25 degC)."""
        return self.measured_k if self.measured_k is not None else k_class * self.factor

    @property
    def estimated(self) -> bool:
        return self.measured_k is None


@lru_cache(maxsize=1)
def _table() -> dict:
    return load_yaml("alkylation.yaml")


def leaving_group_factor(symbol: str) -> float:
    """SN2 rate of leaving group ``symbol`` (I, Br, Cl, OTs, OMs, OSO2R) relative to Br;
    1 for anything else (acyl chloride and aldehyde ends of linkers)."""
    entry = _table()["leaving_group"].get(symbol)
    return float(entry["factor"]) if entry else 1.0


def _carbon_term(mol, carbon: int) -> RateTerm:
    from rdkit import Chem

    for row in _table()["carbon"]:
        pattern = Chem.MolFromSmarts(row["smarts"])
        if any(m[0] == carbon for m in mol.GetSubstructMatches(pattern)):
            return RateTerm(
                "carbon", row["name"], float(row["factor"]), row["status"], row["source"]
            )
    return RateTerm("carbon", "other", 1.0, "assumed", "no carbon type matched: factor 1 assumed")


def _sulfonate_name(mol, oxygen: int) -> str:
    from rdkit import Chem

    for name, smarts in _SULFONATES:
        if any(m[0] == oxygen for m in mol.GetSubstructMatches(Chem.MolFromSmarts(smarts))):
            return name
    return "OSO2R"


def _lg_term(symbol: str) -> RateTerm:
    row = _table()["leaving_group"][symbol]
    return RateTerm("leaving group", symbol, float(row["factor"]), row["status"], row["source"])


def reagent_rate(class_name: str, mol) -> ReagentRate | None:
    """The per-reagent factors of an alkylating agent ``mol`` (RDKit molecule) of class
    ``class_name``; None for the other classes (one rate constant per class)."""
    from rdkit import Chem

    if class_name not in ALKYLATING_CLASSES:
        return None
    smiles = Chem.MolToSmiles(mol)
    for row in _table().get("measured") or ():
        if Chem.MolToSmiles(Chem.MolFromSmiles(row["smiles"])) == smiles:
            term = RateTerm("measured", row["name"], 1.0, "measured", row["source"])
            return ReagentRate(1.0, (term,), (), float(row["k"]))
    ends: list[tuple[str, float, tuple[RateTerm, ...]]] = []
    if class_name == "alkyl_halide":
        for carbon, lg in mol.GetSubstructMatches(Chem.MolFromSmarts(_HALIDE)):
            symbol = mol.GetAtomWithIdx(lg).GetSymbol()
            terms = (_lg_term(symbol), _carbon_term(mol, carbon))
            ends.append((symbol, terms[0].factor * terms[1].factor, terms))
    else:
        for carbon, oxygen, *_ in mol.GetSubstructMatches(Chem.MolFromSmarts(_SULFONATE)):
            symbol = _sulfonate_name(mol, oxygen)
            terms = (_lg_term(symbol), _carbon_term(mol, carbon))
            ends.append((symbol, terms[0].factor * terms[1].factor, terms))
    if not ends:
        return None
    fastest = max(ends, key=lambda e: e[1])
    per_symbol: dict[str, float] = {}
    for symbol, factor, _ in ends:  # two ends of one leaving group: the faster one
        per_symbol[symbol] = max(factor, per_symbol.get(symbol, 0.0))
    return ReagentRate(fastest[1], fastest[2], tuple(sorted(per_symbol.items())))


# --- over-alkylation: counting N-H, not N -------------------------------------------------

_N_CLASSES = {1: "primary", 2: "secondary", 3: "tertiary"}


def n_class(carbons: int) -> str:
    """primary / secondary / tertiary for an amine N with ``carbons`` carbon neighbours."""
    return _N_CLASSES.get(max(1, min(carbons, 3)))


def step_factor(attacked: str, carbon: str) -> RateTerm:
    """Factor (data/alkylation.yaml ``over_alkylation``) of an alkylation step at an N of
    class ``attacked`` (primary / secondary / tertiary) by a reagent whose reacting carbon is
    ``carbon`` (methyl, benzylic, primary...), relative to a secondary N."""
    rows = _table()["over_alkylation"]["by_n_class"]
    row = rows[attacked]
    if attacked == "tertiary" and carbon in row.get("by_carbon", {}):
        return RateTerm(
            "N class",
            f"tertiary N, {carbon} carbon",
            float(row["by_carbon"][carbon]),
            "assumed",
            row["by_carbon_source"],
        )
    status = "reference" if row["source"].startswith("reference") else "assumed"
    return RateTerm("N class", f"{attacked} N", float(row["factor"]), status, row["source"])


@dataclass(frozen=True)
class OverAlkylation:
    """How far each site of a substrate can be alkylated, and each step's factor.

    ``capacity``: groups each site can take (N-H + 1: the last one quaternises);
    ``hydrogens``: N-H of each site; ``factors[site][state]``: the rate factor of the step
    from ``state`` groups to ``state + 1`` at that site, relative to its first step (1.0 for
    state 0), from the class of N attacked (``step_factor``) times the user's multiplier.
    """

    capacity: tuple[int, ...]
    hydrogens: tuple[int, ...]
    factors: tuple[tuple[float, ...], ...]
    terms: tuple[RateTerm, ...]  # the N-class factors used, for provenance


def over_alkylation(substrate, class_name: str, carbon: str, multiplier: float = 1.0):
    """The over-alkylation of ``substrate`` by an electrophile of ``class_name`` whose
    reacting carbon is ``carbon``; None when nothing goes beyond one group per N (acylation,
    Boc, sulfonylation and aldehydes stop at one: an amide or carbamate N is no nucleophile;
    ``multiplier`` 0 switches over-alkylation off)."""
    from rdkit import Chem

    if class_name not in ALKYLATING_CLASSES or multiplier == 0:
        return None
    mol = Chem.MolFromSmiles(substrate.mapped_smiles)
    hydrogens, capacity, factors, used = [], [], [], {}
    for atom_idx in substrate.sites.atoms:
        atom = mol.GetAtomWithIdx(atom_idx)
        h = atom.GetTotalNumHs()
        heavy = sum(1 for x in atom.GetNeighbors() if x.GetAtomicNum() > 1)
        first = step_factor(n_class(heavy), carbon)
        row = [1.0]
        for state in range(1, h + 1):
            term = step_factor(n_class(heavy + state), carbon)
            used[term.name] = term
            row.append(term.factor / first.factor * multiplier)
        hydrogens.append(h)
        capacity.append(h + 1)
        factors.append(tuple(row))
    return OverAlkylation(tuple(capacity), tuple(hydrogens), tuple(factors), tuple(used.values()))
