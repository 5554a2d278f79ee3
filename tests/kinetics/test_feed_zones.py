"""The engulfment model on a whole site network with its proton pool (kinetics/zones.py):
its exact limits, the scenario's network against the bare one, conservation, and the stall."""

import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from monoselect import make_scenario, simulate
from monoselect.kinetics.mixing import simulate_engulfment
from monoselect.kinetics.simulate import integrate_feed_zones
from monoselect.models import site
from tests.conftest import run_cli
from tests.strategies import ACCL_ET3N

ACCL_FED = {**ACCL_ET3N, "temperature": "0 degC", "feed_conc": "1 M"}
CASES = {
    "AcCl fed, Et3N": ACCL_FED,
    "AcCl fed, no base (HCl on the amines, DCM)": {**ACCL_FED, "base": None, "base_eq": 0},
    "AcCl fed into MeOH (solvolysis)": {**ACCL_FED, "solvent": "MeOH"},
    "AcCl at once, Et3N": {**ACCL_FED, "addition_time": "0 h", "feed_conc": None},
    "Boc2O fed onto the mono-HCl salt": dict(
        substrate="1,4-diazepane",
        electrophile="Boc2O",
        acid="HCl in MeOH",
        acid_eq=1.0,
        addition_time="30 min",
    ),
}


def _ideal_and_zones(kw, e_rate, portions=20):
    r = site.simulate(make_scenario(**kw))
    hold = float(r.outcome.time[-1]) - r.problem.feed_end
    (run,) = integrate_feed_zones(r.problem, [e_rate], portions=portions, hold=hold)
    return r, run


@pytest.mark.parametrize("case", sorted(CASES))
def test_fast_engulfment_is_the_ideal_run(case):
    """SCIENCE.md section 8: as engulfment becomes instant, each portion takes in the whole
    bulk before it reacts and the model is the ideally mixed flask, protons and all."""
    r, run = _ideal_and_zones(CASES[case], 1e8)
    ideal = r.outcome.amounts[-1]
    assert run.species / r.problem.substrate_charged == pytest.approx(
        ideal / r.problem.substrate_charged, abs=2e-4
    )


def test_a_scenario_without_protons_is_the_bare_free_base_network():
    """Boc2O releases no acid and no base is charged: the scenario's problem (volumes, feed,
    hold as the site model builds them) must give what the bare two-site network with the
    same k1, k2 gives, whose sweep is the SciPy Radau path's (test_mixing_kernel.py)."""
    kw = dict(electrophile="Boc2O", k="200 L/mol/s", addition_time="20 min", feed_conc="1 M")
    r = site.simulate(make_scenario(**kw))
    assert not r.problem.protons.active
    p, net = r.problem, r.table.network
    hold = float(r.outcome.time[-1]) - p.feed_end
    for e_rate in (3.0, 30.0, 300.0):
        (run,) = integrate_feed_zones(p, [e_rate], portions=10, hold=hold)
        old = simulate_engulfment(
            k1=float(net.k[0]),
            k2=float(net.k[1]),
            substrate=p.substrate_charged,
            electrophile=p.electrophile_charged,
            volume=p.volume,
            feed_conc=p.feed_conc,
            feed_time=p.feed_end,
            e_rate=e_rate,
            blobs=10,
            hold=hold,
        )
        n = p.substrate_charged
        assert run.species / n == pytest.approx(np.array([old.sm, old.mono, old.bis]) / n, abs=1e-6)


def test_slower_mixing_makes_less_mono_with_the_base_buffering():
    kw = CASES["AcCl fed, Et3N"]
    r = site.simulate(make_scenario(**kw))
    hold = float(r.outcome.time[-1]) - r.problem.feed_end
    runs = integrate_feed_zones(r.problem, [1e4, 300.0, 57.0, 5.7], hold=hold)
    mono = [float(z.species[1]) / r.problem.substrate_charged for z in runs]
    assert mono == sorted(mono, reverse=True)
    assert mono[-1] < mono[0] - 0.2  # a poorly stirred flask loses a third of the mono


def test_the_hx_stall_holds_inside_the_feed_zones():
    """2 eq AcCl on 1,4-diazepane with no base in DCM: each acylation's HCl takes the other
    N, so one acylation per molecule (50 % of the AcCl) is the end, zones or not."""
    kw = dict(
        substrate="1,4-diazepane", electrophile="AcCl", eq=2.0, solvent="DCM",
        addition_time="1 h", feed_conc="1 M", time="24 h",
    )  # fmt: skip
    r, run = _ideal_and_zones(kw, 5.0)
    n_el = r.problem.electrophile_charged
    used = 1.0 - run.electrophile / n_el
    assert used == pytest.approx(0.5, abs=0.02)


