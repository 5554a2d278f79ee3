"""What every protocol shares: the chemist's conditions in, a ``ProtocolResult`` out.

A protocol turns ``Conditions`` (substrate, electrophile, scale, limits) and its own
parameters (with units and the defaults a chemist would pick) into one or more scenarios,
simulates them with the same engine, and reports the same numbers, so protocols can be
ranked on one footing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from monoselect.errors import InvalidInput
from monoselect.scenario import Quantity, Scenario, build, make_scenario
from monoselect.units import parse_quantity

# eq of base per eq of acid the reaction releases when base is "auto": the usual 20 % bench
# excess (a convention, not a measured optimum)
BASE_PER_ACID = 1.2
EQ_GRID = tuple(np.round(np.linspace(0.2, 2.0, 10), 3))


class Conditions(BaseModel):
    """The chemist's question, shared by every protocol of a comparison."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    substrate: str = "1,4-diazepane"
    electrophile: str = "Boc2O"
    eq: float = Field(1.0, description="electrophile equivalents per diamine")
    scale: Quantity = Field("10 mmol", description="amount of diamine for 1 eq")
    conc: Quantity = Field("0.2 M", description="concentration in the flask")
    temperature: Quantity = "25 degC"
    base: str | None = Field(
        "auto",
        description="base for acid-releasing electrophiles: 'auto' (Et3N, 1.2 eq per eq of "
        "acid released), a name, or 'none'",
    )
    base_eq: float | None = None
    max_substrate_eq: float = Field(10.0, description="most diamine equivalents you accept")
    max_time: Quantity = Field("24 h", description="longest run you accept")
    precious: Literal["substrate", "electrophile"] = Field(
        "substrate", description="which reagent's yield ranks the protocols"
    )

    @field_validator("eq", "max_substrate_eq")
    @classmethod
    def _positive(cls, v, info):
        if not (v > 0 and math.isfinite(v)):
            raise ValueError(f"{info.field_name} must be > 0, got {v}")
        return v

    def max_seconds(self) -> float:
        value = parse_quantity(self.max_time, "time", "max_time")
        if not value > 0:
            raise InvalidInput("max_time must be > 0", field="max_time", fix="e.g. '24 h'")
        return value

    def base_for(self, releases: str) -> tuple[str | None, float]:
        """The base a protocol adds: the user's, or Et3N when the reaction releases acid."""
        if self.base in (None, "none"):
            return None, 0.0
        if self.base == "auto":
            if releases == "none":
                return None, 0.0
            return "Et3N", round(BASE_PER_ACID * self.eq, 6)
        return self.base, self.base_eq if self.base_eq is not None else BASE_PER_ACID * self.eq


def make_conditions(**fields) -> Conditions:
    """Conditions from keyword fields (None means "use the default")."""
    return build(Conditions, {k: v for k, v in fields.items() if v is not None}, where="conditions")


