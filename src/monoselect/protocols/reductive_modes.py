"""What the two reductive-amination protocols share (SCIENCE.md section 6)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from monoselect.errors import InvalidInput
from monoselect.protocols.base import Conditions, ProtocolResult, scenario_for
from monoselect.protocols.params import read_params
from monoselect.scenario import Quantity


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    hydride: str = "NaBH(OAc)3"
    hydride_eq: float = Field(1.5, gt=0)
    pre_time: Quantity = "2 h"
    dehydrating: bool = True


def applies(electrophile) -> bool:
    return electrophile.class_name == "aldehyde" and electrophile.reactive_groups == 1


def _run(name: str, label: str, preformed: bool, cond: Conditions, params) -> ProtocolResult:
    from monoselect.chem.molecules import resolve_electrophile
    from monoselect.reductive import reductive_amination

    p = read_params(Params, params, name)
    el = resolve_electrophile(cond.electrophile)
    if not applies(el):
        raise InvalidInput(
            f"{el.name} is not a mono-aldehyde: reductive amination does not apply",
            field="protocols",
            fix="leave this protocol out for this electrophile",
        )
    r = reductive_amination(
        cond.substrate,
        cond.electrophile,
        eq=cond.eq,
        hydride=p.hydride,
        hydride_eq=p.hydride_eq,
        scale=cond.scale,
        conc=cond.conc,
        pre_time=p.pre_time if preformed else "0 s",
        dehydrating=p.dehydrating and preformed,
        time=cond.max_time,
    )
    m = r.preformed if preformed else r.one_pot
    scenario = scenario_for(cond)

    return ProtocolResult(
        name=name,
        label=label,
        scenario=scenario,
        result=r,
        mono_yield_on_substrate=m.split["mono"],
        mono_yield_on_electrophile=m.mono_yield_on_aldehyde,
        bis=m.split["bis"],
        sm_left=m.split["SM"],
        time_s=scenario.total_seconds(),
        substrate_left_mmol=m.split["SM"] * scenario.amount() * 1e3,
        excess_to_recover_g=0.0,
        notes=(
            f"{p.hydride_eq:g} eq {r.hydride}"
            + (f" after {p.pre_time} of imine formation" if preformed else ", all at once")
            + ("" if not (preformed and p.dehydrating) else " over a dehydrating agent"),
            f"{m.alcohol:.1%} of the aldehyde reduced to alcohol",
        ),
    )
