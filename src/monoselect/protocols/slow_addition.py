"""Slow addition / high dilution: the electrophile by syringe pump into the diamine.

Under ideal mixing the final split does not depend on the addition rate or the dilution
(SCIENCE.md section 2), so the report splits any gain over direct addition into the part
the excess of diamine gives (same equivalents in one portion) and the part the addition rate
itself gives (usually nothing).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

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
    substrate_eq: Equivalents = Field(2.0, ge=1.0, description="diamine eq (the article uses 2)")
    addition_time: Quantity = "4 h"
    feed_conc: Quantity = Field("0.05 M", description="electrophile solution in the syringe")
    conc: Quantity | None = Field(None, description="diamine in the flask; default: conditions")


def run(cond: Conditions, p: Params) -> ProtocolResult:
    n, capped = diamine_eq(p.substrate_eq, cond)
    base, base_eq = cond.base_for(reagents.electrophile(cond.electrophile).releases)
    common = dict(substrate_eq=n, base=base, base_eq=base_eq / n if base else 0.0)
    if p.conc is not None:
        common["conc"] = p.conc
    slow = scenario_for(cond, addition_time=p.addition_time, feed_conc=p.feed_conc, **common)
    if slow.total_seconds() < slow.addition_seconds():
        slow = slow.evolve(time=None)  # the feed must end before the run does
    one_portion = scenario_for(cond, **common)
    plain = scenario_for(cond, base=base, base_eq=base_eq)
    res = simulate(slow)
    y_slow = res.split().mono_yield_on_substrate
    y_portion = simulate(one_portion).split().mono_yield_on_substrate
    y_plain = simulate(plain).split().mono_yield_on_substrate
    # mol of mono per mol of the 1-eq scale, so that runs with more diamine compare fairly
    from_excess = y_portion * n - y_plain
    from_rate = (y_slow - y_portion) * n
    shown = [round(v, 3) + 0.0 for v in (from_excess, from_rate)]  # no "-0.000"
    notes = (
        f"{cond.eq:g} eq {cond.electrophile} fed over {slow.addition_seconds() / 3600:g} h at "
        f"{slow.feed_concentration():g} M into {n:g} eq of diamine",
        f"gain over direct addition, in mol mono per mol of scale: {shown[0]:+.3f} from the "
        f"{n:g} eq of diamine present, {shown[1]:+.3f} from the addition rate itself "
        "(under ideal mixing the rate cannot change the split)",
    )
    notes += capped
    return summarise(
        PROTOCOL.name,
        PROTOCOL.label,
        res,
        precious=cond.precious,
        notes=notes,
        extra={"gain_from_excess": from_excess, "gain_from_rate": from_rate},
    )


PROTOCOL = Protocol("slow_addition", "slow addition", Params, run, one_ended)
