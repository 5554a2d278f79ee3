"""Micromixing: when ideal mixing fails, and what the feed zone then makes (SCIENCE.md 8).

A drop of fed electrophile is not spread over the flask at once: it grows by engulfing
surrounding liquid at the rate E = 0.058 (eps/nu)^0.5 (Baldyga & Bourne's engulfment
model). If the reaction is faster than that (Damkohler number Da = t_mix / t_reaction > 1),
the zone sees a local excess of electrophile, and the mono product made there meets more
electrophile before fresh diamine arrives: bis forms even at 1.0 eq and slow addition.

Semi-batch E-model, as simulated here: the feed is cut into ``blobs`` equal portions; each
grows from its own volume by engulfing the bulk (held at its composition over the blob's
short life) while reacting, until its electrophile is spent or it has engulfed the whole
bulk; then it merges. Between portions the bulk reacts as an ideally mixed batch. Every
substrate and electrophile unit is conserved, and fast engulfment gives the ideal result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from monoselect.errors import InvalidInput

ENGULFMENT_CONSTANT = 0.058  # Baldyga & Bourne: E = 0.058 (eps / nu)^0.5


def engulfment_rate(eps_w_per_kg: float, nu_m2_per_s: float) -> float:
    """E (1/s) for turbulent energy dissipation ``eps`` and kinematic viscosity ``nu``."""
    if not (eps_w_per_kg > 0 and nu_m2_per_s > 0):
        raise InvalidInput("power per mass and viscosity must be > 0", field="mixing")
    return ENGULFMENT_CONSTANT * math.sqrt(eps_w_per_kg / nu_m2_per_s)


def damkohler(e_rate: float, k: float, conc: float) -> float:
    """Da = t_mix / t_reaction with t_mix = 1/E and t_reaction = 1/(k c)."""
    return k * conc / e_rate


@dataclass(frozen=True)
class EModelResult:
    sm: float  # mol at the end
    mono: float
    bis: float
    electrophile: float
    blobs: int
    zone_bis_share: float  # fraction of the bis made inside feed zones


def simulate_engulfment_many(
    e_rates: Sequence[float] | np.ndarray,
    *,
    k1: float,
    k2: float,
    substrate: float,
    electrophile: float,
    volume: float,
    feed_conc: float,
    feed_time: float,
    blobs: int = 20,  # the models' default (MixingSpec.blobs)
    hold: float = 24 * 3600.0,
    rtol: float = 1e-7,
    inverse: bool = False,
) -> list[EModelResult]:
    """``simulate_engulfment`` at every engulfment rate in ``e_rates`` (1/s): one compiled
    call on one core for a whole stirring or scale sweep (the free-base diamine network
    through kinetics/zones.py, no proton pool)."""
    from monoselect.kinetics.network import RateModel, build_network, symmetric_diamine
    from monoselect.kinetics.simulate import FeedStage, Problem, integrate_feed_zones

    rates = np.ascontiguousarray(e_rates, dtype=float).ravel()
    for name, value in (("k1", k1), ("k2", k2), ("feed_conc", feed_conc)):
        if not (value > 0 and math.isfinite(value)):
            raise InvalidInput(f"{name} must be > 0, got {value}", field=name)
    for value in rates:
        if not (value > 0 and math.isfinite(value)):
            raise InvalidInput(f"e_rate must be > 0, got {value}", field="e_rate")
    if blobs < 1 or not feed_time >= 0:
        raise InvalidInput("need at least one portion and a feed time >= 0", field="feed")
    # molecular k1 = 2 k_site (two fresh N), k2 = rho k_site (one N left): SCIENCE.md section 1
    net = build_network(symmetric_diamine(), RateModel((k1 / 2.0,), rho=2.0 * k2 / k1))
    fed = substrate if inverse else electrophile
    stages, bolus = (), 0.0
    if feed_time > 0:
        rate = fed / feed_time
        stages = (
            FeedStage(
                feed_time,
                electrophile_rate=0.0 if inverse else rate,
                substrate_rate=rate if inverse else 0.0,
                volume_rate=rate / feed_conc,
            ),
        )
    else:
        bolus = fed
    problem = Problem(
        network=net,
        substrate=bolus if inverse else substrate,
        electrophile=electrophile if inverse else bolus,
        volume=volume + bolus / feed_conc,  # a portion charged at once is in the flask
        stages=stages,
        feed_conc=feed_conc,
    )
    runs = integrate_feed_zones(
        problem, rates, portions=int(blobs), hold=hold, rtol=rtol, inverse=inverse
    )
    out = []
    for z in runs:
        sm, mono, bis = (float(v) for v in z.species)
        out.append(
            EModelResult(
                sm=sm,
                mono=mono,
                bis=bis,
                electrophile=z.electrophile,
                blobs=z.portions,
                zone_bis_share=float(z.made_in_zones[2] / bis) if bis > 0 else 0.0,
            )
        )
    return out


def simulate_engulfment(
    *,
    k1: float,
    k2: float,
    substrate: float,
    electrophile: float,
    volume: float,
    feed_conc: float,
    feed_time: float,
    e_rate: float,
    blobs: int = 20,  # the models' default (MixingSpec.blobs)
    hold: float = 24 * 3600.0,
    rtol: float = 1e-7,
    inverse: bool = False,
) -> EModelResult:
    """Semi-batch feed of ``electrophile`` (mol, at ``feed_conc``) over ``feed_time`` s into
    ``substrate`` (mol) in ``volume`` (L); k1, k2 molecular rate constants (L/mol/s).

    ``inverse``: the substrate is fed into the electrophile instead. Its feed zone then
    engulfs electrophile, and lives until every N-H in it has reacted or it has engulfed
    the whole bulk. Each portion: the zone in concentrations, dc/dt = E (c_bulk - c) + r(c),
    its volume v0 exp(E t) known in closed form; then the bulk as an ideal batch until the
    next portion (compiled: kinetics/zones.py)."""
    return simulate_engulfment_many(
        [e_rate],
        k1=k1,
        k2=k2,
        substrate=substrate,
        electrophile=electrophile,
        volume=volume,
        feed_conc=feed_conc,
        feed_time=feed_time,
        blobs=blobs,
        hold=hold,
        rtol=rtol,
        inverse=inverse,
    )[0]
