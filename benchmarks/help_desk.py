"""Timings of the help-desk commands against their targets, warm, on one core.

    python benchmarks/help_desk.py

1. fit of one experiment (endpoint NMR, kappa) with its profile interval;       target < 1 s
2. joint fit of 5 experiments, 3 parameters (kappa, k, the bis response factor
   of HPLC areas) with every profile;                                              target < 5 s
3. advise for 1,4-diazepane + Boc2O (every protocol simulated and ranked);         target < 1 s
4. optimise slow addition (least diamine for 90 % mono on Boc2O);                 target < 5 s

Each is the median of three runs after one warm-up (numba and RDKit caches loaded), in this
process; every simulation runs serially on one core.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from monoselect import make_conditions, make_scenario, optimise, recommend, simulate
from monoselect.fit import Experiment, Observation, fit
from monoselect.fit.estimate import _species_fractions


def _experiments(n: int, rng) -> list[Experiment]:
    out = []
    for i in range(n):
        eq, sub_eq = (1.0, 1.0, 0.8, 1.2, 1.0)[i], (1.0, 2.0, 1.0, 1.0, 3.0)[i]
        true = make_scenario(eq=eq, substrate_eq=sub_eq, kappa=0.8, k="0.01 L/mol/s")
        r = simulate(true)
        early = _species_fractions(r, 600.0) + rng.normal(0, 0.02, 3)
        end = _species_fractions(r, None)
        obs = (
            Observation(
                600.0,
                "nmr",
                dict(zip(("SM", "mono", "bis"), np.clip(early, 1e-3, None), strict=True)),
                {},
                0.02,
            ),
            Observation(None, "hplc", {"mono": end[1], "bis": 2 * end[2]}, {}, 0.02, "UV 210 nm"),
        )
        out.append(Experiment(f"run {i + 1}", make_scenario(eq=eq, substrate_eq=sub_eq), obs))
    return out


def _time(fn) -> float:
    fn()
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    rng = np.random.default_rng(0)
    one = _experiments(1, rng)[:1]
    one = [Experiment(one[0].name, one[0].scenario, one[0].observations[:1])]
    five = _experiments(5, rng)
    cond = make_conditions(substrate="1,4-diazepane", electrophile="Boc2O")
    rows = [
        ("fit, 1 experiment, kappa, with profile", lambda: fit(one, ("kappa",)), 1.0),
        ("joint fit, 5 experiments, 3 parameters", lambda: fit(five, ("kappa", "k")), 5.0),
        ("advise, 1,4-diazepane + Boc2O", lambda: recommend(cond), 1.0),
        (
            "optimise slow addition, 90 % mono on Boc2O",
            lambda: optimise(cond, "slow_addition", min_mono_on_electrophile=0.9),
            5.0,
        ),
    ]
    print(f"{'case':46s} {'time':>9s} {'target':>8s}  (1 core, median of 3, warm)")
    for name, fn, target in rows:
        t = _time(fn)
        verdict = "met" if t < target else "missed"
        print(f"{name:46s} {t:8.2f}s {target:7.0f}s  {verdict}")
    r = fit(five, ("kappa", "k"))
    print(
        "joint fit parameters:",
        ", ".join(f"{p.name} {r.values[p.name]:.3g} ({r.classes[p.name]})" for p in r.params),
    )


if __name__ == "__main__":
    main()
