"""The workup of a simulated crude: mass balance, compounding washes, the pH the amines set,
the citric-acid separation as an outcome, the search, and the command line."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from monoselect import (
    InvalidInput,
    load_workup,
    make_scenario,
    make_workup,
    search_workup,
    workup as run_workup,
)
from tests.conftest import run_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CITRIC = EXAMPLES / "workup_citric.yaml"


@pytest.fixture(scope="module")
def citric():
    plan = load_workup(CITRIC)
    return run_workup(plan.scenario, plan)


@pytest.fixture(scope="module")
def crude_scenario():
    return make_scenario(substrate="1,4-diazepane", electrophile="Boc2O", eq=1.0, scale="10 mmol")


def _col(result, key):
    return [c.key for c in result.components].index(key)


def test_every_species_balances_through_the_citric_workup(citric):
    """crude + what the workup added = every stream + the isolated phase, per species and
    per logP corner, to 1e-9."""
    assert citric.balance_residual() < 1e-9
    t = citric.trace
    out = t.isolated.amounts + sum(s.amounts for s in t.streams)
    assert np.allclose(out, t.crude[None, :] + t.added, rtol=1e-9, atol=1e-15)


def test_the_amines_in_the_funnel_set_the_ph_of_the_first_citric_wash(citric):
    """0.5 M citric acid alone is pH 1.72; the first 20 mL meets 10 mmol of amine and ends
    near pH 4, the second (little amine left) near the acid's own pH."""
    wash = citric.to_dict()["workup"]["steps"][2]
    first, second = (p["value"] for p in wash["pH"])
    assert first > 3.0
    assert second == pytest.approx(1.72, abs=0.05)


def test_citric_wash_separates_mono_from_bis_as_an_outcome(citric):
    """The basic mono-Boc amine goes to the acid water (and on to the product); bis-Boc, no
    basic N, stays in the EtOAc that is thrown away."""
    bis, mono = _col(citric, "bis"), _col(citric, "mono")
    t = citric.trace
    organic_waste = sum(
        s.amounts[0] for s in t.streams if s.kind == "organic" and s.fate == "discarded"
    )
    assert organic_waste[bis] / t.crude[bis] > 0.95
    assert citric.isolated()[0, bis] / t.crude[bis] < 0.01
    assert citric.recovery()[0] > 0.9
    assert citric.isolated()[0, mono] > 10 * citric.isolated()[0, bis]


def test_the_diamine_is_accounted_for(citric):
    """Unreacted 1,4-diazepane: where it goes is reported and the pieces add up to the crude."""
    rows = citric.diamine_recovered()
    assert rows
    total = sum(r["fraction_of_crude"]["value"] for r in rows)
    assert total == pytest.approx(1.0, abs=2e-3)  # rows under 0.1 % are left out


def test_estimated_logp_gives_intervals_and_says_so(citric):
    d = citric.to_dict()
    assert any("Crippen" in a for a in d["assumptions"])
    rec = citric.recovery()
    assert rec.min() < rec[0] <= rec.max() + 1e-12
    assert rec.max() - rec.min() > 0.01


@pytest.mark.parametrize("n", [1, 2, 3])
def test_washes_compound_as_d_over_d_plus_r_to_the_n(crude_scenario, n):
    """bis-Boc has no basic N, so D = P: after n water washes of 50 mL EtOAc with 20 mL each,
    (P / (P + 0.4))^n of it is left in the organic, exactly."""
    plan = make_workup(
        [
            {"evaporate": {}},
            {"dissolve": {"solvent": "EtOAc", "volume": "50 mL"}},
            {"wash": {"with": "water", "volume": f"{n} x 20 mL"}},
        ],
        "bis",
    )
    r = run_workup(crude_scenario, plan)
    j = _col(r, "bis")
    p = 10 ** next(c for c in r.components if c.key == "bis").logp.value
    expected = (p / (p + 0.4)) ** n
    assert r.isolated()[0, j] / r.trace.crude[j] == pytest.approx(expected, rel=1e-9)


