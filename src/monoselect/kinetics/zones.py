"""Compiled engulfment model on a whole site network, with its proton pool.

The semi-batch E-model of ``kinetics/mixing.py`` (each feed portion grows by engulfing the
bulk, held at its composition over the portion's short life, reacts until its electrophile
is spent, then merges; the bulk reacts as an ideal batch between portions), but the zone
and the bulk run the site kernel's rates (``rosenbrock._rhs``): every species of the
network, protonation microstates, the acids and bases charged, the acid the reaction
releases, solvolysis. So a feed zone of acyl chloride meets a diamine that is partly
protonated by the HCl it has made, and an added base buffers it, as in the flask.

State of one zone, in scaled concentrations (the site kernel's amounts per unit scaled
volume): c = c_bulk + (c_feed - c_bulk) x + q over every species and the electrophile, with
x = exp(-E t) solved exactly and dq/dt = -E q + r(c). What no reaction makes or consumes
(added bases and acids, the protons charged) follows the dilution exactly, so its zone
concentration is a function of x alone; the released protons travel with the products
that carry them (the site kernel counts them from each species' degree). The Jacobian is
analytic, including d[H+]/dx through those diluting amounts, so RODAS4 keeps every
reaction invariant in q to round-off and units and protons balance to 1e-9.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from monoselect.kinetics import (
    rodas4 as tab,  # the RODAS4 tableau: constants to numba
    rosenbrock as rb,
)

OK = 0
STEP_UNDERFLOW = 1
NOT_FINITE = 2
TOO_MANY_STEPS = 3
IN_ZONE = 0
IN_BULK = 1

_MAX_STEPS = 200_000  # per zone or batch


@njit(cache=True, inline="always", error_model="numpy")
def _fill(y, bulk, feed, pb, pf, full, sysm):
    """The concentrations at (q, x) into ``full`` (volume 1 last); the diluting binder
    amounts and charged protons into ``sysm`` (their arrays are this run's copies)."""
    nc = bulk.size
    x = y[nc]
    for i in range(nc):
        full[i] = bulk[i] + (feed[i] - bulk[i]) * x + y[i]
    full[nc] = 1.0
    nb = pb.size - 1
    for g in range(nb):
        sysm.binder_amount[g] = pb[g] + (pf[g] - pb[g]) * x
    sysm.proton_scales[rb.CHARGED] = pb[nb] + (pf[nb] - pb[nb]) * x


@njit(cache=True, error_model="numpy")
def _rhs(y, e_rate, bulk, feed, pb, pf, full, rfull, nofeed, sysm, work, protons, out):
    nc = bulk.size
    _fill(y, bulk, feed, pb, pf, full, sysm)
    if protons is not None:
        rb._speciate(full, sysm, work)
    rb._rhs(full, sysm, nofeed, rfull, work, protons)
    for i in range(nc):
        out[i] = -e_rate * y[i] + rfull[i]
    out[nc] = -e_rate * y[nc]


@njit(cache=True, error_model="numpy")
def _jacobian(e_rate, bulk, feed, pb, pf, full, jfull, sysm, work, protons, jac):
    """d f / d (q, x) at the state of the last ``_rhs`` (its speciation is in ``work``)."""
    nc = bulk.size
    rb._jacobian(full, sysm, jfull, work, protons)
    jac[:, :] = 0.0
    for i in range(nc):
        s = 0.0
        for j in range(nc):
            jac[i, j] = jfull[i, j]
            s += jfull[i, j] * (feed[j] - bulk[j])
        jac[i, nc] = s
    if protons is not None:
        lnh, dfdx = work.warm[0], work.warm[1]
        if dfdx > 0.0 and math.isfinite(lnh):
            # d ln[H+] / dx through what dilutes without reacting: F = free + bound - total
            nb = pb.size - 1
            dfp = -(pf[nb] - pb[nb])
            for g in range(nb):
                dfp += work.binder_protons[g] * (pf[g] - pb[g])
            dlnh = -dfp / dfdx
            st_start, st_nprot, kms = sysm.state_start, sysm.state_nprot, sysm.kms
            e = nc - 1
            for r in range(sysm.reactant.size):
                a = sysm.reactant[r]
                b = sysm.product[r]
                base = st_start[a]
                dk = 0.0
                for m in range(st_start[a + 1] - base):
                    dk += (
                        work.alpha[base + m]
                        * (st_nprot[base + m] - work.mean_protons[a])
                        * kms[r, m]
                    )
                q = dk * full[a] * full[e] * dlnh
                jac[a, nc] -= q
                jac[b, nc] += q
                jac[e, nc] -= q
    for i in range(nc + 1):
        jac[i, i] -= e_rate


@njit(cache=True, inline="always", error_model="numpy")
def _left(y, bulk, feed, weights, v_blob, level):
    """What the zone still holds of what its feed brings (``weights``: the electrophile, or
    each species' free N-H for a fed diamine), scaled mol, less the stop ``level``."""
    nc = bulk.size
    x = y[nc]
    s = 0.0
    for i in range(nc):
        if weights[i] != 0.0:
            s += weights[i] * (bulk[i] + (feed[i] - bulk[i]) * x + y[i])
    return s * v_blob / x - level


@njit(cache=True, inline="always", error_model="numpy")
def _dense(s, y, ynew, k1s, k2s, k3s, k4s, k5s, out):
    """The state a fraction ``s`` into the step just taken (RODAS4's dense output)."""
    for i in range(y.size):
        d3 = (
            tab.D21 * k1s[i]
            + tab.D22 * k2s[i]
            + tab.D23 * k3s[i]
            + tab.D24 * k4s[i]
            + tab.D25 * k5s[i]
        )
        d4 = (
            tab.D31 * k1s[i]
            + tab.D32 * k2s[i]
            + tab.D33 * k3s[i]
            + tab.D34 * k4s[i]
            + tab.D35 * k5s[i]
        )
        out[i] = (1.0 - s) * y[i] + s * (ynew[i] + (1.0 - s) * (d3 + s * d4))


@njit(cache=True, error_model="numpy")
def _integrate(
    c0, bulk, feed, pb, pf, e_rate, t_end, weights, v_blob, level, rtol, atol, sysm, work,
    protons, out
):  # fmt: skip
    """From concentrations ``c0`` for ``t_end`` s, or until what the zone's feed brought
    (``weights``) falls to ``level`` (``level`` > 0); end concentrations into ``out``.
    Returns (status, time).

    Zone: c0 = feed. Batch: e_rate = 0 and c0 = bulk = feed (pb = pf likewise)."""
    nc = bulk.size
    n = nc + 1
    y = np.empty(n)
    for i in range(nc):
        y[i] = c0[i] - feed[i]  # q at x = 1
    y[nc] = 1.0
    ynew = np.empty(n)
    f0 = np.empty(n)
    fs = np.empty(n)
    tmp = np.empty(n)
    k1s = np.empty(n)
    k2s = np.empty(n)
    k3s = np.empty(n)
    k4s = np.empty(n)
    k5s = np.empty(n)
    k6s = np.empty(n)
    full = np.empty(n)
    rfull = np.empty(n)
    nofeed = np.zeros(n)
    c_old = np.empty(nc)
    jfull = np.empty((n, n))
    jac = np.empty((n, n))
    w = np.empty((n, n))
    piv = np.empty(n, dtype=np.int64)
    watching = level > 0.0
    g_old = _left(y, bulk, feed, weights, v_blob, level) if watching else 1.0
    t = 0.0
    h = 0.0
    h_old = 0.0
    err_old = 1e-2
    steps = 0
    status = OK
    while t < t_end:
        _rhs(y, e_rate, bulk, feed, pb, pf, full, rfull, nofeed, sysm, work, protons, f0)
        for i in range(nc):
            c_old[i] = full[i]
        _jacobian(e_rate, bulk, feed, pb, pf, full, jfull, sysm, work, protons, jac)
        if h <= 0.0:  # first step from the scale of the derivative
            d = e_rate / rtol
            for i in range(nc):
                d = max(d, abs(f0[i]) / (atol + rtol * abs(full[i])))
            h = 1e-2 / d if d > 0 else t_end
        rejected = False
        last = False
        h_next = h
        while True:
            if steps >= _MAX_STEPS:
                status = TOO_MANY_STEPS
                break
            last = False
            if t + h >= t_end:
                h = t_end - t
                last = True
            if h <= 1e-14 * max(t, 1e-300) or h <= 0.0:
                status = STEP_UNDERFLOW
                break
            steps += 1
            inv_gh = 1.0 / (tab.GAMMA * h)
            for i in range(n):
                for j in range(n):
                    w[i, j] = -jac[i, j]
                w[i, i] += inv_gh
            if not rb._lu(w, piv):
                h *= 0.25
                continue
            inv_h = 1.0 / h
            k1s[:] = f0
            rb._solve(w, piv, k1s)
            for i in range(n):
                tmp[i] = y[i] + tab.A21 * k1s[i]
            _rhs(tmp, e_rate, bulk, feed, pb, pf, full, rfull, nofeed, sysm, work, protons, fs)
            for i in range(n):
                k2s[i] = fs[i] + tab.C21 * k1s[i] * inv_h
            rb._solve(w, piv, k2s)
            for i in range(n):
                tmp[i] = y[i] + tab.A31 * k1s[i] + tab.A32 * k2s[i]
            _rhs(tmp, e_rate, bulk, feed, pb, pf, full, rfull, nofeed, sysm, work, protons, fs)
            for i in range(n):
                k3s[i] = fs[i] + (tab.C31 * k1s[i] + tab.C32 * k2s[i]) * inv_h
            rb._solve(w, piv, k3s)
            for i in range(n):
                tmp[i] = y[i] + tab.A41 * k1s[i] + tab.A42 * k2s[i] + tab.A43 * k3s[i]
            _rhs(tmp, e_rate, bulk, feed, pb, pf, full, rfull, nofeed, sysm, work, protons, fs)
            for i in range(n):
                k4s[i] = fs[i] + (tab.C41 * k1s[i] + tab.C42 * k2s[i] + tab.C43 * k3s[i]) * inv_h
            rb._solve(w, piv, k4s)
            for i in range(n):
                tmp[i] = (
                    y[i] + tab.A51 * k1s[i] + tab.A52 * k2s[i] + tab.A53 * k3s[i] + tab.A54 * k4s[i]
                )
            _rhs(tmp, e_rate, bulk, feed, pb, pf, full, rfull, nofeed, sysm, work, protons, fs)
            for i in range(n):
                k5s[i] = (
                    fs[i]
                    + (tab.C51 * k1s[i] + tab.C52 * k2s[i] + tab.C53 * k3s[i] + tab.C54 * k4s[i])
                    * inv_h
                )
            rb._solve(w, piv, k5s)
            for i in range(n):
                tmp[i] += k5s[i]
            _rhs(tmp, e_rate, bulk, feed, pb, pf, full, rfull, nofeed, sysm, work, protons, fs)
            for i in range(n):
                k6s[i] = (
                    fs[i]
                    + (
                        tab.C61 * k1s[i]
                        + tab.C62 * k2s[i]
                        + tab.C63 * k3s[i]
                        + tab.C64 * k4s[i]
                        + tab.C65 * k5s[i]
                    )
                    * inv_h
                )
            rb._solve(w, piv, k6s)
            finite = True
            for i in range(n):
                ynew[i] = tmp[i] + k6s[i]
                if not math.isfinite(ynew[i]):
                    finite = False
            if not finite:
                h *= 0.25
                rejected = True
                if h < 1e-300:
                    status = NOT_FINITE
                    break
                continue
            # error on the concentrations (as the chemist reads them) and on x
            x_new = ynew[nc]
            err = 0.0
            for i in range(nc):
                c_new = bulk[i] + (feed[i] - bulk[i]) * x_new + ynew[i]
                sc = atol + rtol * max(abs(c_old[i]), abs(c_new))
                err += (k6s[i] / sc) ** 2
            sc = 1e-300 + rtol * max(abs(y[nc]), abs(x_new))
            err += (k6s[nc] / sc) ** 2
            err = math.sqrt(err / n)
            fac = max(1.0 / 6.0, min(5.0, math.sqrt(math.sqrt(err)) / 0.9))
            if err <= 1.0:
                if h_old > 0.0:  # Gustafsson predictive controller
                    pred = max(
                        1.0 / 6.0,
                        min(5.0, (h_old / h) * math.sqrt(math.sqrt(err * err / err_old)) / 0.9),
                    )
                    fac = max(fac, pred)
                h_next = h / fac
                if rejected:
                    h_next = min(h_next, h)
                h_old = h
                err_old = max(1e-2, err)
                break
            h = h / fac
            rejected = True
        if status != OK:
            break
        if watching:
            g_new = _left(ynew, bulk, feed, weights, v_blob, level)
            if (g_old > 0.0) != (g_new > 0.0):
                # the stop lies inside this step: bisect on the dense output
                lo_s = 0.0
                hi_s = 1.0
                for _ in range(60):
                    mid = 0.5 * (lo_s + hi_s)
                    _dense(mid, y, ynew, k1s, k2s, k3s, k4s, k5s, tmp)
                    if (_left(tmp, bulk, feed, weights, v_blob, level) > 0.0) == (g_old > 0.0):
                        lo_s = mid
                    else:
                        hi_s = mid
                _dense(hi_s, y, ynew, k1s, k2s, k3s, k4s, k5s, tmp)
                t = t + hi_s * h
                y[:] = tmp
                break
            g_old = g_new
        t = t_end if last else t + h
        y[:] = ynew
        h = h_next
    # rebuild c with the exact dilution: q holds no units, so every unit is conserved
    x = math.exp(-e_rate * t)
    for i in range(nc):
        out[i] = bulk[i] + (feed[i] - bulk[i]) * x + y[i]
    return status, t


@njit(cache=True, error_model="numpy")
def _batch(amounts, passive, v, seconds, rtol, sysm, work, protons, scratch):
    """The bulk as an ideal closed batch for ``seconds``: ``amounts`` updated in place."""
    nc = amounts.size
    total = 0.0
    for i in range(nc):
        total += abs(amounts[i])
    if seconds <= 0.0 or amounts[nc - 1] <= 1e-12 * total:
        return OK  # no electrophile left: nothing reacts
    c = scratch[0]
    out = scratch[1]
    for i in range(nc):
        c[i] = amounts[i] / v
    p = passive / v
    atol = 1e-14 * max(total, 1.0) / v
    status, _ = _integrate(
        c, c, c, p, p, 0.0, seconds, c, 1.0, 0.0, rtol, atol, sysm, work, protons, out
    )  # level 0: no stop to watch (the weights are not read)
    for i in range(nc):
        amounts[i] = out[i] * v
    return status


@njit(cache=True, error_model="numpy")
def zone_runs(
    e_rates, start, passive, volume, feed_conc, weights, v_blob, portions, interval, hold, rtol,
    sysm, protons, out, made, failed_in
):  # fmt: skip
    """The semi-batch engulfment model at every engulfment rate in ``e_rates`` (1/s).

    ``start``: scaled amounts in the flask at t = 0 (species, electrophile); ``passive``:
    binder amounts then charged protons, all in the flask; ``feed_conc``: the composition of
    the fed solution; ``weights``: what a zone must use up before it merges (the
    electrophile, or the free N-H of a fed diamine); ``portions`` of ``v_blob`` each,
    ``interval`` s apart, then ``hold`` s. ``sysm``'s binder amounts and proton scales are
    overwritten (pass a copy). ``out[i]``: final amounts; ``made[i]``: the net amounts the
    feed zones made; returns the status of each run, ``failed_in`` where.
    """
    nc = start.size
    status = np.zeros(e_rates.size, dtype=np.int64)
    work = rb.new_work(sysm, nc + 1)
    amounts = np.empty(nc)
    c_bulk = np.empty(nc)
    c = np.empty(nc)
    scratch = np.empty((2, nc))
    p_bulk = np.empty(passive.size)
    p_feed = np.zeros(passive.size)
    portion = 0.0
    top = 0.0
    for i in range(nc):
        portion += weights[i] * feed_conc[i] * v_blob
        top = max(top, weights[i])
    atol = 1e-11 * max(portion / (v_blob * top), 1e-300)  # of the fed reagent's concentration
    for run in range(e_rates.size):
        e_rate = e_rates[run]
        amounts[:] = start
        made[run, :] = 0.0
        v_bulk = volume
        for _ in range(portions):
            for i in range(nc):
                c_bulk[i] = amounts[i] / v_bulk
            for g in range(passive.size):
                p_bulk[g] = passive[g] / v_bulk
            t_full = math.log((v_bulk + v_blob) / v_blob) / e_rate  # engulfed everything
            st, t = _integrate(
                feed_conc, c_bulk, feed_conc, p_bulk, p_feed, e_rate, t_full, weights, v_blob,
                1e-9 * portion, rtol, atol, sysm, work, protons, c,
            )  # fmt: skip
            if st != OK:
                status[run] = st
                failed_in[run] = IN_ZONE
                break
            engulfed = min(v_blob * math.exp(e_rate * t) - v_blob, v_bulk)
            for i in range(nc):
                zone = c[i] * (engulfed + v_blob)
                made[run, i] += zone - c_bulk[i] * engulfed - feed_conc[i] * v_blob
                amounts[i] = amounts[i] - c_bulk[i] * engulfed + zone
            v_bulk += v_blob
            st = _batch(amounts, passive, v_bulk, interval, rtol, sysm, work, protons, scratch)
            if st != OK:
                status[run] = st
                failed_in[run] = IN_BULK
                break
        if status[run] == OK:
            st = _batch(amounts, passive, v_bulk, hold, rtol, sysm, work, protons, scratch)
            if st != OK:
                status[run] = st
                failed_in[run] = IN_BULK
        for i in range(nc):
            out[run, i] = amounts[i]
    return status
