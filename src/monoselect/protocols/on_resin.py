"""Solid phase: diamine on 2-chlorotrityl resin, then the electrophile, then cleavage.

Only one N of a bound diamine is free, so a one-ended electrophile cannot make bis on the
bead; what limits the protocol is cross-linking during loading (those diamines come back
unfunctionalised) and, with a linker, bridging between neighbouring sites. The resin sites
equal the conditions' scale; the electrophile per site is the conditions' ``eq`` unless
``electrophile_eq`` is given.
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
)
from monoselect.scenario import Equivalents, Quantity


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    loading: Quantity = Field("1.2 mmol/g", description="resin loading (batch certificate)")
    swelling: Quantity = "5 mL/g"
    diamine_eq: Equivalents = Field(3.0, gt=0, description="diamine eq per site in the loading")
    electrophile_eq: Equivalents | None = Field(
        None, gt=0, description="electrophile eq per site; default: the conditions' eq"
    )


def run(cond: Conditions, p: Params) -> ProtocolResult:
    diamine_eq = min(p.diamine_eq, cond.max_substrate_eq)
    scenario = scenario_for(
        cond,
        substrate_eq=diamine_eq,
        eq=p.electrophile_eq if p.electrophile_eq is not None else cond.eq,
        resin={"loading": p.loading, "swelling": p.swelling, "sweep": False},
    )
    r = simulate(scenario)
    pt = r.point
    sm_g_per_mmol = reagents.molar_mass(reagents.substrate(cond.substrate).smiles) / 1000.0
    return ProtocolResult(
        name=PROTOCOL.name,
        label=PROTOCOL.label,
        result=r,
        time_s=scenario.run_seconds(),
        substrate_left_mmol=r.diamine_recoverable_mmol,
        excess_to_recover_g=r.diamine_recoverable_mmol * sm_g_per_mmol,
        steps=3,
        notes=(
            f"{r.resin_g:.3g} g resin ({pt.site_conc:.3g} M sites in the bead); "
            f"{pt.loaded:.1%} of sites load one N, {pt.cross_linked:.1%} are cross-linked",
            f"cleavage gives {pt.product:.3g} mmol product, {pt.bridged:.3g} mmol bridged, "
            f"{pt.diamine_back:.3g} mmol diamine; crude purity {pt.purity:.1%}; "
            f"{r.diamine_recoverable_mmol:.3g} mmol diamine left in the loading solution",
        ),
    )


PROTOCOL = Protocol("resin", "solid phase", Params, run, one_ended)
