"""pKa of every basic site of every species: measured where the shipped table has it, else
estimated from the nearest measured analogues with increments derived from the table itself.

Model (microscopic, per site): each basic N has a pKa with every other basic site neutral, and
each pair of sites an interaction w (how much a proton on one lowers the other's pKa). For a
symmetric diamine with measured macroscopic values pKa1 < pKa2 this gives, exactly,
site pKa = pKa2 - log10 2 and w = pKa2 - pKa1 - 2 log10 2 (Bell's statistical factors), so the
speciation reproduces the measured constants and the free N of the monocation has
pKa1 + log10 2. Effects travel through bonds: per path of d bonds between two N a proton lowers
the other N by w(d), fitted to the measured diamines; every other group's effect has the same
fall-off, g(d) = g(3) w(d) / w(3).

Estimate of a site (others neutral), group additivity anchored on measured analogues:

    pKa = base(class) + beta * benzyl + mu * N-methyl + sum over groups g(3) * sum_paths s(d)

class = (N-H count, ring size of the N); base(class) is what the measured analogues of that
class (piperidine and piperazine for a ring secondary N, methyl- / ethyl- / benzylamine and
the alpha,omega-diamines for a primary one, ...) have left once their own neighbour effects
are removed; groups are the other amine N (neutral), acyl, carbamoyl, sulfonyl and urea N, and
ether / hydroxyl O. Bases and increments come from one least-squares fit over every measured
site of the table, so each base is the mean of its analogues corrected for their own
neighbours, and a held-out compound is estimated from the others alone.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

import numpy as np

from monoselect.data import text as _text

LOG2 = math.log10(2.0)
CONFIDENCE = {"high": 4, "medium": 3, "medium-low": 2, "low": 1}
REFERENCE_C = 25.0
R_GAS = 8.314462618  # J/(mol K)
# Dissociation enthalpy used where no source gives one: ASSUMED round value, close to the
# measured steps of the diamines in data/pka_enthalpies.csv (piperazine 31.1 and 42.9 kJ/mol).
DEFAULT_DH_KJ = 45.0


def vant_hoff_shift(dh_kj: float, from_c: float, to_c: float) -> float:
    """pKa(to) - pKa(from) for a dissociation enthalpy ``dh_kj`` (kJ/mol), taken constant:
    d pKa = dH / (R ln 10) (1/T_to - 1/T_from)."""
    t0, t1 = from_c + 273.15, to_c + 273.15
    return dh_kj * 1e3 / (R_GAS * math.log(10.0)) * (1.0 / t1 - 1.0 / t0)


@lru_cache(maxsize=1)
def _enthalpies() -> dict[tuple[str, int], tuple[float, str]]:
    """(canonical SMILES, pKa index) -> (dH kJ/mol, source) from data/pka_enthalpies.csv."""
    out = {}
    for row in csv.DictReader(_text("pka_enthalpies.csv").splitlines()):
        key = (canonical(row["smiles"]), int(row["pka_index"]))
        out[key] = (float(row["dH_kJ_per_mol"]), row["primary_source"].split(" (")[0])
    return out


def enthalpy(smiles: str, index: int) -> tuple[float, str, bool]:
    """(dH kJ/mol, where it came from, measured?) of pKa ``index`` (1 = lowest) of ``smiles``."""
    found = _enthalpies().get((canonical(smiles), index))
    if found is not None:
        return found[0], f"dH {found[0]:g} kJ/mol, {found[1]}", True
    return DEFAULT_DH_KJ, f"dH {DEFAULT_DH_KJ:g} kJ/mol assumed (no measured enthalpy)", False


GROUPS = ("amine", "acyl", "carbamoyl", "sulfonyl", "urea", "oxygen")
# a group with no measured example borrows the nearest one's increment (flagged as assumed)
_BORROW = {
    "carbamoyl": ("acyl",),
    "acyl": ("carbamoyl",),
    "sulfonyl": ("acyl", "carbamoyl"),
    "urea": ("carbamoyl", "acyl"),
}
_RING_NAMES = {0: "acyclic", 5: "5-ring", 6: "6-ring", 7: "7-ring (or larger)"}
_DEGREE_NAMES = {2: "primary", 1: "secondary", 0: "tertiary"}
# Tiny ridge on the increments (never on the class bases): when the held-out table cannot tell
# an increment from a base, the increment is taken as zero instead of an arbitrary split.
_RIDGE = 1e-6
# candidate inductive fall-off factors per bond (Taft's 0.4 lies inside)
_FALLOFF_GRID = tuple(round(0.2 + 0.025 * i, 3) for i in range(25))


@dataclass(frozen=True)
class Measured:
    """Macroscopic pKa values of one compound at one temperature, ascending, with sources."""

    compound: str
    values: tuple[float, ...]
    origin: str


def canonical(smiles: str) -> str:
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    mol = Chem.MolFromSmiles(smiles)
    for atom in mol.GetAtoms():
        atom.SetAtomMapNum(0)
    return Chem.MolToSmiles(mol)


def _confidence(row: dict) -> int:
    return CONFIDENCE.get(row["confidence"].split(" ")[0], 0)


def _constant_quality(row: dict) -> int:
    """0: thermodynamic (I -> 0); 1: apparent at low ionic strength; 2: mixed / concentration
    constants at I > 0.02 (a dication's pKa1 there reads about 0.3 high, Davies)."""
    kind = row["constant_type"].lower()
    ionic = row["ionic_strength"].replace(" ", "")
    if kind.startswith("thermodynamic") or "I->0" in ionic:
        return 0
    if "mixed" in kind or "concentration" in kind:
        return 2
    if kind.startswith("apparent"):
        return 1
    return 2


def _value_at(rows: list[dict], temp_c: float, extrapolate: bool = True) -> tuple[float, str]:
    """One pKa at ``temp_c`` from rows of one index: best confidence, then the best kind of
    constant (I -> 0 before dilute apparent before mixed; kinds are never averaged together),
    interpolated in T between measured temperatures and extended outside them by van 't Hoff
    (measured enthalpy where data/pka_enthalpies.csv has one, else DEFAULT_DH_KJ, said so)."""
    best = max((_confidence(r), -_constant_quality(r)) for r in rows)
    rows = [r for r in rows if (_confidence(r), -_constant_quality(r)) == best]
    by_t: dict[float, list[float]] = defaultdict(list)
    for r in rows:
        t = float(r["temp_C"]) if r["temp_C"] else REFERENCE_C
        by_t[t].append(float(r["pka"]))
    source = rows[0]["primary_source"].split(" (")[0]
    if all(not r["temp_C"] for r in rows):
        v = sum(by_t[REFERENCE_C]) / len(rows)
        if abs(temp_c - REFERENCE_C) < 1e-9 or not extrapolate:
            return v, f"{source}, temperature not stated"
        dh, dh_origin, _ = enthalpy(rows[0]["smiles"], int(rows[0]["pka_index"]))
        v += vant_hoff_shift(dh, REFERENCE_C, temp_c)
        return v, (
            f"{source}, temperature not stated (taken as 25 degC), van 't Hoff to "
            f"{temp_c:g} degC with {dh_origin}"
        )
    temps = sorted(by_t)
    mean = {t: sum(v) / len(v) for t, v in by_t.items()}
    below = [t for t in temps if t <= temp_c]
    above = [t for t in temps if t >= temp_c]
    if below and above:
        t0, t1 = below[-1], above[0]
        if t0 == t1:
            return mean[t0], f"{source}, {t0:g} degC"
        v = mean[t0] + (mean[t1] - mean[t0]) * (temp_c - t0) / (t1 - t0)
        return v, f"{source}, interpolated between {t0:g} and {t1:g} degC"
    # outside the measured range: van 't Hoff from the nearest measured temperature
    t = below[-1] if below else above[0]
    if not extrapolate:
        return mean[t], f"{source}, measured at {t:g} degC (nearest to {temp_c:g} degC)"
    dh, dh_origin, _ = enthalpy(rows[0]["smiles"], int(rows[0]["pka_index"]))
    v = mean[t] + vant_hoff_shift(dh, t, temp_c)
    return v, f"{source}, measured at {t:g} degC, van 't Hoff to {temp_c:g} degC with {dh_origin}"


@dataclass
class PkaTable:
    """Measured rows grouped by canonical SMILES; derived increments are cached per table."""

    rows: dict[str, list[dict]]
    _increments: Increments | None = field(default=None, repr=False)

    def measured(
        self, smiles: str, temp_c: float = REFERENCE_C, *, extrapolate: bool = True
    ) -> Measured | None:
        """Macroscopic pKa values at ``temp_c``. ``extrapolate=False``: the nearest measured
        temperature's values outside the measured range (what the estimator is fitted to,
        so no assumed enthalpy enters an estimate)."""
        rows = self.rows.get(canonical(smiles))
        if not rows:
            return None
        by_index: dict[int, list[dict]] = defaultdict(list)
        for r in rows:
            by_index[int(r["pka_index"])].append(r)
        picked = [_value_at(by_index[i], temp_c, extrapolate) for i in sorted(by_index)]
        values = tuple(v for v, _ in picked)
        origin = "; ".join(f"pKa{i + 1} {v:.2f} ({o})" for i, (v, o) in enumerate(picked))
        return Measured(rows[0]["compound"], values, f"measured: {rows[0]['compound']}: {origin}")

    def without(self, smiles: str | None = None, row: dict | None = None) -> PkaTable:
        """The table without every row of ``smiles`` and/or without one ``row``."""
        drop = canonical(smiles) if smiles else None
        out: dict[str, list[dict]] = {}
        for key, rows in self.rows.items():
            if key == drop:
                continue
            kept = [r for r in rows if r is not row]
            if kept:
                out[key] = kept
        return PkaTable(out)

    def all_rows(self) -> list[dict]:
        return [r for rows in self.rows.values() for r in rows]

    def increments(self) -> Increments:
        if self._increments is None:
            self._increments = _fit(self)
        return self._increments


@lru_cache(maxsize=1)
def shipped_table() -> PkaTable:
    table: dict[str, list[dict]] = defaultdict(list)
    for row in csv.DictReader(_text("pka_measured.csv").splitlines()):
        table[canonical(row["smiles"])].append(row)
    return PkaTable(dict(table))


def measured(
    smiles: str, temp_c: float = REFERENCE_C, *, table: PkaTable | None = None
) -> Measured | None:
    """Measured macroscopic pKa values of ``smiles`` near ``temp_c``, or None."""
    return (table or shipped_table()).measured(smiles, temp_c)


def path_lengths(mol, a: int, b: int, max_len: int = 12) -> list[int]:
    """Bond counts of every simple path between atoms a and b (both ring routes count)."""
    out: list[int] = []

    def walk(atom: int, seen: set[int], length: int) -> None:
        if atom == b:
            out.append(length)
            return
        if length >= max_len:
            return
        for nb in mol.GetAtomWithIdx(atom).GetNeighbors():
            j = nb.GetIdx()
            if j not in seen:
                walk(j, seen | {j}, length + 1)

    walk(a, {a}, 0)
    return sorted(out)


# --- structure: what each heteroatom is ------------------------------------------------------


def _mol(smiles: str):
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    mol = Chem.MolFromSmiles(smiles)
    for atom in mol.GetAtoms():
        atom.SetAtomMapNum(0)
    return mol


def _carbonyl(atom) -> bool:
    return any(
        b.GetBondTypeAsDouble() == 2.0 and b.GetOtherAtom(atom).GetSymbol() in ("O", "S")
        for b in atom.GetBonds()
    )


def groups(mol) -> dict[int, str]:
    """Atom index -> group for every N and O that shifts a basic N: 'amine' (basic sp3 N),
    'acyl', 'carbamoyl', 'urea', 'sulfonyl' (N carrying that group) or 'oxygen' (ether or
    hydroxyl O). Aromatic, anilinic, charged and double-bonded N are left out."""
    out: dict[int, str] = {}
    for atom in mol.GetAtoms():
        sym, idx = atom.GetSymbol(), atom.GetIdx()
        if atom.GetIsAromatic() or atom.GetFormalCharge() != 0:
            continue
        if any(b.GetBondTypeAsDouble() != 1.0 for b in atom.GetBonds()):
            continue
        nbs = list(atom.GetNeighbors())
        if sym == "O":
            if not any(n.GetSymbol() == "C" and _carbonyl(n) for n in nbs):
                out[idx] = "oxygen"
            continue
        if sym != "N":
            continue
        kind = "amine"
        for n in nbs:
            if n.GetIsAromatic():
                kind = None
                break
            if n.GetSymbol() == "S" and _carbonyl(n):
                kind = "sulfonyl"
            elif n.GetSymbol() == "C" and _carbonyl(n):
                single_o = any(
                    x.GetSymbol() == "O" and b.GetBondTypeAsDouble() == 1.0
                    for b in n.GetBonds()
                    for x in (b.GetOtherAtom(n),)
                )
                has_n = any(x.GetSymbol() == "N" and x.GetIdx() != idx for x in n.GetNeighbors())
                kind = "urea" if has_n else "carbamoyl" if single_o else "acyl"
        if kind:
            out[idx] = kind
    return out


def _ring_size(mol, idx: int) -> int:
    sizes = [len(r) for r in mol.GetRingInfo().AtomRings() if idx in r]
    if not sizes:
        return 0
    return min(max(min(sizes), 5), 7)


@dataclass(frozen=True)
class SiteFeatures:
    """What the estimate of one basic N depends on."""

    degree: int  # N-H count of the neutral amine: 2 primary, 1 secondary, 0 tertiary
    ring: int  # 0 acyclic, 5, 6 or 7 (7 or larger)
    benzyl: int  # CH2-aryl (or CHR-aryl) groups on N
    methyl: int  # CH3 groups on N
    paths: dict[str, tuple[int, ...]]  # group -> bond counts of every path to it

    @property
    def key(self) -> tuple[int, int]:
        return (self.degree, self.ring)

    @property
    def signature(self) -> tuple:
        """Everything the estimate reads: equal signatures, equal N environments."""
        return (self.key, self.benzyl, self.methyl, tuple(sorted(self.paths.items())))


def site_features(mol, idx: int, kinds: dict[int, str] | None = None) -> SiteFeatures:
    kinds = groups(mol) if kinds is None else kinds
    atom = mol.GetAtomWithIdx(idx)
    benzyl = sum(
        1
        for n in atom.GetNeighbors()
        if not n.GetIsAromatic() and any(x.GetIsAromatic() for x in n.GetNeighbors())
    )
    methyl = sum(1 for n in atom.GetNeighbors() if n.GetSymbol() == "C" and n.GetTotalNumHs() == 3)
    paths: dict[str, list[int]] = defaultdict(list)
    for j, kind in kinds.items():
        if j != idx:
            paths[kind].extend(path_lengths(mol, idx, j))
    return SiteFeatures(
        atom.GetTotalNumHs(),
        _ring_size(mol, idx),
        benzyl,
        methyl,
        {k: tuple(v) for k, v in paths.items() if v},
    )


def _class_name(key: tuple[int, int]) -> str:
    return f"{_DEGREE_NAMES.get(key[0], 'N')} {_RING_NAMES[key[1]]} amine N"


# --- increments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Increments:
    """Class bases and through-bond effects derived from the measured table, with notes."""

    w: dict[int, float]  # per path of d bonds: a proton's effect on another N
    substituent: dict[str, float]  # per 3-bond path: amine / acyl / carbamoyl / ... / oxygen
    own_alkyl: float  # secondary -> tertiary ring N (piperidine-type): change of its own pKa
    notes: dict[str, str]
    bases: dict[tuple[int, int], float] = field(default_factory=dict)
    analogues: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    benzyl: float = 0.0
    methyl: float = 0.0
    assumed: frozenset[str] = frozenset()  # groups whose increment is borrowed, not fitted
    falloff: float = 0.4  # per bond, fitted with the groups
    # measured sites by N environment: a query with the same environment takes their value
    same_environment: dict[tuple, tuple[tuple[str, float], ...]] = field(default_factory=dict)

    def interaction(self, d: int) -> float:
        """w(d); beyond the fitted paths it falls as 1/d, like the Coulomb energy of two
        charges whose distance grows with the chain."""
        if d in self.w:
            return self.w[d]
        if d < min(self.w):
            return self.w[min(self.w)]
        top = max(self.w)
        return self.w[top] * top / d

    def shape(self, d: int) -> float:
        """Inductive fall-off of a group's effect: falloff^(d - 3) per path of d bonds."""
        return self.falloff ** (max(d, 3) - 3)

    def pair_interaction(self, paths) -> float:
        """Proton-proton interaction of two N: through space, so by the shortest path."""
        return self.interaction(min(paths)) if paths else 0.0

    def substituent_shift(self, kind: str, paths) -> float:
        per3 = self.substituent.get(kind, 0.0)
        return sum(per3 * self.shape(d) for d in paths)

    def base(self, key: tuple[int, int]) -> tuple[float, tuple[int, int]]:
        """Base of a class; a class with no measured analogue takes the nearest class."""
        if key in self.bases:
            return self.bases[key], key
        same = [k for k in self.bases if k[0] == key[0]] or list(self.bases)
        near = min(same, key=lambda k: (abs(k[0] - key[0]), _ring_gap(k[1], key[1]), k))
        return self.bases[near], near

    def site_pka(self, f: SiteFeatures) -> tuple[float, tuple[int, int]]:
        twins = self.same_environment.get(f.signature)
        if twins:
            return sum(v for _, v in twins) / len(twins), f.key
        base, used = self.base(f.key)
        v = base + self.benzyl * f.benzyl + self.methyl * f.methyl
        for kind, paths in f.paths.items():
            v += self.substituent_shift(kind, paths)
        return v, used


def _ring_gap(a: int, b: int) -> int:
    return abs(a - b) if a and b else (0 if a == b else 3)


def _symmetric(mol, a: int, b: int) -> bool:
    from rdkit import Chem

    ranks = list(Chem.CanonicalRankAtoms(mol, breakTies=False, includeChirality=False))
    return ranks[a] == ranks[b]


def _observations(table: PkaTable):
    """(compound, smiles, mol, basic atoms, measured) for every N compound of the table."""
    out = []
    for smi, rows in table.rows.items():
        mol = _mol(smi)
        kinds = groups(mol)
        basic = [i for i, k in kinds.items() if k == "amine"]
        if not basic:
            continue
        m = table.measured(smi, extrapolate=False)  # the table's values as measured
        out.append((rows[0]["compound"], smi, mol, kinds, basic, m))
    return out


def _fit_w(obs) -> tuple[dict[int, float], list[str], float]:
    """w(3), w(4), w(5) by least squares over measured symmetric diamines, one value per N
    pair at its shortest path (the interaction is electrostatic, through space: piperazine's
    two 3-bond routes act like ethylenediamine's one); longer paths fold onto w(5) as 5/d."""
    data = []
    for name, _, mol, _, basic, m in obs:
        if len(basic) == 2 and len(m.values) == 2 and _symmetric(mol, *basic):
            d = min(path_lengths(mol, *basic))
            data.append((name, d, m.values[1] - m.values[0] - 2 * LOG2))
    # defaults only for a path length no diamine of the table covers (flagged in the note)
    w = {3: 2.5, 4: 1.2, 5: 0.8}
    if not data:
        return w, [], 0.0
    a = np.array([[d == 3, d == 4, 5.0 / d if d >= 5 else 0.0] for _, d, _ in data], float).reshape(
        -1, 3
    )
    b = np.array([v for *_, v in data], float)
    sol, *_ = np.linalg.lstsq(a, b, rcond=None)
    for col, d in enumerate((3, 4, 5)):
        if a[:, col].any():
            w[d] = float(sol[col])
    resid = a @ np.array([w[3], w[4], w[5]]) - b
    return w, [n for n, *_ in data], float(np.abs(resid).max())


def _fit(table: PkaTable) -> Increments:
    obs = _observations(table)
    w, w_names, w_resid = _fit_w(obs)
    # one observation per measured site with every other basic site neutral
    sites: list[tuple[str, SiteFeatures, float]] = []
    for name, _, mol, kinds, basic, m in obs:
        if len(basic) == 1 and len(m.values) == 1:
            sites.append((name, site_features(mol, basic[0], kinds), m.values[0]))
        elif len(basic) == 2 and len(m.values) == 2 and _symmetric(mol, *basic):
            sites.append((name, site_features(mol, basic[0], kinds), m.values[1] - LOG2))
    keys = sorted({f.key for _, f, _ in sites})
    present = [g for g in GROUPS if any(g in f.paths for _, f, _ in sites)]
    extra = [g for g in ("benzyl", "methyl") if any(getattr(f, g) for _, f, _ in sites)]
    cols = [("base", k) for k in keys] + [("group", g) for g in present]
    cols += [("own", g) for g in extra]
    b = np.array([v for *_, v in sites], float)
    pen_rows = [i for i, (k, _) in enumerate(cols) if k != "base"]
    pen = np.sqrt(_RIDGE) * np.eye(len(cols))[pen_rows]

    def solve(falloff: float):
        proto = Increments(w, {}, 0.0, {}, falloff=falloff)
        a = np.zeros((len(sites), len(cols)))
        for r, (_, f, _) in enumerate(sites):
            for c, (kind, what) in enumerate(cols):
                if kind == "base":
                    a[r, c] = 1.0 if f.key == what else 0.0
                elif kind == "group":
                    a[r, c] = sum(proto.shape(d) for d in f.paths.get(what, ()))
                else:
                    a[r, c] = getattr(f, what)
        sol, *_ = np.linalg.lstsq(
            np.vstack([a, pen]), np.concatenate([b, np.zeros(len(pen_rows))]), rcond=None
        )
        resid = a @ sol - b
        return float(resid @ resid), sol, resid

    # the inductive fall-off per bond: a one-parameter scan around the linear fit
    _, falloff = min((solve(r)[0], r) for r in _FALLOFF_GRID)
    _, sol, resid = solve(falloff)
    if not len(sites):
        resid = np.zeros(1)
    fitted = dict(zip(cols, (float(x) for x in sol), strict=True))
    twins: dict[tuple, list[tuple[str, float]]] = defaultdict(list)
    for name, f, v in sites:
        twins[f.signature].append((name, v))
    bases = {k: fitted[("base", k)] for k in keys}
    analogues = {k: tuple(sorted({n for n, f, _ in sites if f.key == k})) for k in keys}
    subst = {g: fitted[("group", g)] for g in present}
    notes = {
        "w": (
            "proton-proton interaction by shortest N-N path, least squares over measured "
            "symmetric diamines "
            f"({', '.join(w_names)}): w(3) = {w[3]:.2f}, w(4) = {w[4]:.2f}, "
            f"w(5) = {w[5]:.2f} pKa units (largest residual {w_resid:.2f}); "
            "longer paths as w(5) 5/d"
        )
    }
    assumed = set()
    for g in GROUPS:
        if g in subst:
            users = sorted({n for n, f, _ in sites if g in f.paths})
            notes[g] = (
                f"{g} group, per 3-bond path: {subst[g]:+.2f} pKa units on a basic N "
                f"(fitted with the class bases to {len(users)} measured compound(s): "
                f"{', '.join(users)}; x {falloff:g} per further bond, fitted)"
            )
    for g in GROUPS:
        if g in subst:
            continue
        donor = next((d for d in _BORROW.get(g, ()) if d in subst), None)
        subst[g] = subst[donor] if donor else 0.0
        assumed.add(g)
        notes[g] = (
            f"{g}: no measured example in the table; taken equal to {donor} (assumed)"
            if donor
            else f"{g}: no measured example in the table; no effect assumed"
        )
    benzyl = fitted.get(("own", "benzyl"), 0.0)
    methyl = fitted.get(("own", "methyl"), 0.0)
    for g in ("benzyl", "methyl"):
        if ("own", g) not in fitted:
            assumed.add(g)
    notes["own"] = (
        f"on the N itself: {benzyl:+.2f} per benzyl, {methyl:+.2f} per N-methyl (vs a longer "
        "alkyl); class bases (site pKa with neighbour effects removed): "
        + "; ".join(f"{_class_name(k)} {bases[k]:.2f} ({', '.join(analogues[k])})" for k in keys)
        + f"; largest residual of the fit {np.abs(resid).max():.2f}"
    )
    own = bases.get((0, 6), np.nan) - bases.get((1, 6), np.nan)
    if not math.isfinite(own):
        own = 0.0
    notes["own_alkyl"] = (
        "alkylating a N moves it to the next class (primary -> secondary -> tertiary) and adds "
        f"its own benzyl / N-methyl term; ring secondary -> tertiary: {own:+.2f}. " + notes["own"]
    )
    # the amine group is how a neutral N acts on another; 'alkyl' puts nothing between the N
    subst["alkyl"] = 0.0
    notes["alkyl"] = (
        "alkyl on one N: no effect on the other N beyond that N staying a neutral amine "
        "(assumed); the alkylated N itself is estimated in its new class"
    )
    return Increments(
        w,
        subst,
        float(own),
        notes,
        bases,
        analogues,
        float(benzyl),
        float(methyl),
        frozenset(assumed),
        falloff,
        {sig: tuple(v) for sig, v in twins.items()},
    )


def increments(table: PkaTable | None = None) -> Increments:
    """Class bases, w(d) and group increments fitted to the (shipped) measured table."""
    return (table or shipped_table()).increments()


# --- basicity of species ---------------------------------------------------------------------


@dataclass(frozen=True)
class Basicity:
    """Basic sites of one species: site pKa (others neutral), pair interactions, provenance."""

    sites: tuple[int, ...]  # indices into the substrate's reactive sites
    pka: tuple[float, ...]
    w: tuple[tuple[float, ...], ...]
    origin: str
    estimated: bool

    def microstates(self) -> list[tuple[tuple[int, ...], float]]:
        """(protonated sites, ln formation constant) for every subset, the free base first."""
        out = []
        n = len(self.sites)
        for size in range(n + 1):
            for subset in combinations(range(n), size):
                log10k = sum(self.pka[i] for i in subset) - sum(
                    self.w[i][j] for i, j in combinations(subset, 2)
                )
                out.append((tuple(self.sites[i] for i in subset), log10k * math.log(10.0)))
        return out

    def site_pka(self, site: int, protonated) -> float:
        """pKa of ``site`` while the sites in ``protonated`` carry a proton."""
        i = self.sites.index(site)
        return self.pka[i] - sum(self.w[i][self.sites.index(c)] for c in protonated)

    def macroscopic(self) -> tuple[float, ...]:
        """Stepwise macroscopic pKa values implied by the microstates, ascending."""
        beta = defaultdict(float)
        for subset, lnk in self.microstates():
            beta[len(subset)] += math.exp(lnk)
        n = len(self.sites)
        return tuple(math.log10(beta[j] / beta[j - 1]) for j in range(n, 0, -1))


@dataclass(frozen=True)
class _Estimate:
    pka: tuple[float, ...]
    w: tuple[tuple[float, ...], ...]
    origin: str
    assumed: bool  # some increment had no measured example, or a class had no analogue


def _estimate_atoms(mol, atoms: tuple[int, ...], inc: Increments) -> _Estimate:
    kinds = groups(mol)
    pka, used_keys, assumed = [], [], False
    lines = []
    for a in atoms:
        f = site_features(mol, a, kinds)
        v, used = inc.site_pka(f)
        twins = inc.same_environment.get(f.signature)
        pka.append(v)
        used_keys.append(used)
        if used[0] != f.key[0] or any(g in inc.assumed for g in f.paths):
            assumed = True
        if (f.benzyl and "benzyl" in inc.assumed) or (f.methyl and "methyl" in inc.assumed):
            assumed = True
        ana = ", ".join(inc.analogues.get(used, ()))
        near = "" if used == f.key else f" (no {_class_name(f.key)} measured: nearest class)"
        groups_text = ", ".join(
            f"{g} x{len(p)} paths ({inc.substituent_shift(g, p):+.2f})"
            for g, p in sorted(f.paths.items())
        )
        if twins:
            lines.append(
                f"{v:.2f} as measured for {', '.join(n for n, _ in twins)} (same N environment)"
            )
            continue
        lines.append(
            f"{v:.2f} = {_class_name(used)} base {inc.bases[used]:.2f} [{ana}]{near}"
            + (f" + {f.benzyl} benzyl" if f.benzyl else "")
            + (f" + {f.methyl} N-methyl" if f.methyl else "")
            + (f" + {groups_text}" if groups_text else "")
        )
    n = len(atoms)
    w = tuple(
        tuple(
            0.0 if i == j else inc.pair_interaction(path_lengths(mol, atoms[i], atoms[j]))
            for j in range(n)
        )
        for i in range(n)
    )
    origin = (
        "estimated from the nearest measured analogues (their own neighbour effects removed) "
        "plus increments fitted to the measured table, 25 degC: "
        + "; ".join(lines)
        + "; site-site interactions from per-path increments ("
        + inc.notes["w"]
        + ")"
    )
    return _Estimate(tuple(pka), w, origin, assumed)


def _with_measured(
    mol, atoms: tuple[int, ...], m: Measured | None, est: _Estimate
) -> tuple[tuple[float, ...], tuple[tuple[float, ...], ...], str] | None:
    """Site pKa and w that reproduce the measured macroscopic constants exactly, when the
    measured set covers every basic N of the molecule (one or two sites). Two unequal sites
    take their difference from the estimate: 10^pKa2 = 10^pa + 10^pb, pKa1 + pKa2 = pa + pb - w.
    """
    if m is None:
        return None
    basic = [i for i, k in groups(mol).items() if k == "amine"]
    if sorted(basic) != sorted(atoms) or len(m.values) != len(atoms) or len(atoms) > 2:
        return None
    if len(atoms) == 1:
        return m.values, ((0.0,),), m.origin
    lo, hi = m.values
    if _symmetric(mol, *atoms):
        p = hi - LOG2
        w = hi - lo - 2 * LOG2
        return (p, p), ((0.0, w), (w, 0.0)), f"{m.origin} (site pKa with Bell's factors)"
    delta = est.pka[0] - est.pka[1]
    pb = hi - math.log10(1.0 + 10.0**delta)
    pa = pb + delta
    w = pa + pb - lo - hi
    origin = (
        f"{m.origin} (two unequal sites: their difference {delta:+.2f} from the estimate, "
        "level and interaction fitted to the measured constants)"
    )
    return (pa, pb), ((0.0, w), (w, 0.0)), origin


def estimate(smiles: str, *, table: PkaTable | None = None) -> Basicity:
    """Estimated site pKa of every basic N of ``smiles`` (never reads its own measured row)."""
    mol = _mol(smiles)
    atoms = tuple(sorted(i for i, k in groups(mol).items() if k == "amine"))
    est = _estimate_atoms(mol, atoms, increments(table))
    return Basicity(tuple(range(len(atoms))), est.pka, est.w, est.origin, True)


def estimate_is_assumption_free(smiles: str, *, table: PkaTable | None = None) -> bool:
    """True when every term of the estimate has a measured example in ``table``."""
    mol = _mol(smiles)
    atoms = tuple(sorted(i for i, k in groups(mol).items() if k == "amine"))
    return bool(atoms) and not _estimate_atoms(mol, atoms, increments(table)).assumed


def substrate_basicity(substrate, temp_c: float, *, table: PkaTable | None = None) -> Basicity:
    """Site pKa and interactions of the substrate as given (substituents and all): measured when
    the table has it (symmetric or not), else estimated."""
    mol = _mol(substrate.mapped_smiles)
    atoms = tuple(substrate.sites.atoms)
    n = len(atoms)
    est = _estimate_atoms(mol, atoms, increments(table))
    m = measured(substrate.smiles, temp_c, table=table)
    exact = _with_measured(mol, atoms, m, est)
    if exact is not None:
        pka, w, origin = exact
        return Basicity(tuple(range(n)), tuple(pka), w, origin, False)
    return _estimate_at(Basicity(tuple(range(n)), est.pka, est.w, est.origin, True), temp_c)


def _estimate_at(b: Basicity, temp_c: float) -> Basicity:
    """An estimate (a 25 degC value, like the table it is fitted to) moved to ``temp_c`` by
    van 't Hoff with the assumed default enthalpy."""
    if abs(temp_c - REFERENCE_C) < 1e-9:
        return b
    shift = vant_hoff_shift(DEFAULT_DH_KJ, REFERENCE_C, temp_c)
    origin = (
        f"{b.origin}; moved from 25 to {temp_c:g} degC by van 't Hoff with dH "
        f"{DEFAULT_DH_KJ:g} kJ/mol (assumed)"
    )
    return Basicity(b.sites, tuple(v + shift for v in b.pka), b.w, origin, b.estimated)


def _species_atoms(substrate, pattern: tuple[int, ...], species_mol) -> tuple[int, ...] | None:
    """Species atom of every substrate site: a substructure match in which every site carries
    exactly as many new neighbours as ``pattern`` puts groups on it."""
    sub = _mol(substrate.mapped_smiles)
    atoms = substrate.sites.atoms
    for match in species_mol.GetSubstructMatches(
        sub, uniquify=False, useChirality=False, maxMatches=2000
    ):
        ok = all(
            species_mol.GetAtomWithIdx(match[a]).GetDegree() - sub.GetAtomWithIdx(a).GetDegree()
            == s
            for a, s in zip(atoms, pattern, strict=True)
        )
        if ok:
            return tuple(match[a] for a in atoms)
    return None


def species_basicity(
    substrate,
    pattern: tuple[int, ...],
    kind: str,
    smiles: str,
    parent: Basicity,
    temp_c: float,
    *,
    table: PkaTable | None = None,
) -> Basicity:
    """Basic sites of a substituted species: measured if tabulated, else estimated from the
    species' own structure (its substituents, the changed class of an alkylated N).

    A quaternised N (alkylation beyond its N-H) is no base; its fixed charge lowers the
    other sites' pKa as a proton there would (the site-site interaction w by path length).
    """
    if not any(pattern):
        return parent
    basic = tuple(i for i, s in enumerate(pattern) if not s or kind == "alkyl")
    inc = increments(table)
    mol = _mol(smiles) if smiles else None
    where = _species_atoms(substrate, pattern, mol) if mol is not None else None
    quats: tuple[int, ...] = ()
    if where is not None:
        quats = tuple(i for i in basic if mol.GetAtomWithIdx(where[i]).GetFormalCharge() > 0)
        basic = tuple(i for i in basic if i not in quats)
    if not basic:
        return Basicity((), (), (), "every N is substituted", True)
    if where is not None:
        atoms = tuple(where[i] for i in basic)
        est = _estimate_atoms(mol, atoms, inc)
        exact = _with_measured(mol, atoms, measured(smiles, temp_c, table=table), est)
        if exact is not None and not quats:
            pka, w, origin = exact
            return Basicity(basic, tuple(pka), w, origin, False)
        b = _estimate_at(Basicity(basic, est.pka, est.w, est.origin, True), temp_c)
        # the substrate's own site-site w (measured where the table has the diamine) for a
        # charge that sits on one of its sites, else the per-path increment
        known = {
            (i, q): parent.w[parent.sites.index(i)][parent.sites.index(q)]
            for i in basic
            for q in quats
            if i in parent.sites and q in parent.sites
        }
        pairs = [[known.get((i, q)) for q in quats] for i in basic]
        return _with_fixed_charges(b, mol, atoms, tuple(where[q] for q in quats), inc, pairs)
    # no structure to read: the parent's sites shifted by the substituent increments
    from rdkit import Chem

    pmol = Chem.MolFromSmiles(substrate.mapped_smiles)
    atoms = substrate.sites.atoms
    group = {"acyl": "acyl", "carbamoyl": "carbamoyl", "sulfonyl": "sulfonyl"}.get(kind)
    pka = []
    for i in basic:
        shift = 0.0
        for j, s in enumerate(pattern):
            if s and j != i:
                paths = path_lengths(pmol, atoms[i], atoms[j])
                if group:
                    shift += inc.substituent_shift(group, paths) - inc.substituent_shift(
                        "amine", paths
                    )
        if pattern[i]:
            shift += inc.own_alkyl
        pka.append(parent.pka[parent.sites.index(i)] + shift)
    w = tuple(
        tuple(
            0.0 if a == b else parent.w[parent.sites.index(a)][parent.sites.index(b)] for b in basic
        )
        for a in basic
    )
    origin = (
        f"estimated from the substrate's site pKa with the {kind} increment ({inc.notes[kind]})"
    )
    return Basicity(basic, tuple(pka), w, origin, True)


def _with_fixed_charges(b: Basicity, mol, atoms, charged, inc: Increments, pairs=None) -> Basicity:
    """``b`` with every site lowered by each quaternary N+ in ``charged`` (atoms of ``mol``)
    as a protonated amine N there would lower it: the through-bond pull of an amine N (which
    the estimate, reading only neutral N, left out) plus the site-site interaction w
    (``pairs[i][j]`` where known, else the per-path increment), so a quaternised piperazine
    N leaves the other N near piperazine's second pKa."""
    if not charged:
        return b
    shifts = []
    for i, a in enumerate(atoms):
        x = 0.0
        for j, q in enumerate(charged):
            paths = path_lengths(mol, a, q)
            w = pairs[i][j] if pairs is not None and pairs[i][j] is not None else None
            x += (inc.pair_interaction(paths) if w is None else w) - inc.substituent_shift(
                "amine", paths
            )
        shifts.append(x)
    origin = (
        f"{b.origin}; lowered by {', '.join(f'{x:.2f}' for x in shifts)} for the quaternary "
        "N+ (taken as a protonated amine N there: its through-bond pull and the site-site w)"
    )
    return Basicity(
        b.sites, tuple(p - x for p, x in zip(b.pka, shifts, strict=True)), b.w, origin, True
    )
