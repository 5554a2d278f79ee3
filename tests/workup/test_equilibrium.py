"""Two phases at one pH, and the pH the charge balance sets: limits and hand calculations."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.optimize import brentq

from monoselect.workup.equilibrium import LN10, distribute, make_states, solve_lnh

KW = 10**-13.995


def _base(pka: float):
    """A monobasic amine B (charge 0) / BH+ (charge +1): ln K of BH+ from B is pKa ln 10."""
    return (0, [0, 1], [0.0, pka * LN10])


def _one(v_aq=0.02, v_org=0.05):
    return np.array([v_aq]), np.array([v_org])


@given(log_p=st.floats(-3, 6), pka=st.floats(4, 11), ph=st.floats(0, 14))
@settings(max_examples=60, deadline=None)
def test_organic_over_water_is_p_times_the_neutral_fraction(log_p, pka, ph):
    """D = P x f_neutral(pH): amount ratio organic/water = D x V_org / V_aq, exactly."""
    states = make_states([_base(pka)])
    v_aq, v_org = _one()
    aq, org = distribute(
        states, np.array([[1e-3]]), np.array([-ph * LN10]), v_aq, v_org, np.array([[log_p]])
    )
    f_neutral = 1.0 / (1.0 + 10 ** (pka - ph))
    d = 10**log_p * f_neutral
    assert org[0, 0] / aq[0].sum() == pytest.approx(d * 0.05 / 0.02, rel=1e-9)
    assert org[0, 0] + aq[0].sum() == pytest.approx(1e-3, rel=1e-12)


def test_a_neutral_lipophilic_species_stays_organic_and_a_protonated_amine_goes_to_water():
    states = make_states([(0, [0], [0.0]), _base(10.0)])
    v_aq, v_org = _one()
    amounts = np.array([[1e-3, 1e-3]])
    aq, org = distribute(
        states, amounts, np.array([-2.0 * LN10]), v_aq, v_org, np.array([[6.0, 1.0]])
    )
    # neutral, log P 6: 1 / (1 + 0.4 / 1e6) stays in the organic
    assert org[0, 0] / 1e-3 == pytest.approx(1 / (1 + 0.4e-6), rel=1e-12)
    # pKa 10 amine at pH 2: neutral fraction 1e-8, D = 1e-7: all but 2.5e-7 in the water
    assert aq[0, 1:].sum() / 1e-3 > 1 - 3e-7


def test_a_salt_never_enters_the_organic_phase():
    states = make_states([_base(9.0)])
    aq, org = distribute(
        states, np.array([[1e-3]]), np.array([-12 * LN10]), *_one(), np.array([[np.nan]])
    )
    assert org[0, 0] == 0.0 and aq[0].sum() == pytest.approx(1e-3)


def _citric_ph_by_hand(c: float, pkas=(3.13, 4.76, 6.40)) -> float:
    """pH of citric acid alone in water: the charge balance solved by brentq on its own."""
    ka = [10**-p for p in pkas]

    def balance(ph):
        h = 10**-ph
        d = h**3 + ka[0] * h**2 + ka[0] * ka[1] * h + ka[0] * ka[1] * ka[2]
        anions = c * (ka[0] * h**2 + 2 * ka[0] * ka[1] * h + 3 * ka[0] * ka[1] * ka[2]) / d
        return h - KW / h - anions

    return brentq(balance, 0.0, 14.0, xtol=1e-12)


@pytest.mark.parametrize("conc", [0.5, 0.05, 0.005])
def test_citric_acid_alone_in_water_has_the_ph_of_its_charge_balance(conc):
    """0.5 M citric acid is pH 1.7, not 3: the bisection agrees with an independent solve."""
    k = [3.13, 4.76, 6.40]
    # citrate (charge -3) + 0..3 protons; ln K from the fully deprotonated form
    lnk = [0.0, k[2] * LN10, (k[2] + k[1]) * LN10, (k[2] + k[1] + k[0]) * LN10]
    states = make_states([(-3, [0, 1, 2, 3], lnk)])
    v = np.array([0.02])
    lnh, outside = solve_lnh(
        states,
        np.array([[conc * 0.02]]),
        v,
        np.array([0.0]),
        np.array([[np.nan]]),
        np.array([0.0]),
        KW,
    )
    assert not outside[0]
    assert -lnh[0] / LN10 == pytest.approx(_citric_ph_by_hand(conc), abs=1e-6)
    if conc == 0.5:
        assert math.isclose(-lnh[0] / LN10, 1.72, abs_tol=0.02)
