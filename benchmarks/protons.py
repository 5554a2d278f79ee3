"""HCl-salt sweep: 1,4-diazepane + Boc2O with 0-1.5 eq HCl charged first, 24 h batch.

Three implementations of the same physics (fast proton equilibrium, only free N react, rates
from the same pKa and Bronsted constants):
- ours: ``integrate_many``, speciation by warm-started Newton inside the compiled RHS;
- naive: ``solve_ivp`` (LSODA) with a Python RHS that calls ``brentq`` for [H+] every time;
- libRoadRunner: proton transfers as fast reversible mass-action reactions through free H+.
"""

from __future__ import annotations

import math

import numpy as np

from monoselect.kinetics.simulate import Problem, ProtonPool
from monoselect.models.site import reactivity_model, species_table

SCALE, V0, T_END = 0.01, 0.05, 24 * 3600.0
NAIVE_RTOL = 1e-7
RR_RTOL = 1e-8
# protonation rate constant for the reversible-reaction model, L/mol/s: a numerical device
# (above the diffusion limit) so that deprotonation of the most basic site (pKa 10.25) is
# about 1e4 times faster than the acylation it competes with, which keeps the model within
# 1e-5 of instant equilibrium
K_PROTONATION = 1e12


def hcl_salt_network():
    table = species_table("1,4-diazepane", "Boc2O")
    react, _, _, _ = reactivity_model(None, table.substrate, table.electrophile)
    net = table.network
    macro_sm = react.basicity[(0, 0)].macroscopic()  # (pK1, pK2)
    macro_mono = react.basicity[(1, 0)].macroscopic()  # (pK,)
    # reaction 0: SM -> mono (state 0 free base, state 1 one N protonated); 1: mono -> bis
    consts = {
        "k_sm": float(net.kms[0, 0]),
        "k_smh": float(net.kms[0, 1]),
        "k_mono": float(net.kms[1, 0]),
        "pk1": macro_sm[0],
        "pk2": macro_sm[1],
        "pkm": macro_mono[0],
    }
    return net, consts


def hcl_salt_problem(net, acid_eq: float, eq: float) -> Problem:
    return Problem(
        net,
        substrate=SCALE,
        electrophile=eq * SCALE,
        volume=V0,
        protons=ProtonPool(strong_acid=acid_eq * SCALE),
        t_end=T_END,
    )


def grid(n_side: int):
    acid, eq = np.meshgrid(np.linspace(0.0, 1.5, n_side), np.linspace(0.5, 1.5, n_side))
    return acid.ravel(), eq.ravel()


def _fractions(h, c):
    """Macroscopic state fractions of SM (free, H+, 2H+) and mono (free, H+) at [H+] = h."""
    k2, k1, km = 10 ** c["pk2"], 10 ** c["pk1"], 10 ** c["pkm"]
    z = 1 + k2 * h + k2 * k1 * h * h
    zm = 1 + km * h
    return (1 / z, k2 * h / z, k2 * k1 * h * h / z), (1 / zm, km * h / zm)


def naive_run(acid_eq, eq, c, rtol=NAIVE_RTOL):
    """solve_ivp with a brentq speciation in every right-hand-side call."""
    from scipy.integrate import solve_ivp
    from scipy.optimize import brentq

    total = acid_eq * SCALE / V0

    def h_of(y):
        sm, mono = y[0], y[1]
        if total <= 0:
            return 0.0

        def balance(log_h):
            h = 10.0**log_h
            (_, f1, f2), (_, g1) = _fractions(h, c)
            return h + sm * (f1 + 2 * f2) + mono * g1 - total

        return 10.0 ** brentq(balance, -40.0, math.log10(total) + 1e-9, xtol=1e-13)

    def f(_t, y):
        sm, mono, _bis, e = y
        (f0, f1, _), (g0, _) = _fractions(h_of(y), c)
        r1 = (c["k_sm"] * f0 + c["k_smh"] * f1) * sm * e
        r2 = c["k_mono"] * g0 * mono * e
        return [-r1, r1 - r2, r2, -r1 - r2]

    y0 = [SCALE / V0, 0.0, 0.0, eq * SCALE / V0]
    sol = solve_ivp(f, (0, T_END), y0, method="LSODA", rtol=rtol, atol=1e-14)
    return sol.y[:3, -1] * V0


def roadrunner_model(c):
    try:
        import roadrunner
    except ImportError:
        return None
    from sbml import apply, document, product

    state = ["SM", "SMH", "SMH2", "M", "MH", "B", "E", "H"]
    fixed = {
        "kp": K_PROTONATION,
        "kd2": K_PROTONATION / 10 ** c["pk2"],
        "kd1": K_PROTONATION / 10 ** c["pk1"],
        "kdm": K_PROTONATION / 10 ** c["pkm"],
        "ksm": c["k_sm"],
        "ksmh": c["k_smh"],
        "km": c["k_mono"],
    }

    def minus(*xs):
        return apply("minus", *xs)

    def plus(*xs):
        return apply("plus", *xs)

    p1 = minus(product("kp", "SM", "H"), product("kd2", "SMH"))
    p2 = minus(product("kp", "SMH", "H"), product("kd1", "SMH2"))
    p3 = minus(product("kp", "M", "H"), product("kdm", "MH"))
    r1 = product("ksm", "SM", "E")
    r2 = product("ksmh", "SMH", "E")
    r3 = product("km", "M", "E")
    rates = {
        "SM": minus(plus(p1, r1)),
        "SMH": minus(p1, plus(p2, r2)),
        "SMH2": p2,
        "M": minus(r1, plus(p3, r3)),
        "MH": plus(r2, p3),
        "B": r3,
        "E": minus(plus(r1, r2, r3)),
        "H": minus(plus(p1, p2, p3)),
    }
    parameters = {s: (0.0, False) for s in state} | {n: (v, True) for n, v in fixed.items()}
    sbml = document("hcl_salt", parameters, rates)
    rr = roadrunner.RoadRunner(sbml)
    rr.integrator.relative_tolerance = RR_RTOL
    rr.integrator.absolute_tolerance = 1e-16
    return rr


def roadrunner_run(rr, acid_eq, eq):
    rr.resetAll()
    rr["SM"] = SCALE / V0
    rr["E"] = eq * SCALE / V0
    rr["H"] = acid_eq * SCALE / V0
    rr.simulate(0, T_END, 2)
    return np.array([rr["SM"] + rr["SMH"] + rr["SMH2"], rr["M"] + rr["MH"], rr["B"]]) * V0