@settings(max_examples=25, deadline=None)
@given(
    e_rate=st.floats(0.5, 1e5),
    eq=st.floats(0.5, 2.0),
    base_eq=st.sampled_from([0.0, 0.5, 1.5]),
    acid_eq=st.sampled_from([0.0, 0.5, 1.0]),
    portions=st.integers(1, 12),
)
def test_units_are_conserved_with_acid_base_and_solvolysis(e_rate, eq, base_eq, acid_eq, portions):
    kw = dict(ACCL_FED, eq=eq, base_eq=base_eq, time="2 h", solvent="MeOH")
    if base_eq == 0:
        kw["base"] = None
    if acid_eq:
        kw.update(acid="HCl", acid_eq=acid_eq)
    r = site.simulate(make_scenario(**kw))
    p, net = r.problem, r.table.network
    (run,) = integrate_feed_zones(p, [e_rate], portions=portions, hold=3600.0)
    n, n_el = p.substrate_charged, p.electrophile_charged
    assert abs(run.species.sum() - n) / n < 1e-9
    made = float(np.dot(net.degree, run.species)) + run.electrophile + run.solvolysed
    assert abs(made - n_el) / n_el < 1e-9
    # nothing goes negative beyond the integrator tolerance (atol ~1e-11 of a portion)
    assert np.all(run.species >= -1e-9 * n) and run.electrophile >= -1e-9 * n_el


def test_simulate_reports_both_splits_and_says_which_is_which():
    r = simulate(make_scenario(**ACCL_FED, mixing_model="engulfment"))
    z = r.feed_zones
    assert r.split().fractions == pytest.approx(z.split().fractions)
    ideal = r.ideal_split()
    assert ideal.get("mono") > r.split().get("mono") + 0.05  # Da 1.2: the zone costs mono
    assert not any("ideal mixing is not valid" in w for w in r.warnings)
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert d["split"]["fractions"]["mono"] == pytest.approx(z.fractions["mono"])
    assert d["ideal_split"]["fractions"]["mono"] == pytest.approx(ideal.get("mono"))
    assert d["feed_zones"]["portions"] == 20 and d["scenario"]["mixing_model"] == "engulfment"
    assert max(d["feed_zones"]["balance"].values()) < 1e-9
    # the stirring comes from the mixing options when given (not the mixing family)
    harder = simulate(
        make_scenario(**ACCL_FED, mixing_model="engulfment", mixing={"power": "10 W/kg"})
    )
    assert harder.kind == "site"
    assert ideal.get("mono") > harder.split().get("mono") > r.split().get("mono")


def test_where_the_model_does_not_apply_it_says_so():
    staged = dict(ACCL_FED, addition_time=None, feed=[{"eq": 0.5, "time": "1 h"}] * 2)
    two = simulate(make_scenario(**staged, mixing_model="engulfment"))
    assert two.feed_zones is None and any("engulfment model was not run" in w for w in two.warnings)
    # inverse addition runs: the fed diamine's zones, beside the ideal inverse run
    inv = simulate(make_scenario(**ACCL_FED, mode="inverse", mixing_model="engulfment"))
    assert inv.feed_zones is not None
    assert sum(inv.split().fractions.values()) == pytest.approx(1.0)
    linker = simulate(make_scenario(electrophile="1,4-dibromobutane", mixing_model="engulfment"))
    assert any("assumes ideal mixing" in w for w in linker.warnings)


def test_the_cli_takes_the_flag_and_refuses_a_bad_value():
    ok = run_cli(
        "simulate", "--substrate", "piperazine", "--electrophile", "AcCl", "--base", "Et3N",
        "--base-eq", "1.2", "--temperature", "0 degC", "--addition-time", "1 h",
        "--feed-conc", "1 M", "--mixing-model", "engulfment",
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "feed zones (20 portions)" in ok.stdout and "ideal" in ok.stdout
    bad = run_cli("simulate", "--mixing-model", "turbulent")
    assert bad.returncode == 2
    assert "mixing_model" in bad.stderr and "Traceback" not in bad.stderr
