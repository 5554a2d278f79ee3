"""Reductive amination of a symmetric diamine with a mono-aldehyde (SCIENCE.md section 6).

Each N-H site is free (0), an iminium (1) or alkylated (2). Site + aldehyde <=> iminium
(k_form, k_back), iminium + hydride -> alkylated (k_red), aldehyde + hydride -> alcohol
(k_ald, waste). Species are the six site patterns of a symmetric diamine; statistical factors
come from counting sites. On workup an iminium hydrolyses back to the amine and the aldehyde,
so the reported split counts only alkylated sites.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from monoselect.errors import InvalidInput, SolverFailure

# species order and their (site states)
PATTERNS = ((0, 0), (1, 0), (2, 0), (1, 1), (2, 1), (2, 2))
LABELS = ("SM", "iminium", "mono", "bis-iminium", "mono + iminium", "bis")
ALD, HYD, ALC = 6, 7, 8  # aldehyde, hydride, alcohol after the six species


@dataclass(frozen=True)
class ReductiveRates:
    k_form: float  # L/mol/s, per free site
    k_back: float  # 1/s, per iminium
    k_red: float  # L/mol/s, hydride + iminium
    k_ald: float  # L/mol/s, hydride + aldehyde

    def __post_init__(self):
        for name in ("k_form", "k_back", "k_red", "k_ald"):
            v = getattr(self, name)
            if not (v >= 0 and math.isfinite(v)):
                raise InvalidInput(f"{name} must be >= 0, got {v}", field=name)


def _reactions(r: ReductiveRates):
    """(reactant species, uses aldehyde / hydride, product species, k) per reaction."""
    index = {p: i for i, p in enumerate(PATTERNS)}
    out = []
    for i, p in enumerate(PATTERNS):
        for site in (0, 1):
            q = list(p)
            state = p[site]
            if state == 0:
                q[site] = 1
                out.append((i, ALD, index[tuple(sorted(q, reverse=True))], r.k_form, "form"))
            elif state == 1:
                q[site] = 0
                out.append((i, -1, index[tuple(sorted(q, reverse=True))], r.k_back, "back"))
                q[site] = 2
                out.append((i, HYD, index[tuple(sorted(q, reverse=True))], r.k_red, "red"))
    return out


def simulate_reductive(
    rates: ReductiveRates,
    *,
    amine: float,
    aldehyde: float,
    hydride: float,
    volume: float,
    hydride_at: float,
    t_end: float,
    rtol: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray]:
    """Amounts over time (mol): six species, aldehyde, hydride, alcohol.

    The hydride is added at ``hydride_at`` s (0 = one pot); the volume is taken as constant.
    """
    from scipy.integrate import solve_ivp

    if not (volume > 0 and amine > 0 and aldehyde >= 0 and hydride >= 0):
        raise InvalidInput("amounts must be >= 0 and the volume > 0", field="amount")
    if not (0 <= hydride_at < t_end):
        raise InvalidInput("the hydride must go in before the end of the run", field="pre_time")
    rx = _reactions(rates)
    a_idx = np.array([a for a, *_ in rx])
    b_idx = np.array([b for _, b, *_ in rx])
    np.array([p for *_, p, _, _ in rx])
    ks = np.array([k for *_, k, _ in rx])
    s = np.zeros((9, len(rx)))
    for j, (a, _b, p, _, t) in enumerate(rx):
        s[a, j] -= 1
        s[p, j] += 1
        if t == "form":
            s[ALD, j] -= 1
        elif t == "back":
            s[ALD, j] += 1
        else:
            s[HYD, j] -= 1
    # aldehyde + hydride -> alcohol
    s = np.concatenate([s, np.zeros((9, 1))], axis=1)
    s[ALD, -1] = s[HYD, -1] = -1
    s[ALC, -1] = 1
    scale = amine
    inv_v = scale / volume  # rate of a bimolecular step in scaled amounts

    def rate_vec(y):
        second = np.where(b_idx >= 0, y[np.maximum(b_idx, 0)] * inv_v, 1.0)
        r = ks * y[a_idx] * second
        return np.append(r, rates.k_ald * y[ALD] * y[HYD] * inv_v)

    def f(_t, y):
        return s @ rate_vec(y)

    def jac(_t, y):
        n_r = len(ks) + 1
        d = np.zeros((n_r, 9))
        bi = b_idx >= 0
        second = np.where(bi, y[np.maximum(b_idx, 0)] * inv_v, 1.0)
        d[np.arange(len(ks)), a_idx] += ks * second
        rows = np.arange(len(ks))[bi]
        d[rows, b_idx[bi]] += ks[bi] * y[a_idx[bi]] * inv_v
        d[-1, ALD] = rates.k_ald * y[HYD] * inv_v
        d[-1, HYD] = rates.k_ald * y[ALD] * inv_v
        return s @ d

    y = np.zeros(9)
    y[0] = 1.0
    y[ALD] = aldehyde / scale
    times, states = [np.array([0.0])], [y[None, :].copy()]
    for t0, t1, add in ((0.0, hydride_at, False), (hydride_at, t_end, True)):
        if add:
            y = y.copy()
            y[HYD] += hydride / scale
        if t1 <= t0:
            continue
        sol = solve_ivp(f, (t0, t1), y, method="Radau", jac=jac, rtol=rtol, atol=1e-13)
        if not sol.success:
            raise SolverFailure(f"reductive amination failed: {sol.message}", field="conditions")
        times.append(sol.t[1:])
        states.append(sol.y.T[1:])
        y = sol.y[:, -1]
    return np.concatenate(times), np.concatenate(states) * scale


def after_workup(amounts: np.ndarray) -> dict[str, float]:
    """Fractions of the diamine after aqueous workup: iminium hydrolysed, only N-alkyl kept."""
    a = amounts[:6]
    total = a.sum()
    mono = a[2] + a[4]
    bis = a[5]
    return {
        "SM": float((total - mono - bis) / total),
        "mono": float(mono / total),
        "bis": float(bis / total),
    }
