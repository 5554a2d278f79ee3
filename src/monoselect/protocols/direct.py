"""Direct addition: the electrophile to the diamine in one portion (or over a given time)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from monoselect.models import reagents, simulate
from monoselect.protocols.base import (
    Conditions,
    Protocol,
    ProtocolResult,
    one_ended,
    scenario_for,
    summarise,
)
from monoselect.scenario import Quantity


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    addition_time: Quantity = "0 min"


def run(cond: Conditions, p: Params) -> ProtocolResult:
    base, base_eq = cond.base_for(reagents.electrophile(cond.electrophile).releases)
    scenario = scenario_for(cond, addition_time=p.addition_time, base=base, base_eq=base_eq)
    notes = [f"{cond.eq:g} eq {cond.electrophile} on the free diamine"]
    if base:
        notes.append(f"{base_eq:g} eq {base} takes up the acid the reaction releases")
    return summarise(
        PROTOCOL.name, PROTOCOL.label, simulate(scenario), precious=cond.precious, notes=notes
    )


PROTOCOL = Protocol("direct", "direct", Params, run, one_ended)
