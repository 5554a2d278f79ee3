"""Solvent and mixing in every run: viscosity from the solvent, Da and its warning."""

import math

import pytest

from monoselect import make_scenario, simulate
from monoselect.kinetics.mixing import engulfment_rate
from monoselect.models.mixing import IDEAL_DA


def test_solvent_viscosity_sets_the_engulfment_rate_as_nu_to_the_minus_half():
    dcm, water = (make_scenario(solvent=s).kinematic_viscosity()[0] for s in ("DCM", "water"))
    assert dcm == pytest.approx(0.41e-3 / 1322.0) and water == pytest.approx(0.890e-3 / 997.1)
    ratio = engulfment_rate(0.3, dcm) / engulfment_rate(0.3, water)
    assert ratio == pytest.approx(math.sqrt(water / dcm), rel=1e-12)
    a = simulate(make_scenario(solvent="DCM")).mixing
    b = simulate(make_scenario(solvent="water")).mixing
    assert a.e_rate / b.e_rate == pytest.approx(math.sqrt(water / dcm), rel=1e-12)


def test_a_given_viscosity_wins_over_the_solvent():
    s = make_scenario(solvent="water", mixing={"viscosity": "0.6 cSt"})
    assert s.kinematic_viscosity() == (pytest.approx(0.6e-6), "user-given")


def test_acyl_chloride_on_piperazine_at_0_degc_warns_that_ideal_mixing_fails():
    r = simulate(
        make_scenario(
            substrate="piperazine",
            electrophile="AcCl",
            base="Et3N",
            base_eq=1.2,
            temperature="0 degC",
        )
    )
    mix = r.to_dict()["mixing"]
    assert mix["damkohler"] >= IDEAL_DA and not mix["ideal_mixing_holds"]
    assert any("monoselect mixing" in w for w in r.warnings)


def test_boc2o_on_piperazine_at_0_degc_keeps_ideal_mixing():
    r = simulate(make_scenario(substrate="piperazine", electrophile="Boc2O", temperature="0 degC"))
    assert r.to_dict()["mixing"]["ideal_mixing_holds"]
    assert not any("ideal mixing" in w for w in r.warnings)


def test_the_symmetric_default_run_does_not_move():
    r = simulate(make_scenario(addition_time="4 h", feed_conc="1 M"))
    f = r.split().fractions
    assert (f["SM"], f["mono"], f["bis"]) == pytest.approx((0.1926, 0.6148, 0.1926), abs=5e-5)
    assert "solvent not given: DCM assumed" in r.assumptions


def test_solvent_class_and_boiling_point_are_stated():
    meoh = simulate(make_scenario(electrophile="AcCl", base="Et3N", base_eq=1.2, solvent="MeOH"))
    assert any("solvolysis" in a for a in meoh.assumptions)
    hot = simulate(make_scenario(solvent="DCM", temperature="50 degC"))
    assert any("boiling point" in w for w in hot.warnings)
    acyl = simulate(make_scenario(electrophile="AcCl", eq=2.0, solvent="DCM", time="1 h"))
    assert any("aprotic: no reservoir of free protons" in a for a in acyl.assumptions)
