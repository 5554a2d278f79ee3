"""Compiled RODAS4 for ``staged.MassAction`` networks (linkers, reductive amination): the
stage loop of ``staged.integrate_staged`` without SciPy's per-step Python.

The state is scaled by the caller (amounts / scale, the volume unscaled). Reaction r runs at
k_r V^(1 - o_r) times the amounts in its slots (a slot equal to n reads 1: a first-order
step), V the state ``vol`` or the constant ``volume`` when ``vol`` < 0. Each stage adds its
dose at its start and feeds at a constant rate, so it is autonomous and the integrator
restarts its step at every stage boundary rather than stepping across one. Same tableau,
error norm and step control as the site kernel (``rosenbrock.solve_network``); the
Jacobian is analytic (the product rule over the slots, (1 - o) rate / V on the volume).
Events are not handled here: a stage with events runs on SciPy's Radau.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from monoselect.kinetics import rodas4 as tab, rosenbrock as rb
from monoselect.kinetics.system import NOT_FINITE, OK, STEP_UNDERFLOW, TOO_MANY_STEPS

_FAST = rb._FAST  # the site kernel's fast-math flags (no "no NaN / no inf" assumption)


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _rates(z, scale, slots, order, k, vol, volume, rate):
    n = z.size
    v = z[vol] * scale[vol] if vol >= 0 else volume
    for r in range(k.size):
        x = k[r] * v ** (1.0 - order[r])
        for j in range(slots.shape[1]):
            s = slots[r, j]
            if s < n:
                x *= z[s] * scale[s]
        rate[r] = x


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _rhs(z, scale, slots, order, k, net, vol, volume, feed, rate, out):
    """d z / dt: stoich @ rates / scale + the stage's (scaled) feed."""
    ptr, idx, val = net
    _rates(z, scale, slots, order, k, vol, volume, rate)
    out[:] = 0.0
    for r in range(k.size):
        for q in range(ptr[r], ptr[r + 1]):
            out[idx[q]] += val[q] * rate[r]
    for i in range(z.size):
        out[i] = out[i] / scale[i] + feed[i]


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _jacobian(z, scale, slots, order, k, net, vol, volume, jac):
    """d(dz/dt)/dz = stoich d_rate / scale (rows) * scale (columns), reaction by reaction
    over the few states each one changes and reads."""
    ptr, idx, val = net
    n = z.size
    v = z[vol] * scale[vol] if vol >= 0 else volume
    jac[:, :] = 0.0
    for r in range(k.size):
        base = k[r] * v ** (1.0 - order[r])
        full = base
        for j in range(slots.shape[1]):
            s = slots[r, j]
            if s < n:
                full *= z[s] * scale[s]
        for j in range(slots.shape[1] + 1):
            if j < slots.shape[1]:
                c = slots[r, j]
                if c >= n:
                    continue
                d = base
                for m in range(slots.shape[1]):
                    t = slots[r, m]
                    if m != j and t < n:
                        d *= z[t] * scale[t]
            else:
                if vol < 0:
                    continue
                c = vol
                d = (1.0 - order[r]) * full / v
            for q in range(ptr[r], ptr[r + 1]):
                jac[idx[q], c] += val[q] * d
    for i in range(n):
        for c in range(n):
            jac[i, c] *= scale[c] / scale[i]


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _first_step(z, f0, scale, slots, order, k, net, vol, volume, feed, rate, rtol, atol, z1, f1):
    """Hairer, Norsett & Wanner's starting step (Solving ODEs I, II.4; SciPy's
    ``select_initial_step``): from the sizes of y and f and of f's change over a trial
    Euler step, not from f over atol alone, which asks for 1e-18 s after a hydride dose."""
    n = z.size
    d0 = 0.0
    d1 = 0.0
    for i in range(n):
        sc = atol + rtol * abs(z[i])
        d0 += (z[i] / sc) ** 2
        d1 += (f0[i] / sc) ** 2
    d0 = math.sqrt(d0 / n)
    d1 = math.sqrt(d1 / n)
    h0 = 1e-6 if d0 < 1e-5 or d1 < 1e-5 else 0.01 * d0 / d1
    for i in range(n):
        z1[i] = z[i] + h0 * f0[i]
    _rhs(z1, scale, slots, order, k, net, vol, volume, feed, rate, f1)
    d2 = 0.0
    for i in range(n):
        d2 += ((f1[i] - f0[i]) / (atol + rtol * abs(z[i]))) ** 2
    d2 = math.sqrt(d2 / n) / h0
    if d1 <= 1e-15 and d2 <= 1e-15:
        return min(100.0 * h0, max(1e-6, h0 * 1e-3))
    return min(100.0 * h0, (0.01 / max(d1, d2)) ** 0.2)  # 1 / (order + 1), RODAS4's 4


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def solve_staged(
    z0,
    scale,
    slots,
    order,
    k,
    ptr,
    idx,
    val,
    vol,
    volume,
    durations,
    feeds,
    doses,
    t_end,
    rtol,
    atol,
    max_steps,
    rec_t,
    rec_z,
):
    """Run the stages from ``z0``; returns (status, n_recorded, steps, t reached).

    The network's stoichiometry comes by reaction: reaction r changes states
    ``idx[ptr[r]:ptr[r + 1]]`` by ``val[...]`` per event. ``feeds`` and ``doses`` are
    [stage, state], scaled. Row 0 of the record is the start before any dose; every
    accepted step follows while there is room (the last slot then keeps the latest state).
    """
    n = z0.size
    z = z0.copy()
    znew = np.empty(n)
    f0 = np.empty(n)
    fs = np.empty(n)
    tmp = np.empty(n)
    k1 = np.empty(n)
    k2 = np.empty(n)
    k3 = np.empty(n)
    k4 = np.empty(n)
    k5 = np.empty(n)
    k6 = np.empty(n)
    jac = np.empty((n, n))
    w = np.empty((n, n))
    piv = np.empty(n, dtype=np.int64)
    rate = np.empty(k.size)
    net = (ptr, idx, val)
    cap = rec_t.size
    rec_t[0] = 0.0
    rec_z[0, :] = z
    n_rec = 1
    t = 0.0
    steps = 0
    for stage in range(durations.size):
        if t >= t_end:
            break
        for i in range(n):
            z[i] += doses[stage, i]
        seg_end = min(t + durations[stage], t_end)
        if not seg_end > t:
            continue
        feed = feeds[stage]
        h = 0.0
        h_old = 0.0
        err_old = 1e-2
        while t < seg_end:
            _rhs(z, scale, slots, order, k, net, vol, volume, feed, rate, f0)
            _jacobian(z, scale, slots, order, k, net, vol, volume, jac)
            if h <= 0.0:  # first step of the stage (a dose may have made it stiff)
                h = _first_step(
                    z, f0, scale, slots, order, k, net, vol, volume, feed, rate, rtol, atol, tmp, fs
                )
            rejected = False
            h_next = h
            while True:
                if steps >= max_steps:
                    return TOO_MANY_STEPS, n_rec, steps, t
                last = False
                if t + h >= seg_end:
                    h = seg_end - t
                    last = True
                if h <= 1e-14 * t or h <= 0.0:
                    return STEP_UNDERFLOW, n_rec, steps, t
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
                k1[:] = f0
                rb._solve(w, piv, k1)
                for i in range(n):
                    tmp[i] = z[i] + tab.A21 * k1[i]
                _rhs(tmp, scale, slots, order, k, net, vol, volume, feed, rate, fs)
                for i in range(n):
                    k2[i] = fs[i] + tab.C21 * k1[i] * inv_h
                rb._solve(w, piv, k2)
                for i in range(n):
                    tmp[i] = z[i] + tab.A31 * k1[i] + tab.A32 * k2[i]
                _rhs(tmp, scale, slots, order, k, net, vol, volume, feed, rate, fs)
                for i in range(n):
                    k3[i] = fs[i] + (tab.C31 * k1[i] + tab.C32 * k2[i]) * inv_h
                rb._solve(w, piv, k3)
                for i in range(n):
                    tmp[i] = z[i] + tab.A41 * k1[i] + tab.A42 * k2[i] + tab.A43 * k3[i]
                _rhs(tmp, scale, slots, order, k, net, vol, volume, feed, rate, fs)
                for i in range(n):
                    k4[i] = fs[i] + (tab.C41 * k1[i] + tab.C42 * k2[i] + tab.C43 * k3[i]) * inv_h
                rb._solve(w, piv, k4)
                for i in range(n):
                    tmp[i] = (
                        z[i] + tab.A51 * k1[i] + tab.A52 * k2[i] + tab.A53 * k3[i] + tab.A54 * k4[i]
                    )
                _rhs(tmp, scale, slots, order, k, net, vol, volume, feed, rate, fs)
                for i in range(n):
                    k5[i] = (
                        fs[i]
                        + (tab.C51 * k1[i] + tab.C52 * k2[i] + tab.C53 * k3[i] + tab.C54 * k4[i])
                        * inv_h
                    )
                rb._solve(w, piv, k5)
                for i in range(n):
                    tmp[i] += k5[i]
                _rhs(tmp, scale, slots, order, k, net, vol, volume, feed, rate, fs)
                for i in range(n):
                    k6[i] = (
                        fs[i]
                        + (
                            tab.C61 * k1[i]
                            + tab.C62 * k2[i]
                            + tab.C63 * k3[i]
                            + tab.C64 * k4[i]
                            + tab.C65 * k5[i]
                        )
                        * inv_h
                    )
                rb._solve(w, piv, k6)
                err = 0.0
                finite = True
                for i in range(n):
                    znew[i] = tmp[i] + k6[i]
                    if not math.isfinite(znew[i]):
                        finite = False
                    sc = atol + rtol * max(abs(z[i]), abs(znew[i]))
                    err += (k6[i] / sc) ** 2
                err = math.sqrt(err / n)
                if not finite:
                    h *= 0.25
                    rejected = True
                    if h < 1e-300:
                        return NOT_FINITE, n_rec, steps, t
                    continue
                fac = max(1.0 / 6.0, min(5.0, math.sqrt(math.sqrt(err)) / 0.9))
                if err <= 1.0:
                    if h_old > 0.0:  # Gustafsson predictive controller
                        pred = max(
                            1.0 / 6.0,
                            min(
                                5.0,
                                (h_old / h) * math.sqrt(math.sqrt(err * err / err_old)) / 0.9,
                            ),
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
            t = seg_end if last else t + h
            z[:] = znew
            row = n_rec if n_rec < cap else cap - 1
            rec_t[row] = t
            rec_z[row, :] = z
            n_rec = min(n_rec + 1, cap)
            h = h_next
    return OK, n_rec, steps, t
