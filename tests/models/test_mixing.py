"""Micromixing: the engulfment model against ideal mixing, and the Damkohler verdict."""

import json

import pytest

from monoselect import InvalidInput, final_split, make_scenario, simulate
from monoselect.kinetics.mixing import damkohler, engulfment_rate, simulate_engulfment
from tests.conftest import run_cli

FAST = dict(
    k1=2e3,
    k2=1e3,
    substrate=0.01,
    electrophile=0.01,
    volume=0.05,
    feed_conc=1.0,
    feed_time=600.0,
    blobs=8,
    hold=3600.0,
)


def test_engulfment_rate_follows_baldyga_bourne():
    assert engulfment_rate(1.0, 1e-6) == pytest.approx(0.058 * 1e3)
    assert damkohler(58.0, 2e3, 0.2) == pytest.approx(2e3 * 0.2 / 58.0)
    with pytest.raises(InvalidInput):
        engulfment_rate(0.0, 1e-6)


def test_fast_engulfment_gives_the_ideal_result():
    """SCIENCE.md section 8: as mixing becomes fast the E-model tends to ideal mixing."""
    r = simulate_engulfment(e_rate=1e12, **FAST)
    _sm, mono, bis = final_split(1.0, 0.5)
    assert r.mono / 0.01 == pytest.approx(mono, abs=1e-5)
    assert r.bis / 0.01 == pytest.approx(bis, abs=1e-5)
    faster = [simulate_engulfment(e_rate=e, **FAST).mono for e in (10.0, 1e3, 1e5)]
    assert faster == sorted(faster)  # better mixing, more mono
    assert faster[-1] / 0.01 == pytest.approx(mono, abs=2e-3)


def test_the_feed_zone_conserves_every_unit():
    r = simulate_engulfment(e_rate=20.0, **FAST)
    assert r.sm + r.mono + r.bis == pytest.approx(0.01, rel=1e-9)
    assert r.mono + 2 * r.bis + r.electrophile == pytest.approx(0.01, rel=1e-9)
    assert r.zone_bis_share > 0.9  # poor mixing: the bis is made in the feed zone


def mixing_report(scenario, **options):
    return simulate(scenario.evolve(mixing=options))


def test_slow_electrophiles_keep_ideal_mixing():
    rep = mixing_report(make_scenario(eq=1.0, addition_time="1 h", feed_conc="1 M"), sweeps=False)
    assert rep.damkohler < 1e-3 and rep.verdict.startswith("ideal mixing holds")
    assert rep.actual.mono == rep.ideal.mono


def test_an_acyl_chloride_is_mixing_limited_and_loses_mono():
    rep = mixing_report(
        make_scenario(
            electrophile="AcCl",
            eq=1.0,
            addition_time="1 h",
            feed_conc="1 M",
            base="Et3N",
            base_eq=1.2,
        ),
        blobs=5,
        sweeps=False,
    )
    assert rep.damkohler > 1 and rep.verdict.startswith("mixing-limited")
    assert rep.actual.mono < rep.ideal.mono - 0.2


