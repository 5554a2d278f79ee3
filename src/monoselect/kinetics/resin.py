"""A diamine on 2-chlorotrityl resin: loading, cross-links, on-bead chemistry, cleavage.

Everything that happens on the resin happens inside the swollen beads, where the site
concentration is c_site = loading / swelling. Loading: a diamine N
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
from monoselect.kinetics.network import RateModel, build_network, symmetric_diamine
from monoselect.kinetics.simulate import Problem, integrate


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


def _consecutive(x0: float, y0: float, k1: float, k2: float, t_end: float):
    """X + Y -> Z (k1), Z + Y -> W (k2), rates k n_X n_Y in mol/s (each step's volume folded
    into its k): amounts of X, Y, Z, W after ``t_end`` s.

    Every resin step has this shape (diamine + sites -> bound -> cross-linked; linker + bound
    N-H -> A-L-X -> bridged; electrophile + bound N-H with k2 = 0), which is the site network
    of a symmetric diamine: the compiled integrator runs it, with k_site = k1/2 and
    rho = 2 k2/k1 so the counted statistical factor gives back k1, at a volume of 1 L.
    """
    net = build_network(symmetric_diamine(), RateModel((k1 / 2.0,), rho=2.0 * k2 / k1))
    run = integrate(Problem(net, substrate=x0, electrophile=y0, volume=1.0, t_end=t_end))
    x, z, w = (float(v) for v in run.species[-1])
    return x, float(run.electrophile[-1]), z, w


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
    a, _, ra, rar = _consecutive(diamine, sites, 2 * k_load / v_all, k_load / v_bead, load_time)
    if not electrophile_volume > 0:
        raise InvalidInput("electrophile volume must be > 0", field="electrophile_conc")
    v_all = electrophile_volume + v_bead
    # free sites are capped and the free diamine washed out; then the functionalisation
    if linker:
        # L in solution (two ends), RA bound N-H, RAL bound A-L-X, RALAR bridged on the bead;
        # RAL's free end meets a neighbouring N-H at in-bead concentrations
        _, ra_left, product, bridged = _consecutive(
            electrophile, ra, 2 * k_el / v_all, k_el / v_bead, react_time
        )
        released_diamine = ra_left + rar
        released_bridged = bridged
    else:
        # E in solution, RA bound N-H, RAE bound product
        _, ra_left, product, _ = _consecutive(electrophile, ra, k_el / v_all, 0.0, react_time)
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