@dataclass(frozen=True)
class ProtocolResult:
    """One protocol simulated: the main run's Outcome plus the numbers that rank protocols.

    Yields are of the mono product (all regioisomers) on the diamine charged and on the
    electrophile charged; ``bis`` and ``sm_left`` are fractions of the diamine charged.
    """

    name: str
    label: str
    scenario: Scenario
    result: object  # SimulationResult of the step that decides selectivity
    mono_yield_on_substrate: float
    mono_yield_on_electrophile: float
    bis: float
    sm_left: float
    time_s: float  # until the mono amount is within 1 % of its final value
    substrate_left_mmol: float
    excess_to_recover_g: float
    steps: int = 1
    overall_yield: float | None = None  # multi-step protocols: product of the step yields
    notes: tuple[str, ...] = ()
    curve_eq: tuple[float, ...] = ()
    curve_mono_yield: tuple[float, ...] = ()  # mono yield on the precious reagent vs eq
    extra: dict = field(default_factory=dict)

    @property
    def outcome(self):
        return self.result.outcome

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.result.warnings

    def ranking_yield(self, precious: str) -> float:
        if self.overall_yield is not None:
            return self.overall_yield
        if precious == "electrophile":
            return self.mono_yield_on_electrophile
        return self.mono_yield_on_substrate

    def _fractions(self) -> dict:
        if hasattr(self.result, "outcome"):
            return self.result.outcome.final_fractions
        if hasattr(self.result, "by_category"):
            return self.result.by_category()
        return {"SM": self.sm_left, "mono": self.mono_yield_on_substrate, "bis": self.bis}

    @property
    def _has_protons(self) -> bool:
        problem = getattr(self.result, "problem", None)
        return bool(problem is not None and problem.protons.active)

    def _speciation(self) -> dict:
        """Protonation of each species at the start and the end of the run."""
        o = self.result.outcome
        out = {}
        for i, label in enumerate(o.labels):
            p = o.protonation(i)
            out[label] = {
                "start": {f"{n}H+": float(v) for n, v in enumerate(p[0])},
                "end": {f"{n}H+": float(v) for n, v in enumerate(p[-1])},
            }
        return out

    def summary(self) -> dict:
        """JSON-ready numbers (no arrays)."""
        return {
            "protocol": self.name,
            "label": self.label,
            "mono_yield_on_substrate": self.mono_yield_on_substrate,
            "mono_yield_on_electrophile": self.mono_yield_on_electrophile,
            "bis": self.bis,
            "sm_left": self.sm_left,
            "time_s": self.time_s,
            "substrate_left_mmol": self.substrate_left_mmol,
            "excess_to_recover_g": self.excess_to_recover_g,
            "steps": self.steps,
            "overall_yield": self.overall_yield,
            "fractions": self._fractions(),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
            "scenario": self.scenario.resolved(),
            "curve": {"eq": list(self.curve_eq), "mono_yield": list(self.curve_mono_yield)},
            **({"speciation": self._speciation()} if self._has_protons else {}),
            **({"extra": self.extra} if self.extra else {}),
        }


def _time_to_99(outcome) -> float:
    """When the mono product first reaches 99 % of its final amount (s)."""
    mono = outcome.amounts[:, np.asarray(outcome.degree) == 1].sum(axis=1)
    if mono[-1] <= 0:
        return float(outcome.time[-1])
    return float(outcome.time[np.argmax(mono >= 0.99 * mono[-1])])


def scenario_for(cond: Conditions, **fields) -> Scenario:
    """A Scenario from the shared conditions plus a protocol's own fields."""
    base = dict(
        substrate=cond.substrate,
        electrophile=cond.electrophile,
        eq=cond.eq,
        scale=cond.scale,
        conc=cond.conc,
        temperature=cond.temperature,
        time=cond.max_time,
    )
    return make_scenario(**{**base, **fields})


def summarise(
    name: str,
    label: str,
    scenario: Scenario,
    result,
    *,
    precious: str,
    notes=(),
    curve: bool = True,
    **extra_fields,
) -> ProtocolResult:
    """The ranking numbers of one simulated scenario (and its mono-yield-vs-eq curve)."""
    from monoselect.api import sweep_equivalents

    o = result.outcome
    table = result.table
    n_sub = o.substrate_charged
    mono = o.by_degree(1)
    left = float(o.amounts[-1, 0])
    excess_g = left * table.species[0].mw if scenario.substrate_eq > 1 else 0.0
    curve_eq, curve_y = (), ()
    if curve:
        # x axis: electrophile eq per diamine charged
        sweep = sweep_equivalents(
            scenario, [e * scenario.substrate_eq for e in EQ_GRID], table=result.table
        )
        ys = (
            sweep.mono_yield_on_electrophile
            if precious == "electrophile"
            else sweep.mono_yield_on_substrate
        )
        curve_eq, curve_y = tuple(float(e) for e in EQ_GRID), tuple(float(y) for y in ys)
    return ProtocolResult(
        name=name,
        label=label,
        scenario=scenario,
        result=result,
        mono_yield_on_substrate=mono / n_sub,
        mono_yield_on_electrophile=mono / o.electrophile_charged if o.electrophile_charged else 0.0,
        bis=o.by_degree(2) / n_sub if max(o.degree) >= 2 else 0.0,
        sm_left=left / n_sub,
        time_s=_time_to_99(o),
        substrate_left_mmol=left * 1e3,
        excess_to_recover_g=excess_g,
        notes=tuple(notes),
        curve_eq=curve_eq,
        curve_mono_yield=curve_y,
        **extra_fields,
    )
