"""A diamine on 2-chlorotrityl resin: loading, cross-links, on-bead chemistry, cleavage.

Everything that happens on the resin happens inside the swollen beads, where the site
concentration is c_site = loading / swelling (SCIENCE.md section 7). Loading: a diamine N
from solution attaches to a free site; the bound diamine's other N can attach to a
neighbouring free site (a cross-link, at the in-bead free-site concentration), competing
with fresh diamine. Free sites are then capped. Functionalisation: the bound free N reacts
with the electrophile from solution; with a linker, a bound A-L-X can meet a neighbouring
bound N-H and bridge on the bead. Cleavage releases every N-trityl bond.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from monoselect.errors import InvalidInput
from monoselect.kinetics.staged import MassAction, Stage, integrate_staged


@dataclass(frozen=True)
class ResinRun:
    """What comes off the resin, in mol, and what the loading step did."""

    sites: float  # mol of resin sites
    loaded: float  # mol of diamine bound by one N (after loading)
    cross_linked: float  # mol of diamine bound by both N
    released_product: float  # A-E (mono electrophile) or A-L-X (linker)
    released_bridged: float  # A-L-A from on-bead bridging (linker only)
    released_diamine: float  # from unreacted bound and cross-linked diamine
    diamine_in_solution: float  # left after loading (recoverable)


def _solve(reactants, stoich, k, y0, t_end, step: str, rtol=1e-7):
    """End state of one resin step: bimolecular mass action with the volume of each reaction
    folded into its k (in-bead and solution concentrations differ), by the staged integrator.

    rtol 1e-7 with atol 1e-10 of the largest charge: the end states agree with rtol 1e-10
    to 1e-10 of the diamine charge, in a quarter of the steps (a comparison runs several).
    """
    law = MassAction(reactants, stoich, k)  # amounts in mol, k in 1/(mol s)
    run = integrate_staged(
        law,
        y0,
        [Stage(t_end)],
        rtol=rtol,
        atol=1e-10,
        amount_scale=max(y0),
        what=f"the resin {step}",
        fix=None,
    )
    return run.final


def simulate_resin(
    *,
    resin_g: float,
    loading: float,  # mol/kg
    swelling: float,  # L/kg
    diamine: float,  # mol offered in the loading step
    solution_volume: float,  # L of solution around the beads
    k_load: float,  # L/mol/s
    load_time: float,  # s
    electrophile: float,  # mol in the functionalisation step
    electrophile_volume: float,  # L of electrophile solution around the beads
    k_el: float,  # L/mol/s per N-H and electrophile end
    linker: bool,
    react_time: float,  # s
) -> ResinRun:
    for name, v in (
        ("resin", resin_g),
        ("loading", loading),
        ("swelling", swelling),
        ("diamine", diamine),
        ("solution volume", solution_volume),
    ):
        if not (v > 0 and math.isfinite(v)):
            raise InvalidInput(f"{name} must be > 0, got {v}", field=name.replace(" ", "_"))
    kg = resin_g / 1000.0
    sites = loading * kg
    v_bead = swelling * kg
    v_all = solution_volume + v_bead

    # loading: A in solution, R free sites, RA bound once, RAR bound twice (cross-link).
    # The diamine in the beads sees the sites: 2 k [A] [R] v_bead = 2 k n_A n_R / v_all;
    # the bound diamine's other N meets a free site: k [RA] [R] v_bead = k n_RA n_R / v_bead
    a, _, ra, rar = _solve(
        [[0, 1], [2, 1]],
        [[-1, 0], [-1, -1], [1, -1], [0, 1]],
        [2 * k_load / v_all, k_load / v_bead],
        [diamine, sites, 0.0, 0.0],
        load_time,
        "loading step",
    )
    if not electrophile_volume > 0:
        raise InvalidInput("electrophile volume must be > 0", field="electrophile_conc")
    v_all = electrophile_volume + v_bead
    # free sites are capped and the free diamine washed out; then the functionalisation
    if linker:
        # L in solution (two ends), RA bound N-H, RAL bound A-L-X, RALAR bridged on the bead;
        # RAL's free end meets a neighbouring N-H at in-bead concentrations
        _, ra_left, product, bridged = _solve(
            [[0, 1], [2, 1]],
            [[-1, 0], [-1, -1], [1, -1], [0, 1]],
            [2 * k_el / v_all, k_el / v_bead],
            [electrophile, ra, 0.0, 0.0],
            react_time,
            "functionalisation",
        )
        released_diamine = ra_left + rar
        released_bridged = bridged
    else:
        # E in solution, RA bound N-H, RAE bound product
        _, ra_left, product = _solve(
            [[0, 1]],
            [[-1], [-1], [1]],
            [k_el / v_all],
            [electrophile, ra, 0.0],
            react_time,
            "functionalisation",
        )
        released_diamine = ra_left + rar
        released_bridged = 0.0
    return ResinRun(
        sites=sites,
        loaded=ra,
        cross_linked=rar,
        released_product=product,
        released_bridged=released_bridged,
        released_diamine=released_diamine,
        diamine_in_solution=a,
    )
