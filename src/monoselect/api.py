"""The spine: Scenario -> Network -> Problem -> Outcome, plus the species table."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from monoselect.chem.molecules import (
    Electrophile,
    Substrate,
    resolve_acid_base,
    resolve_electrophile,
    resolve_substrate,
)
from monoselect.chem.pka import REFERENCE_C, increments, species_basicity, substrate_basicity
from monoselect.chem.products import SpeciesInfo, species_structures
from monoselect.chem.reactivity import Provenance, Reactivity, arrhenius
from monoselect.errors import InvalidInput, SolverFailure
from monoselect.kinetics import rosenbrock as rb
from monoselect.kinetics.network import (
    Network,
    SiteModel,
    build_network,
    enumerate_species,
    species_labels,
)
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
    provenance: tuple[Provenance, ...] = ()

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
            "provenance": [
                {"quantity": p.quantity, "value": p.value, "origin": p.origin}
                for p in self.provenance
            ],
            "speciation": self._speciation(idx),
            "time_course": {
                "time_s": o.time[idx].tolist(),
                "fractions": {lab: o.fractions[idx, i].tolist() for i, lab in enumerate(o.labels)},
                "volume_mL": (o.volume[idx] * 1e3).tolist(),
            },
        }

    def _speciation(self, idx) -> dict:
        """Protonation of every species over time: fraction with 0, 1, 2 ... protons."""
        o = self.outcome
        ph = o.ph[idx]
        return {
            "time_s": o.time[idx].tolist(),
            "pH_model": [None if not math.isfinite(v) else round(float(v), 4) for v in ph],
            "species": {
                lab: {f"{n}H+": col.tolist() for n, col in enumerate(o.protonation(s)[idx].T)}
                for s, lab in enumerate(o.labels)
            },
            "binders_mean_protons": {
                name: o.binder_protons[idx, g].tolist() for g, name in enumerate(o.binder_names)
            },
        }


def _thin(n: int, max_points: int):
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


def site_model(substrate: Substrate) -> SiteModel:
    s = substrate.sites
    return SiteModel(classes=s.classes, automorphisms=s.automorphisms, locants=s.locants)


def reactivity_model(
    scenario: Scenario | None, sub: Substrate, el: Electrophile
) -> tuple[Reactivity, tuple[SpeciesInfo, ...], list[Provenance], list[str]]:
    """Site pKa of every species, Bronsted/Arrhenius rates, and where every number came from."""
    model = site_model(sub)
    patterns = enumerate_species(model)
    labels = species_labels(patterns, model)
    info = tuple(species_structures(sub, el, patterns, labels))
    temp_c = scenario.temperature_c() if scenario else REFERENCE_C
    parent = substrate_basicity(sub, temp_c)
    basicity = {
        p: species_basicity(sub, p, el.substituent, s.smiles, parent, temp_c)
        for p, s in zip(patterns, info, strict=True)
    }
    prov: list[Provenance] = []
    notes: list[str] = []
    for lab, p in zip(labels, patterns, strict=True):
        b = basicity[p]
        if not b.sites:
            prov.append(Provenance(f"pKa {lab}", "no basic N", "every N is substituted"))
            continue
        sites = ", ".join(
            f"{model.locants[i]} {v:.2f}" for i, v in zip(b.sites, b.pka, strict=True)
        )
        macro = ", ".join(f"{v:.2f}" for v in b.macroscopic())
        prov.append(Provenance(f"pKa {lab}", f"site {sites}; stepwise {macro}", b.origin))
        if b.estimated:
            notes.append(f"pKa of {lab} is an estimate ({macro}); see --explain")
    k_user = scenario.rate_constant() if scenario else None
    factor = arrhenius(el.ea_kj, temp_c)
    rho = None
    if scenario is not None and scenario.kappa is not None:
        rho = 2.0 * scenario.kappa
        prov.append(
            Provenance("kappa", f"{scenario.kappa:g} (rho = {rho:g} per site)", "user-given")
        )
    elif scenario is not None and scenario.rho is not None:
        rho = scenario.rho
        prov.append(Provenance("rho", f"{rho:g} per site", "user-given"))
    react = Reactivity(el.k_default, el.pka_ref, el.beta_nuc, factor, basicity, rho)
    if k_user is not None:
        fresh = react.site_rate(0, patterns[0], model)
        react = Reactivity(
            el.k_default * k_user / fresh, el.pka_ref, el.beta_nuc, factor, basicity, rho
        )
        prov.append(
            Provenance(
                "k_site (fresh site, free base)",
                f"{k_user:g} L/mol/s at the run temperature",
                "user-given",
            )
        )
    else:
        prov.append(
            Provenance(
                "k_ref",
                f"{el.k_default:g} L/mol/s at pKa {el.pka_ref:g}, 25 degC",
                f"{el.class_label}: {el.k_status}; sets the time scale, not the split",
            )
        )
    prov.append(Provenance("beta_nuc", f"{el.beta_nuc:g}", el.beta_source))
    prov.append(
        Provenance(
            "temperature",
            f"{temp_c:g} degC: k x {factor:.3g} vs 25 degC (Ea {el.ea_kj:g} kJ/mol)",
            el.ea_source + "; pKa values taken at this temperature where measured",
        )
    )
    for key in ("w", el.substituent) + (("own_alkyl",) if el.substituent == "alkyl" else ()):
        prov.append(Provenance(f"increment: {key}", "", increments().notes[key]))
    return react, info, prov, notes


def species_table(substrate: str, electrophile: str) -> SpeciesTable:
    """Species (up to symmetry) of ``substrate`` with ``electrophile``: structures, masses, m/z."""
    sub, el = resolve_substrate(substrate), resolve_electrophile(electrophile)
    react, info, _, _ = reactivity_model(None, sub, el)
    return _species_table(sub, el, react, info)


def _species_table(
    sub: Substrate, el: Electrophile, react: Reactivity, info: tuple[SpeciesInfo, ...]
) -> SpeciesTable:
    net = build_network(site_model(sub), react.site_rate, react.states)
    return SpeciesTable(sub, el, net, info)


def simulate(scenario: Scenario) -> SimulationResult:
    """Simulate ``scenario``; pure apart from the compiled-code cache."""
    sub = resolve_substrate(scenario.substrate)
    el = resolve_electrophile(scenario.electrophile)
    react, info, provenance, assumptions = reactivity_model(scenario, sub, el)
    table = _species_table(sub, el, react, info)
    problem, more = build_problem(scenario, table.network, el)
    assumptions += more
    net = table.network
    if net.n_species == 3 and net.k[0] > 0:
        kappa = net.k[1] / net.k[0]
        provenance.append(
            Provenance("kappa = k2/k1 (free bases)", f"{kappa:.3g}", "from the rates above")
        )
    for what in ("acid", "base"):
        name = getattr(scenario, what)
        if name:
            entry = resolve_acid_base(name, field=what, kind=what)
            pka = ", ".join(f"{v:g}" for v in entry.pka) or "strong (fully dissociated)"
            provenance.append(Provenance(f"pKa {entry.name}", pka, entry.source))
    warnings = []
    if el.reactive_groups > 1:
        warnings.append(
            f"{el.name} has {el.reactive_groups} reactive groups: this run counts only the "
            "first group's reaction; monoselect.linker.simulate_linker (what the command line "
            "runs) simulates bridging, rings and oligomers"
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
    available = outcome.free_sites_unprotonated
    if problem.protons.active and outcome.electrophile_left > 1e-3 and available < 0.01:
        source = (
            f"the {el.releases_acid or 'acid'} the reaction releases"
            if problem.protons.release
            else "the acid charged"
        )
        warnings.append(
            f"the amine is protonated: {outcome.electrophile_left:.1%} of the electrophile is "
            f"left but only {available:.1e} of the free N sites are unprotonated ({source}); "
            "what still reacts goes through the small free-base fraction. Add a base "
            "(e.g. --base Et3N --base-eq 1.2 per eq of electrophile) for full conversion"
        )
    return SimulationResult(
        scenario, table, problem, outcome, tuple(assumptions), tuple(warnings), tuple(provenance)
    )


@dataclass(frozen=True)
class EquivalentsSweep:
    """Final amounts of one scenario at several electrophile equivalents (one network)."""

    eq: np.ndarray
    labels: tuple[str, ...]
    degree: np.ndarray
    species: np.ndarray  # [eq, species], mol
    substrate_charged: np.ndarray  # mol per condition
    electrophile_charged: np.ndarray
    status: np.ndarray

    @property
    def mono_yield_on_substrate(self) -> np.ndarray:
        return self.species[:, self.degree == 1].sum(axis=1) / self.substrate_charged

    @property
    def mono_yield_on_electrophile(self) -> np.ndarray:
        return self.species[:, self.degree == 1].sum(axis=1) / self.electrophile_charged


def sweep_equivalents(
    scenario: Scenario, eqs, *, table: SpeciesTable | None = None
) -> EquivalentsSweep:
    """``scenario`` at each electrophile equivalent in ``eqs``, in one compiled sweep.

    ``table``: the species table of a run of this scenario (``result.table``), so the
    molecules and rates are not worked out again.
    """
    from monoselect.kinetics.simulate import integrate_many

    eqs = np.asarray(eqs, dtype=float)
    if eqs.ndim != 1 or eqs.size == 0 or np.any(~np.isfinite(eqs)) or np.any(eqs <= 0):
        raise InvalidInput("equivalents to sweep must be finite and > 0", field="eq")
    if table is None:
        sub = resolve_substrate(scenario.substrate)
        el = resolve_electrophile(scenario.electrophile)
        react, info, _, _ = reactivity_model(scenario, sub, el)
        table = _species_table(sub, el, react, info)
    net, el = table.network, table.electrophile
    problems = [
        build_problem(scenario.model_copy(update={"eq": float(e)}), net, el)[0] for e in eqs
    ]
    res = integrate_many(problems)
    return EquivalentsSweep(
        eq=eqs,
        labels=net.labels,
        degree=net.degree,
        species=res.species,
        substrate_charged=np.array([p.substrate_charged for p in problems]),
        electrophile_charged=np.array([p.electrophile_charged for p in problems]),
        status=res.status,
    )
