"""Reductive amination, registered as two protocols: one pot (aldehyde, amine and hydride
together) and a pre-formed imine (aldehyde and amine first, over a dehydrating agent, then
the hydride). Each runs only its own mode (SCIENCE.md section 6)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from monoselect.models import simulate
from monoselect.protocols.base import Conditions, Protocol, ProtocolResult, scenario_for
from monoselect.scenario import Equivalents, Quantity


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    hydride: str = "NaBH(OAc)3"
    hydride_eq: Equivalents = Field(1.5, gt=0)
    pre_time: Quantity = Field("2 h", description="pre-formed mode only")
    dehydrating: bool = Field(True, description="pre-formed mode only (its usual partner)")


def applies(electrophile) -> bool:
    return electrophile.class_name == "aldehyde" and electrophile.reactive_groups == 1


def _run(protocol: Protocol, preformed: bool, cond: Conditions, p: Params) -> ProtocolResult:
    spec = {"hydride": p.hydride, "hydride_eq": p.hydride_eq}
    if preformed:
        spec |= {"pre_time": p.pre_time, "dehydrating": p.dehydrating}
    scenario = scenario_for(cond, reductive=spec)
    r = simulate(scenario)
    return ProtocolResult(
        name=protocol.name,
        label=protocol.label,
        result=r,
        time_s=scenario.run_seconds() + (scenario.reductive.pre_seconds if preformed else 0.0),
        substrate_left_mmol=r.split()["SM"] * scenario.amount() * 1e3,
        notes=(
            f"{p.hydride_eq:g} eq {r.hydride}"
            + (f" after {p.pre_time} of imine formation" if preformed else ", all at once")
            + (" over a dehydrating agent" if preformed and p.dehydrating else ""),
            f"{r.alcohol:.1%} of the aldehyde reduced to alcohol",
        ),
    )


ONE_POT = Protocol(
    "reductive_one_pot",
    "reductive, one pot",
    Params,
    lambda cond, p: _run(ONE_POT, False, cond, p),
    applies,
)
PREFORMED = Protocol(
    "reductive_preformed",
    "reductive, pre-formed imine",
    Params,
    lambda cond, p: _run(PREFORMED, True, cond, p),
    applies,
)
