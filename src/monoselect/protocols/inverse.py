"""Inverse addition: the diamine fed into the electrophile (the worst case for mono)."""

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
    addition_time: Quantity = "1 h"
    feed_conc: Quantity | None = None


def run(cond: Conditions, p: Params) -> ProtocolResult:
    base, base_eq = cond.base_for(reagents.electrophile(cond.electrophile).releases)
    scenario = scenario_for(
        cond,
        mode="inverse",
        addition_time=p.addition_time,
        feed_conc=p.feed_conc,
        base=base,
        base_eq=base_eq,
    )
    if scenario.total_seconds() < scenario.addition_seconds():
        scenario = scenario.evolve(time=None)  # the feed must end before the run does
    notes = (
        f"diamine fed over {scenario.addition_seconds() / 3600:g} h into {cond.eq:g} eq "
        f"{cond.electrophile}: each diamine meets an excess of electrophile",
    )
    return summarise(
        PROTOCOL.name, PROTOCOL.label, simulate(scenario), precious=cond.precious, notes=notes
    )


PROTOCOL = Protocol("inverse", "inverse", Params, run, one_ended)
