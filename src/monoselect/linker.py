"""A diamine with a bifunctional linker: step growth, bridging, rings and gum.

``simulate_linker(scenario)`` runs the step-growth network (kinetics/step_growth.py) for the
scenario's diamine and X-L-X electrophile and reports what a chemist calls the "dimer" in
all its forms: the mono-adduct A-L-X, the bridged dimer A-L-A, the ring bis-adduct
X-L-A-L-X, cyclised species, and oligomer/polymer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from monoselect.chem import linkers as lk
from monoselect.chem.molecules import resolve_electrophile, resolve_substrate
from monoselect.chem.pka import substrate_basicity
from monoselect.chem.reactivity import site_rate_constant
from monoselect.errors import InvalidInput
from monoselect.kinetics.simulate import FeedStage
from monoselect.kinetics.step_growth import (
    N_END,
    Chain,
    Linker,
    LinkerProblem,
    build_step_growth,
    integrate_linker,
)
from monoselect.scenario import Scenario

CATEGORIES = (
    "SM",
    "mono-adduct A-L-X",
    "bridged A-L-A",
    "bis-adduct X-L-A-L-X",
    "cyclised",
    "oligomer",
)
DEFAULT_TIME = 24 * 3600.0


def category(c: Chain) -> str:
    if c.n_a == 0:
        return "linker"
    if c.cyclic:
        return "cyclised"
    if c.n_a == 1 and c.n_l == 0:
        return "SM"
    if c.n_a == 1 and c.n_l == 1:
        return "mono-adduct A-L-X"
    if c.n_a == 2 and c.n_l == 1:
        return "bridged A-L-A"
    if c.n_a == 1 and c.n_l == 2:
        return "bis-adduct X-L-A-L-X"
    return "oligomer"


@dataclass(frozen=True)
class LinkerSpecies:
    name: str
    category: str
    n_a: int
    n_l: int
    formula: str
    mw: float
    mz_h: float
    ring_atoms: int | None


@dataclass(frozen=True)
class LinkerResult:
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

    def by_category(self, i: int = -1) -> dict[str, float]:
        """Fraction of the diamine units in each category at record ``i``."""
        out = dict.fromkeys(CATEGORIES, 0.0)
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

    def to_dict(self) -> dict:
        return {
            "scenario": self.scenario.resolved(),
            "categories": self.by_category(),
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
                    "mz_M_plus_H": round(s.mz_h, 4),
                    "ring_atoms": s.ring_atoms,
                    "fraction_of_diamine_units": float(
                        self.amounts[-1, i] * s.n_a / self.diamine_charged
                    ),
                }
                for i, s in enumerate(self.species)
            ],
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
        }


def _end_rates(scenario: Scenario, sub, el, info) -> tuple[dict[str, float], list[str]]:
    """Rate constant per linker end: the class's Bronsted rate at the diamine's free N."""
    temp_c = scenario.temperature_c()
    parent = substrate_basicity(sub, temp_c)
    k_site = site_rate_constant(el, parent.pka[0], temp_c)
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
    factors = lk.ring_data()["leaving_group_factor"]
    k = {}
    for e in set(info.ends):
        k[e] = k_site * float(factors.get(e, 1.0))
    if len(set(info.ends)) > 1 or any(e in factors for e in info.ends):
        notes.append(
            "leaving-group factors (approximate): "
            + ", ".join(f"{e} x{factors.get(e, 1.0):g}" for e in sorted(set(info.ends)))
        )
    notes.append(
        "every N-H reacts alike whatever is already on the other N (no pKa shift through the "
        "chain), and an alkylated N is not alkylated again"
    )
    return k, notes


def simulate_linker(
    scenario: Scenario, *, cap: int = 8, em: dict[int, float] | None = None
) -> LinkerResult:
    """Step growth of the scenario's diamine with its bifunctional electrophile."""
    sub = resolve_substrate(scenario.substrate)
    el = resolve_electrophile(scenario.electrophile)
    if el.reactive_groups != 2:
        raise InvalidInput(
            f"{el.name} has {el.reactive_groups} reactive group(s); a linker needs two",
            field="electrophile",
            fix="use monoselect simulate for a one-ended electrophile",
        )
    if not isinstance(cap, int) or cap < 3 or cap > 40:
        raise InvalidInput(f"cap must be 3-40 units, got {cap}", field="cap")
    for size, value in (em or {}).items():
        if not (isinstance(size, int) and size >= 3 and value >= 0 and math.isfinite(value)):
            raise InvalidInput(
                f"effective molarity {size}={value} is not a ring size >= 3 with EM >= 0",
                field="em",
                fix="give it like '8=0.01' (ring atoms = mol/L)",
            )
    info = lk.linker_info(sub, el)
    k, notes = _end_rates(scenario, sub, el, info)
    net = build_step_growth(
        Linker(info.ends, k),
        cap,
        lambda n: lk.effective_molarity(n, em),
        info.a_path,
        info.l_path,
    )
    notes.append(
        f"ring closure at k x EM; EM by ring size {lk.ring_data()['status']} "
        f"(data/ring_closure.yaml)"
        + (f", user values {em}" if em else "")
        + f"; chains over {cap} units are lumped into one oligomer pool"
    )
    scale = scenario.amount()
    n_sub = scenario.substrate_eq * scale
    n_link = scenario.eq * scale
    conc = scenario.concentration()
    inverse = scenario.mode == "inverse"
    seconds = scenario.addition_seconds()
    feed_c = scenario.feed_concentration() or conc
    if scenario.feed:
        raise InvalidInput("multi-stage feeds are not supported for linkers yet", field="feed")
    in_flask, fed = (n_link, n_sub) if inverse else (n_sub, n_link)
    volume = in_flask / conc
    stages: tuple[FeedStage, ...] = ()
    if seconds > 0:
        rate = fed / seconds
        stages = (
            FeedStage(
                seconds,
                substrate_rate=rate if inverse else 0.0,
                electrophile_rate=0.0 if inverse else rate,
                volume_rate=rate / feed_c,
            ),
        )
        start_sub, start_link = (0.0, n_link) if inverse else (n_sub, 0.0)
        notes.append(
            f"{'diamine' if inverse else 'linker'} fed over {seconds / 3600:g} h at {feed_c:g} M"
        )
    else:
        start_sub, start_link = n_sub, n_link
        volume += fed / feed_c
    t_end = scenario.total_seconds()
    if not math.isfinite(t_end):
        t_end = max(DEFAULT_TIME, 2 * seconds)
        notes.append(f"run for {t_end / 3600:g} h (give --time to change)")
    problem = LinkerProblem(net, start_sub, start_link, volume, stages, t_end)
    traj = integrate_linker(problem)
    species = []
    for _i, c in enumerate(net.chains):
        f = lk.chain_formula(info, c.n_a, c.n_l, tuple(e for e in c.ends if e != N_END))
        mono = lk.monoisotopic(f)
        ring = c.n_a * (info.a_path + info.l_path) if c.cyclic else None
        species.append(
            LinkerSpecies(
                c.name,
                category(c),
                c.n_a,
                c.n_l,
                lk.formula_text(f),
                lk.average_mass(f),
                mono + lk.PROTON,
                ring,
            )
        )
    ns = net.n_species
    units = net.units()
    st = traj.states
    charged_a = np.full(st.shape[0], start_sub)
    charged_l = np.full(st.shape[0], start_link)
    for s in stages:
        fed_t = np.clip(traj.time, 0.0, s.duration)
        charged_a = charged_a + s.substrate_rate * fed_t
        charged_l = charged_l + s.electrophile_rate * fed_t
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
    )
