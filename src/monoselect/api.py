"""The spine: Scenario -> Network -> Problem -> Outcome, plus the species table."""

from __future__ import annotations

import math
from dataclasses import dataclass

from monoselect.chem.molecules import (
    Electrophile,
    Substrate,
    resolve_electrophile,
    resolve_substrate,
)
from monoselect.chem.products import SpeciesInfo, species_structures
from monoselect.errors import SolverFailure
from monoselect.kinetics import rosenbrock as rb
from monoselect.kinetics.network import Network, RateModel, SiteModel, build_network
from monoselect.kinetics.outcome import Outcome, make_outcome
from monoselect.kinetics.simulate import Problem, integrate
from monoselect.protocols.addition import build_problem
from monoselect.scenario import Scenario


@dataclass(frozen=True)
class SpeciesTable:
    substrate: Substrate
    electrophile: Electrophile
    network: Network
    species: tuple[SpeciesInfo, ...]


@dataclass(frozen=True)
class SimulationResult:
    """An Outcome together with what it was computed from and every assumption made."""

    scenario: Scenario
    table: SpeciesTable
    problem: Problem
    outcome: Outcome
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]

    def balance(self) -> dict[str, float]:
        return self.outcome.balance_residuals(self.problem)

    def to_dict(self, *, max_points: int = 200) -> dict:
        """JSON-ready result (fractions of substrate units; times in s; amounts in mmol)."""
        o = self.outcome
        idx = _thin(len(o.time), max_points)
        return {
            "scenario": self.scenario.resolved(),
            "species": [
                {
                    "label": s.label,
                    "smiles": s.smiles,
                    "formula": s.formula,
                    "mw": round(s.mw, 3),
                    "monoisotopic": round(s.monoisotopic, 5),
                    "mz_M_plus_H": round(s.mz_h, 4),
                    "mz_M_plus_2H": round(s.mz_2h, 4),
                    "isotopes": [list(p) for p in s.isotopes],
                }
                for s in self.table.species
            ],
            "fractions": o.final_fractions,
            "yield_on_substrate": o.mono_yield_on_substrate,
            "yield_on_electrophile": o.mono_yield_on_electrophile,
            "conversion": o.conversion,
            "electrophile_left": o.electrophile_left,
            "end_time_s": float(o.time[-1]),
            "balance": self.balance(),
            "rate_constants": {
                f"{self.table.network.labels[a]}->{self.table.network.labels[b]}": float(k)
                for a, b, k in zip(
                    self.table.network.reactant,
                    self.table.network.product,
                    self.table.network.k,
                    strict=True,
                )
            },
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
            "solver": {"method": o.method, "steps": o.steps, "status": o.status},
            "time_course": {
                "time_s": o.time[idx].tolist(),
                "fractions": {lab: o.fractions[idx, i].tolist() for i, lab in enumerate(o.labels)},
                "volume_mL": (o.volume[idx] * 1e3).tolist(),
            },
        }


def _thin(n: int, max_points: int):
    import numpy as np

    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


def site_model(substrate: Substrate) -> SiteModel:
    s = substrate.sites
    return SiteModel(classes=s.classes, automorphisms=s.automorphisms, locants=s.locants)


def rate_model(
    scenario: Scenario, substrate: Substrate, electrophile: Electrophile
) -> tuple[RateModel, list[str]]:
    """Per-site rate constants and the assumptions behind them."""
    notes = []
    k = scenario.rate_constant()
    if k is None:
        k = electrophile.k_default
        notes.append(
            f"k_site = {k:g} L/mol/s for a fresh site "
            f"({electrophile.class_label}: {electrophile.k_status}); "
            "sets the time scale only, not the final split"
        )
    else:
        notes.append(f"k_site = {k:g} L/mol/s (user-given)")
    if scenario.kappa is not None:
        rho = 2.0 * scenario.kappa
        notes.append(f"kappa = k2/k1 = {scenario.kappa:g} (user-given), so rho = {rho:g} per site")
    elif scenario.rho is not None:
        rho = scenario.rho
        notes.append(f"rho = {rho:g} per site (user-given), kappa = {rho / 2:g} for a diamine")
    else:
        rho = 1.0
        notes.append(
            "rho = 1: the sites react independently (kappa = 0.5) "
            "until reactivity from pKa is added"
        )
    n_classes = max(substrate.sites.classes) + 1
    if n_classes > 1:
        notes.append(
            "all site classes are given the same k_site (no regioselectivity) in this version"
        )
    return RateModel(k_fresh=(k,) * n_classes, rho=rho), notes


def species_table(
    substrate: str, electrophile: str, rates: RateModel | None = None
) -> SpeciesTable:
    """Species (up to symmetry) of ``substrate`` with ``electrophile``: structures, masses, m/z."""
    return _species_table(resolve_substrate(substrate), resolve_electrophile(electrophile), rates)


def _species_table(sub: Substrate, el: Electrophile, rates: RateModel | None) -> SpeciesTable:
    model = site_model(sub)
    net = build_network(
        model, rates or RateModel(k_fresh=(el.k_default,) * (max(model.classes) + 1))
    )
    info = species_structures(sub, el, net.patterns, net.labels)
    return SpeciesTable(sub, el, net, tuple(info))


def simulate(scenario: Scenario) -> SimulationResult:
    """Simulate ``scenario``; pure apart from the compiled-code cache."""
    sub = resolve_substrate(scenario.substrate)
    el = resolve_electrophile(scenario.electrophile)
    rates, assumptions = rate_model(scenario, sub, el)
    table = _species_table(sub, el, rates)
    problem, more = build_problem(scenario, table.network)
    assumptions += more
    warnings = []
    if el.reactive_groups > 1:
        warnings.append(
            f"{el.name} has {el.reactive_groups} reactive groups: bridging and oligomers are not "
            "simulated yet; only the first group's reaction is counted"
        )
    if el.releases_acid:
        warnings.append(
            f"{el.name} releases {el.releases_acid}; its protonation of the amine is not simulated "
            "yet (assumes enough base is present)"
        )
    traj = integrate(problem)
    outcome = make_outcome(problem, table.network, traj)
    if traj.status == rb.CAP_REACHED:
        warnings.append(
            f"stopped at the time cap of {problem.time_cap / 86400:g} days "
            "before the limiting reagent "
            f"was spent ({outcome.electrophile_left:.2e} of the electrophile left); give --time"
        )
    if math.isinf(problem.t_end):
        assumptions.append("run until the limiting reagent is spent to 1e-9 of its charge")
    residual = max(outcome.balance_residuals(problem).values())
    if not residual < 1e-9:  # the conservation bound of SCIENCE.md section 2
        raise SolverFailure(
            f"mass balance residual {residual:.2e} after integration", field="conditions"
        )
    return SimulationResult(scenario, table, problem, outcome, tuple(assumptions), tuple(warnings))
