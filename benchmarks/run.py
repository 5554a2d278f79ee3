"""Speed benchmarks, reported as ratios against baselines measured in the same run.

    python benchmarks/run.py            # full sizes (about a minute)
    python benchmarks/run.py --quick    # smaller sizes, same report

1. closed form over a 1000 x 1000 grid (equivalents x kappa) vs a plain NumPy closed form;
2. semi-batch sweep of 10,000 conditions (feed over 4 h, 1 h hold, volume change) vs a naive
   scipy.integrate.solve_ivp (LSODA) loop, and vs libRoadRunner when it is installed;
3. a single semi-batch run, same baselines;
4. HCl-salt sweep of 10,000 conditions (HCl eq x Boc2O eq, proton pool in every RHS call) vs
   a naive solve_ivp loop with a brentq speciation per call, and vs libRoadRunner with the
   proton transfers as fast reversible reactions (benchmarks/protons.py);
5. the engulfment sweep for a fast electrophile (1,4-diazepane + 1 eq AcCl over 1 h at 1 M:
   ideal, your stirring, 7 stirring powers, 4 vessels; 20 feed portions each): the compiled
   zones on the bare free-base diamine vs the SciPy Radau staged path they replaced
   (benchmarks/engulfment_scipy.py, same physics), both on one core; then the scenario's
   network with its proton pool (1.2 eq Et3N): the whole `monoselect mixing` sweep and one
   `simulate` with mixing_model engulfment, against the same SciPy sweep and the
   ideal-mixing simulate.
Agreement with each baseline is printed next to the speed.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from monoselect.kinetics.closed_form import final_split
from monoselect.kinetics.network import RateModel, build_network, symmetric_diamine
from monoselect.kinetics.simulate import (
    SERIAL_SWEEP,
    FeedStage,
    Problem,
    integrate,
    integrate_many,
)

SCALE, V0, FEED_C, T_FEED, T_HOLD = 0.01, 0.05, 1.0, 4 * 3600.0, 3600.0
K_SITE = 1e-2  # L/mol/s, Boc2O order of magnitude
# Every method runs at the loosest relative tolerance that still agrees with a 1e-12 LSODA
# reference to 1e-6 over the sweep: ours 1e-6 (its default; 1.2e-7 off), LSODA 1e-7 (at 1e-6
# it is 1.4e-6 off), libRoadRunner (CVODE) 1e-7 (at 1e-6, 1.3e-6 off). Equal accuracy, so the
# ratios are fair.
LSODA_RTOL = 1e-7
ROADRUNNER_RTOL = 1e-7


def timed(fn, repeat=3):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def numpy_closed_form(eq, kappa, iters=80):
    """Baseline: the same equation solved by plain vectorised NumPy bisection on u = ln x."""
    k = np.where(np.abs(kappa - 1) < 1e-9, 1 + 1e-9, kappa)
    lo = -800.0 / np.minimum(k, 1.0)
    hi = np.zeros_like(eq)
    for _ in range(iters):
        u = 0.5 * (lo + hi)
        x = np.exp(u)
        m = (np.exp(k * u) - x) / (1 - k)
        too_much = 2 * (1 - x) - m > eq
        lo = np.where(too_much, u, lo)
        hi = np.where(too_much, hi, u)
    u = 0.5 * (lo + hi)
    x = np.exp(u)
    return np.stack([x, (np.exp(k * u) - x) / (1 - k)], axis=-1)


def conditions(n, rng):
    eq = rng.uniform(0.3, 1.8, n)
    rho = np.exp(rng.uniform(np.log(0.05), np.log(20.0), n))
    return eq, rho


def problem(net, eq):
    rate = eq * SCALE / T_FEED
    stages = (
        FeedStage(T_FEED, electrophile_rate=rate, volume_rate=rate / FEED_C),
        FeedStage(T_HOLD),
    )
    return Problem(
        net, substrate=SCALE, electrophile=0.0, volume=V0, stages=stages, t_end=T_FEED + T_HOLD
    )


def lsoda_run(eq, rho, rtol=LSODA_RTOL):
    from scipy.integrate import solve_ivp

    k1, k2 = 2 * K_SITE, rho * K_SITE
    rate = eq * SCALE / T_FEED

    def f(t, y):
        a, m, _b, e, v = y
        feeding = t < T_FEED
        r1, r2 = k1 * a * e / v, k2 * m * e / v
        return [
            -r1,
            r1 - r2,
            r2,
            (rate if feeding else 0.0) - r1 - r2,
            rate / FEED_C if feeding else 0.0,
        ]

    y0 = [SCALE, 0.0, 0.0, 0.0, V0]
    s1 = solve_ivp(f, (0, T_FEED), y0, method="LSODA", rtol=rtol, atol=1e-16)
    s2 = solve_ivp(f, (T_FEED, T_FEED + T_HOLD), s1.y[:, -1], method="LSODA", rtol=rtol, atol=1e-16)
    return s2.y[:3, -1]


FIXED = ("k1", "k2", "F", "Q", "tf")


def roadrunner_model():
    try:
        import roadrunner
    except ImportError:
        return None
    from sbml import apply, ci, document, product

    names = {
        "a": SCALE,
        "m": 0.0,
        "b": 0.0,
        "e": 0.0,
        "v": V0,
        "k1": 2 * K_SITE,
        "k2": K_SITE,
        "F": 0.0,
        "Q": 0.0,
        "tf": T_FEED,
    }
    r1 = apply("divide", product("k1", "a", "e"), ci("v"))
    r2 = apply("divide", product("k2", "m", "e"), ci("v"))
    t = '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol>'

    def feed(x):
        during = f"<piece>{ci(x)}{apply('lt', t, ci('tf'))}</piece>"
        return f"<piecewise>{during}<otherwise><cn>0</cn></otherwise></piecewise>"

    rules = {
        "a": apply("minus", r1),
        "m": apply("minus", r1, r2),
        "b": r2,
        "e": apply("minus", feed("F"), apply("plus", r1, r2)),
        "v": feed("Q"),
    }
    sbml = document("semibatch", {n: (v, n in FIXED) for n, v in names.items()}, rules)
    rr = roadrunner.RoadRunner(sbml)
    rr.integrator.relative_tolerance = ROADRUNNER_RTOL
    rr.integrator.absolute_tolerance = 1e-14
    return rr


def roadrunner_run(rr, eq, rho):
    rr.resetAll()
    rate = eq * SCALE / T_FEED
    rr["k2"] = rho * K_SITE
    rr["F"] = rate
    rr["Q"] = rate / FEED_C
    rr.simulate(0, T_FEED + T_HOLD, 2)
    return np.array([rr["a"], rr["m"], rr["b"]])


def mixing_sweep(quick):
    """The engulfment sweep of `monoselect mixing` for a fast electrophile (1,4-diazepane +
    1 eq AcCl over 1 h at 1 M, 13 engulfment rates): (a) the compiled zones on the bare
    free-base diamine against the SciPy Radau staged path they replaced, same physics, both
    one core, largest difference in mono; (b) the scenario's network with its proton pool
    (1.2 eq Et3N), the whole mixing
    sweep and one engulfment run inside `simulate`, timed against the same SciPy sweep."""
    from engulfment_scipy import simulate_engulfment_scipy
    from monoselect import make_scenario, simulate
    from monoselect.kinetics.mixing import engulfment_rate, simulate_engulfment_many
    from monoselect.models.site import scenario_table

    portions = 5 if quick else 20
    accl = make_scenario(electrophile="AcCl", addition_time="1 h", feed_conc="1 M")
    rep = simulate(accl.evolve(mixing={"blobs": portions}))
    rates = [1e12] + [
        engulfment_rate(p.eps, rep.nu) for p in (rep.actual, *rep.stirring, *rep.scale)
    ]
    net = scenario_table(accl)[0].network
    kw = dict(
        k1=float(net.k[0]), k2=float(net.k[1]), substrate=0.01, electrophile=0.01, volume=0.05,
        feed_conc=1.0, feed_time=3600.0, blobs=portions, hold=23 * 3600.0,
    )  # fmt: skip
    simulate_engulfment_many(rates, **kw)  # compile (or load the cache) outside the timing
    t_kernel, ours = timed(lambda: simulate_engulfment_many(rates, **kw), repeat=5)
    t_scipy, base = timed(lambda: [simulate_engulfment_scipy(e_rate=e, **kw) for e in rates], 1)
    diff = max(abs(a.mono - b.mono) / 0.01 for a, b in zip(ours, base, strict=True))
    buffered = accl.evolve(base="Et3N", base_eq=1.2)
    sweep = buffered.evolve(mixing={"blobs": portions})
    one = buffered.evolve(mixing_model="engulfment", mixing={"blobs": portions})
    ideal = buffered
    for sc in (sweep, one, ideal):
        simulate(sc)
    t_sweep, _ = timed(lambda: simulate(sweep), repeat=5)
    t_one, _ = timed(lambda: simulate(one), repeat=10)
    t_ideal, _ = timed(lambda: simulate(ideal), repeat=10)
    return (t_kernel, t_scipy, diff, len(rates)), (t_sweep, t_one, t_ideal)


def main(argv=None):
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--quick", action="store_true", help="smaller sizes")
    opts = args.parse_args(argv)
    rng = np.random.default_rng(7)
    side = 300 if opts.quick else 1000
    n_sweep = 1000 if opts.quick else 10_000
    n_base = 20 if opts.quick else 100
    rows = []

    # 1. closed form -------------------------------------------------------------------------
    eq, kappa = np.meshgrid(np.linspace(0.01, 1.99, side), np.logspace(-2, 2, side))
    final_split(eq[:2, :2], kappa[:2, :2])  # compile outside the timing
    final_split(eq[:2, :2], kappa[:2, :2], parallel=True)
    t_ours, ours = timed(lambda: final_split(eq, kappa))
    t_par, _ = timed(lambda: final_split(eq, kappa, parallel=True))
    t_np, base = timed(lambda: numpy_closed_form(eq, kappa), repeat=1)
    agree = np.abs(ours[..., :2] - base).max()
    rows.append(("closed form, 1 core", eq.size / t_ours, "NumPy bisection", eq.size / t_np, agree))
    rows.append(
        ("closed form, all cores", eq.size / t_par, "NumPy bisection", eq.size / t_np, agree)
    )

    # 2. semi-batch sweep ---------------------------------------------------------------------
    seq, srho = conditions(n_sweep, rng)
    # one network, its rate constants given per condition (rho varies continuously)
    base_net = build_network(symmetric_diamine(), RateModel((K_SITE,), rho=1.0))

    def sweep_one_network():
        probs = [problem(base_net, e) for e in seq]
        rates = np.stack([2 * K_SITE * np.ones(n_sweep), srho * K_SITE], axis=1)
        return integrate_many(probs, rates=rates)

    # compile (or load the cache) outside the timing; more conditions than SERIAL_SWEEP, so
    # that the threaded kernel the timed sweep uses is the one loaded
    integrate_many([problem(base_net, 1.0)] * (SERIAL_SWEEP + 1))
    t_sweep, res = timed(sweep_one_network, repeat=1)
    assert np.all(res.status == 0)
    sub = np.arange(n_base)
    t_ls, ls = timed(lambda: np.array([lsoda_run(seq[i], srho[i]) for i in sub]), repeat=1)
    agree_ls = np.abs(res.species[sub] / SCALE - ls / SCALE).max()
    reference = np.array([lsoda_run(seq[i], srho[i], rtol=1e-12) for i in sub])
    agree_ref = np.abs(res.species[sub] - reference).max() / SCALE
    rows.append(
        (
            f"semi-batch sweep ({n_sweep})",
            n_sweep / t_sweep,
            "solve_ivp LSODA loop",
            n_base / t_ls,
            agree_ls,
        )
    )
    rr = roadrunner_model()
    if rr is not None:
        roadrunner_run(rr, 1.0, 1.0)
        t_rr, rrs = timed(
            lambda: np.array([roadrunner_run(rr, seq[i], srho[i]) for i in sub]), repeat=1
        )
        agree_rr = np.abs(res.species[sub] - rrs).max() / SCALE
        rows.append(
            (
                f"semi-batch sweep ({n_sweep})",
                n_sweep / t_sweep,
                "libRoadRunner loop",
                n_base / t_rr,
                agree_rr,
            )
        )

    # 3. single run ---------------------------------------------------------------------------
    net1 = build_network(symmetric_diamine(), RateModel((K_SITE,), rho=1.0))
    p1 = problem(net1, 1.0)
    integrate(p1)
    runs = [timed(lambda: integrate(p1), repeat=1)[0] for _ in range(200)]
    t_single = statistics.median(runs)
    single = integrate(p1).species[-1]
    t_ls1 = statistics.median(timed(lambda: lsoda_run(1.0, 1.0), repeat=1)[0] for _ in range(20))
    rows.append(
        (
            "single semi-batch run",
            1 / t_single,
            "solve_ivp LSODA",
            1 / t_ls1,
            np.abs(single - lsoda_run(1.0, 1.0)).max() / SCALE,
        )
    )
    if rr is not None:
        t_rr1 = statistics.median(
            timed(lambda: roadrunner_run(rr, 1.0, 1.0), repeat=1)[0] for _ in range(50)
        )
        rows.append(
            (
                "single semi-batch run",
                1 / t_single,
                "libRoadRunner",
                1 / t_rr1,
                np.abs(single - roadrunner_run(rr, 1.0, 1.0)).max() / SCALE,
            )
        )
    else:
        print("libRoadRunner not installed (pip install -e '.[bench]'): its rows are skipped")

    # 4. HCl-salt sweep with the proton pool ----------------------------------------------------
    import protons as hcl

    net, consts = hcl.hcl_salt_network()
    acid, equiv = hcl.grid(30 if opts.quick else 100)
    n_hcl = acid.size

    def hcl_sweep():
        return integrate_many(
            [hcl.hcl_salt_problem(net, a, e) for a, e in zip(acid, equiv, strict=True)]
        )

    integrate_many([hcl.hcl_salt_problem(net, 1.0, 1.0)] * (SERIAL_SWEEP + 1))  # as above
    t_hcl, hres = timed(hcl_sweep, repeat=1)
    assert np.all(hres.status == 0)
    pick = rng.choice(n_hcl, n_base, replace=False)
    t_nv, nv = timed(
        lambda: np.array([hcl.naive_run(acid[i], equiv[i], consts) for i in pick]), repeat=1
    )
    rows.append(
        (
            f"HCl-salt sweep ({n_hcl})",
            n_hcl / t_hcl,
            "solve_ivp + brentq loop",
            n_base / t_nv,
            np.abs(hres.species[pick] - nv).max() / hcl.SCALE,
        )
    )
    rr_hcl = hcl.roadrunner_model(consts)
    if rr_hcl is not None:
        hcl.roadrunner_run(rr_hcl, 1.0, 1.0)
        t_rrh, rrh = timed(
            lambda: np.array([hcl.roadrunner_run(rr_hcl, acid[i], equiv[i]) for i in pick]),
            repeat=1,
        )
        rows.append(
            (
                f"HCl-salt sweep ({n_hcl})",
                n_hcl / t_hcl,
                "libRoadRunner loop",
                n_base / t_rrh,
                np.abs(hres.species[pick] - rrh).max() / hcl.SCALE,
            )
        )
        print(
            f"libRoadRunner, HCl salt with fast proton reactions: {t_rrh / n_base * 1e3:.2f} ms/run"
        )
    print(
        f"HCl-salt sweep: {t_hcl / n_hcl * 1e3:.3f} ms per condition, {hres.steps.mean():.0f} steps"
    )

    # 5. the mixing sweep for a fast electrophile ----------------------------------------------
    (t_mix, t_mix_sp, d_mix, n_points), (t_zones, t_one, t_ideal) = mixing_sweep(opts.quick)
    rows.append(
        (
            f"engulfment sweep ({n_points} runs), 1 core",
            1 / t_mix,
            "SciPy Radau staged, 1 core",
            1 / t_mix_sp,
            d_mix,
        )
    )
    rows.append(
        (
            "mixing sweep, zones + protons",
            1 / t_zones,
            "SciPy Radau staged (free base)",
            1 / t_mix_sp,
            float("nan"),
        )
    )
    print(
        f"engulfment sweep, AcCl, free base: {t_mix:.3f} s compiled, {t_mix_sp:.2f} s SciPy "
        f"(largest mono difference {d_mix:.1e}); with the proton pool (1.2 eq Et3N): whole "
        f"mixing sweep {t_zones:.3f} s, simulate with mixing_model engulfment {t_one:.3f} s "
        f"(ideal mixing alone {t_ideal:.3f} s); all one core, warm"
    )

    print(
        f"{'case':30s} {'ours /s':>12s}  {'baseline':24s} {'baseline /s':>12s}"
        f" {'ratio':>8s} {'max diff':>9s}"
    )
    for case, ours_rate, name, base_rate, diff in rows:
        print(
            f"{case:30s} {ours_rate:12.4g}  {name:24s} {base_rate:12.4g}"
            f" {ours_rate / base_rate:8.1f} "
            + (f"{diff:9.1e}" if diff == diff else f"{'protons':>9s}")  # nan: other physics
        )
    print(f"single semi-batch run: {t_single * 1e3:.3f} ms (median of 200)")
    print(f"sweep vs a 1e-12 LSODA reference ({n_base} conditions): max diff {agree_ref:.1e}")


if __name__ == "__main__":
    main()
