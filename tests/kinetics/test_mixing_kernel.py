"""The compiled engulfment kernel (kinetics/zones.py) on the bare free-base diamine: the SciPy
results it replaced, exact invariants, oracles."""

import pytest
from hypothesis import given, settings, strategies as st

from monoselect import InvalidInput, final_split, make_scenario, simulate
from monoselect.kinetics.mixing import simulate_engulfment, simulate_engulfment_many
from tests.models.test_mixing import FAST  # one set of fast-reaction conditions

# (SM, mono, bis) in mol from the SciPy Radau path (kinetics/staged.py, rtol 1e-7) that the
# kernel replaced; benchmarks/engulfment_scipy.py keeps it and the benchmark re-checks it
SCIPY = {
    (20.0, False): (0.004335444548679151, 0.0013291109078660752, 0.004335444544201118),
    (20.0, True): (0.004999267568375362, 1.4648719210079416e-06, 0.004999267563645326),
    (10.0, False): (0.004519431978238133, 0.0009611359254150543, 0.00451943207947414),
}
# README: 1,4-diazepane + 1 eq AcCl over 1 h at 1 M, mono for ideal mixing, your stirring
# (0.3 W/kg), 0.01 ... 10 W/kg, then 50 mL flask ... 100 L vessel (SciPy path, 20 portions)
SCIPY_ACCL_MONO = (
    0.6355248981852947,
    0.313681702390841,
    0.15103592042611835,
    0.19338392694236153,
    0.2508123265052256,
    0.313681702390841,
    0.3920464692107737,
    0.46570710818084815,
    0.5363678621443072,
    0.34599833330556884,
    0.313681702390841,
    0.2893519063703823,
    0.2508123265052256,
)


@pytest.mark.parametrize(("e_rate", "inverse"), sorted(SCIPY))
def test_the_kernel_gives_what_the_scipy_path_gave(e_rate, inverse):
    r = simulate_engulfment(e_rate=e_rate, inverse=inverse, **FAST)
    for got, want in zip((r.sm, r.mono, r.bis), SCIPY[e_rate, inverse], strict=True):
        assert got / 0.01 == pytest.approx(want / 0.01, abs=1e-6)


def test_the_free_base_kernel_keeps_the_scipy_sweep():
    """The zones on the bare two-site network (no proton pool) give the SciPy path's sweep
    for the old README conditions: 1,4-diazepane + 1 eq AcCl over 1 h at 1 M with the
    amines held free. (The mixing family runs the scenario's network with its protons.)"""
    from monoselect.kinetics.mixing import engulfment_rate
    from monoselect.models.site import scenario_table

    scenario = make_scenario(electrophile="AcCl", addition_time="1 h", feed_conc="1 M")
    rep = simulate(scenario.evolve(mixing={}))
    net = scenario_table(scenario)[0].network
    points = (rep.actual, *rep.stirring, *rep.scale)
    rates = [1e12] + [engulfment_rate(p.eps, rep.nu) for p in points]
    runs = simulate_engulfment_many(
        rates, k1=float(net.k[0]), k2=float(net.k[1]), substrate=0.01, electrophile=0.01,
        volume=0.05, feed_conc=1.0, feed_time=3600.0, blobs=20, hold=23 * 3600.0,
    )  # fmt: skip
    assert [r.mono / 0.01 for r in runs] == pytest.approx(SCIPY_ACCL_MONO, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    e_rate=st.floats(1e-2, 1e9),
    k1=st.floats(1e-3, 1e5),
    kappa=st.floats(0.05, 20.0),
    eq=st.floats(0.3, 2.0),
    inverse=st.booleans(),
)
def test_every_unit_is_conserved_to_round_off(e_rate, k1, kappa, eq, inverse):
    """The dilution is solved exactly and the reactions conserve both kinds of unit, so
    the integrator's tolerance never shows in the balances."""
    kw = dict(FAST, k1=k1, k2=kappa * k1 / 2, electrophile=0.01 * eq, blobs=5)
    r = simulate_engulfment(e_rate=e_rate, inverse=inverse, **kw)
    assert r.sm + r.mono + r.bis == pytest.approx(0.01, rel=1e-12)
    assert r.mono + 2 * r.bis + r.electrophile == pytest.approx(0.01 * eq, rel=1e-12)
    assert min(r.sm, r.mono, r.bis) > -1e-12


def test_a_single_charge_with_instant_mixing_is_the_closed_form_batch():
    """All electrophile at once (no feed time, one portion) and E -> infinity: the batch
    ends at the exact 1 : 2 : 1-family split of the closed form."""
    r = simulate_engulfment(e_rate=1e12, **dict(FAST, feed_time=0.0, blobs=1, hold=1e6))
    sm, mono, bis = final_split(1.0, 0.5)
    assert (r.sm / 0.01, r.mono / 0.01, r.bis / 0.01) == pytest.approx((sm, mono, bis), abs=1e-6)


def test_a_sweep_is_the_single_runs_side_by_side():
    rates = [5.0, 50.0, 5e3]
    many = simulate_engulfment_many(rates, **FAST)
    assert many == [simulate_engulfment(e_rate=e, **FAST) for e in rates]


def test_bad_engulfment_rates_name_the_field():
    with pytest.raises(InvalidInput, match="field: e_rate"):
        simulate_engulfment_many([10.0, 0.0], **FAST)
    with pytest.raises(InvalidInput, match="field: e_rate"):
        simulate_engulfment(e_rate=float("nan"), **FAST)
