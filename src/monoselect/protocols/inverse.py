"""Inverse addition: the diamine fed into the electrophile (the worst case for mono)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from monoselect.protocols.base import Conditions, ProtocolResult, scenario_for, summarise
from monoselect.protocols.params import read_params
from monoselect.scenario import Quantity

NAME = "inverse"
LABEL = "inverse"


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    addition_time: Quantity = "1 h"
    feed_conc: Quantity | None = None


def run(cond: Conditions, params=None) -> ProtocolResult:
    from monoselect.api import simulate
    from monoselect.chem.molecules import resolve_electrophile

    p = read_params(Params, params, NAME)
    base, base_eq = cond.base_for(resolve_electrophile(cond.electrophile).releases)
    scenario = scenario_for(
        cond,
        mode="inverse",
        addition_time=p.addition_time,
        feed_conc=p.feed_conc,
        base=base,
        base_eq=base_eq,
    )
    if scenario.total_seconds() < scenario.addition_seconds():
        scenario = scenario.model_copy(update={"time": None})
    notes = (
        f"diamine fed over {scenario.addition_seconds() / 3600:g} h into {cond.eq:g} eq "
        f"{cond.electrophile}: each diamine meets an excess of electrophile",
    )
    return summarise(NAME, LABEL, scenario, simulate(scenario), precious=cond.precious, notes=notes)
