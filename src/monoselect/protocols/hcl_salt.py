"""Mono-HCl salt: acid first (one N protonated), then the electrophile.

No base is added unless the user names one: a base would take the proton back. With an
electrophile that releases HX the released acid protonates the rest of the amine, and the
result says so (the article's FAQ on alkylation).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from monoselect.models import reagents, simulate
from monoselect.protocols.base import (
    Conditions,
    Protocol,
    ProtocolResult,
    one_ended,
    scenario_for,
    summarise,
)
from monoselect.scenario import Equivalents, Quantity

STATE_NAMES = ("free base", "monocation", "dication", "trication", "tetracation")


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    acid: str = Field("HCl in MeOH", description="HCl solution: in MeOH, dioxane or Et2O")
    acid_eq: Equivalents = Field(1.0, gt=0.0)
    temperature: Quantity | None = Field(None, description="default: the conditions'")
    addition_time: Quantity = Field("30 min", description="electrophile added dropwise")


def run(cond: Conditions, p: Params) -> ProtocolResult:
    el = reagents.electrophile(cond.electrophile)
    base = cond.base if cond.base not in (None, "none", "auto") else None
    base_eq = (cond.base_eq if cond.base_eq is not None else 1.2 * cond.eq) if base else 0.0
    scenario = scenario_for(
        cond,
        acid=p.acid,
        acid_eq=p.acid_eq,
        base=base,
        base_eq=base_eq,
        addition_time=p.addition_time,
        **({"temperature": p.temperature} if p.temperature is not None else {}),
    )
    result = simulate(scenario)
    o = result.outcome
    sm_states = o.protonation(0)[0]
    notes = [
        f"{p.acid_eq:g} eq {p.acid} first: at the start the diamine is "
        + ", ".join(f"{v:.1%} {STATE_NAMES[n]}" for n, v in enumerate(sm_states) if v > 5e-4)
    ]
    if el.releases != "none" and not base:
        notes.append(
            f"{el.name} releases {el.releases_acid or 'acid'}: with no base it protonates the "
            f"remaining amine; {o.electrophile_left:.0%} of the electrophile is left unreacted"
        )
    if base:
        notes.append(f"{base_eq:g} eq {base} added: it takes the protons back from the salt")
    speciation = {
        label: {
            when: {f"{n}H+": float(v) for n, v in enumerate(o.protonation(i)[row])}
            for when, row in (("start", 0), ("end", -1))
        }
        for i, label in enumerate(o.labels)
    }
    return summarise(
        PROTOCOL.name,
        PROTOCOL.label,
        result,
        precious=cond.precious,
        notes=notes,
        extra={"speciation": speciation},
    )


PROTOCOL = Protocol("hcl_salt", "HCl salt", Params, run, one_ended)
