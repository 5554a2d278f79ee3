"""The fit: it recovers known parameters, its intervals are honest (coverage on synthetic
data), it says when the data cannot tell a parameter, and bad data gets one clear message."""

import json
from pathlib import Path

import numpy as np
import pytest

from monoselect import InvalidInput, make_scenario, simulate
from monoselect.fit import Experiment, Fitter, Observation, fit, read_experiments
from monoselect.fit.estimate import _species_fractions
from tests.conftest import run_cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "fit_diazepane_boc.yaml"
TRUE_KAPPA = 1.0  # far from the pKa-based 0.27: the fit must move there on its own


def _synthetic(rng, sd=0.02, times=(None,), eq=1.0, kappa=TRUE_KAPPA, k="0.01 L/mol/s"):
    s = make_scenario(eq=eq, kappa=kappa, k=k)
    r = simulate(s)
    obs = []
    for t in times:
        f = _species_fractions(r, t) + rng.normal(0.0, sd, 3)
        obs.append(
            Observation(
                t,
                "nmr",
                dict(zip(("SM", "mono", "bis"), np.clip(f, 1e-4, None), strict=True)),
                {},
                sd,
            )
        )
    return Experiment("synthetic", make_scenario(eq=eq), tuple(obs))


def test_the_fit_recovers_kappa_from_noise_free_data():
    exp = _synthetic(np.random.default_rng(0), sd=1e-9)
    exp = Experiment(
        exp.name,
        exp.scenario,
        tuple(Observation(o.time_s, o.kind, o.values, {}, 0.02) for o in exp.observations),
    )
    f = Fitter(("kappa",)).fit([exp])
    assert f.kappa_ == pytest.approx(TRUE_KAPPA, rel=1e-3)
    lo, hi = f.ci_["kappa"]
    assert lo < TRUE_KAPPA < hi and f.classes_["kappa"] == "identifiable"


def test_95_percent_intervals_cover_the_truth_in_at_least_90_of_100_replicates():
    """Synthetic endpoint NMR (sd 2 points) drawn from kappa = 1; each replicate fitted and
    its profile interval checked (statistical honesty, seeded)."""
    covered = 0
    for seed in range(100):
        exp = _synthetic(np.random.default_rng(seed))
        r = fit([exp], ("kappa",))
        lo, hi = r.intervals["kappa"]
        covered += (lo is None or lo <= TRUE_KAPPA) and (hi is None or hi >= TRUE_KAPPA)
    assert covered >= 90, f"{covered} of 100"


def test_endpoints_at_full_conversion_cannot_tell_k_and_say_so():
    exp = _synthetic(np.random.default_rng(1))
    r = fit([exp], ("kappa", "k"))
    # endpoints say at most that the run finished: a lower bound on k, never an upper one
    assert r.classes["k"] in ("flat", "one-sided") and r.intervals["k"][1] is None
    assert "sample taken during the run" in r.explanations["k"]
    assert r.classes["kappa"] == "identifiable"


def test_a_sample_during_the_run_tells_k():
    exp = _synthetic(np.random.default_rng(2), times=(300.0, None))
    r = fit([exp], ("kappa", "k"))
    assert r.classes["k"] == "identifiable"
    lo, hi = r.intervals["k"]
    assert lo < 0.01 < hi


def test_unknown_response_factor_is_a_nuisance_and_its_correlation_with_kappa_is_said():
    """Only HPLC areas of mono and bis: a bigger bis response and a bigger kappa look alike."""
    s = make_scenario(eq=1.0, kappa=0.5)
    n = _species_fractions(simulate(s), None)
    obs = Observation(None, "hplc", {"mono": n[1], "bis": 2 * n[2]}, {}, 0.02, "UV 210 nm")
    nmr = Observation(None, "nmr", {"SM": n[0], "mono": n[1], "bis": n[2]}, {}, 0.02)
    r = fit([Experiment("a", make_scenario(eq=1.0), (obs, nmr))], ("kappa",))
    assert "r_bis" in r.values and r.values["r_bis"] == pytest.approx(2.0, rel=0.05)
    only_area = Experiment("b", make_scenario(eq=1.0), (obs, obs))
    r2 = fit([only_area], ("kappa",))
    assert r2.classes["kappa"] != "identifiable" or r2.warnings


