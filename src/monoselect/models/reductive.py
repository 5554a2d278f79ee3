"""Reductive-amination family: amine + aldehyde <=> iminium, hydride reduces the iminium
(product) or the aldehyde (alcohol, waste) (SCIENCE.md section 6).

One mode per run, as the scenario says: one pot (``reductive.pre_time`` 0), or the aldehyde
first for ``pre_time`` (optionally over a dehydrating agent), then the hydride. A
dialdehyde is a linker (step growth), not this family.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from monoselect.chem.tables import lookup_key
from monoselect.data import load_yaml
from monoselect.errors import InvalidInput, UnknownReagent
from monoselect.kinetics.reductive import ReductiveRates, after_workup, simulate_reductive
from monoselect.models import reagents
from monoselect.results import Provenance, Result, Split
from monoselect.scenario import ReductiveSpec, Scenario

DEFAULT_HYDRIDE = ReductiveSpec.model_fields["hydride"].default


def hydride_rates(name: str) -> tuple[str, float, float]:
    """(name, k_iminium, k_aldehyde) of a hydride from the shipped table."""
    table = load_yaml("hydrides.yaml")["hydrides"]
    for h in table:
        if lookup_key(name) in {lookup_key(n) for n in (h["name"], *h.get("aliases", []))}:
            return h["name"], float(h["k_iminium"]), float(h["k_aldehyde"])
    names = ", ".join(h["name"] for h in table)
    raise UnknownReagent(
        f"{name!r} is not a known hydride", field="reductive.hydride", fix=f"known: {names}"
    )


@dataclass(frozen=True)
class ReductiveResult(Result):
    kind: ClassVar[str] = "reductive"
    scenario: Scenario
    mode: str  # "one pot" or "pre-formed imine"
    hydride: str
    after_workup: dict[str, float]  # fractions of the diamine: SM, mono, bis
    alcohol: float  # fraction of the aldehyde reduced to alcohol (waste)
    aldehyde_left: float
    species: tuple  # SpeciesInfo of SM / mono / bis (m/z)
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    provenance: tuple[Provenance, ...] = field(default=())

    def split(self) -> Split:
        s = self.after_workup
        return Split(dict(s), s["mono"], s["mono"] / self.scenario.eq)

    def details(self) -> dict:
        return {
            "mode": self.mode,
            "hydride": self.hydride,
            "alcohol_fraction_of_aldehyde": self.alcohol,
            "aldehyde_left": self.aldehyde_left,
            "species": [
                {
                    "label": s.label,
                    "smiles": s.smiles,
                    "formula": s.formula,
                    "mz_M_plus_H": round(s.mz_h, 4),
                }
                for s in self.species
            ],
        }


def simulate(scenario: Scenario) -> ReductiveResult:
    """The scenario's diamine + ``eq`` aldehyde, reduced with its hydride."""
    spec = scenario.reductive or ReductiveSpec()
    el = reagents.electrophile(scenario.electrophile)
    if el.class_name != "aldehyde":
        raise InvalidInput(
            f"{el.name} is not an aldehyde: reductive amination does not apply",
            field="electrophile",
            fix="leave out the reductive options, or give an aldehyde",
        )
    if el.reactive_groups != 1:
        raise InvalidInput(
            f"{el.name} has {el.reactive_groups} aldehyde groups",
            field="electrophile",
            fix="a dialdehyde is a linker: leave out the reductive options (step growth)",
        )
    for name in ("acid", "base", "feed", "kappa", "rho", "stop_conversion"):
        if getattr(scenario, name) is not None:
            raise InvalidInput(f"{name} is not modelled for reductive amination", field=name)
    if scenario.addition_seconds() > 0 or scenario.mode == "inverse":
        raise InvalidInput(
            "reductive amination charges the aldehyde in one portion",
            field="addition_time",
            fix="leave addition_time and mode out",
        )
    from monoselect.models.site import species_table

    table = species_table(scenario.substrate, scenario.electrophile)
    if table.network.n_species != 3:
        raise InvalidInput(
            "reductive amination is modelled for symmetric diamines", field="substrate"
        )
    h_name, k_im, k_ald = hydride_rates(spec.hydride)
    data = load_yaml("hydrides.yaml")
    cond = data["condensation"]
    dehydrating = spec.dehydrating  # sieves in the flask act in one pot too
    k_back = cond["k_form"] / cond["K"] / (cond["dehydrating_factor"] if dehydrating else 1.0)
    rates = ReductiveRates(cond["k_form"], k_back, k_im, k_ald)
    n = scenario.substrate_eq * scenario.amount()
    n_ald = scenario.eq * scenario.amount()
    t_pre = spec.pre_seconds
    t_run = scenario.run_seconds()
    _, y = simulate_reductive(
        rates,
        amine=n,
        aldehyde=n_ald,
        hydride=spec.hydride_eq * scenario.amount(),
        volume=n / scenario.concentration(),
        hydride_at=t_pre,
        t_end=t_pre + t_run,
    )
    split = after_workup(y[-1])
    mode = "pre-formed imine" if spec.preformed else "one pot"
    assumptions = [
        f"iminium formation k {cond['k_form']:g} L/mol/s, K {cond['K']:g} L/mol"
        + (f", water removed (k_back / {cond['dehydrating_factor']:g})" if dehydrating else "")
        + f"; {h_name}: iminium {k_im:g}, aldehyde {k_ald:g} L/mol/s per hydride eq "
        f"({data['status']}: data/hydrides.yaml)",
        "a site is an N: the tertiary amine made from a secondary N cannot react again; "
        "over-alkylation of a primary NH2 on the same N is not modelled",
        (
            f"pre-formed imine: aldehyde for {t_pre / 3600:g} h, then {spec.hydride_eq:g} eq "
            f"{h_name} for {t_run / 3600:g} h"
            if spec.preformed
            else f"one pot: aldehyde and {spec.hydride_eq:g} eq {h_name} together for "
            f"{t_run / 3600:g} h"
        )
        + "; iminium left is hydrolysed back on workup",
    ]
    if scenario.reductive is None:
        assumptions.insert(
            0,
            f"an aldehyde reacts with an amine by reductive amination: {h_name} "
            f"({spec.hydride_eq:g} eq, one pot) assumed; give the reductive options to change",
        )
    warnings: list[str] = []
    return ReductiveResult(
        scenario=scenario,
        mode=mode,
        hydride=h_name,
        after_workup=split,
        alcohol=float(y[-1][8] / n_ald),
        aldehyde_left=float(y[-1][6] / n_ald),
        species=table.species,
        assumptions=tuple(assumptions),
        warnings=tuple(warnings),
    )
