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

from monoselect.errors import InvalidInput
from monoselect.kinetics.staged import MassAction, Stage, integrate_staged

# species order and their (site states)
PATTERNS = ((0, 0), (1, 0), (2, 0), (1, 1), (2, 1), (2, 2))
LABELS = ("SM", "iminium", "mono", "bis-iminium", "mono + iminium", "bis")
ALD, HYD, ALC = 6, 7, 8  # aldehyde, hydride, alcohol after the six species
# aldehyde and hydride used (-1) or given back (+1) by each kind of site step
_REAGENT_CHANGE = {"form": (-1.0, 0.0), "back": (1.0, 0.0), "red": (0.0, -1.0)}


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
    if not (volume > 0 and amine > 0 and aldehyde >= 0 and hydride >= 0):
        raise InvalidInput("amounts must be >= 0 and the volume > 0", field="amount")
    if not (0 <= hydride_at < t_end):
        raise InvalidInput("the hydride must go in before the end of the run", field="pre_time")
    rx = _reactions(rates)
    first = [a for a, *_ in rx] + [ALD]
    second = [b for _, b, *_ in rx] + [HYD]
    ks = [k for *_, k, _ in rx] + [rates.k_ald]
    s = np.zeros((9, len(rx) + 1))
    for j, (a, _b, p, _, kind) in enumerate(rx):
        s[a, j] -= 1
        s[p, j] += 1
        s[ALD, j], s[HYD, j] = _REAGENT_CHANGE[kind]
    # aldehyde + hydride -> alcohol
    s[ALD, -1] = s[HYD, -1] = -1
    s[ALC, -1] = 1
    law = MassAction.from_pairs(first, second, s, ks, volume=volume)
    y0 = np.zeros(9)
    y0[0] = amine
    y0[ALD] = aldehyde
    dose = np.zeros(9)
    dose[HYD] = hydride
    stages = [Stage(hydride_at), Stage(t_end - hydride_at, dose=dose)]
    run = integrate_staged(
        law,
        y0,
        stages,
        rtol=rtol,
        atol=1e-13,  # of the amine charge
        amount_scale=amine,
        what="reductive amination",
        fix="check the rate constants and the times",
    )
    return run.time, run.states


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
