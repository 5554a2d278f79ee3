"""Protect, functionalise, deprotect: three steps instead of a selective one.

Step 1 mono-protects the diamine with any other protocol (simulated), step 2 puts the wanted
group on the one free N of the mono-protected amine (simulated: one site, so no bis), step 3
removes the protecting group with a given yield.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import BaseModel, ConfigDict, Field

from monoselect.errors import InvalidInput
from monoselect.protocols.base import Conditions, ProtocolResult, scenario_for, summarise
from monoselect.protocols.params import read_params

NAME = "protect"
LABEL = "protect first"


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    protecting_agent: str = "Boc2O"
    protect_with: str = Field("hcl_salt", description="protocol for the mono-protection")
    functionalise_eq: float = Field(1.1, gt=0.0)
    deprotection_yield: float = Field(0.95, gt=0.0, le=1.0)


def run(cond: Conditions, params=None) -> ProtocolResult:
    from monoselect.api import simulate
    from monoselect.chem.molecules import resolve_electrophile
    from monoselect.protocols import PROTOCOLS

    p = read_params(Params, params, NAME)
    if p.protect_with not in PROTOCOLS or p.protect_with == NAME:
        raise InvalidInput(
            f"cannot mono-protect with {p.protect_with!r}",
            field=f"{NAME}.protect_with",
            fix=f"one of {', '.join(n for n in PROTOCOLS if n != NAME)}",
        )
    step1 = PROTOCOLS[p.protect_with].run(
        cond.model_copy(update={"electrophile": p.protecting_agent, "eq": 1.0})
    )
    if not hasattr(step1.result, "table"):
        raise InvalidInput(
            f"{p.protect_with} does not give a mono-protected amine in solution",
            field=f"{NAME}.protect_with",
            fix="protect with direct, excess, slow_addition, inverse or hcl_salt",
        )
    mono = [
        s for s, d in zip(step1.result.table.species, step1.outcome.degree, strict=True) if d == 1
    ]
    protected = mono[0].smiles
    el = resolve_electrophile(cond.electrophile)
    step2_cond = cond.model_copy(update={"substrate": protected, "eq": p.functionalise_eq})
    base, base_eq = step2_cond.base_for(el.releases)
    scenario2 = scenario_for(step2_cond, base=base, base_eq=base_eq)
    step2 = simulate(scenario2)
    y2 = step2.outcome.mono_yield_on_substrate
    overall = step1.mono_yield_on_substrate * y2 * p.deprotection_yield
    notes = (
        f"step 1, {step1.label} with {p.protecting_agent}: "
        f"{step1.mono_yield_on_substrate:.1%} mono-protected",
        f"step 2, {p.functionalise_eq:g} eq {cond.electrophile} on {protected}: {y2:.1%}",
        f"step 3, deprotection at {p.deprotection_yield:.0%} (given)",
        f"overall {overall:.1%} over 3 steps, plus 3 workups",
    )
    factor = y2 * p.deprotection_yield
    out = summarise(
        NAME,
        LABEL,
        step1.scenario,
        step1.result,
        precious=cond.precious,
        notes=notes,
        curve=False,
        steps=3,
        overall_yield=overall,
        extra={"step_yields": [step1.mono_yield_on_substrate, y2, p.deprotection_yield]},
    )
    # the product is the functionalised amine: its yield on the diamine is the overall yield
    return replace(
        out,
        mono_yield_on_substrate=overall,
        mono_yield_on_electrophile=y2 * p.deprotection_yield / p.functionalise_eq,
        time_s=step1.time_s + float(step2.outcome.time[-1]),
        curve_eq=step1.curve_eq,
        curve_mono_yield=tuple(y * factor for y in step1.curve_mono_yield),
    )
