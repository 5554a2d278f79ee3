"""Closed form for the ideal batch (SCIENCE.md section 2) as an exact oracle."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from monoselect.kinetics.closed_form import final_split, mono_fraction


def test_statistical_1_2_1_at_rho_1():
    assert np.allclose(final_split(1.0, 0.5), [0.25, 0.5, 0.25], atol=1e-12)


@pytest.mark.parametrize("kappa", [1e-3, 0.1, 0.5, 0.999999, 1.0, 1.000001, 3.0, 100.0])
def test_sm_equals_bis_at_one_equivalent_for_any_kappa(kappa):
    x, _, b = final_split(1.0, kappa)
    assert x == pytest.approx(b, abs=1e-12)


def test_kappa_one_limit_is_minus_x_ln_x():
    for x in (0.9, 0.5, 0.1, 1e-3):
        assert mono_fraction(x, 1.0) == pytest.approx(-x * np.log(x), rel=1e-12)
        # continuous through kappa = 1
        assert mono_fraction(x, 1.0 + 1e-7) == pytest.approx(-x * np.log(x), rel=1e-6)


def test_limits_of_equivalents():
    assert np.allclose(final_split(0.0, 0.5), [1, 0, 0])
    assert np.allclose(final_split(2.5, 0.5), [0, 0, 1])
    # a second site that never reacts: all mono at 1 eq
    assert np.allclose(final_split(1.0, 0.0), [0, 1, 0])


@settings(max_examples=300, deadline=None)
@given(eq=st.floats(1e-4, 1.9999), kappa=st.floats(1e-3, 1e3))
def test_solution_uses_exactly_the_electrophile_and_sums_to_one(eq, kappa):
    x, m, b = final_split(eq, kappa)
    assert 0 <= x <= 1 and 0 <= m <= 1 and 0 <= b <= 1
    assert x + m + b == pytest.approx(1.0, abs=1e-12)
    assert 2 * (1 - x) - m == pytest.approx(eq, abs=1e-9)  # electrophile used
    assert m + 2 * b == pytest.approx(eq, abs=1e-9)


def test_vectorised_over_a_grid_broadcasts():
    eq = np.linspace(0.1, 1.9, 7)[:, None]
    kappa = np.logspace(-2, 2, 5)[None, :]
    out = final_split(eq, kappa)
    assert out.shape == (7, 5, 3)
    assert np.all(np.isfinite(out))
    # mono at fixed eq falls as the second step speeds up
    assert np.all(np.diff(out[3, :, 1]) < 0)
