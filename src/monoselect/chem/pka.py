"""pKa of every basic site of every species: measured where the shipped table has it, else
estimated from increments derived from the table's own measured pairs.

Model (microscopic, per site): each basic N has a pKa with every other basic site neutral, and
each pair of sites an interaction w (how much a proton on one lowers the other's pKa). For a
symmetric diamine with measured macroscopic values pKa1 < pKa2 this gives, exactly,
site pKa = pKa2 - log10 2 and w = pKa2 - pKa1 - 2 log10 2 (Bell's statistical factors), so the
speciation reproduces the measured constants and the free N of the monocation has
pKa1 + log10 2. Effects travel through bonds: per path of d bonds between two N, a proton
lowers the other N by w(d), and an acyl, carbamoyl or sulfonyl group by a(d) = a(3) w(d)/w(3).
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np

from monoselect.data import text as _text

LOG2 = math.log10(2.0)
CONFIDENCE = {"high": 4, "medium": 3, "medium-low": 2, "low": 1}
REFERENCE_C = 25.0

# measured diamines used for the through-bond interaction w(d); all symmetric
_DIAMINES = ("NCCN", "NCCCN", "NCCCCN", "C1CNCCN1", "C1CNCCNC1")
# (parent, derivative, substituent): one N of the parent acylated / carbamoylated
_SUBSTITUTED = (
    ("C1CNCCN1", "CC(=O)N1CCNCC1", "acyl"),
    ("C1CNCCN1", "O=C(c1ccccc1)N1CCNCC1", "acyl"),
    ("NCCN", "CC(=O)NCCN", "acyl"),
    ("NCCN", "NCCNC(=O)c1ccccc1", "acyl"),
    ("C1CNCCN1", "CCOC(=O)N1CCNCC1", "carbamoyl"),
)
# (secondary amine, its N-methyl derivative): what alkylating a N does to its own pKa
_OWN_ALKYL = (
    ("O=C(c1ccccc1)N1CCNCC1", "CN1CCN(C(=O)c2ccccc2)CC1"),
    ("CCOC(=O)N1CCNCC1", "CCOC(=O)N1CCN(C)CC1"),
)


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


@lru_cache(maxsize=1)
def _rows() -> dict[str, list[dict]]:
    table: dict[str, list[dict]] = defaultdict(list)
    for row in csv.DictReader(_text("pka_measured.csv").splitlines()):
        table[canonical(row["smiles"])].append(row)
    return dict(table)


def _value_at(rows: list[dict], temp_c: float) -> tuple[float, str]:
    """One pKa at ``temp_c`` from rows of one index: best confidence, interpolated in T."""
    best = max(CONFIDENCE.get(r["confidence"].split(" ")[0], 0) for r in rows)
    rows = [r for r in rows if CONFIDENCE.get(r["confidence"].split(" ")[0], 0) == best]
    by_t: dict[float, list[float]] = defaultdict(list)
    for r in rows:
        t = float(r["temp_C"]) if r["temp_C"] else REFERENCE_C
        by_t[t].append(float(r["pka"]))
    if all(not r["temp_C"] for r in rows):
        source = rows[0]["primary_source"].split(" (")[0]
        return sum(by_t[REFERENCE_C]) / len(rows), f"{source}, temperature not stated"
    temps = sorted(by_t)
    mean = {t: sum(v) / len(v) for t, v in by_t.items()}
    source = rows[0]["primary_source"].split(" (")[0]
    below = [t for t in temps if t <= temp_c]
    above = [t for t in temps if t >= temp_c]
    if below and above:
        t0, t1 = below[-1], above[0]
        if t0 == t1:
            return mean[t0], f"{source}, {t0:g} degC"
        v = mean[t0] + (mean[t1] - mean[t0]) * (temp_c - t0) / (t1 - t0)
        return v, f"{source}, interpolated between {t0:g} and {t1:g} degC"
    t = below[-1] if below else above[0]
    return mean[t], f"{source}, measured at {t:g} degC (nearest to {temp_c:g} degC)"


def measured(smiles: str, temp_c: float = REFERENCE_C) -> Measured | None:
    """Measured macroscopic pKa values of ``smiles`` near ``temp_c``, or None."""
    rows = _rows().get(canonical(smiles))
    if not rows:
        return None
    by_index: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        by_index[int(r["pka_index"])].append(r)
    picked = [_value_at(by_index[i], temp_c) for i in sorted(by_index)]
    values = tuple(v for v, _ in picked)
    origin = "; ".join(f"pKa{i + 1} {v:.2f} ({o})" for i, (v, o) in enumerate(picked))
    return Measured(rows[0]["compound"], values, f"measured: {rows[0]['compound']}: {origin}")


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


def _two_n(smiles: str):
    from rdkit import Chem

    mol = Chem.MolFromSmiles(smiles)
    ns = [a.GetIdx() for a in mol.GetAtoms() if a.GetSymbol() == "N"]
    return mol, ns


@dataclass(frozen=True)
class Increments:
    """Through-bond effects derived from measured pairs, with how each was derived."""

    w: dict[int, float]  # per path of d bonds: a proton's effect on another N
    substituent: dict[str, float]  # per 3-bond path: acyl / carbamoyl / sulfonyl / alkyl
    own_alkyl: float  # alkylating a secondary N: change of its own pKa
    notes: dict[str, str]

    def interaction(self, d: int) -> float:
        if d in self.w:
            return self.w[d]
        top = max(self.w)
        ratio = self.w[top] / self.w[top - 1]
        return self.w[top] * ratio ** (d - top) if d > top else self.w[min(self.w)]

    def substituent_shift(self, kind: str, paths: list[int]) -> float:
        per3 = self.substituent[kind]
        return sum(per3 * self.interaction(d) / self.interaction(3) for d in paths)


@lru_cache(maxsize=1)
def increments() -> Increments:
    """Fit w(3), w(4), w(5) to the measured diamines; substituent effects from the pairs."""
    rows, rhs, names = [], [], []
    for smi in _DIAMINES:
        m = measured(smi)
        mol, (a, b) = _two_n(smi)
        counts = [path_lengths(mol, a, b).count(d) for d in (3, 4, 5)]
        rows.append(counts)
        rhs.append(m.values[1] - m.values[0] - 2 * LOG2)
        names.append(m.compound)
    w, *_ = np.linalg.lstsq(np.array(rows, float), np.array(rhs), rcond=None)
    resid = np.array(rows, float) @ w - np.array(rhs)
    w_d = {3: float(w[0]), 4: float(w[1]), 5: float(w[2])}
    notes = {
        "w": (
            "per-path proton-proton interaction, least squares over measured diamines at 25 degC "
            f"({', '.join(names)}): w(3) = {w_d[3]:.2f}, w(4) = {w_d[4]:.2f}, "
            f"w(5) = {w_d[5]:.2f} pKa units (largest residual {np.abs(resid).max():.2f}); "
            "longer paths extrapolated geometrically"
        )
    }
    proto = Increments(w_d, {}, 0.0, {})
    by_kind: dict[str, list[float]] = defaultdict(list)
    for parent, child, kind in _SUBSTITUTED:
        mp, mc = measured(parent), measured(child)
        mol, (a, b) = _two_n(parent)
        weight = sum(proto.interaction(d) / proto.interaction(3) for d in path_lengths(mol, a, b))
        by_kind[kind].append((mc.values[0] - (mp.values[1] - LOG2)) / weight)
    subst = {k: float(np.mean(v)) for k, v in by_kind.items()}
    for kind, vals in by_kind.items():
        notes[kind] = (
            f"{kind} on one N, per 3-bond path: {subst[kind]:+.2f} pKa units on the other N "
            f"(mean of {len(vals)} measured pair(s): {', '.join(f'{v:+.2f}' for v in vals)})"
        )
    subst["sulfonyl"] = subst["acyl"]
    notes["sulfonyl"] = "sulfonyl taken equal to acyl (assumed: no measured pair in the table)"
    subst["alkyl"] = 0.0
    notes["alkyl"] = "alkyl on one N: no effect on the other N (assumed: no measured pair)"
    own = [measured(c).values[0] - measured(p).values[0] for p, c in _OWN_ALKYL]
    notes["own_alkyl"] = (
        f"alkylating a secondary N changes its own pKa by {np.mean(own):+.2f} "
        f"(mean of N-methyl pairs: {', '.join(f'{v:+.2f}' for v in own)})"
    )
    return Increments(w_d, subst, float(np.mean(own)), notes)


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


def substrate_basicity(substrate, temp_c: float) -> Basicity:
    """Site pKa and interactions of the unsubstituted substrate."""
    from rdkit import Chem

    sites = substrate.sites
    n = len(sites.atoms)
    mol = Chem.MolFromSmiles(substrate.mapped_smiles)
    inc = increments()
    paths = {
        (i, j): path_lengths(mol, sites.atoms[i], sites.atoms[j])
        for i in range(n)
        for j in range(n)
        if i != j
    }
    m = measured(substrate.smiles, temp_c)
    if m and n == 2 and len(m.values) == 2 and len(set(sites.classes)) == 1:
        p = m.values[1] - LOG2
        w = m.values[1] - m.values[0] - 2 * LOG2
        return Basicity(
            (0, 1),
            (p, p),
            ((0.0, w), (w, 0.0)),
            f"{m.origin} (site pKa with Bell's factors)",
            False,
        )
    # no measured set: each site as the analogous N of a measured diamine, interactions by paths
    pka = []
    analogs = set()
    for a in sites.atoms:
        primary = mol.GetAtomWithIdx(a).GetTotalNumHs() == 2
        ref = measured("NCCN" if primary else "C1CNCCN1", temp_c)
        analogs.add(ref.compound)
        # remove the reference's own neighbour effect: its site pKa includes one neutral N
        pka.append(ref.values[1] - LOG2)
    w = tuple(
        tuple(0.0 if i == j else sum(inc.interaction(d) for d in paths[(i, j)]) for j in range(n))
        for i in range(n)
    )
    origin = (
        f"estimated: each site as the N of {' / '.join(sorted(analogs))} (measured), "
        "site-site interactions from per-path increments (" + inc.notes["w"] + ")"
    )
    return Basicity(tuple(range(n)), tuple(pka), w, origin, True)


def species_basicity(
    substrate, pattern: tuple[int, ...], kind: str, smiles: str, parent: Basicity, temp_c: float
) -> Basicity:
    """Basic sites of a substituted species: measured if tabulated, else parent + increments."""
    from rdkit import Chem

    if not any(pattern):
        return parent
    basic = tuple(i for i, s in enumerate(pattern) if not s or kind == "alkyl")
    m = measured(smiles, temp_c) if smiles else None
    if m and len(basic) == 1 and len(m.values) == 1:
        return Basicity(basic, m.values, ((0.0,),), m.origin, False)
    inc = increments()
    mol = Chem.MolFromSmiles(substrate.mapped_smiles)
    atoms = substrate.sites.atoms
    pka = []
    for i in basic:
        shift = 0.0
        for j, s in enumerate(pattern):
            if s and j != i:
                shift += inc.substituent_shift(kind, path_lengths(mol, atoms[i], atoms[j]))
        if pattern[i]:  # an alkylated N stays basic, one step more substituted
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
        + (f"; {inc.notes['own_alkyl']}" if kind == "alkyl" else "")
    )
    return Basicity(basic, tuple(pka), w, origin, True)
