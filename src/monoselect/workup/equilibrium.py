"""Two liquid phases in a separatory funnel: protonation and partition at one pH, and the pH
the charge balance of the water sets (SCIENCE.md sections 4 and 9).

Pure NumPy, no chemistry objects: every function works on a batch of conditions at once
(leading axis b: logP corners of the interval, or the pH grid of a search).

Each component c has protonation states k (protons n_k, ln formation constant ln K_k from its
most deprotonated form, charge z_c + n_k). Only the neutral state partitions: its
concentration in the organic phase is P_c times that in the water, so with h = [H+]

    amount in state k (water)  = n_c V_aq K_k h^n_k / Z_c
    amount in the organic       = n_c V_org P_c K_0 h^n_0 / Z_c     (0: the neutral state)
    Z_c = V_aq sum_k K_k h^n_k + V_org P_c K_0 h^n_0

which is D = P f_neutral(pH) for the ratio organic/water. The organic phase acts as one more
state of charge 0, so the mean charge of every component rises monotonically with ln h, and
the charge balance of the water

    sum_k (z_c + n_k) amount_k + (h - Kw/h) V_aq + S = 0      (S: spectator ions, Na+ - Cl-)

has exactly one root in ln h, found by bisection (vectorised over the batch).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LN10 = math.log(10.0)
# bracket of the pH search: pH -1 to 16, wider than any aqueous workup reaches
LNH_LOW, LNH_HIGH = -16.0 * LN10, 1.0 * LN10
BISECTIONS = 80  # the bracket (39 ln units) halved 80 times: |d ln h| < 1e-22


@dataclass(frozen=True)
class States:
    """Protonation states of every component, flattened; components contiguous."""

    start: np.ndarray  # states of component c: start[c]:start[c + 1]
    nprot: np.ndarray  # protons of each state
    lnk: np.ndarray  # ln formation constant from the most deprotonated form ([H+] in mol/L)
    charge: np.ndarray  # charge of each state
    neutral: np.ndarray  # index of each component's neutral state, -1 when it has none

    @property
    def n_components(self) -> int:
        return len(self.start) - 1

    @property
    def component(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_components), np.diff(self.start))


def make_states(parts: list[tuple[int, list[int], list[float]]]) -> States:
    """States from (charge of the most deprotonated form, protons per state, ln K per state)."""
    start, nprot, lnk, charge, neutral = [0], [], [], [], []
    for base_charge, n, k in parts:
        idx = -1
        for j, nj in enumerate(n):
            if base_charge + nj == 0 and idx < 0:
                idx = len(nprot) + j
        nprot += list(n)
        lnk += list(k)
        charge += [base_charge + nj for nj in n]
        neutral.append(idx)
        start.append(len(nprot))
    return States(
        np.array(start, dtype=np.int64),
        np.array(nprot, dtype=float),
        np.array(lnk, dtype=float),
        np.array(charge, dtype=float),
        np.array(neutral, dtype=np.int64),
    )


def _group_max(values: np.ndarray, start: np.ndarray) -> np.ndarray:
    return np.maximum.reduceat(values, start[:-1], axis=1)


def distribute(
    states: States,
    amounts: np.ndarray,
    lnh: np.ndarray,
    v_aq: np.ndarray,
    v_org: np.ndarray,
    log_p: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Amounts in every aqueous state [b, state] and in the organic phase [b, component].

    ``log_p`` [b, c] is log10 P (NaN: the component never enters the organic phase, e.g. a
    salt); volumes in L; ``lnh`` [b] is ln [H+].
    """
    comp = states.component
    b = amounts.shape[0]
    with np.errstate(divide="ignore"):
        ln_vaq = np.log(v_aq)[:, None]
        ln_vorg = np.log(v_org)[:, None]
    lw = states.lnk[None, :] + states.nprot[None, :] * lnh[:, None] + ln_vaq  # [b, K]
    neutral = states.neutral
    has = neutral >= 0
    lw_org = np.full((b, states.n_components), -np.inf)
    if has.any():
        idx = neutral[has]
        partitions = np.isfinite(log_p[:, has])
        value = lw[:, idx] - ln_vaq + ln_vorg + np.where(partitions, log_p[:, has], 0.0) * LN10
        lw_org[:, has] = np.where(partitions, value, -np.inf)
    top = np.maximum(_group_max(lw, states.start), lw_org)  # [b, c]
    top = np.where(np.isfinite(top), top, 0.0)
    w = np.exp(lw - top[:, comp])
    w_org = np.exp(lw_org - top)
    z = np.add.reduceat(w, states.start[:-1], axis=1) + w_org
    z = np.where(z > 0, z, 1.0)
    aq = amounts[:, comp] * w / z[:, comp]
    org = amounts * w_org / z
    return aq, org


def charge_balance(states, amounts, lnh, v_aq, v_org, log_p, spectator, kw) -> np.ndarray:
    """Net charge of the water (mol) at ln h: zero at equilibrium, rising with ln h."""
    aq, _ = distribute(states, amounts, lnh, v_aq, v_org, log_p)
    h = np.exp(lnh)
    return aq @ states.charge + (h - kw / h) * v_aq + spectator


def solve_lnh(states, amounts, v_aq, v_org, log_p, spectator, kw) -> tuple[np.ndarray, np.ndarray]:
    """ln [H+] of the water at equilibrium, and a flag where the root lies outside pH -1..16
    (the pH is then pinned at the edge: more acid or base than the bracket holds)."""
    b = amounts.shape[0]
    lo = np.full(b, LNH_LOW)
    hi = np.full(b, LNH_HIGH)
    g_lo = charge_balance(states, amounts, lo, v_aq, v_org, log_p, spectator, kw)
    g_hi = charge_balance(states, amounts, hi, v_aq, v_org, log_p, spectator, kw)
    outside = (g_lo > 0) | (g_hi < 0)
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        g = charge_balance(states, amounts, mid, v_aq, v_org, log_p, spectator, kw)
        up = g > 0
        hi = np.where(up, mid, hi)
        lo = np.where(up, lo, mid)
    lnh = 0.5 * (lo + hi)
    lnh = np.where(g_lo > 0, LNH_LOW, np.where(g_hi < 0, LNH_HIGH, lnh))
    return lnh, outside


def mean_charge(states: States, component: int, lnh: np.ndarray) -> np.ndarray:
    """Mean charge of one component alone in water at ln h, per batch row."""
    lo, hi = states.start[component], states.start[component + 1]
    lw = states.lnk[None, lo:hi] + states.nprot[None, lo:hi] * lnh[:, None]
    lw = lw - lw.max(axis=1, keepdims=True)
    w = np.exp(lw)
    return (w @ states.charge[lo:hi]) / w.sum(axis=1)
