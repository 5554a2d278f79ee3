"""Bifunctional electrophiles (X-L-X): their two ends, chain geometry, and chain masses."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from monoselect.data import load_yaml
from monoselect.errors import InvalidStructure

PROTON = 1.007276467  # u, for [M+H]+
ELECTRON = 0.000548579909  # u, CODATA 2018: a cation's mass is its atoms' less its electrons

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
    site_hydrogens: tuple[int, ...] = (1, 1)  # N-H of each diamine N

    @property
    def own_ring_atoms(self) -> int:
        """Ring closed by a linker end on its own N: that N and the linker's carbons."""
        return self.l_path + 1

    @property
    def spiro(self) -> bool:
        """True when the N carrying the linker has no H left (a ring N of piperazine or
        1,4-diazepane): closing on it makes a quaternary spiro salt, not a neutral ring."""
        return all(h == 1 for h in self.site_hydrogens)


@lru_cache(maxsize=1)
def ring_data() -> dict:
    return load_yaml("ring_closure.yaml")


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
        tuple(smol.GetAtomWithIdx(i).GetTotalNumHs() for i in (a, b)),
    )


def own_n_pka_shift(substrate, electrophile) -> tuple[float, str]:
    """pKa of the N that carries the linker (one end reacted, mono-adduct A-L-X) minus that
    of the free diamine's N, both estimated the same way, and what was compared.

    The own-N closure runs at the Bronsted rate of that N (tertiary on a ring N), so its
    basicity, not the fresh N's, sets k_inter.
    """
    from rdkit import Chem
    from rdkit.Chem.rdChemReactions import ReactionFromSmarts

    from monoselect.chem import pka

    rxn = ReactionFromSmarts(electrophile.reaction_smarts)
    sub = Chem.MolFromSmiles(substrate.smiles)
    site_pattern = Chem.MolFromSmarts("[NX3;!H0;!$(N-[C,S,P]=[O,S,N]);!$(N-a)]")
    link = Chem.MolFromSmiles(electrophile.smiles)
    for outcome in rxn.RunReactants((sub, link)):
        product = outcome[0]
        try:
            Chem.SanitizeMol(product)
        except Exception:  # an outcome RDKit cannot sanitise is no adduct
            continue
        reacted = [a for a in product.GetAtoms() if a.HasProp("old_mapno")]
        n_atom = next((a for a in reacted if a.GetIntProp("old_mapno") == 1), None)
        if n_atom is None:
            continue
        n_atom.SetAtomMapNum(1)
        mapped = Chem.MolToSmiles(product)
        n_atom.SetAtomMapNum(0)
        adduct = Chem.MolFromSmiles(mapped)
        kinds = pka.groups(adduct)
        basic = sorted(i for i, k in kinds.items() if k == "amine")
        target = next(a.GetIdx() for a in adduct.GetAtoms() if a.GetAtomMapNum() == 1)
        if target not in basic:
            return 0.0, "the adduct's N is not basic"
        est = pka.estimate(mapped)
        own = est.pka[basic.index(target)]
        fresh_atoms = sorted(i for i, k in pka.groups(sub).items() if k == "amine")
        site = next(i for i in sub.GetSubstructMatch(site_pattern))
        fresh = pka.estimate(substrate.smiles).pka[fresh_atoms.index(site)]
        plain = pka.canonical(mapped)
        return own - fresh, (
            f"estimated pKa {own:.2f} of the alkylated N of {plain} against {fresh:.2f} for "
            f"the free diamine's N (chem/pka.py)"
        )
    return 0.0, "no mono-adduct could be built: no pKa shift applied"


def chain_formula(info: LinkerInfo, n_a: int, n_l: int, free_ends: tuple[str, ...]) -> dict:
    """Element counts of a chain: units minus what each bond released.

    An end closed on its own N (``+X``, ``*X`` in ``free_ends``) has reacted: ``*X`` lost HX
    like any N-alkylation, ``+X`` (a quaternary N) lost X- only, so the cation keeps the H.
    """
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
        elif e[:1] == "+":  # quaternised: no proton lost
            total["H"] += 1
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


def ion_mz(formula: dict, charge: int = 0) -> tuple[str, float]:
    """The singly charged ion of a chain: [M+H]+ of a neutral one, [M]+ of a quaternary
    cation, [M]2+ (m/z) of a dication (``formula``: the atoms of the neutral-count cation)."""
    mass = monoisotopic(formula) - charge * ELECTRON
    if charge == 0:
        return "[M+H]+", mass + PROTON
    return ("[M]+" if charge == 1 else f"[M]{charge}+"), mass / charge
