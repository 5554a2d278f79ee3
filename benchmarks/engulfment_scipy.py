"""Baseline for the mixing benchmark: the engulfment model as it ran before it was compiled.

Each feed portion's zone and the bulk between portions integrated by SciPy's Radau through
``monoselect.kinetics.staged`` (kept here, in the benchmark only, so the compiled zones of
``monoselect.kinetics.zones`` are timed and checked against it in the same process).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from monoselect.errors import InvalidInput
from monoselect.kinetics.staged import Event, MassAction, Stage, integrate_staged, radau_only


@dataclass(frozen=True)
class EModelResult:
    sm: float  # mol at the end
    mono: float
    bis: float
    electrophile: float
    blobs: int
    zone_bis_share: float  # fraction of the bis made inside feed zones


# SM, mono, bis, electrophile: SM + E -> mono (k1), mono + E -> bis (k2)
_REACTANTS = np.array([[0, 3], [1, 3]])
_STOICH = np.array([[-1.0, 0.0], [1.0, -1.0], [0.0, 1.0], [-1.0, -1.0]])


def _batch(n, v, k1, k2, seconds, rtol):
    """Ideal batch for ``seconds`` (closed system, constant volume ``v``)."""
    if seconds <= 0 or n[3] <= 1e-12 * n[:3].sum():
        return n  # nothing left to react with
    bulk = MassAction(_REACTANTS, _STOICH, [k1, k2], volume=v)
    with radau_only():  # as it ran then (a run without events is compiled now)
        run = integrate_staged(
            bulk,
            n,
            [Stage(seconds)],
            rtol=rtol,
            atol=1e-14 * max(n.sum(), 1),
            what="the bulk between feed portions",
            field="mixing",
            fix=None,
        )
    return run.final


def _feed_zone(k1, k2, e_rate):
    """The zone in concentrations (volume 1): the chemistry, plus engulfment E (c_bulk - c)
    as a first-order loss of every species at E and, in the stage, a feed of E c_bulk."""
    dilution = np.array([[i, -1] for i in range(4)])
    return MassAction(
        np.concatenate([_REACTANTS, dilution]),
        np.concatenate([_STOICH, -np.eye(4)], axis=1),
        [k1, k2, e_rate, e_rate, e_rate, e_rate],
    )


def simulate_engulfment_scipy(
    *,
    k1: float,
    k2: float,
    substrate: float,
    electrophile: float,
    volume: float,
    feed_conc: float,
    feed_time: float,
    e_rate: float,
    blobs: int = 40,
    hold: float = 24 * 3600.0,
    rtol: float = 1e-7,
    inverse: bool = False,
) -> EModelResult:
    """Semi-batch feed of ``electrophile`` (mol, at ``feed_conc``) over ``feed_time`` s into
    ``substrate`` (mol) in ``volume`` (L); k1, k2 molecular rate constants (L/mol/s).

    ``inverse``: the substrate is fed into the electrophile instead. Its feed zone then
    engulfs electrophile, and lives until every N-H in it has reacted or it has engulfed
    the whole bulk."""
    for name, value in (("k1", k1), ("k2", k2), ("e_rate", e_rate), ("feed_conc", feed_conc)):
        if not (value > 0 and math.isfinite(value)):
            raise InvalidInput(f"{name} must be > 0, got {value}", field=name)
    if blobs < 1 or feed_time < 0:
        raise InvalidInput("need at least one portion and a feed time >= 0", field="feed")
    bulk = np.array([0.0, 0.0, 0.0, electrophile] if inverse else [substrate, 0.0, 0.0, 0.0])
    v_bulk = volume
    portion = (substrate if inverse else electrophile) / blobs
    v_blob = portion / feed_conc
    start = np.array([feed_conc, 0.0, 0.0, 0.0] if inverse else [0.0, 0.0, 0.0, feed_conc])
    if inverse:  # N-H left in the zone (2 per SM, 1 per mono), against the portion's 2
        left = np.array([2.0, 1.0, 0.0, 0.0]) / 2.0
        label = "zone N-H spent"
    else:
        left = np.array([0.0, 0.0, 0.0, 1.0])
        label = "zone electrophile spent"
    interval = feed_time / blobs
    zone_bis = 0.0
    zone = _feed_zone(k1, k2, e_rate)
    for _ in range(blobs):
        # the zone in concentrations: dc/dt = E (c_bulk - c) + r(c), its volume
        # v0 exp(E t) known in closed form, so the stiff part is only the chemistry
        c_bulk = bulk / v_bulk
        t_full = math.log((v_bulk + v_blob) / v_blob) / e_rate  # it has engulfed everything

        spent = Event(
            label,
            lambda t, c: float(left @ c) * v_blob * math.exp(e_rate * t) - 1e-9 * portion,
        )
        stage = Stage(t_full, feed=e_rate * c_bulk, events=(spent,))
        sol = integrate_staged(
            zone,
            start,
            [stage],
            rtol=rtol,
            atol=1e-11 * feed_conc,
            what="the feed zone",
            field="mixing",
            fix=None,
        )
        v_zone = v_blob * math.exp(e_rate * sol.time[-1])
        engulfed = min(v_zone - v_blob, v_bulk)
        n_zone = sol.final * (engulfed + v_blob)
        zone_bis += n_zone[2] - c_bulk[2] * engulfed
        bulk = bulk - c_bulk * engulfed + n_zone
        v_bulk = v_bulk + v_blob
        bulk = _batch(bulk, v_bulk, k1, k2, interval, rtol)
    bulk = _batch(bulk, v_bulk, k1, k2, hold, rtol)
    total_bis = bulk[2]
    return EModelResult(
        sm=float(bulk[0]),
        mono=float(bulk[1]),
        bis=float(bulk[2]),
        electrophile=float(bulk[3]),
        blobs=blobs,
        zone_bis_share=float(zone_bis / total_bis) if total_bis > 0 else 0.0,
    )