def test_the_example_fits_and_feeds_other_commands(tmp_path):
    exps = read_experiments(EXAMPLE)
    r = fit(exps, ("kappa", "k"))
    assert 0.2 < r.values["kappa"] < 0.45  # the data were drawn near the pKa-based 0.27-0.3
    out = tmp_path / "fitted.yaml"
    plot = tmp_path / "fit.png"
    ran = run_cli("fit", str(EXAMPLE), "--save-params", str(out), "--plot", str(plot), "--json")
    assert ran.returncode == 0, ran.stderr
    d = json.loads(ran.stdout)
    assert d["kind"] == "fit" and {p["name"] for p in d["fit"]["parameters"]} == {"kappa", "k"}
    assert plot.read_bytes()[:4] == b"\x89PNG"
    sim = run_cli("simulate", str(out), "--json")
    assert sim.returncode == 0, sim.stderr
    assert json.loads(sim.stdout)["scenario"]["kappa"] == pytest.approx(r.values["kappa"], rel=1e-3)
    adv = run_cli("advise", str(out), "--json")
    assert adv.returncode == 0, adv.stderr


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("values: {SM: 10, mono: -5, bis: 40}", "values.mono"),
        ("values: {SM: 60, mono: 50, bis: 40}", "values"),
        ("values: {SM: 10, tris: 5}", "values.tris"),
        ("values: {}", "values"),
        ("kind: ir\n        values: {mono: 1}", "kind"),
    ],
)
def test_bad_observations_name_the_row_and_field(tmp_path, text, field):
    f = tmp_path / "exp.yaml"
    f.write_text(
        "experiments:\n  - name: r1\n    scenario: {eq: 1.0}\n    observations:\n"
        f"      - time: end\n        {text}\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as e:
        read_experiments(f)
    assert e.value.field == f"experiments[r1].observations[0].{field}"
    ran = run_cli("fit", str(f))
    assert ran.returncode != 0 and len(ran.stderr.strip().splitlines()) == 1


def test_no_observation_and_too_few_values_are_refused(tmp_path):
    f = tmp_path / "exp.yaml"
    f.write_text("experiments:\n  - scenario: {eq: 1.0}\n    observations: []\n")
    with pytest.raises(InvalidInput, match="no observation"):
        read_experiments(f)
    one = Experiment(
        "x", make_scenario(), (Observation(None, "isolated", {"mono": 0.6}, {}, 0.03),)
    )
    with pytest.raises(InvalidInput, match="cannot fit"):
        fit([one], ("kappa", "k"))


def test_fit_keeps_experiments_and_the_fit_and_draws_on_stored_ones(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    saved = run_cli("fit", str(EXAMPLE), "--save", "--db", url, "--json")
    assert saved.returncode == 0, saved.stderr
    first = json.loads(saved.stdout)["fit"]["parameters"][0]["value"]
    listed = json.loads(run_cli("experiments", "list", "--db", url, "--json").stdout)
    ids = sorted(e["id"] for e in listed["experiments"])
    assert len(ids) == 2 and listed["fits"][0]["experiment_ids"] == ids
    again = run_cli("fit", *(a for i in ids for a in ("--stored", str(i))), "--db", url, "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["fit"]["parameters"][0]["value"] == pytest.approx(first)
    missing = run_cli("fit", "--stored", "99", "--db", url)
    assert missing.returncode != 0 and "99" in missing.stderr
    # stored experiments alone can write the parameters file (it names where they came from)
    params = tmp_path / "fitted.yaml"
    kept = run_cli("fit", "--stored", str(ids[0]), "--db", url, "--save-params", str(params))
    assert kept.returncode == 0, kept.stderr
    assert params.read_text().startswith(
        f"# fitted by monoselect fit from stored experiment {ids[0]}"
    )
    # an experiment that is not a mapping is named, not a traceback, and nothing is saved
    bad = tmp_path / "bad.yaml"
    bad.write_text("experiments: [1, 2]\n")
    refused = run_cli("fit", str(bad), "--save", "--db", url)
    assert refused.returncode == 2 and "experiments[0]" in refused.stderr
    after = json.loads(run_cli("experiments", "list", "--db", url, "--json").stdout)
    assert len(after["experiments"]) == 2
