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

import numpy as np

from monoselect.errors import InvalidInput, SolverFailure


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


def _solve(f, y0, t_end, rtol=1e-9):
    from scipy.integrate import solve_ivp

    sol = solve_ivp(f, (0, t_end), y0, method="Radau", rtol=rtol, atol=1e-16)
    if not sol.success:
        raise SolverFailure(f"resin integration failed: {sol.message}", field="conditions")
    return sol.y[:, -1]


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

    # loading: A in solution, R free sites, RA bound once, RAR bound twice (cross-link)
    def load(_t, y):
        a, r, ra, _rar = y
        c_a, c_r, c_ra = a / v_all, r / v_bead, ra / v_bead
        r1 = k_load * 2 * c_a * c_r * v_bead  # the diamine in the beads sees the sites
        r2 = k_load * c_ra * c_r * v_bead  # the bound diamine's other N meets a free site
        return [-r1, -r1 - r2, r1 - r2, r2]

    a, _, ra, rar = _solve(load, np.array([diamine, sites, 0.0, 0.0]), load_time)
    if not electrophile_volume > 0:
        raise InvalidInput("electrophile volume must be > 0", field="electrophile_conc")
    v_all = electrophile_volume + v_bead
    # free sites are capped and the free diamine washed out; then the functionalisation
    if linker:
        # L in solution (two ends), RA bound N-H, RAL bound A-L-X, RALAR bridged on the bead
        def func(_t, y):
            lk, ra_, ral, _bridged = y
            c_l = lk / v_all
            c_ra, c_ral = ra_ / v_bead, ral / v_bead
            r1 = k_el * 2 * c_l * c_ra * v_bead
            r2 = k_el * c_ral * c_ra * v_bead  # its free end meets a neighbouring N-H
            return [-r1, -r1 - r2, r1 - r2, r2]

        _, ra_left, product, bridged = _solve(
            func, np.array([electrophile, ra, 0.0, 0.0]), react_time
        )
        released_diamine = ra_left + rar
        released_bridged = bridged
    else:

        def func(_t, y):
            e, ra_, _rae = y
            r1 = k_el * (e / v_all) * (ra_ / v_bead) * v_bead
            return [-r1, -r1, r1]

        _, ra_left, product = _solve(func, np.array([electrophile, ra, 0.0]), react_time)
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
