"""Solid phase: diamine on 2-chlorotrityl resin, then the electrophile, then cleavage.

Only one N of a bound diamine is free, so a one-ended electrophile cannot make bis on the
bead; what limits the protocol is cross-linking during loading (those diamines come back
unfunctionalised) and, with a linker, bridging between neighbouring sites.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from monoselect.protocols.base import Conditions, ProtocolResult, scenario_for
from monoselect.protocols.params import read_params
from monoselect.scenario import Quantity

NAME = "resin"
LABEL = "solid phase"


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    loading: Quantity = Field("1.2 mmol/g", description="resin loading (batch certificate)")
    swelling: Quantity = "5 mL/g"
    diamine_eq: float = Field(3.0, gt=0, description="diamine eq per site in the loading")
    electrophile_eq: float = Field(3.0, gt=0, description="electrophile eq per site")


def run(cond: Conditions, params=None) -> ProtocolResult:
    from monoselect.resin import resin_run
    from monoselect.units import parse_quantity

    p = read_params(Params, params, NAME)
    # resin mass so that the sites equal the conditions' scale of diamine
    sites_mol = parse_quantity(cond.scale, "amount", "scale")
    load = parse_quantity(p.loading, "loading", f"{NAME}.loading")
    grams = sites_mol / load * 1000.0
    r = resin_run(
        cond.substrate,
        cond.electrophile,
        resin=f"{grams} g",
        loading=p.loading,
        swelling=p.swelling,
        diamine_eq=min(p.diamine_eq, cond.max_substrate_eq),
        electrophile_eq=p.electrophile_eq,
        react_time=cond.max_time,
        sweep=False,
    )
    pt = r.point
    sites_mmol = sites_mol * 1e3
    diamine_used = min(p.diamine_eq, cond.max_substrate_eq) * sites_mmol
    scenario = scenario_for(cond)

    return ProtocolResult(
        name=NAME,
        label=LABEL,
        scenario=scenario,
        result=r,
        mono_yield_on_substrate=pt.product / diamine_used,
        mono_yield_on_electrophile=pt.product / (p.electrophile_eq * sites_mmol),
        bis=pt.bridged / diamine_used,
        sm_left=pt.diamine_back / diamine_used,
        time_s=scenario.total_seconds(),
        substrate_left_mmol=r.diamine_recoverable_mmol,
        excess_to_recover_g=r.diamine_recoverable_mmol * 1e-3 * _molar_mass(cond.substrate),
        steps=3,
        notes=(
            f"{grams:.3g} g resin at {load:g} mmol/g ({pt.site_conc:.3g} M sites in the bead); "
            f"{pt.loaded:.1%} of sites load one N, {pt.cross_linked:.1%} are cross-linked",
            f"cleavage gives {pt.product:.3g} mmol product, {pt.bridged:.3g} mmol bridged, "
            f"{pt.diamine_back:.3g} mmol diamine; crude purity {pt.purity:.1%}; "
            f"{r.diamine_recoverable_mmol:.3g} mmol diamine left in the loading solution",
        ),
        extra={"resin": pt.__dict__},
    )


def _molar_mass(substrate: str) -> float:
    from rdkit import Chem
    from rdkit.Chem import Descriptors

    from monoselect.chem.molecules import resolve_substrate

    return Descriptors.MolWt(Chem.MolFromSmiles(resolve_substrate(substrate).smiles))
