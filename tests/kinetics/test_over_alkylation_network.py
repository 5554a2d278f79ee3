"""Counting N-H, not N: site states 0..capacity, the network they make, and its exact limits."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from monoselect.kinetics.closed_form import final_split
from monoselect.kinetics.network import RateModel, SiteModel, build_network, enumerate_species
from monoselect.kinetics.outcome import make_outcome
from monoselect.kinetics.simulate import FeedStage, Problem, ProtonPool, integrate

SCALE = 0.01  # mol
SWAP = ((0, 1), (1, 0))


def diamine(n_h: int) -> SiteModel:
    """A symmetric diamine whose N carry ``n_h`` H each, alkylated up to quaternisation."""
    return SiteModel((0, 0), SWAP, ("N1", "N2"), capacity=(n_h + 1,) * 2, hydrogens=(n_h,) * 2)


def batch(net, eq, **kw):
    return Problem(net, substrate=SCALE, electrophile=eq * SCALE, volume=SCALE / 0.2, **kw)


def test_a_primary_diamine_has_ten_species_and_a_ring_diamine_six():
    """NH2 takes 0-3 groups (NH2, NHR, NR2, NR3+): 4 x 4 patterns, 10 up to the swap of the two
    N; a ring N-H takes 0-2: 3 x 3 patterns, 6 up to symmetry. SM, mono, bis come first."""
    primary = enumerate_species(diamine(2))
    ring = enumerate_species(diamine(1))
    assert len(primary) == 10 and len(ring) == 6
    assert primary[:3] == [(0, 0), (1, 0), (1, 1)] and ring[:3] == [(0, 0), (1, 0), (1, 1)]


def test_labels_and_categories_name_the_n_that_carries_the_groups():
    net = build_network(diamine(2), RateModel((0.1,)))
    cats = dict(zip(net.labels, net.categories, strict=True))
    assert cats["SM"] == "SM" and cats["mono"] == "mono" and cats["bis"] == "bis"
    assert cats["bis-N1,N1"] == "over"  # N,N-dialkyl: the same N twice
    assert cats["tris-N1,N1,N1+"] == "quat"  # a quaternised N
    ring = build_network(diamine(1), RateModel((0.1,)))
    assert "bis-N1,N1+" in ring.labels  # a ring N-H: its second group quaternises


def test_quaternisation_releases_no_proton_but_uses_one_electrophile():
    net = build_network(diamine(1), RateModel((0.1,)))
    by_label = dict(zip(net.labels, zip(net.degree, net.released, strict=True), strict=True))
    assert by_label["bis"] == (2, 2)  # two N-H alkylations: two HX
    assert by_label["bis-N1,N1+"] == (2, 1)  # N-H, then quaternisation: one HX
    assert by_label["tetra-N1,N1+,N2,N2+"] == (4, 2)


@pytest.mark.parametrize("rho", [0.3, 1.0, 2.0])
@pytest.mark.parametrize("eq", [0.5, 1.0])
def test_no_over_alkylation_recovers_the_closed_form_exactly(rho, eq):
    """k_over -> 0: the rates of every further step vanish, and SM / mono / bis are the
    0/1 network's (closed form) to solver precision."""
    net = build_network(diamine(2), RateModel((0.1,), rho, over=0.0))
    final = integrate(batch(net, eq)).species[-1] / SCALE
    sm, mono, bis = final_split(eq, rho / 2)
    assert final[:3] == pytest.approx([sm, mono, bis], abs=2e-7)
    assert np.abs(final[3:]).max() < 1e-12


def test_a_vanishing_over_alkylation_tends_to_the_network_without_it():
    plain = build_network(SiteModel((0, 0), SWAP, ("N1", "N2")), RateModel((0.1,), 0.6))
    ref = integrate(batch(plain, 1.0)).species[-1]
    tiny = build_network(diamine(2), RateModel((0.1,), 0.6, over=1e-9))
    got = integrate(batch(tiny, 1.0)).species[-1]
    assert np.abs(got[:3] - ref).max() / SCALE < 1e-8


def test_faster_further_steps_give_more_over_alkylation_and_less_mono():
    mono, over = [], []
    for factor in (0.1, 1.0, 3.0):
        net = build_network(diamine(2), RateModel((0.1,), 1.0, over=factor))
        final = integrate(batch(net, 1.0)).species[-1] / SCALE
        mono.append(final[1])
        over.append(final[3:].sum())
    assert mono == sorted(mono, reverse=True) and over == sorted(over)


@settings(max_examples=25, deadline=None)
@given(
    over=st.floats(0.0, 5.0),
    rho=st.floats(0.05, 4.0),
    eq=st.floats(0.2, 4.0),
    n_h=st.sampled_from([1, 2]),
    feed_h=st.sampled_from([0.0, 0.25, 2.0]),
)
def test_every_unit_and_proton_is_conserved_with_over_alkylation(over, rho, eq, n_h, feed_h):
    """Substrate units, electrophile units (a quaternisation uses one) and protons (it
    releases none) balance to 1e-9 of the charge, fed or batch, with released HX."""
    net = build_network(diamine(n_h), RateModel((0.2,), rho, over=over))
    pool = ProtonPool(release=1.0)
    if feed_h:
        rate = eq * SCALE / (feed_h * 3600)
        stage = FeedStage(feed_h * 3600, electrophile_rate=rate, volume_rate=rate)
        problem = Problem(
            net, SCALE, 0.0, SCALE / 0.2, (stage,), protons=pool, t_end=feed_h * 3600 + 7200
        )
    else:
        problem = batch(net, eq, protons=pool, t_end=7200.0)
    traj = integrate(problem)
    out = make_outcome(problem, net, traj)
    assert max(out.balance_residuals(problem).values()) < 1e-9
    assert traj.species.min() > -1e-12 * SCALE