def test_mixing_cli_json_and_bad_input():
    proc = run_cli("mixing", "--addition-time", "1 h", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["damkohler"] < 1e-3 and len(data["stirring"]) == 7
    bad = run_cli("mixing", "--power", "-1 W/kg")
    assert bad.returncode == 2 and "field: mixing.power" in bad.stderr


def test_stirrer_speed_and_feed_point_set_the_local_power():
    scenario = make_scenario(electrophile="AcCl", addition_time="1 h", feed_conc="1 M")
    kw = dict(stirrer_rpm=600, impeller_diameter="3 cm", blobs=4, sweeps=False)
    surface = mixing_report(scenario, feed_point="surface", **kw)
    impeller = mixing_report(scenario, feed_point="impeller", **kw)
    # Np N^3 D^5 / V: 1 x 10^3 x 0.03^5 / 50 mL = 0.486 W/kg on average
    assert surface.eps == pytest.approx(0.3 * 0.486, rel=1e-3)
    assert impeller.eps == pytest.approx(5 * 0.486, rel=1e-3)
    assert impeller.actual.mono > surface.actual.mono
    with pytest.raises(InvalidInput, match=r"field: mixing\.feed_point"):
        mixing_report(scenario, feed_point="bottom", sweeps=False)


def test_the_ideal_mixing_threshold_is_safe():
    """At Da = IDEAL_DA the engulfment model moves mono by less than 1e-4."""
    from monoselect.models.mixing import IDEAL_DA

    kw = dict(FAST, feed_time=3600.0, blobs=20)
    ideal = simulate_engulfment(e_rate=1e12, **kw).mono
    at_threshold = simulate_engulfment(e_rate=FAST["k1"] * 0.2 / IDEAL_DA, **kw).mono
    assert abs(at_threshold - ideal) / 0.01 < 1e-4


def test_inverse_addition_in_the_feed_zone_model_tends_to_the_ideal_inverse_run():
    """Diamine fed into the electrophile: with fast mixing the E-model gives the site
    model's inverse addition (continuous feed) to the portioning error of 20 blobs."""
    kw = dict(electrophile="Boc2O", mode="inverse", addition_time="1 h", feed_conc="1 M")
    ideal = simulate(make_scenario(**kw)).split()
    e_model = mixing_report(make_scenario(**kw), sweeps=False)
    assert e_model.ideal.mono == pytest.approx(ideal["mono"], abs=1e-3)
    assert e_model.actual.bis == pytest.approx(ideal["bis"], abs=1e-3)
    # inverse addition is the worst case: less mono than feeding the electrophile
    direct = mixing_report(make_scenario(electrophile="Boc2O", addition_time="1 h"), sweeps=False)
    assert e_model.actual.mono < direct.actual.mono - 0.1


def test_the_inverse_feed_zone_conserves_every_unit():
    r = simulate_engulfment(e_rate=20.0, inverse=True, **FAST)
    units = r.sm + r.mono + r.bis
    assert units == pytest.approx(FAST["substrate"], rel=1e-9)
    assert r.mono + 2 * r.bis + r.electrophile == pytest.approx(FAST["electrophile"], rel=1e-9)


def test_the_mixing_family_carries_acid_and_base_into_the_zone():
    """Forward feeds run the site network through the zones: the ideal point is the site
    run's own split, an acid is accepted, and the acid the reaction makes acts in the zone."""
    from monoselect.models import site

    salt = make_scenario(
        electrophile="AcCl", acid="HCl", acid_eq=1.0, addition_time="1 h", feed_conc="1 M"
    )
    rep = mixing_report(salt, blobs=5, sweeps=False)
    ideal = site.simulate(salt).split()
    assert rep.ideal.mono == pytest.approx(ideal.get("mono"), abs=1e-9)
    assert rep.ideal.sm == pytest.approx(ideal.get("SM"), abs=1e-9)
    assert any("proton pool" in a for a in rep.assumptions)
    # with Et3N the zone's mono meets fresh AcCl unprotected; with no base the HCl made in
    # the zone lands on its mono (the zone's most basic N once its diamine is used): less loss
    kw = dict(electrophile="AcCl", addition_time="1 h", feed_conc="1 M")
    buffered = mixing_report(make_scenario(**kw, base="Et3N", base_eq=1.2), blobs=5, sweeps=False)
    bare = mixing_report(make_scenario(**kw), blobs=5, sweeps=False)
    loss_buffered = buffered.ideal.mono - buffered.actual.mono
    loss_bare = bare.ideal.mono - bare.actual.mono
    assert loss_buffered > 0.2 and 0 < loss_bare < loss_buffered / 3
    # inverse addition too: the fed diamine's zone engulfs the acid in the flask
    inverse = make_scenario(**kw, acid="HCl", acid_eq=1.0, mode="inverse")
    rep_inv = mixing_report(inverse, blobs=5, sweeps=False)
    ideal_inv = site.simulate(inverse).split()
    assert rep_inv.ideal.mono == pytest.approx(ideal_inv.get("mono"), abs=1e-9)
    assert 0 <= rep_inv.actual.mono <= 1 and rep_inv.actual.sm + rep_inv.actual.mono <= 1
