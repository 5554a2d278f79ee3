"""Protocols for a bifunctional linker, on the step-growth network (SCIENCE.md section 5).

The wanted product is the mono-adduct A-L-X (the linker on one N, its other end free). Each
variant is a scenario for ``simulate_linker``; all report the same numbers as the one-ended
protocols, with "mono" meaning A-L-X and "bis" the bridged dimer A-L-A.
"""

from __future__ import annotations

from monoselect.protocols.base import Conditions, ProtocolResult, scenario_for

# name -> (label, scenario fields, what it tests)
VARIANTS = {
    "linker_direct": ("direct", {}, "1 eq linker in one portion"),
    "linker_excess_diamine": (
        "excess diamine",
        {"substrate_eq": 5.0},
        "5 eq diamine: the linker meets fresh diamine",
    ),
    "linker_excess_linker": (
        "excess linker",
        {"eq": 5.0},
        "5 eq linker: every N meets fresh linker",
    ),
    "linker_slow_linker": (
        "slow addition of linker",
        {"addition_time": "4 h", "feed_conc": "0.5 M"},
        "linker fed over 4 h",
    ),
    "linker_slow_diamine": (
        "slow addition of diamine",
        {"mode": "inverse", "addition_time": "4 h", "feed_conc": "0.5 M", "eq": 5.0},
        "diamine fed over 4 h into 5 eq linker",
    ),
    "linker_high_dilution": (
        "high dilution",
        {"conc": "0.005 M", "addition_time": "6 h", "feed_conc": "0.01 M", "time": "7 d"},
        "0.005 M, linker fed over 6 h at 0.01 M",
    ),
    "linker_resin": ("solid phase", None, "diamine on 2-chlorotrityl resin, then the linker"),
}


def run_variant(name: str, cond: Conditions, params=None) -> ProtocolResult:
    """One linker variant, summarised in the shared ProtocolResult schema."""
    from monoselect.linker import simulate_linker

    label, fields, what = VARIANTS[name]
    if fields is None:  # on the bead: the resin protocol, with the linker as electrophile
        from monoselect.protocols import on_resin

        out = on_resin.run(cond, params)
        return ProtocolResult(**{**out.__dict__, "name": name, "label": label})
    fields = dict(fields)
    if "substrate_eq" in fields:
        fields["substrate_eq"] = min(fields["substrate_eq"], cond.max_substrate_eq)
    fields.setdefault("time", cond.max_time)
    scenario = scenario_for(cond, **fields)
    if scenario.addition_seconds() > scenario.total_seconds():
        scenario = scenario.model_copy(update={"time": None})
    result = simulate_linker(scenario)
    cats = result.by_category()
    n_sub = result.diamine_charged
    a_l_x = cats["mono-adduct A-L-X"] * n_sub  # mol (one A per A-L-X)
    sm_mw = result.species[0].mw
    left = cats["SM"] * n_sub
    return ProtocolResult(
        name=name,
        label=label,
        scenario=scenario,
        result=result,
        mono_yield_on_substrate=cats["mono-adduct A-L-X"],
        mono_yield_on_electrophile=a_l_x / result.linker_charged,
        bis=cats["bridged A-L-A"],
        sm_left=cats["SM"],
        time_s=float(result.time[-1]),
        substrate_left_mmol=left * 1e3,
        excess_to_recover_g=left * sm_mw if scenario.substrate_eq > 1 else 0.0,
        notes=(
            what,
            ", ".join(f"{k} {v:.1%}" for k, v in cats.items())
            + f"; oligomer {result.oligomer_mass_fraction:.1%} of the mass",
        ),
        extra={"categories": cats, "oligomer_mass_fraction": result.oligomer_mass_fraction},
    )
