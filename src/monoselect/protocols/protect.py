"""Protect, functionalise, deprotect: three steps instead of a selective one.

Step 1 mono-protects the diamine with another protocol (simulated), step 2 puts the wanted
group on the one free N of the mono-protected amine (simulated: one site, so no bis), step 3
removes the protecting group with a given yield. The protecting group must differ from the
wanted group, or step 3 would take both off: Boc by default, Cbz when Boc is what you want.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import BaseModel, ConfigDict, Field

from monoselect.errors import InvalidInput
from monoselect.models import reagents, simulate
from monoselect.protocols.base import (
    Conditions,
    Protocol,
    ProtocolResult,
    make_conditions,
    one_ended,
    salts_for,
    scenario_for,
    summarise,
)
from monoselect.scenario import Equivalents

# protocols that leave the mono-protected amine in solution, ready for step 2
MONO_PROTECTION = ("direct", "excess", "slow_addition", "inverse", "hcl_salt")
# protecting agents by preference, each with what removes it (orthogonal to the other)
PROTECTING = {"Boc2O": "acid (TFA or HCl)", "Cbz-Cl": "hydrogenolysis (H2, Pd/C)"}


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    protecting_agent: str | None = Field(
        None, description="default: Boc2O, or Cbz-Cl when the wanted group is a Boc"
    )
    protect_with: str = Field("hcl_salt", description="protocol for the mono-protection")
    functionalise_eq: Equivalents = Field(1.1, gt=0.0)
    deprotection_yield: float = Field(0.95, gt=0.0, le=1.0)


def protecting_agent(electrophile, given: str | None) -> str:
    """The protecting agent: the user's, else the first of PROTECTING that puts a different
    group on N than ``electrophile`` does."""
    if given is not None:
        agent = reagents.electrophile(given, "protect.protecting_agent")
        if agent.smiles == electrophile.smiles:
            raise InvalidInput(
                f"{given} is the electrophile itself: deprotection would remove the product's "
                "group too",
                field="protect.protecting_agent",
                fix=f"pick an orthogonal one, e.g. {', '.join(PROTECTING)}",
            )
        return given
    for name in PROTECTING:
        if reagents.electrophile(name).class_name != electrophile.class_name:
            return name
    raise InvalidInput("no orthogonal protecting group", field="protect.protecting_agent")


def run(cond: Conditions, p: Params) -> ProtocolResult:
    from monoselect.protocols import PROTOCOLS

    if p.protect_with not in MONO_PROTECTION:
        raise InvalidInput(
            f"cannot mono-protect with {p.protect_with!r}",
            field="protect.protect_with",
            fix="protect with direct, excess, slow_addition, inverse or hcl_salt",
        )
    el = reagents.electrophile(cond.electrophile)
    agent = protecting_agent(el, p.protecting_agent)
    # kappa, k and a product's salt belong to the user's substrate and electrophile: not to
    # the protecting step's product, nor to the protected substrate of step 2
    unfitted = {**cond.model_dump(), "kappa": None, "k": None}
    sm_salts = salts_for(cond.solubility, cond.substrate, starting_material=True)
    step1 = PROTOCOLS[p.protect_with].run(
        make_conditions(**{**unfitted, "electrophile": agent, "eq": 1.0, "solubility": sm_salts})
    )
    table = step1.result.table
    protected = next(
        s.smiles for s, d in zip(table.species, step1.result.outcome.degree, strict=True) if d == 1
    )
    base_salts = salts_for(cond.solubility, cond.substrate)
    step2_cond = make_conditions(
        **{**unfitted, "substrate": protected, "eq": p.functionalise_eq, "solubility": base_salts}
    )
    base, base_eq = step2_cond.base_for(el.releases)
    step2 = simulate(scenario_for(step2_cond, base=base, base_eq=base_eq))
    y1 = step1.mono_yield_on_substrate
    y2 = step2.split().mono_yield_on_substrate
    overall = y1 * y2 * p.deprotection_yield
    notes = (
        f"step 1, {step1.label} with {agent}: {y1:.1%} mono-protected",
        f"step 2, {p.functionalise_eq:g} eq {cond.electrophile} on {protected}: {y2:.1%}",
        f"step 3, deprotection by {PROTECTING.get(agent, 'the usual method')} at "
        f"{p.deprotection_yield:.0%} (given)",
        f"overall {overall:.1%} over 3 steps, plus 3 workups",
    )
    factor = y2 * p.deprotection_yield
    out = summarise(
        PROTOCOL.name,
        PROTOCOL.label,
        step1.result,
        precious=cond.precious,
        notes=notes,
        curve=False,
        steps=3,
        yields=(overall, factor / p.functionalise_eq),
        extra={"step_yields": [y1, y2, p.deprotection_yield], "protecting_agent": agent},
        step_results=(step1.result, step2),
    )
    # the product is the functionalised amine: its curve is step 1's times the later steps
    return replace(
        out,
        time_s=step1.time_s + step2.time_to_99(),
        curve_eq=step1.curve_eq,
        curve_mono_yield=tuple(y * factor for y in step1.curve_mono_yield),
    )


PROTOCOL = Protocol("protect", "protect first", Params, run, one_ended)
