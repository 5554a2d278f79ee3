"""Excess diamine: N equivalents of diamine per electrophile, the rest recovered."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from monoselect.errors import InvalidInput
from monoselect.models import reagents, simulate
from monoselect.protocols.base import (
    Conditions,
    Protocol,
    ProtocolResult,
    diamine_eq,
    one_ended,
    scenario_for,
    summarise,
)
from monoselect.scenario import Equivalents, Quantity


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    substrate_eq: Equivalents = Field(5.0, gt=1.0, description="diamine eq per eq of electrophile")
    addition_time: Quantity = "0 min"


def run(cond: Conditions, p: Params) -> ProtocolResult:
    n, capped = diamine_eq(p.substrate_eq, cond)
    if n <= 1.0:
        raise InvalidInput(
            f"max_substrate_eq {cond.max_substrate_eq:g} leaves no excess",
            field="max_substrate_eq",
            fix="allow more than 1 eq of diamine, or leave this protocol out",
        )
    base, base_eq = cond.base_for(reagents.electrophile(cond.electrophile).releases)
    # eq is per diamine in the scenario: the electrophile charge stays cond.eq x scale
    scenario = scenario_for(
        cond,
        substrate_eq=n,
        addition_time=p.addition_time,
        base=base,
        base_eq=base_eq / n if base else 0.0,
    )
    result = simulate(scenario)
    sm_mw = result.table.species[0].mw
    used_g = n * scenario.amount() * sm_mw
    left = float(result.outcome.amounts[-1, 0])
    notes = (
        f"{n:g} eq of diamine ({used_g:.3g} g) for {cond.eq:g} eq {cond.electrophile}",
        f"{left * 1e3:.3g} mmol ({left * sm_mw:.3g} g) of diamine is left to recover, by "
        "distillation or an acid wash",
        *capped,
    )
    return summarise(
        PROTOCOL.name,
        PROTOCOL.label,
        result,
        precious=cond.precious,
        notes=notes,
        extra={"diamine_used_g": used_g},
    )


PROTOCOL = Protocol("excess", "excess diamine", Params, run, one_ended)
