"""Solid phase on 2-chlorotrityl resin: when "site isolation" holds (SCIENCE.md section 7).

``resin_run(...)`` loads the diamine from a solution of given concentration, functionalises
the bound free N (a one-ended electrophile, or a linker that can bridge two bound diamines),
and cleaves. Site isolation is pseudo-dilution: the in-bead site concentration
loading / swelling against the solution concentrations sets the cross-links and the on-bead
bridges, so the report sweeps the resin loading.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from monoselect.chem.tables import _text
from monoselect.errors import InvalidInput
from monoselect.kinetics.resin import ResinRun, simulate_resin
from monoselect.units import parse_quantity

LOADINGS = (0.2, 0.4, 0.8, 1.2, 1.6)  # mmol/g


@lru_cache(maxsize=1)
def resin_data() -> dict:
    return yaml.safe_load(_text("resin.yaml"))


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
class ResinResult:
    substrate: str
    electrophile: str
    linker: bool
    point: ResinPoint
    sweep: tuple[ResinPoint, ...]
    diamine_recoverable_mmol: float  # left in the loading solution
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "substrate": self.substrate,
            "electrophile": self.electrophile,
            "linker": self.linker,
            "result": self.point.__dict__,
            "loading_sweep": [p.__dict__ for p in self.sweep],
            "diamine_recoverable_mmol": self.diamine_recoverable_mmol,
            "assumptions": list(self.assumptions),
        }


def resin_run(
    substrate: str = "1,4-diazepane",
    electrophile: str = "Boc2O",
    *,
    resin: object = "1 g",
    loading: object = None,
    swelling: object = None,
    diamine_eq: float = 3.0,
    diamine_conc: object = "0.5 M",
    load_time: object = "2 h",
    electrophile_eq: float = 3.0,
    electrophile_conc: object = "0.3 M",
    react_time: object = "24 h",
    sweep: bool = True,
) -> ResinResult:
    """Load, functionalise and cleave; equivalents are per resin site."""
    from monoselect.chem.molecules import resolve_electrophile, resolve_substrate
    from monoselect.chem.pka import REFERENCE_C, substrate_basicity
    from monoselect.chem.reactivity import site_rate_constant

    data = resin_data()
    sub = resolve_substrate(substrate)
    el = resolve_electrophile(electrophile)
    if len(sub.sites.atoms) != 2:
        raise InvalidInput("the resin model is for diamines with two N-H", field="substrate")
    if el.reactive_groups > 2:
        raise InvalidInput(f"{el.name} has more than two reactive ends", field="electrophile")
    linker = el.reactive_groups == 2
    grams = parse_quantity(resin, "mass", "resin") * 1000.0
    load = parse_quantity(
        loading if loading is not None else data["loading_mmol_per_g"], "loading", "loading"
    )
    swell = parse_quantity(
        swelling if swelling is not None else data["swelling_mL_per_g"], "swelling", "swelling"
    )
    c_dia = parse_quantity(diamine_conc, "concentration", "diamine_conc")
    c_el = parse_quantity(electrophile_conc, "concentration", "electrophile_conc")
    t_load = parse_quantity(load_time, "time", "load_time")
    t_react = parse_quantity(react_time, "time", "react_time")
    for name, v in (
        ("diamine_eq", diamine_eq),
        ("electrophile_eq", electrophile_eq),
        ("diamine_conc", c_dia),
        ("electrophile_conc", c_el),
        ("load_time", t_load),
        ("react_time", t_react),
    ):
        if not v > 0:
            raise InvalidInput(f"{name} must be > 0, got {v}", field=name)
    parent = substrate_basicity(sub, REFERENCE_C)  # resin steps run at room temperature
    k_el = site_rate_constant(el, parent.pka[0], REFERENCE_C)

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
    points = tuple(one(v)[0] for v in LOADINGS) if sweep else ()
    assumptions = (
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
        substrate=sub.name,
        electrophile=el.name,
        linker=linker,
        point=point,
        sweep=points,
        diamine_recoverable_mmol=float(run.diamine_in_solution * 1e3),
        assumptions=assumptions,
    )