@given(
    org=st.floats(10, 200),
    aq=st.floats(5, 200),
    n=st.integers(1, 4),
    ph=st.floats(0.5, 13.5),
    m=st.integers(1, 3),
)
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_mass_balance_holds_for_any_buffered_wash_and_extraction(crude_scenario, org, aq, n, ph, m):
    plan = make_workup(
        [
            {"evaporate": {}},
            {"dissolve": {"solvent": "DCM", "volume": f"{org:.3f} mL"}},
            {"wash": {"volume": f"{n} x {aq:.3f} mL", "ph": round(ph, 3), "keep": "aqueous"}},
            {"basify": {"with": "2 M NaOH", "to_ph": 12}},
            {"extract": {"solvent": "EtOAc", "volume": f"{m} x 30 mL"}},
        ],
        "mono",
    )
    r = run_workup(crude_scenario, plan)
    assert r.balance_residual() < 1e-9
    assert r.recovery().min() >= 0.0 and r.recovery().max() <= 1.0 + 1e-12


def test_the_search_meets_the_recovery_and_beats_the_citric_wash(citric):
    plan = load_workup(CITRIC)
    s = search_workup(plan.scenario, plan, min_recovery=0.9)
    best = s.to_dict()["search"]["best"]
    assert best["recovery_from_crude"]["value"] >= 0.9
    assert best["purity_by_mass"]["value"] >= citric.purity_by_mass()[0] - 1e-9
    assert 1 <= best["washes"] <= 5 and 1.0 <= best["pH"] <= 13.0
    # above the mono's pKa (9.2) it stays organic: nothing is recovered from the acid water
    grid = s.to_dict()["search"]["grid"]
    assert grid["recovery"][0][-1] < 0.05


# --- command line -------------------------------------------------------------------------


def test_cli_text_json_and_plot(tmp_path):
    text = run_cli("workup", str(CITRIC))
    assert text.returncode == 0 and "Isolated product: mono" in text.stdout
    plot = tmp_path / "workup.png"
    out = run_cli("workup", str(CITRIC), "--json", "--plot", str(plot))
    assert out.returncode == 0
    d = json.loads(out.stdout, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert d["kind"] == "workup" and sum(d["split"]["fractions"].values()) == pytest.approx(1)
    assert plot.stat().st_size > 10_000 and plot.read_bytes()[:4] == b"\x89PNG"


def test_cli_search(tmp_path):
    out = run_cli("workup", str(CITRIC), "--search", "--min-recovery", "90 %", "--json")
    assert out.returncode == 0
    assert json.loads(out.stdout)["search"]["best"]["recovery_from_crude"]["value"] >= 0.9


@pytest.mark.parametrize(
    ("step", "field"),
    [
        ("{centrifuge: {}}", "steps"),
        ("{wash: {with: water, volume: -20 mL}}", "volume"),
        ("{wash: {with: water, volume: 20 mL, ph: 15.5}}", "ph"),
        ("{wash: [unclosed", "step"),
    ],
)
def test_cli_bad_steps_are_one_line_naming_the_field(tmp_path, step, field):
    plot = tmp_path / "w.png"
    out = run_cli(
        "workup",
        str(EXAMPLES / "diazepane_boc_slow_addition.yaml"),
        "--step",
        step,
        "--plot",
        str(plot),
    )
    assert out.returncode != 0
    assert "Traceback" not in out.stderr and field in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert not plot.exists()


def test_no_steps_is_one_line_that_shows_how_to_give_them():
    """The fix must work for a user without the repository's examples: the --step form."""
    out = run_cli("workup", "--substrate", "piperazine", "--electrophile", "Boc2O")
    assert out.returncode != 0 and len(out.stderr.strip().splitlines()) == 1
    fix = out.stderr.split(" - ", 1)[1]
    shown = [s.split("'")[1] for s in fix.split("--step ")[2:]]  # the example's --step values
    ran = run_cli("workup", "--substrate", "piperazine", "--electrophile", "Boc2O",
                  *[a for step in shown for a in ("--step", step)])  # fmt: skip
    assert ran.returncode == 0 and "Isolated product: mono" in ran.stdout


def test_unknown_product_names_the_field():
    with pytest.raises(InvalidInput) as e:
        plan = make_workup(
            [{"evaporate": {}}, {"dissolve": {"solvent": "EtOAc", "volume": "50 mL"}}], "tris"
        )
        run_workup(make_scenario(), plan)
    assert "product" in str(e.value)
