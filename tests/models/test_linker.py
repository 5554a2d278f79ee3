"""Bifunctional linkers: step growth against Flory, conservation, the report and the CLI."""

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from monoselect import InvalidInput, make_scenario, simulate
from monoselect.kinetics.simulate import FeedStage
from monoselect.kinetics.step_growth import (
    Chain,
    Linker,
    LinkerProblem,
    build_step_growth,
    flory_chain_fractions,
    integrate_linker,
)
from tests.conftest import run_cli


def _ends_left(net, y, end):
    return sum(y[i] * c.ends.count(end) for i, c in enumerate(net.chains)) + y[net.pool_index(end)]


@pytest.mark.parametrize("ratio", [1.0, 0.5, 2.0])
def test_no_rings_and_equal_ends_give_floris_distribution(ratio):
    """EM = 0, every end alike: the chains follow Flory's most probable distribution."""
    net = build_step_growth(Linker(("Br", "Br"), {"Br": 0.05}), 8, lambda n: 0.0, 4, 4)
    n_a2, n_b2 = 0.01, 0.01 * ratio
    traj = integrate_linker(LinkerProblem(net, n_a2, n_b2, 0.05, t_end=2 * 3600.0))
    y = traj.states[-1]
    p_a = 1 - _ends_left(net, y, "N") / (2 * n_a2)
    p_b = 1 - _ends_left(net, y, "Br") / (2 * n_b2)
    assert 2 * n_a2 * p_a == pytest.approx(2 * n_b2 * p_b, rel=1e-9)  # every bond uses one of each
    flory = flory_chain_fractions(p_a, p_b, n_a2, n_b2, 8)
    for i, c in enumerate(net.chains):
        if c.cyclic:
            assert y[i] == 0.0
            continue
        if c.ends == ("N", "N"):
            key = ("A", c.n_l)
        elif c.ends == ("Br", "Br"):
            key = ("L", c.n_a)
        else:
            key = ("AL", c.n_a)
        assert y[i] == pytest.approx(flory[key], rel=1e-6, abs=1e-12 * n_a2)


def test_the_cap_does_not_change_the_small_species():
    """The lumped pool reacts through its ends exactly like the chains it stands for."""
    nets = [
        build_step_growth(Linker(("Br", "Br"), {"Br": 0.05}), cap, lambda n: 0.0, 4, 4)
        for cap in (5, 10)
    ]
    small = []
    for net in nets:
        y = integrate_linker(LinkerProblem(net, 0.01, 0.008, 0.05, t_end=3600.0)).states[-1]
        small.append({c: y[i] for i, c in enumerate(net.chains) if c.size <= 5 and not c.cyclic})
    for c, v in small[0].items():
        assert small[1][c] == pytest.approx(v, rel=1e-6, abs=1e-13)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    k_x=st.floats(1e-4, 1.0),
    k_y=st.floats(1e-5, 1.0),
    em=st.floats(0.0, 1.0),
    ratio=st.floats(0.2, 5.0),
    feed_h=st.sampled_from([0.0, 0.5, 3.0]),
)
def test_units_are_conserved_and_amounts_stay_positive(k_x, k_y, em, ratio, feed_h):
    net = build_step_growth(Linker(("Br", "Cl"), {"Br": k_x, "Cl": k_y}), 6, lambda n: em, 4, 4)
    stages = ()
    start_l = 0.01 * ratio
    if feed_h:
        stages = (
            FeedStage(
                feed_h * 3600,
                electrophile_rate=start_l / (feed_h * 3600),
                volume_rate=start_l / (feed_h * 3600) / 0.5,
            ),
        )
        start_l = 0.0
    # Runge-Kutta methods keep linear invariants whatever the tolerance: a loose one is enough
    traj = integrate_linker(
        LinkerProblem(net, 0.01, start_l, 0.05, stages, t_end=3 * 3600.0, rtol=1e-5)
    )
    units = net.units()
    have = traj.states[-1, : net.volume_index] @ units[: net.volume_index]
    assert have[0] == pytest.approx(0.01, rel=1e-9)
    assert have[1] == pytest.approx(0.01 * ratio, rel=1e-9)
    assert np.all(traj.states[:, : net.volume_index] > -1e-12)


def test_report_categories_masses_and_rings():
    r = simulate(make_scenario(electrophile="1,4-dibromobutane", eq=1.0, substrate_eq=5))
    cats = r.by_category()
    assert sum(cats.values()) == pytest.approx(1.0)
    assert r.unit_residual < 1e-9
    names = {s.name: s for s in r.species}
    assert names["A-L-Br"].formula == "C9H19BrN2"
    assert names["A-L-Br"].mz_h == pytest.approx(235.0804, abs=1e-4)
    assert names["A-L-A"].formula == "C14H30N4"
    assert names["cyclo(A-L)"].ring_atoms == 8  # N-C-C-N of the ring + four CH2
    # a large excess of diamine turns most linker into the bridged dimer, not gum
    assert cats["bridged"] > cats["oligomer"]


