"""Direct addition: the electrophile to the diamine in one portion (or over a given time)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from monoselect.protocols.base import Conditions, ProtocolResult, scenario_for, summarise
from monoselect.protocols.params import read_params
from monoselect.scenario import Quantity

NAME = "direct"
LABEL = "direct"


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    addition_time: Quantity = "0 min"


def run(cond: Conditions, params=None) -> ProtocolResult:
    from monoselect.api import simulate
    from monoselect.chem.molecules import resolve_electrophile

    p = read_params(Params, params, NAME)
    base, base_eq = cond.base_for(resolve_electrophile(cond.electrophile).releases)
    scenario = scenario_for(cond, addition_time=p.addition_time, base=base, base_eq=base_eq)
    notes = [f"{cond.eq:g} eq {cond.electrophile} on the free diamine"]
    if base:
        notes.append(f"{base_eq:g} eq {base} takes up the acid the reaction releases")
    return summarise(NAME, LABEL, scenario, simulate(scenario), precious=cond.precious, notes=notes)
