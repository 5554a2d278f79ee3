"""Exact final split for an ideal batch on a symmetric diamine (SCIENCE.md section 2).

With x = [A]/[A]0 and kappa = k2/k1, mono m = (x^kappa - x)/(1 - kappa)
(m = -x ln x at kappa = 1), bis = 1 - x - m, and electrophile used = 2(1 - x) - m.
Evaluated on u = ln x in a form that is smooth through kappa = 1 and safe as x -> 0.
The final state solves "used = eq" for eq < 2.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# fast-math that still honours inf/NaN (used as sentinels by callers)
_FAST = {"contract", "arcp", "reassoc", "nsz", "afn"}


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _mono_u(u, kappa):
    """Mono fraction at u = ln x, stable through kappa = 1 and for x -> 0."""
    delta = kappa - 1.0
    z = delta * u
    x = math.exp(u)
    if abs(z) < 1e-4:
        return -x * u * (1.0 + z * (0.5 + z / 6.0))
    if abs(z) < 1.0:
        return -x * math.expm1(z) / delta
    return (math.exp(kappa * u) - x) / (1.0 - kappa)


@njit(cache=True)
def mono_fraction(x, kappa):
    """Mono fraction at SM fraction ``x`` (any x in (0, 1])."""
    if x <= 0.0:
        return 0.0
    return _mono_u(math.log(x), kappa)


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _final_split_one(eq, kappa):
    if eq <= 0.0:
        return 1.0, 0.0, 0.0
    if kappa <= 0.0:  # the second site never reacts: used = 1 - x
        x = max(1.0 - eq, 0.0)
        return x, 1.0 - x, 0.0
    if eq >= 2.0:
        return 0.0, 0.0, 1.0
    # Newton on u = ln x, safeguarded by a bracket; used(u) = 2(1 - x) - m rises as u falls.
    lo = -745.0 / min(kappa, 1.0) - 50.0
    hi = 0.0
    if kappa < 1.0 and eq > 1.0:
        # x is tiny and m ~ x^kappa / (1 - kappa): used = eq gives kappa u = ln((2 - eq)(1 - kappa))
        u = math.log((2.0 - eq) * (1.0 - kappa)) / kappa
    else:
        # between the kappa -> 0 (x = 1 - eq) and kappa -> inf (x = 1 - eq/2) limits
        x0 = 1.0 - eq * (0.5 + 0.5 / (1.0 + kappa))
        if kappa > 1.0:  # near eq = 2, m ~ x / (kappa - 1): x = (2 - eq) / (2 + 1/(kappa - 1))
            x0 = max(x0, (2.0 - eq) / (2.0 + 1.0 / (kappa - 1.0)))
        u = math.log(x0) if x0 > 1e-300 else -690.0
    for _ in range(200):
        x = math.exp(u)
        m = _mono_u(u, kappa)
        f = 2.0 * (1.0 - x) - m - eq
        if f == 0.0:
            break
        if f > 0.0:
            lo = u
        else:
            hi = u
        new = u + f / (x + kappa * m)  # df/du = -(x + kappa m)
        if abs(new - u) <= 1e-14 * (1.0 + abs(u)):
            u = new
            break
        if not (lo < new < hi):
            new = 0.5 * (lo + hi)
        u = new
    x = math.exp(u)
    m = _mono_u(u, kappa)
    b = 1.0 - x - m
    if b < 0.0:
        b = 0.0
    return x, m, b


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _final_split_kernel(eq, kappa, out):
    for i in range(eq.size):
        x, m, b = _final_split_one(eq[i], kappa[i])
        out[i, 0] = x
        out[i, 1] = m
        out[i, 2] = b


@njit(cache=True, parallel=True, error_model="numpy", fastmath=_FAST)
def _final_split_kernel_parallel(eq, kappa, out):
    for i in prange(eq.size):
        x, m, b = _final_split_one(eq[i], kappa[i])
        out[i, 0] = x
        out[i, 1] = m
        out[i, 2] = b


def final_split(eq, kappa, *, parallel: bool = False) -> np.ndarray:
    """SM, mono, bis fractions (last axis) after all electrophile is consumed.

    ``eq`` (electrophile equivalents) and ``kappa`` broadcast against each other.
    """
    eq_b, kappa_b = np.broadcast_arrays(np.asarray(eq, dtype=float), np.asarray(kappa, dtype=float))
    flat_eq = np.ascontiguousarray(eq_b).ravel()
    flat_k = np.ascontiguousarray(kappa_b).ravel()
    out = np.empty((flat_eq.size, 3))
    (_final_split_kernel_parallel if parallel else _final_split_kernel)(flat_eq, flat_k, out)
    return out.reshape((*eq_b.shape, 3))