def test_the_slow_chloride_end_leaves_a_mono_adduct_with_a_free_end():
    """Without own-N closure (EM of the 5-ring 0) the slow Cl end keeps A-L-Cl; with it, the
    same Cl end closes on its N over 24 h (tests/models/test_linker_spiro.py)."""
    no_spiro = {"em": {5: 0.0}}
    fast = simulate(
        make_scenario(electrophile="1,4-dibromobutane", eq=1.0, substrate_eq=3, linker=no_spiro)
    )
    mixed = simulate(
        make_scenario(
            electrophile="1-bromo-4-chlorobutane", eq=1.0, substrate_eq=3, linker=no_spiro
        )
    )
    assert mixed.by_category()["mono"] > 5 * fast.by_category()["mono"]
    chloride = next(s for s in mixed.species if s.name == "A-L-Cl")
    i = mixed.species.index(chloride)
    assert mixed.amounts[-1, i] / mixed.diamine_charged > 0.1


def test_dilution_favours_rings_over_chains():
    conc = simulate(make_scenario(electrophile="1,4-dibromobutane", eq=1.0, conc="0.5 M"))
    dilute = simulate(
        make_scenario(electrophile="1,4-dibromobutane", eq=1.0, conc="0.002 M", time="30 d")
    )
    assert dilute.by_category()["cyclised"] > conc.by_category()["cyclised"]
    assert dilute.oligomer_mass_fraction < conc.oligomer_mass_fraction


def test_bad_linker_input_names_the_field():
    with pytest.raises(InvalidInput, match=r"field: linker\.em"):
        make_scenario(electrophile="1,4-dibromobutane", linker={"em": {8: -1.0}})
    with pytest.raises(InvalidInput, match=r"field: linker\.cap"):
        make_scenario(electrophile="1,4-dibromobutane", linker={"cap": 2})
    with pytest.raises(InvalidInput, match="field: linker"):
        simulate(make_scenario(electrophile="Boc2O", linker={"cap": 5}))
    # options of the site family are refused, not silently ignored
    for field in ("kappa", "stop_conversion"):
        with pytest.raises(InvalidInput, match=f"field: {field}"):
            simulate(make_scenario(electrophile="1,4-dibromobutane", **{field: 0.5}))


def test_cli_routes_a_linker_to_the_step_growth_report(tmp_path):
    proc = run_cli(
        "simulate",
        "--electrophile",
        "1,4-dibromobutane",
        "--substrate-eq",
        "4",
        "--em",
        "8=0.05",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["kind"] == "linker"
    assert set(data["split"]["fractions"]) >= {"bridged", "oligomer", "cyclised"}
    assert data["unit_balance"] < 1e-9
    assert any("user values {8: 0.05}" in a for a in data["assumptions"])
    bad = run_cli("simulate", "--electrophile", "1,4-dibromobutane", "--em", "eight")
    assert bad.returncode == 2 and "field: em" in bad.stderr
    assert Chain(1, 1, ("Br", "N")).name == "A-L-Br"


def test_compare_runs_the_linker_variants_on_one_footing():
    from monoselect import compare, make_conditions

    cond = make_conditions(electrophile="1-bromo-4-chlorobutane", precious="electrophile")
    result = compare(cond, processes=1)
    names = [r.name for r in result.ranked]
    assert set(names) == {
        "linker_direct",
        "linker_excess_diamine",
        "linker_excess_linker",
        "linker_slow_linker",
        "linker_slow_diamine",
        "linker_high_dilution",
        "linker_resin",
        "linker_protect",
    }
    ys = [r.ranking_yield("electrophile") for r in result.ranked]
    assert ys == sorted(ys, reverse=True)
    for r in result.ranked:
        if r.name == "linker_resin":  # bound diamine: bridging only between neighbours
            assert r.split()["bridged"] > 0 and r.result.point.bridged > 0
            continue
        if r.name == "linker_protect":  # one free N: adduct, bridged or closed on that N
            y1, y2, y3 = r.extra["step_yields"]
            assert r.overall_yield == pytest.approx(y1 * y2 * y3)
            s2 = r.extra["step2"]
            units = s2["adduct"] + 2 * s2["bridged"] + s2["closed"] + s2["amine"]
            assert units == pytest.approx(1.0, abs=1e-6) and s2["adduct"] == y2
            continue
        cats = r.split().fractions
        assert sum(cats.values()) == pytest.approx(1.0)
        assert r.to_dict()["run"]["split"]["fractions"] == cats
    with pytest.raises(InvalidInput, match="does not apply"):
        compare(cond, ["hcl_salt"], processes=1)


def test_a_monoamine_with_excess_linker_gives_the_statistical_adduct():
    """One N-H and two equal ends at 1 : 1: the linker is a 2-site substrate (kappa 0.5)."""
    from monoselect import final_split
    from monoselect.kinetics.step_growth import monoamine_with_linker

    out = monoamine_with_linker((0.05, 0.05), 0.01, 0.01, 0.05, 30 * 86400.0)
    # the amine is the electrophile of a symmetric two-site linker: closed form at 1.0 eq
    _, mono, bis = final_split(1.0, 0.5)
    assert out["adduct"] / 0.01 == pytest.approx(mono, abs=1e-5)
    assert out["bridged"] / 0.01 == pytest.approx(bis, abs=1e-5)
