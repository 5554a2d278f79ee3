"""Resin family: the diamine on 2-chlorotrityl resin, then the electrophile, then cleavage.

"Site isolation" is pseudo-dilution (SCIENCE.md section 7): the in-bead site concentration
loading / swelling against the solution concentrations sets the cross-links and the on-bead
bridges, so the result also sweeps the resin loading. The Scenario's ``scale`` is the resin
sites (or ``resin.mass`` x loading), ``substrate_eq`` the diamine per site in the loading
solution, ``eq`` the electrophile per site and ``conc`` its solution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from monoselect.chem.pka import substrate_basicity
from monoselect.chem.reactivity import site_rate_constant
from monoselect.data import load_yaml
from monoselect.errors import InvalidInput
from monoselect.kinetics.resin import ResinRun, simulate_resin
from monoselect.models import reagents
from monoselect.results import Provenance, Result, Split
from monoselect.scenario import ResinSpec, Scenario

LOADINGS = (0.2, 0.4, 0.8, 1.2, 1.6)  # mmol/g, the sweep (commercial resins: 1.0-1.6)


@dataclass(frozen=True)
class ResinPoint:
    loading: float  # mmol/g
    site_conc: float  # mol/L inside the swollen bead
    loaded: float  # fraction of sites holding a diamine by one N
    cross_linked: float  # fraction of sites in diamines bound by both N
    product: float  # mmol released: A-E, or A-L-X with a linker
    bridged: float  # mmol A-L-A released (linker only)
    diamine_back: float  # mmol diamine released by the cleavage
    purity: float  # product / (product + bridged + diamine), by mol


@dataclass(frozen=True)
class ResinResult(Result):
    kind: ClassVar[str] = "resin"
    scenario: Scenario
    substrate: str
    electrophile: str
    linker: bool
    point: ResinPoint
    sweep: tuple[ResinPoint, ...]
    resin_g: float
    diamine_charged_mmol: float
    electrophile_charged_mmol: float
    diamine_recoverable_mmol: float  # left in the loading solution
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    provenance: tuple[Provenance, ...] = field(default=())

    def split(self) -> Split:
        """Of the diamine charged: back unfunctionalised (loading solution and cleavage),
        the product, and (linkers) the bridged dimer, two diamine units each."""
        p, n = self.point, self.diamine_charged_mmol
        parts = {
            "SM": (self.diamine_recoverable_mmol + p.diamine_back) / n,
            "mono": p.product / n,
        }
        if self.linker:
            parts["bridged"] = 2 * p.bridged / n
        total = sum(parts.values())
        parts = {k: v / total for k, v in parts.items()}  # conserved to solver tolerance
        return Split(parts, p.product / n, p.product / self.electrophile_charged_mmol)

    def details(self) -> dict:
        return {
            "resin_g": self.resin_g,
            "result": self.point.__dict__,
            "loading_sweep": [p.__dict__ for p in self.sweep],
            "diamine_recoverable_mmol": self.diamine_recoverable_mmol,
        }


def simulate(scenario: Scenario) -> ResinResult:
    """Load, functionalise and cleave."""
    spec = scenario.resin or ResinSpec()
    data = load_yaml("resin.yaml")
    sub = reagents.substrate(scenario.substrate)
    el = reagents.electrophile(scenario.electrophile)
    if len(sub.sites.atoms) != 2:
        raise InvalidInput("the resin model is for diamines with two N-H", field="substrate")
    if el.reactive_groups > 2:
        raise InvalidInput(f"{el.name} has more than two reactive ends", field="electrophile")
    for name in ("acid", "base", "feed", "kappa", "rho", "stop_conversion"):
        if getattr(scenario, name) is not None:
            raise InvalidInput(
                f"{name} does not apply on the resin (load, react, cleave)", field=name
            )
    if scenario.addition_seconds() > 0 or scenario.mode == "inverse":
        raise InvalidInput(
            "on the resin the electrophile goes onto the beads in one portion",
            field="addition_time",
            fix="leave addition_time and mode out",
        )
    if el.class_name == "aldehyde":
        raise InvalidInput(
            f"{el.name} on the resin needs a hydride: reductive amination on the bead is not "
            "modelled",
            field="electrophile",
            fix="run it in solution (leave out the resin options) as reductive amination",
        )
    linker = el.reactive_groups == 2
    load = spec.si("loading")
    swell = spec.si("swelling")
    sites_mol = scenario.amount() if spec.mass is None else spec.si("mass") * load
    grams = sites_mol / load * 1000.0
    c_dia = spec.si("loading_conc")
    c_el = scenario.concentration()
    t_load = spec.si("load_time")
    t_react = scenario.run_seconds()
    temp_c = scenario.temperature_c()
    parent = substrate_basicity(sub, temp_c)
    k_el = site_rate_constant(el, parent.pka[0], temp_c)
    diamine_eq, electrophile_eq = scenario.substrate_eq, scenario.eq

    def one(load_mol_per_kg: float) -> tuple[ResinPoint, ResinRun]:
        sites = load_mol_per_kg * grams / 1000.0
        run = simulate_resin(
            resin_g=grams,
            loading=load_mol_per_kg,
            swelling=swell,
            diamine=diamine_eq * sites,
            solution_volume=diamine_eq * sites / c_dia,
            k_load=float(data["k_load"]),
            load_time=t_load,
            electrophile=electrophile_eq * sites,
            electrophile_volume=electrophile_eq * sites / c_el,
            k_el=k_el,
            linker=linker,
            react_time=t_react,
        )
        released = run.released_product + run.released_bridged + run.released_diamine
        point = ResinPoint(
            loading=load_mol_per_kg,
            site_conc=load_mol_per_kg / swell,
            loaded=float(run.loaded / sites),
            cross_linked=float(run.cross_linked / sites),
            product=float(run.released_product * 1e3),
            bridged=float(run.released_bridged * 1e3),
            diamine_back=float(run.released_diamine * 1e3),
            purity=float(run.released_product / released) if released else 0.0,
        )
        return point, run

    point, run = one(load)
    points = tuple(one(v)[0] for v in LOADINGS) if spec.sweep else ()
    assumptions = (
        f"{grams:.3g} g resin: {sites_mol * 1e3:.3g} mmol sites at {load:g} mmol/g; "
        f"{diamine_eq:g} eq diamine per site at {c_dia:g} M for {t_load / 3600:g} h, then "
        f"{electrophile_eq:g} eq {el.name} per site at {c_el:g} M for {t_react / 3600:g} h",
        f"site concentration in the bead = loading / swelling = {load / swell:.3g} M "
        f"({load:g} mmol/g over {swell:g} mL/g)",
        f"loading: N + trityl chloride at k {data['k_load']:g} L/mol/s, the bound diamine's "
        "other N competing for neighbouring sites (cross-link); free sites capped after",
        f"{el.name}: k {k_el:.3g} L/mol/s per N-H (class rate at the diamine's site pKa)"
        + (
            "; a bound A-L-X bridges to a neighbouring bound N-H at the in-bead concentration"
            if linker
            else ""
        ),
        f"cleavage releases every N-trityl bond; resin data {data['status']} (data/resin.yaml)",
    )
    return ResinResult(
        scenario=scenario,
        substrate=sub.name,
        electrophile=el.name,
        linker=linker,
        point=point,
        sweep=points,
        resin_g=grams,
        diamine_charged_mmol=diamine_eq * sites_mol * 1e3,
        electrophile_charged_mmol=electrophile_eq * sites_mol * 1e3,
        diamine_recoverable_mmol=float(run.diamine_in_solution * 1e3),
        assumptions=assumptions,
    )
