"""The staged mass-action integrator against exact physics: closed forms, invariants, events."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.linalg import expm

from monoselect.errors import InvalidInput, SolverFailure
from monoselect.kinetics.staged import (
    MassAction,
    Stage,
    falls_to,
    integrate_staged,
    reaches,
)

TIGHT = dict(rtol=1e-10, atol=1e-16)


def a_plus_b(k, volume):
    """A + B -> C at constant volume."""
    return MassAction([[0, 1]], [[-1], [-1], [1]], [k], volume=volume)


def two_step(k1, k2, volume_index=4):
    """SM + E -> mono (k1), mono + E -> bis (k2); states SM, mono, bis, E, volume."""
    stoich = [[-1, 0], [1, -1], [0, 1], [-1, -1], [0, 0]]
    return MassAction([[0, 3], [1, 3]], stoich, [k1, k2], volume_index=volume_index)


def test_a_plus_b_second_order_follows_its_closed_form():
    """[A](t) = d a0 e^(k d t) / (a0 e^(k d t) - b0), d = a0 - b0, at every recorded step."""
    k, v, n_a, n_b = 0.8, 0.25, 0.02, 0.012
    run = integrate_staged(a_plus_b(k, v), [n_a, n_b, 0.0], [Stage(600.0)], **TIGHT)
    a0, b0 = n_a / v, n_b / v
    d = a0 - b0
    grow = np.exp(k * d * run.time)
    expected = d * a0 * grow / (a0 * grow - b0)
    assert run.states[:, 0] / v == pytest.approx(expected, rel=1e-8)
    assert run.states[:, 2] == pytest.approx(n_a - run.states[:, 0], rel=1e-9, abs=1e-18)


def test_equal_charges_of_a_and_b_decay_as_one_over_t():
    k, v, n = 2.0, 0.1, 0.01
    run = integrate_staged(a_plus_b(k, v), [n, n, 0.0], [Stage(3600.0)], **TIGHT)
    c0 = n / v
    assert run.states[:, 0] / v == pytest.approx(c0 / (1 + k * c0 * run.time), rel=1e-8)


def test_dimerisation_under_a_solvent_feed_follows_the_dilution_law():
    """2 A -> D while solvent flows in at Q: 1/n = 1/n0 + (2k/Q) ln(V/V0), exact only with the
    volume as a state (a constant-volume model would be off by the dilution)."""
    k, n0, v0, q = 0.5, 0.01, 0.02, 1e-5
    law = MassAction([[0, 0]], [[-2], [1], [0]], [k], volume_index=2)
    feed = np.array([0.0, 0.0, q])
    run = integrate_staged(law, [n0, 0.0, v0], [Stage(7200.0, feed=feed)], **TIGHT)
    volume = v0 + q * run.time
    assert run.states[:, 2] == pytest.approx(volume, rel=1e-12)
    expected = 1 / (1 / n0 + 2 * k / q * np.log(volume / v0))
    assert run.states[:, 0] == pytest.approx(expected, rel=1e-8)


def test_a_fed_first_order_reagent_relaxes_to_feed_over_k():
    """Feed F into A -> B: n_A = F/k + (n0 - F/k) e^(-kt); B takes the rest of what came in."""
    k, n0, f = 1e-3, 0.002, 1e-5
    law = MassAction([[0]], [[-1], [1]], [k], volume=1.0)
    run = integrate_staged(law, [n0, 0.0], [Stage(5000.0, feed=[f, 0.0])], **TIGHT)
    t = run.time
    assert run.states[:, 0] == pytest.approx(f / k + (n0 - f / k) * np.exp(-k * t), rel=1e-8)
    assert run.states[:, 1] == pytest.approx(n0 + f * t - run.states[:, 0], rel=1e-8, abs=1e-15)


@settings(max_examples=25, deadline=None)
@given(
    k1=st.floats(1e-4, 1e2),
    rho=st.floats(0.01, 20.0),
    eq=st.floats(0.1, 2.5),
    feed_s=st.floats(10.0, 2e4),
    feed_conc=st.floats(0.05, 5.0),
)
def test_fed_semibatch_conserves_substrate_and_electrophile_units(k1, rho, eq, feed_s, feed_conc):
    """Every SM unit stays SM, mono or bis; every fed E unit is E, in mono, or twice in bis."""
    n0, v0 = 0.01, 0.05
    rate = eq * n0 / feed_s
    feed = np.array([0.0, 0.0, 0.0, rate, rate / feed_conc])
    run = integrate_staged(
        two_step(k1, rho * k1 / 2),
        [n0, 0.0, 0.0, 0.0, v0],
        [Stage(feed_s, feed=feed), Stage(feed_s)],
        rtol=1e-8,
        atol=1e-12,
        amount_scale=n0,
        volume_index=4,
    )
    sm, mono, bis, e, volume = run.states.T
    fed = rate * np.minimum(run.time, feed_s)
    assert np.abs(sm + mono + bis - n0).max() <= 1e-9 * n0
    assert np.abs(e + mono + 2 * bis - fed).max() <= 1e-9 * n0
    assert np.abs(volume - v0 - fed / feed_conc).max() <= 1e-9 * v0


def test_an_event_stops_first_order_decay_at_ten_percent_left():
    k, n0 = 3e-3, 0.01
    law = MassAction([[0]], [[-1], [1]], [k], volume=1.0)
    stages = [Stage(1e5, events=(falls_to("A at 10 %", 0, 0.1 * n0),)), Stage(1e5)]
    run = integrate_staged(law, [n0, 0.0], stages, **TIGHT)
    assert run.stopped_by == "A at 10 %"
    assert run.time[-1] == pytest.approx(math.log(10) / k, rel=1e-8)
    assert run.final[0] == pytest.approx(0.1 * n0, rel=1e-8)


def test_a_conversion_event_fires_in_its_own_stage_at_the_closed_form_time():
    """A + B, equal charges: conversion 1/2 at t = 1/(k c0); the first stage has no event."""
    k, v, n = 0.4, 0.1, 0.01
    c0 = n / v
    t_half = 1 / (k * c0)

    def conversion(y):
        return 1 - y[0] / n

    half = reaches("half converted", conversion, 0.5)
    stages = [Stage(0.3 * t_half), Stage(10 * t_half, events=(half,))]
    run = integrate_staged(a_plus_b(k, v), [n, n, 0.0], stages, **TIGHT)
    assert run.stopped_by == "half converted"
    assert run.time[-1] == pytest.approx(t_half, rel=1e-8)
    # the same target placed in a stage that starts past it never fires
    late = [Stage(2 * t_half), Stage(t_half, events=(half,))]
    run = integrate_staged(a_plus_b(k, v), [n, n, 0.0], late, **TIGHT)
    assert run.stopped_by is None and run.time[-1] == pytest.approx(3 * t_half)


def test_a_dose_is_charged_at_the_start_of_its_stage():
    """A -> B with a second charge of A at t1: n_A(t) = (n0 e^(-k t1) + dose) e^(-k (t - t1))."""
    k, n0, dose, t1, t2 = 1e-3, 0.01, 0.005, 800.0, 1500.0
    law = MassAction([[0]], [[-1], [1]], [k], volume=1.0)
    stages = [Stage(t1), Stage(t2, dose=[dose, 0.0])]
    run = integrate_staged(law, [n0, 0.0], stages, **TIGHT)
    expected = (n0 * math.exp(-k * t1) + dose) * math.exp(-k * t2)
    assert run.final[0] == pytest.approx(expected, rel=1e-8)
    assert run.final.sum() == pytest.approx(n0 + dose, rel=1e-12)


def test_a_finite_time_blowup_raises_solver_failure_naming_the_run():
    """A + A -> 3 A: dn/dt = k n^2 / V runs off to infinity at t* = V / (k n0)."""
    k, n0, v = 1.0, 1.0, 1.0
    law = MassAction([[0, 0]], [[1]], [k], volume=v)
    with pytest.raises(SolverFailure, match="autocatalysis failed at t = ") as err:
        integrate_staged(law, [n0], [Stage(2.0)], rtol=1e-8, atol=1e-12, what="autocatalysis")
    assert err.value.field == "conditions"
    reached = float(err.value.message.split("t = ")[1].split(" s")[0])
    assert 0.9 < reached <= 1.0 + 1e-6  # it got as close to t* = 1 s as it could


def _random_network(rng, volume_state):
    """Zeroth, first and second order (A + A too) on 5 states, the volume a state or not;
    a state where to evaluate it."""
    n = 5
    reactants = np.array([[-1, -1], [0, -1], [1, 2], [3, 3], [2, 0], [4, 1]])
    if not volume_state:
        reactants[reactants == 4] = 3
    stoich = rng.integers(-2, 3, size=(n, len(reactants))).astype(float)
    if volume_state:
        stoich[4] = 0.0
    law = MassAction(
        reactants,
        stoich,
        rng.uniform(0.01, 10.0, len(reactants)),
        volume_index=4 if volume_state else None,
        volume=rng.uniform(0.1, 3.0),
    )
    return law, rng.uniform(0.2, 2.0, n)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), volume_state=st.booleans())
def test_the_analytic_jacobian_is_the_derivative_of_the_rates(seed, volume_state):
    """Zeroth, first and second order (A + A too), with and without the volume as a state."""
    rng = np.random.default_rng(seed)
    law, y = _random_network(rng, volume_state)
    n = y.size
    h = 1e-6
    numeric = np.stack(
        [(law.rhs(y + h * e) - law.rhs(y - h * e)) / (2 * h) for e in np.eye(n)], axis=1
    )
    assert law.jacobian(y) == pytest.approx(numeric, rel=1e-6, abs=1e-7)


def test_a_custom_rate_law_keeps_the_stage_loop_and_feeds():
    """dy/dt = M y + F against expm of the augmented matrix [[M, F], [0, 0]] acting on (y, 1).

    M here conserves the total (columns sum to 0), so the feed alone moves it: F t."""
    m = np.array([[-0.3, 0.1, 0.0], [0.2, -0.4, 0.05], [0.1, 0.3, -0.05]])

    class Linear:
        def rhs(self, y):
            return m @ y

        def jacobian(self, _y):
            return m

    y0 = np.array([1.0, 0.5, 0.0])
    feed = np.array([0.02, 0.0, 0.01])
    run = integrate_staged(Linear(), y0, [Stage(4.0, feed=feed), Stage(3.0)], **TIGHT)
    fed = np.zeros((4, 4))
    fed[:3, :3] = m
    fed[:3, 3] = feed
    mid = (expm(4.0 * fed) @ np.append(y0, 1.0))[:3]
    assert run.final == pytest.approx(expm(3.0 * m) @ mid, rel=1e-8)
    assert run.final.sum() == pytest.approx(y0.sum() + 4.0 * feed.sum(), rel=1e-12)


def test_the_amount_scale_sets_tolerance_units_not_the_answer():
    """The same concentrations at 1 mmol and at 10 mol give the same fractions."""
    fractions = []
    for n0 in (1e-3, 10.0):
        v0 = n0 / 0.2
        rate = n0 / 3600.0
        run = integrate_staged(
            two_step(0.05, 0.05),
            [n0, 0.0, 0.0, 0.0, v0],
            [Stage(3600.0, feed=[0.0, 0.0, 0.0, rate, rate]), Stage(3600.0)],
            rtol=1e-9,
            atol=1e-13,
            amount_scale=n0,
            volume_index=4,
        )
        fractions.append(run.final[:3] / n0)
    assert fractions[0] == pytest.approx(fractions[1], rel=1e-7)


def test_t_end_cuts_a_stage_and_skips_the_rest():
    law = MassAction([[0]], [[-1], [1]], [1e-3], volume=1.0)
    stages = [Stage(100.0), Stage(math.inf, dose=[1.0, 0.0]), Stage(50.0, dose=[5.0, 0.0])]
    run = integrate_staged(law, [1.0, 0.0], stages, t_end=400.0, **TIGHT)
    assert run.time[-1] == 400.0 and run.stopped_by is None
    assert run.final[0] == pytest.approx((math.exp(-0.1) + 1.0) * math.exp(-0.3), rel=1e-8)


def test_bad_stages_and_networks_are_refused():
    with pytest.raises(InvalidInput, match="duration"):
        Stage(-1.0)
    law = MassAction([[0]], [[-1], [1]], [1.0], volume=1.0)
    with pytest.raises(InvalidInput, match="open-ended"):
        integrate_staged(law, [1.0, 0.0], [Stage(math.inf)], **TIGHT)
    with pytest.raises(InvalidInput, match="2 entries"):
        integrate_staged(law, [1.0, 0.0], [Stage(1.0, feed=[1.0, 0.0, 0.0])], **TIGHT)
    with pytest.raises(InvalidInput, match="rate constants"):
        MassAction([[0]], [[-1], [1]], [-1.0])
    with pytest.raises(InvalidInput, match="reactant index"):
        MassAction([[2]], [[-1], [1]], [1.0])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), volume_state=st.booleans())
def test_the_compiled_rates_and_jacobian_are_the_mass_action_ones(seed, volume_state):
    """``staged_kernel`` reads the network by reaction (sparse) and the state scaled: its
    d z/dt and Jacobian are MassAction's, rescaled, for random networks of every order."""
    from monoselect.kinetics import staged_kernel as sk

    rng = np.random.default_rng(seed)
    law, y = _random_network(rng, volume_state)
    n = y.size
    scale = rng.uniform(0.5, 4.0, n)
    feed = rng.uniform(0.0, 1.0, n)
    vol = 4 if volume_state else -1
    args = (scale, law._slots, law._order.astype(float), law.k, law.by_reaction(), vol)
    out, jac = np.empty(n), np.empty((n, n))
    sk._rhs(y / scale, *args, float(law.volume), feed, np.empty(law.k.size), out)
    sk._jacobian(y / scale, *args, float(law.volume), jac)
    assert out == pytest.approx(law.rhs(y) / scale + feed, rel=1e-12)
    expected = law.jacobian(y) * scale[None, :] / scale[:, None]
    assert jac == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_the_compiled_run_is_the_radau_run():
    """A fed two-step network, then a dose that starts a fast step: the compiled RODAS4
    and SciPy's Radau agree to their tolerance, step by step counted differently."""
    from monoselect.kinetics import staged

    law = MassAction(
        [[0, 3], [1, 3], [5, -1]],
        [[-1, 0, 0], [1, -1, 0], [0, 1, 0], [-1, -1, 0], [0, 0, 0], [0, 0, -1]],
        [0.05, 0.01, 1e4],  # the dosed reagent reacts in 0.1 ms: a stiff stage start
        volume_index=4,
    )
    stages = [
        Stage(3600.0, feed=[0.0, 0.0, 0.0, 1e-2 / 3600, 1e-2 / 3600, 0.0]),  # 1 M feed
        Stage(3600.0, dose=[0.0, 0.0, 0.0, 0.0, 0.0, 1e-3]),
    ]
    y0 = [1e-2, 0.0, 0.0, 0.0, 0.05, 0.0]
    kw = dict(rtol=1e-9, atol=1e-13, amount_scale=1e-2, volume_index=4)
    compiled = integrate_staged(law, y0, stages, **kw)
    with staged.radau_only():
        radau = integrate_staged(law, y0, stages, **kw)
    assert compiled.final == pytest.approx(radau.final, rel=1e-6, abs=1e-13)
    assert compiled.time[-1] == radau.time[-1] == 7200.0
    assert compiled.steps < radau.steps  # RODAS4 here: no Newton iterations to fail


def test_a_failed_compiled_run_is_repeated_on_radau():
    """The compiled kernel gives up on a blow-up (A + A -> 3 A) and says so with None;
    integrate_staged then runs Radau, which names the failure (never a silent NaN)."""
    from monoselect.kinetics import staged

    law = MassAction([[0, 0]], [[1]], [1.0], volume=1.0)
    args = ("autocatalysis", "conditions")
    given = staged._compiled_run(law, np.ones(1), [Stage(2.0)], np.ones(1), 1e-8, 1e-12, 9.0, *args)
    assert given is None
    with pytest.raises(SolverFailure, match="Radau"):
        integrate_staged(law, [1.0], [Stage(2.0)], rtol=1e-8, atol=1e-12, what="autocatalysis")
