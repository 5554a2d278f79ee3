"""Linker family: a diamine with a bifunctional electrophile X-L-X (step growth).

``simulate(scenario)`` runs the step-growth network (kinetics/step_growth.py) for the
scenario's diamine and linker and reports what a chemist calls the "dimer" in all its
forms: the mono-adduct A-L-X, the bridged dimer A-L-A, the bis-adduct X-L-A-L-X, cyclised
species, and oligomer/polymer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from monoselect.chem import linkers as lk
from monoselect.chem.alkylation import ALKYLATING_CLASSES
from monoselect.chem.pka import substrate_basicity
from monoselect.chem.reactivity import site_rate_constant
from monoselect.errors import InvalidInput
from monoselect.kinetics.step_growth import (
    N_END,
    SPIRO,
    Chain,
    Linker,
    LinkerProblem,
    build_step_growth,
    integrate_linker,
    is_closed,
    monoamine_with_linker,
)
from monoselect.models import reagents
from monoselect.models.charges import feed_plan
from monoselect.results import Provenance, Result, Split
from monoselect.scenario import LinkerSpec, Scenario

# split key -> what a chemist reads
CATEGORIES = {
    "SM": "SM",
    "mono": "mono-adduct A-L-X",
    "bridged": "bridged A-L-A",
    "bis": "bis-adduct X-L-A-L-X",
    "cyclised": "cyclised",
    "oligomer": "oligomer",
}
# one diamine carrying a linker closed on its own N (SCIENCE.md section 11): a quaternary
# spiro salt on a ring N, a neutral N-pyrrolidinyl / piperidinyl on a primary N
OWN_RING = {
    "spiro": "spiro salt A-L(+)",
    "N_ring": "N-ring A-L(ring)",
}


def category(c: Chain) -> str:
    """The split key of a chain (``linker`` for the free linker, which has no diamine).

    A single diamine with any linker end closed on its own N is ``spiro`` (ring N: the
    quaternary salt) or ``N_ring`` (primary N), whatever its other end: A-L(+), Br-L-A-L(+)
    and (+)L-A-L(+) are all that salt; ``mono`` and ``bis`` keep only the open adducts.
    """
    if c.n_a == 0:
        return "linker"
    if c.cyclic:
        return "cyclised"
    if c.n_a == 1 and any(is_closed(e) for e in c.ends):
        return "spiro" if any(e[:1] == SPIRO for e in c.ends) else "N_ring"
    if c.n_a == 1 and c.n_l == 0:
        return "SM"
    if c.n_a == 1 and c.n_l == 1:
        return "mono"
    if c.n_a == 2 and c.n_l == 1:
        return "bridged"
    if c.n_a == 1 and c.n_l == 2:
        return "bis"
    return "oligomer"


@dataclass(frozen=True)
class LinkerSpecies:
    name: str
    category: str
    n_a: int
    n_l: int
    formula: str
    mw: float
    mz_h: float  # singly charged ion: [M+H]+, or [M]+ of a quaternary (spiro) cation
    ring_atoms: int | None
    charge: int = 0
    ion: str = "[M+H]+"


@dataclass(frozen=True)
class LinkerResult(Result):
    kind: ClassVar[str] = "linker"
    scenario: Scenario
    species: tuple[LinkerSpecies, ...]
    time: np.ndarray
    amounts: np.ndarray  # [time, species] mol
    pool_a: np.ndarray  # mol of A units in the lumped oligomer pool
    pool_l: np.ndarray
    volume: np.ndarray
    diamine_charged: float
    linker_charged: float
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]
    unit_residual: float  # largest relative imbalance of A and L units over the run
    provenance: tuple[Provenance, ...] = ()
    # split key -> what a chemist reads: CATEGORIES, plus the own-N ring of alkylating linkers
    category_names: dict[str, str] = field(default_factory=lambda: dict(CATEGORIES))

    def split(self) -> Split:
        cats = self.by_category()
        a_l_x = cats["mono"] * self.diamine_charged  # mol: one A per A-L-X
        return Split(
            cats,
            cats["mono"],
            a_l_x / self.linker_charged if self.linker_charged else 0.0,
        )

    def by_category(self, i: int = -1) -> dict[str, float]:
        """Fraction of the diamine units in each category (split keys) at record ``i``."""
        out = dict.fromkeys(self.category_names, 0.0)
        for s, sp in enumerate(self.species):
            if sp.n_a:
                out[sp.category] += self.amounts[i, s] * sp.n_a
        out["oligomer"] += self.pool_a[i]
        total = sum(out.values())
        return {k: float(v / total) if total else 0.0 for k, v in out.items()}

    @property
    def oligomer_mass_fraction(self) -> float:
        """Mass of chains over 3 units and rings of 2+ repeats, of the mass of all products
        and starting materials (salts excluded)."""
        masses = np.array([s.mw for s in self.species])
        amounts = self.amounts[-1]
        unit_mass = (
            self.species[0].mw,
            next(s.mw for s in self.species if s.n_a == 0 and s.n_l == 1),
        )
        pool_mass = self.pool_a[-1] * unit_mass[0] + self.pool_l[-1] * unit_mass[1]
        big = np.array([s.category == "oligomer" for s in self.species])
        total = float(amounts @ masses) + pool_mass
        return float(amounts[big] @ masses[big] + pool_mass) / total if total else 0.0

    @property
    def linker_left(self) -> float:
        i = next(k for k, s in enumerate(self.species) if s.n_a == 0)
        return float(self.amounts[-1, i]) / self.linker_charged if self.linker_charged else 0.0

    def details(self) -> dict:
        return {
            "category_names": dict(self.category_names),
            "oligomer_mass_fraction": self.oligomer_mass_fraction,
            "linker_left": self.linker_left,
            "unit_balance": self.unit_residual,
            "species": [
                {
                    "name": s.name,
                    "category": s.category,
                    "A_units": s.n_a,
                    "L_units": s.n_l,
                    "formula": s.formula,
                    "mw": round(s.mw, 3),
                    "mz_M_plus_H": round(s.mz_h, 4),  # [M]+ for a cation: see "ion"
                    "ion": s.ion,
                    "charge": s.charge,
                    "ring_atoms": s.ring_atoms,
                    "fraction_of_diamine_units": float(
                        self.amounts[-1, i] * s.n_a / self.diamine_charged
                    ),
                }
                for i, s in enumerate(self.species)
            ],
            "time_course": {
                "time_s": self.time.tolist(),
                "fractions": {
                    k: [self.by_category(i)[k] for i in range(len(self.time))]
                    for k in self.category_names
                },
            },
        }


def end_rates(scenario: Scenario, sub, el, info) -> tuple[dict[str, float], list[str]]:
    """Rate constant per linker end: the class's Bronsted rate at the diamine's free N times
    that end's per-reagent factor (leaving group x carbon, data/alkylation.yaml: the same
    table as one-ended alkylating agents)."""
    temp_c = scenario.temperature_c()
    parent = substrate_basicity(sub, temp_c)
    k_site = site_rate_constant(el, parent.pka[0], temp_c, k_ref=el.k_class or None)
    user_k = scenario.rate_constant()
    notes = []
    if user_k is not None:
        k_site = user_k
        notes.append(f"k per N-H + linker end = {user_k:g} L/mol/s (user-given)")
    else:
        notes.append(
            f"k per N-H + linker end = {k_site:.3g} L/mol/s ({el.class_label}: {el.k_status}; "
            f"Bronsted at the diamine's site pKa {parent.pka[0]:.2f})"
        )
    factors = dict(el.end_factors)
    k = {}
    for e in set(info.ends):
        k[e] = k_site * float(factors.get(e, 1.0))
    if len(set(info.ends)) > 1 or any(e in factors for e in info.ends):
        notes.append(
            "end factors, leaving group x carbon (data/alkylation.yaml, approximate): "
            + ", ".join(f"{e} x{factors.get(e, 1.0):g}" for e in sorted(set(info.ends)))
        )
    notes.append(
        "every N-H reacts alike whatever is already on the other N (no pKa shift through the "
        "chain); an alkylated N is not alkylated again by another molecule (no branching)"
    )
    return k, notes


def own_n_rates(
    scenario: Scenario, sub, el, info, k_ends: dict[str, float]
) -> tuple[dict[str, float], list[str]]:
    """First-order rate (1/s) of each linker end closing on its own N: EM x k_inter.

    k_inter is what that N (tertiary on a ring N, secondary on a primary one) would do with
    the same end between two molecules: the end's rate with a fresh N-H, moved to that N's
    own pKa (Bronsted, beta_nuc of the class) and times its N-class factor
    (data/alkylation.yaml over_alkylation, as in the site model, with the scenario's
    multiplier). EM by ring size (1 + linker carbons) from data/ring_closure.yaml or --em.
    Only alkylating ends close (an amide or imine N does not).
    """
    if el.class_name not in ALKYLATING_CLASSES:
        return {}, []
    multiplier = 1.0 if scenario.over_alkylation is None else scenario.over_alkylation
    over = reagents.over_alkylation(sub, el, multiplier)
    if over is None:
        return {}, ["no linker end closes on its own N (over_alkylation 0)"]
    spec = scenario.linker or LinkerSpec()
    ring = info.own_ring_atoms
    em = lk.effective_molarity(ring, spec.em)
    shift, origin = lk.own_n_pka_shift(sub, el)
    step = over.factors[0][1]
    bronsted = 10.0 ** (el.beta_nuc * shift)
    own = {x: k_ends[x] * bronsted * step * em for x in set(info.ends)}
    what = (
        "a quaternary spiro salt (the N carrying the linker is tertiary)"
        if info.spiro
        else "a neutral N-ring (HX released)"
    )
    source = (
        f"user value {em:g} mol/L"
        if spec.em and ring in spec.em
        else f"{em:g} mol/L from data/ring_closure.yaml ("
        + (
            "5:6 ratio from omega-bromoalkylamine ring closure, level assumed"
            if ring in (5, 6)
            else "assumed"
        )
        + ")"
    )
    rates = ", ".join(
        f"{x} end {v:.3g} 1/s (half-life {math.log(2) / v / 3600:.3g} h)" if v > 0 else f"{x} 0"
        for x, v in sorted(own.items())
    )
    notes = [
        f"a linker end on an N closes on that N ({ring}-membered ring) to {what} at EM x "
        f"k_inter: EM({ring}) {source}; k_inter = end rate x {bronsted:.3g} (pKa shift "
        f"{shift:+.2f}: {origin}) x {step:.3g} (N-class factor, assumed): {rates}"
    ]
    return {x: v for x, v in own.items() if v > 0}, notes


def simulate(scenario: Scenario) -> LinkerResult:
    """Step growth of the scenario's diamine with its bifunctional electrophile."""
    sub = reagents.substrate(scenario.substrate)
    el = reagents.electrophile(scenario.electrophile)
    if el.reactive_groups != 2:
        raise InvalidInput(
            f"{el.name} has {el.reactive_groups} reactive group(s); a linker needs two",
            field="electrophile",
            fix="leave out the linker options for a one-ended electrophile",
        )
    for name in ("kappa", "rho", "stop_conversion"):
        if getattr(scenario, name) is not None:
            raise InvalidInput(
                f"{name} does not apply to a linker (step growth: every N-H and every linker "
                "end reacts at its own rate)",
                field=name,
                fix="leave it out, or give the rate with k",
            )
    spec = scenario.linker or LinkerSpec()
    info = lk.linker_info(sub, el)
    k, notes = end_rates(scenario, sub, el, info)
    own, own_notes = own_n_rates(scenario, sub, el, info, k)
    notes.extend(own_notes)
    net = build_step_growth(
        Linker(info.ends, k, own, info.spiro),
        spec.cap,
        lambda n: lk.effective_molarity(n, spec.em),
        info.a_path,
        info.l_path,
    )
    notes.append(
        f"ring closure at k x EM; EM by ring size {lk.ring_data()['status']} "
        f"(data/ring_closure.yaml)"
        + (f", user values {spec.em}" if spec.em else "")
        + f"; chains over {spec.cap} units are lumped into one oligomer pool"
    )
    plan = feed_plan(scenario)
    notes.extend(plan.notes)
    n_sub, n_link = plan.substrate_charged, plan.electrophile_charged
    if plan.stages:
        notes.append(
            f"{'diamine' if scenario.mode == 'inverse' else 'linker'} fed over "
            f"{plan.feed_time / 3600:g} h at {plan.feed_conc:g} M"
        )
    t_end = scenario.run_seconds(at_least=2 * plan.feed_time)
    if scenario.time is None:
        notes.append(f"run for {t_end / 3600:g} h (give --time to change)")
    problem = LinkerProblem(net, plan.substrate, plan.electrophile, plan.volume, plan.stages, t_end)
    traj = integrate_linker(problem)
    species = []
    for c in net.chains:
        f = lk.chain_formula(info, c.n_a, c.n_l, tuple(e for e in c.ends if e != N_END))
        ion, mz = lk.ion_mz(f, c.charge)
        ring = c.n_a * (info.a_path + info.l_path) if c.cyclic else None
        if c.charge or any(is_closed(e) for e in c.ends):  # an end closed on its own N
            ring = info.own_ring_atoms
        species.append(
            LinkerSpecies(
                c.name,
                category(c),
                c.n_a,
                c.n_l,
                lk.formula_text(f) + ("+" if c.charge == 1 else f"{c.charge}+" if c.charge else ""),
                lk.average_mass(f),
                mz,
                ring,
                c.charge,
                ion,
            )
        )
    ns = net.n_species
    units = net.units()
    st = traj.states
    charged_a = np.full(st.shape[0], plan.substrate)
    charged_l = np.full(st.shape[0], plan.electrophile)
    start = 0.0
    for s in plan.stages:
        fed_t = np.clip(traj.time - start, 0.0, s.duration)
        charged_a = charged_a + s.substrate_rate * fed_t
        charged_l = charged_l + s.electrophile_rate * fed_t
        start += s.duration
    have = st[:, : net.volume_index] @ units[: net.volume_index]
    residual = max(
        float(np.max(np.abs(have[:, 0] - charged_a))) / n_sub,
        float(np.max(np.abs(have[:, 1] - charged_l))) / max(n_link, n_sub),
    )
    warnings = []
    if scenario.acid or scenario.base:
        warnings.append(
            "the acid/base charged is not simulated in linker networks (no proton pool here)"
        )
    if el.releases_acid:
        warnings.append(
            f"{el.name} releases {el.releases_acid}: the linker network assumes a base takes it "
            "up (protonation is not simulated for linkers yet)"
        )
    names = dict(CATEGORIES)
    if own:
        key = "spiro" if info.spiro else "N_ring"
        names[key] = OWN_RING[key]
    return LinkerResult(
        scenario=scenario,
        species=tuple(species),
        time=traj.time,
        amounts=st[:, :ns],
        pool_a=st[:, net.pool_index("A")],
        pool_l=st[:, net.pool_index("L")],
        volume=st[:, net.volume_index],
        diamine_charged=n_sub,
        linker_charged=n_link,
        assumptions=tuple(notes),
        warnings=tuple(warnings),
        unit_residual=residual,
        category_names=names,
    )


def protected_monoamine(scenario: Scenario) -> dict[str, float]:
    """A mono-protected diamine (one free N) with ``eq`` of the scenario's linker, in one
    portion for the run time: mol of adduct with a free end, bridged pair, adduct closed on
    its own N (the spiro salt on a ring N) and linker left. The free N reacts like the
    diamine's own (the protecting group's pKa shift is not applied here)."""
    sub = reagents.substrate(scenario.substrate)
    el = reagents.electrophile(scenario.electrophile)
    info = lk.linker_info(sub, el)
    k, _ = end_rates(scenario, sub, el, info)
    own, _ = own_n_rates(scenario, sub, el, info, k)
    n = scenario.substrate_eq * scenario.amount()
    return monoamine_with_linker(
        (k[info.ends[0]], k[info.ends[1]]),
        n,
        scenario.eq * scenario.amount(),
        n / scenario.concentration(),
        scenario.run_seconds(),
        (own.get(info.ends[0], 0.0), own.get(info.ends[1], 0.0)),
    )
