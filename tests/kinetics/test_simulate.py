"""The ODE engine against exact physics: closed form, time elimination, conservation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from monoselect.errors import InvalidInput
from monoselect.kinetics.closed_form import final_split
from monoselect.kinetics.network import RateModel, SiteModel, build_network, enumerate_species
from monoselect.kinetics.outcome import make_outcome
from monoselect.kinetics.simulate import FeedStage, Problem, integrate, integrate_many

SCALE = 0.01  # mol


def batch(net, eq, conc=0.2, **kw):
    return Problem(net, substrate=SCALE, electrophile=eq * SCALE, volume=SCALE / conc, **kw)


def fed(net, eq, seconds, conc=0.2, feed_conc=1.0, hold=0.0, **kw):
    rate = eq * SCALE / seconds
    stages = [FeedStage(seconds, electrophile_rate=rate, volume_rate=rate / feed_conc)]
    if hold:
        stages.append(FeedStage(hold))
    return Problem(
        net, substrate=SCALE, electrophile=0.0, volume=SCALE / conc, stages=tuple(stages), **kw
    )


@pytest.mark.parametrize("rho", [0.0, 0.02, 0.5, 1.0, 2.0, 8.0])
@pytest.mark.parametrize("eq", [0.3, 1.0, 1.6])
def test_ode_matches_closed_form(diamine_network, rho, eq):
    if rho == 0.0 and eq == 1.0:
        pytest.skip("exactly 1:1 on the only reactive site: a 1/t tail, reached only at t -> inf")
    net = diamine_network(rho)
    traj = integrate(batch(net, eq))
    expected = final_split(eq, rho / 2)
    assert np.abs(traj.species[-1] / SCALE - expected).max() < 1e-6


@pytest.mark.parametrize("k", [1e3, 1e5])
def test_a_fast_batch_reaction_runs_on_the_compiled_integrator(diamine_network, k):
    """An acyl chloride at 1e3-1e5 L/mol/s asks for a first step below 1e-14 s: that is where
    the run starts, not a step underflow (before, such runs fell back to Radau)."""
    traj = integrate(batch(diamine_network(0.5, k=k), 1.0))
    assert traj.method == "RODAS4 (compiled)" and not traj.notes
    assert np.abs(traj.species[-1] / SCALE - final_split(1.0, 0.25)).max() < 1e-6


def test_statistics_1_2_1(diamine_network):
    traj = integrate(batch(diamine_network(1.0), 1.0))
    assert np.allclose(traj.species[-1] / SCALE, [0.25, 0.5, 0.25], atol=1e-6)


@pytest.mark.parametrize("rho", [0.1, 1.0, 6.0])
def test_time_elimination_addition_rate_and_dilution_do_not_change_the_split(diamine_network, rho):
    net = diamine_network(rho)
    reference = integrate(batch(net, 1.0)).species[-1] / SCALE
    for seconds in (60.0, 3600.0, 4 * 3600.0):
        for conc, feed_conc in ((0.2, 1.0), (0.01, 0.05)):
            split = integrate(fed(net, 1.0, seconds, conc, feed_conc)).species[-1] / SCALE
            assert np.abs(split - reference).max() < 1e-6, (seconds, conc)
    # SM = bis at exactly 1.0 eq, whatever the feed
    assert reference[0] == pytest.approx(reference[2], abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    rho=st.floats(0.0, 20.0),
    k=st.floats(1e-4, 1e3),
    eq=st.floats(0.05, 3.0),
    seconds=st.floats(1.0, 2e4),
    feed_conc=st.floats(0.05, 5.0),
    inverse=st.booleans(),
    t_end=st.one_of(st.none(), st.floats(10.0, 1e5)),
)
def test_conservation_and_bounds(rho, k, eq, seconds, feed_conc, inverse, t_end):
    net = build_network(SiteModel((0, 0), ((0, 1), (1, 0)), ("N1", "N4")), RateModel((k,), rho))
    rate = (SCALE if inverse else eq * SCALE) / seconds
    stage = FeedStage(
        seconds,
        electrophile_rate=0.0 if inverse else rate,
        substrate_rate=rate if inverse else 0.0,
        volume_rate=rate / feed_conc,
    )
    problem = Problem(
        net,
        substrate=0.0 if inverse else SCALE,
        electrophile=eq * SCALE if inverse else 0.0,
        volume=0.05,
        stages=(stage, FeedStage(600.0)),
        t_end=t_end if t_end is not None else math.inf,
    )
    traj = integrate(problem)
    out = make_outcome(problem, net, traj)
    bal = out.balance_residuals(problem)
    assert bal["substrate_units"] < 1e-9
    assert bal["electrophile_units"] < 1e-9
    assert traj.species.min() > -1e-9 * SCALE and traj.electrophile.min() > -1e-9 * SCALE
    f = out.fractions
    assert np.all((f >= 0) & (f <= 1))
    present = traj.species.sum(axis=1) > 0
    assert np.allclose(f[present].sum(axis=1), 1.0, atol=1e-12)


def test_volume_grows_by_the_fed_volume(diamine_network):
    traj = integrate(fed(diamine_network(), 1.0, 3600.0, conc=0.2, feed_conc=1.0))
    assert traj.volume[-1] == pytest.approx(0.05 + 0.01, rel=1e-12)


def test_stop_at_a_conversion(diamine_network):
    problem = batch(diamine_network(), 1.0, stop_conversion=0.4)
    traj = integrate(problem)
    sm = traj.species[-1, 0] / traj.species[-1].sum()
    assert 1 - sm == pytest.approx(0.4, abs=1e-9)


def test_stop_at_a_time_is_exact(diamine_network):
    traj = integrate(batch(diamine_network(), 1.0, t_end=123.0))
    assert traj.time[-1] == pytest.approx(123.0, abs=1e-9)


def test_cap_is_reported_when_the_limiting_reagent_cannot_be_spent(diamine_network):
    # 2.0 eq: exactly stoichiometric, the 1/t tail does not reach 1e-9 within a short cap
    traj = integrate(batch(diamine_network(), 2.0, time_cap=3600.0))
    assert traj.status == 1 and traj.time[-1] == pytest.approx(3600.0)


def test_stiff_fast_electrophile_under_slow_feed_is_cheap_and_exact(diamine_network):
    net = diamine_network(1.0, k=1e5)  # acyl-chloride-like, far faster than the feed
    traj = integrate(fed(net, 1.0, 4 * 3600.0))
    assert traj.status == 0
    assert traj.steps < 5000
    assert np.abs(traj.species[-1] / SCALE - [0.25, 0.5, 0.25]).max() < 1e-6


def test_sweep_agrees_with_single_runs(diamine_network):
    net = diamine_network(0.6)
    problems = [fed(net, eq, 3600.0 * h, hold=600.0) for eq in (0.5, 1.0, 1.5) for h in (0.5, 4)]
    sweep = integrate_many(problems)
    assert np.all(sweep.status == 0)
    for i, p in enumerate(problems):
        single = integrate(p).species[-1]
        assert np.allclose(sweep.species[i], single, rtol=0, atol=1e-12)


def test_species_counts_from_symmetry():
    cyclen = SiteModel(
        (0,) * 4,
        tuple(tuple((i * s + r) % 4 for i in range(4)) for s in (1, -1) for r in range(4)),
        ("N1", "N4", "N7", "N10"),
    )
    assert len(enumerate_species(cyclen)) == 6
    unsym = SiteModel((0, 1), ((0, 1),), ("N1", "N4"))
    assert len(enumerate_species(unsym)) == 4  # SM, two mono regioisomers, bis


def test_statistical_factors_come_from_counting():
    net = build_network(
        SiteModel((0, 0), ((0, 1), (1, 0)), ("N1", "N4")), RateModel((0.3,), rho=1.0)
    )
    assert net.k.tolist() == [0.6, 0.3]  # k1 = 2 k_site, k2 = k_site


def test_bad_feed_is_refused():
    with pytest.raises(InvalidInput, match="duration"):
        FeedStage(-1.0)


def test_a_failed_compiled_run_is_repeated_with_radau(diamine_network):
    # a step budget far too small makes RODAS4 give up; the Radau retry must still be exact
    problem = batch(diamine_network(1.0), 1.0, max_steps=5)
    traj = integrate(problem)
    assert traj.method.startswith("Radau") and traj.notes
    assert np.abs(traj.species[-1] / SCALE - [0.25, 0.5, 0.25]).max() < 1e-5
    out = make_outcome(problem, problem.network, traj)
    assert max(out.balance_residuals(problem).values()) < 1e-9


def test_radau_retry_keeps_the_stop_rules(diamine_network):
    net = diamine_network(1.0)
    by_conversion = integrate(batch(net, 1.0, stop_conversion=0.4, max_steps=5))
    sm = by_conversion.species[-1, 0] / by_conversion.species[-1].sum()
    assert by_conversion.method.startswith("Radau") and 1 - sm == pytest.approx(0.4, abs=1e-6)
    until_spent = integrate(batch(net, 1.0, max_steps=5))
    assert until_spent.status == 0 and until_spent.time[-1] < 7 * 86400
    assert until_spent.electrophile[-1] <= 1.01e-9 * SCALE


def test_a_given_time_longer_than_the_cap_is_kept(diamine_network):
    # the 7-day cap bounds only open-ended runs; a time the chemist asks for is honoured
    traj = integrate(batch(diamine_network(), 2.0, t_end=10 * 86400.0, time_cap=3600.0))
    assert traj.status == 0 and traj.time[-1] == pytest.approx(10 * 86400.0)


def test_a_sweep_refuses_mixed_solver_settings(diamine_network):
    net = diamine_network()
    with pytest.raises(InvalidInput, match="rtol"):
        integrate_many([batch(net, 1.0), batch(net, 1.0, rtol=1e-9)])
