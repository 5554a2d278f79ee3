"""Compiled kernel of the semi-batch engulfment model (kinetics/mixing.py holds the physics).

Two small stiff systems alternate, both SM + E -> mono (k1), mono + E -> bis (k2) in
concentrations c = (SM, mono, bis, electrophile):

- a feed zone, dc/dt = E (c_bulk - c) + r(c), from its own feed composition c_feed until
  its electrophile (or, fed the other way, its N-H) is spent or it has engulfed the bulk;
- the bulk between portions, an ideally mixed closed batch, dc/dt = r(c) (E = 0).

The dilution part is solved exactly: c = c_bulk + (c_feed - c_bulk) x + q with
x = exp(-E t), and the integrator carries (q, x) with dq/dt = -E q + r(c), dx/dt = -E x.
The reactions conserve substrate units (SM + mono + bis) and electrophile units
(mono + 2 bis + E), so q carries none of either: its invariants start at 0 and a
Rosenbrock method with the exact Jacobian keeps them at 0 to round-off. The end state is
rebuilt with the exact exp(-E t), so every unit is conserved whatever the tolerance.

RODAS4 (Hairer & Wanner, Solving ODEs II, section IV.7; the tableau of ``rosenbrock.py``),
L-stable, with its embedded error estimate, step control and dense output (used to locate
the "zone spent" stop), on a fixed 5-state system: no allocation inside a run, one compiled
call for a whole sweep of engulfment rates on one core.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from monoselect.kinetics.rodas4 import (  # the RODAS4 tableau, read by the compiled code
    A21 as _A21,
    A31 as _A31,
    A32 as _A32,
    A41 as _A41,
    A42 as _A42,
    A43 as _A43,
    A51 as _A51,
    A52 as _A52,
    A53 as _A53,
    A54 as _A54,
    C21 as _C21,
    C31 as _C31,
    C32 as _C32,
    C41 as _C41,
    C42 as _C42,
    C43 as _C43,
    C51 as _C51,
    C52 as _C52,
    C53 as _C53,
    C54 as _C54,
    C61 as _C61,
    C62 as _C62,
    C63 as _C63,
    C64 as _C64,
    C65 as _C65,
    D21 as _D21,
    D22 as _D22,
    D23 as _D23,
    D24 as _D24,
    D25 as _D25,
    D31 as _D31,
    D32 as _D32,
    D33 as _D33,
    D34 as _D34,
    D35 as _D35,
    GAMMA as _GAMMA,
)

# status codes per run
OK = 0
STEP_UNDERFLOW = 1
NOT_FINITE = 2
TOO_MANY_STEPS = 3
# where a failure happened
IN_ZONE = 0
IN_BULK = 1

_MAX_STEPS = 200_000  # per zone or batch; a zone takes tens, the longest hold a few hundred


_N = 5  # q (4 concentrations) and x


@njit(cache=True, inline="always", error_model="numpy")
def _conc(y, c_bulk, c_feed, c):
    """c = c_bulk + (c_feed - c_bulk) x + q."""
    x = y[4]
    for i in range(4):
        c[i] = c_bulk[i] + (c_feed[i] - c_bulk[i]) * x + y[i]


@njit(cache=True, inline="always", error_model="numpy")
def _rhs(y, k1, k2, e_rate, c_bulk, c_feed, c, out):
    _conc(y, c_bulk, c_feed, c)
    r1 = k1 * c[0] * c[3]
    r2 = k2 * c[1] * c[3]
    out[0] = -e_rate * y[0] - r1
    out[1] = -e_rate * y[1] + r1 - r2
    out[2] = -e_rate * y[2] + r2
    out[3] = -e_rate * y[3] - r1 - r2
    out[4] = -e_rate * y[4]


@njit(cache=True, inline="always", error_model="numpy")
def _jacobian(k1, k2, e_rate, c_bulk, c_feed, c, jac):
    """d f / d (q, x) at the concentrations ``c`` (filled by the last ``_rhs``)."""
    jac[:, :] = 0.0
    # d r1 = k1 (c3 dc0 + c0 dc3), d r2 = k2 (c3 dc1 + c1 dc3); dc/dq = I
    a0, a3 = k1 * c[3], k1 * c[0]
    b1, b3 = k2 * c[3], k2 * c[1]
    jac[0, 0] = -a0
    jac[0, 3] = -a3
    jac[1, 0] = a0
    jac[1, 1] = -b1
    jac[1, 3] = a3 - b3
    jac[2, 1] = b1
    jac[2, 3] = b3
    jac[3, 0] = -a0
    jac[3, 1] = -b1
    jac[3, 3] = -a3 - b3
    # dc/dx = c_feed - c_bulk
    for i in range(4):
        s = 0.0
        for j in range(4):
            s += jac[i, j] * (c_feed[j] - c_bulk[j])
        jac[i, 4] = s
    for i in range(_N):
        jac[i, i] -= e_rate


@njit(cache=True, inline="always", error_model="numpy")
def _lu(a, piv):
    """In-place LU with partial pivoting; returns False if singular."""
    n = a.shape[0]
    for col in range(n):
        p = col
        best = abs(a[col, col])
        for r in range(col + 1, n):
            if abs(a[r, col]) > best:
                best = abs(a[r, col])
                p = r
        piv[col] = p
        if best == 0.0:
            return False
        if p != col:
            for j in range(n):
                tmp = a[col, j]
                a[col, j] = a[p, j]
                a[p, j] = tmp
        inv = 1.0 / a[col, col]
        for r in range(col + 1, n):
            f = a[r, col] * inv
            a[r, col] = f
            if f != 0.0:
                for j in range(col + 1, n):
                    a[r, j] -= f * a[col, j]
    return True


@njit(cache=True, inline="always", error_model="numpy")
def _solve(a, piv, b):
    n = a.shape[0]
    for col in range(n):
        p = piv[col]
        if p != col:
            tmp = b[col]
            b[col] = b[p]
            b[p] = tmp
    for r in range(1, n):
        s = b[r]
        for j in range(r):
            s -= a[r, j] * b[j]
        b[r] = s
    for r in range(n - 1, -1, -1):
        s = b[r]
        for j in range(r + 1, n):
            s -= a[r, j] * b[j]
        b[r] = s / a[r, r]


@njit(cache=True, inline="always", error_model="numpy")
def _spent(y, left, c_bulk, c_feed, v_blob, level, c):
    """What the zone still holds that can react (mol), less the stop ``level``: left . c V."""
    _conc(y, c_bulk, c_feed, c)
    s = 0.0
    for i in range(4):
        s += left[i] * c[i]
    return s * v_blob / y[4] - level


@njit(cache=True, inline="always", error_model="numpy")
def _dense(s, y, ynew, k1s, k2s, k3s, k4s, k5s, out):
    """The state a fraction ``s`` into the step just taken (RODAS4's dense output)."""
    for i in range(_N):
        d3 = _D21 * k1s[i] + _D22 * k2s[i] + _D23 * k3s[i] + _D24 * k4s[i] + _D25 * k5s[i]
        d4 = _D31 * k1s[i] + _D32 * k2s[i] + _D33 * k3s[i] + _D34 * k4s[i] + _D35 * k5s[i]
        out[i] = (1.0 - s) * y[i] + s * (ynew[i] + (1.0 - s) * (d3 + s * d4))


@njit(cache=True, error_model="numpy")
def _integrate(c0, c_bulk, c_feed, k1, k2, e_rate, t_end, left, v_blob, level, rtol, atol, out):
    """Integrate from ``c0`` for ``t_end`` s, or until ``left . c V`` falls to ``level``
    (``level`` > 0 only); writes the end concentrations to ``out``.

    Returns (status, time reached). Zone: c0 = c_feed. Batch: e_rate = 0, c_feed = c_bulk = 0.
    """
    y = np.empty(_N)
    for i in range(4):
        y[i] = c0[i] - c_feed[i]  # q at x = 1
    y[4] = 1.0
    ynew = np.empty(_N)
    f0 = np.empty(_N)
    fs = np.empty(_N)
    tmp = np.empty(_N)
    k1s = np.empty(_N)
    k2s = np.empty(_N)
    k3s = np.empty(_N)
    k4s = np.empty(_N)
    k5s = np.empty(_N)
    k6s = np.empty(_N)
    c = np.empty(4)
    c_old = np.empty(4)
    jac = np.empty((_N, _N))
    w = np.empty((_N, _N))
    piv = np.empty(_N, dtype=np.int64)
    watch = level > 0.0
    g_old = _spent(y, left, c_bulk, c_feed, v_blob, level, c) if watch else 1.0
    t = 0.0
    h = 0.0
    h_old = 0.0
    err_old = 1e-2
    steps = 0
    status = OK
    while t < t_end:
        _rhs(y, k1, k2, e_rate, c_bulk, c_feed, c, f0)
        for i in range(4):
            c_old[i] = c[i]
        _jacobian(k1, k2, e_rate, c_bulk, c_feed, c, jac)
        if h <= 0.0:  # first step from the scale of the derivative
            d = 0.0
            for i in range(4):
                d = max(d, abs(f0[i]) / (atol + rtol * abs(c[i])))
            d = max(d, e_rate / rtol)
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
            inv_gh = 1.0 / (_GAMMA * h)
            for i in range(_N):
                for j in range(_N):
                    w[i, j] = -jac[i, j]
                w[i, i] += inv_gh
            if not _lu(w, piv):
                h *= 0.25
                continue
            inv_h = 1.0 / h
            k1s[:] = f0
            _solve(w, piv, k1s)
            for i in range(_N):
                tmp[i] = y[i] + _A21 * k1s[i]
            _rhs(tmp, k1, k2, e_rate, c_bulk, c_feed, c, fs)
            for i in range(_N):
                k2s[i] = fs[i] + _C21 * k1s[i] * inv_h
            _solve(w, piv, k2s)
            for i in range(_N):
                tmp[i] = y[i] + _A31 * k1s[i] + _A32 * k2s[i]
            _rhs(tmp, k1, k2, e_rate, c_bulk, c_feed, c, fs)
            for i in range(_N):
                k3s[i] = fs[i] + (_C31 * k1s[i] + _C32 * k2s[i]) * inv_h
            _solve(w, piv, k3s)
            for i in range(_N):
                tmp[i] = y[i] + _A41 * k1s[i] + _A42 * k2s[i] + _A43 * k3s[i]
            _rhs(tmp, k1, k2, e_rate, c_bulk, c_feed, c, fs)
            for i in range(_N):
                k4s[i] = fs[i] + (_C41 * k1s[i] + _C42 * k2s[i] + _C43 * k3s[i]) * inv_h
            _solve(w, piv, k4s)
            for i in range(_N):
                tmp[i] = y[i] + _A51 * k1s[i] + _A52 * k2s[i] + _A53 * k3s[i] + _A54 * k4s[i]
            _rhs(tmp, k1, k2, e_rate, c_bulk, c_feed, c, fs)
            for i in range(_N):
                k5s[i] = (
                    fs[i] + (_C51 * k1s[i] + _C52 * k2s[i] + _C53 * k3s[i] + _C54 * k4s[i]) * inv_h
                )
            _solve(w, piv, k5s)
            for i in range(_N):
                tmp[i] += k5s[i]
            _rhs(tmp, k1, k2, e_rate, c_bulk, c_feed, c, fs)
            for i in range(_N):
                k6s[i] = (
                    fs[i]
                    + (
                        _C61 * k1s[i]
                        + _C62 * k2s[i]
                        + _C63 * k3s[i]
                        + _C64 * k4s[i]
                        + _C65 * k5s[i]
                    )
                    * inv_h
                )
            _solve(w, piv, k6s)
            finite = True
            for i in range(_N):
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
            _conc(ynew, c_bulk, c_feed, c)
            err = 0.0
            for i in range(4):
                sc = atol + rtol * max(abs(c_old[i]), abs(c[i]))
                err += (k6s[i] / sc) ** 2
            sc = 1e-300 + rtol * max(abs(y[4]), abs(ynew[4]))
            err += (k6s[4] / sc) ** 2
            err = math.sqrt(err / _N)
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
        if watch:
            g_new = _spent(ynew, left, c_bulk, c_feed, v_blob, level, c)
            if (g_old > 0.0) != (g_new > 0.0):
                # the stop lies inside this step: bisect on the dense output
                lo_s = 0.0
                hi_s = 1.0
                for _ in range(60):
                    mid = 0.5 * (lo_s + hi_s)
                    _dense(mid, y, ynew, k1s, k2s, k3s, k4s, k5s, tmp)
                    g_mid = _spent(tmp, left, c_bulk, c_feed, v_blob, level, c)
                    if (g_mid > 0.0) == (g_old > 0.0):
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
    for i in range(4):
        out[i] = c_bulk[i] + (c_feed[i] - c_bulk[i]) * x + y[i]
    return status, t


@njit(cache=True, error_model="numpy")
def _batch(n, v, k1, k2, seconds, rtol, scratch):
    """Ideal closed batch for ``seconds`` at volume ``v``: amounts ``n`` updated in place."""
    total = n[0] + n[1] + n[2]
    if seconds <= 0.0 or n[3] <= 1e-12 * total:
        return OK  # nothing left to react with
    c0 = scratch[0]
    zero = scratch[1]
    out = scratch[2]
    for i in range(4):
        c0[i] = n[i] / v
        zero[i] = 0.0
    atol = 1e-14 * max(total + n[3], 1.0) / v
    status, _ = _integrate(c0, zero, zero, k1, k2, 0.0, seconds, zero, 1.0, 0.0, rtol, atol, out)
    for i in range(4):
        n[i] = out[i] * v
    return status


@njit(cache=True, error_model="numpy")
def engulfment_runs(
    e_rates, k1, k2, substrate, electrophile, volume, feed_conc, feed_time, blobs, hold, rtol,
    inverse, out, failed_in
):  # fmt: skip
    """The semi-batch engulfment model at every engulfment rate in ``e_rates``, one core.

    ``out[i]`` gets (SM, mono, bis, electrophile) in mol and the bis made inside feed zones;
    returns the status of each run, ``failed_in[i]`` saying where a failure happened.
    """
    status = np.zeros(e_rates.size, dtype=np.int64)
    bulk = np.empty(4)
    c_bulk = np.empty(4)
    start = np.zeros(4)
    left = np.zeros(4)
    c = np.empty(4)
    scratch = np.empty((3, 4))
    portion = (substrate if inverse else electrophile) / blobs
    v_blob = portion / feed_conc
    if inverse:  # N-H left in the zone (2 per SM, 1 per mono), against the portion's 2
        start[0] = feed_conc
        left[0] = 1.0
        left[1] = 0.5
    else:
        start[3] = feed_conc
        left[3] = 1.0
    interval = feed_time / blobs
    for run in range(e_rates.size):
        e_rate = e_rates[run]
        bulk[:] = 0.0
        if inverse:
            bulk[3] = electrophile
        else:
            bulk[0] = substrate
        v_bulk = volume
        zone_bis = 0.0
        for _ in range(blobs):
            for i in range(4):
                c_bulk[i] = bulk[i] / v_bulk
            t_full = math.log((v_bulk + v_blob) / v_blob) / e_rate  # engulfed everything
            st, t = _integrate(
                start,
                c_bulk,
                start,
                k1,
                k2,
                e_rate,
                t_full,
                left,
                v_blob,
                1e-9 * portion,
                rtol,
                1e-11 * feed_conc,
                c,
            )
            if st != OK:
                status[run] = st
                failed_in[run] = IN_ZONE
                break
            engulfed = min(v_blob * math.exp(e_rate * t) - v_blob, v_bulk)
            for i in range(4):
                n_zone = c[i] * (engulfed + v_blob)
                if i == 2:
                    zone_bis += n_zone - c_bulk[2] * engulfed
                bulk[i] = bulk[i] - c_bulk[i] * engulfed + n_zone
            v_bulk += v_blob
            st = _batch(bulk, v_bulk, k1, k2, interval, rtol, scratch)
            if st != OK:
                status[run] = st
                failed_in[run] = IN_BULK
                break
        if status[run] == OK:
            st = _batch(bulk, v_bulk, k1, k2, hold, rtol, scratch)
            if st != OK:
                status[run] = st
                failed_in[run] = IN_BULK
        for i in range(4):
            out[run, i] = bulk[i]
        out[run, 4] = zone_bis
    return status
