"""Public API and the command line, run as a user runs them (in process through typer's
runner, real files; one test runs the installed entry point in a real subprocess)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import monoselect
from monoselect import InvalidInput, final_split as closed_form_split, make_scenario, simulate
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]


def test_the_entry_point_runs_in_a_real_process_and_bad_input_is_one_line():
    ok = subprocess.run(
        [sys.executable, "-m", "monoselect", "simulate", "--eq", "1.0", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ok.returncode == 0, ok.stderr
    same = simulate(make_scenario(eq=1.0)).split()["mono"]
    assert json.loads(ok.stdout)["split"]["fractions"]["mono"] == pytest.approx(same, abs=1e-9)
    bad = subprocess.run(
        [sys.executable, "-m", "monoselect", "simulate", "--conc", "fast"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.count("\n") == 1 and "field: conc" in bad.stderr


def test_public_api_is_pinned():
    assert monoselect.__all__ == [
        "InvalidInput",
        "InvalidStructure",
        "MonoselectError",
        "Result",
        "Scenario",
        "SolverFailure",
        "Split",
        "Store",
        "StoreUnavailable",
        "UnknownReagent",
        "UnknownRecord",
        "WorkupResult",
        "compare",
        "depict_svg",
        "final_split",
        "fit",
        "ion_table",
        "load_scenario",
        "load_workup",
        "make_conditions",
        "make_constraints",
        "make_scenario",
        "make_symptom",
        "make_workup",
        "optimise",
        "parse_mapping",
        "procedure",
        "recommend",
        "search_workup",
        "simulate",
        "species_table",
        "troubleshoot",
        "workup",
        "write_picture",
        "write_report",
    ]
    for name in monoselect.__all__:
        assert getattr(monoselect, name) is not None


def test_one_portion_and_four_hour_feed_give_the_same_split():
    one = simulate(make_scenario(eq=1.0)).outcome.final_fractions
    slow = simulate(
        make_scenario(eq=1.0, addition_time="4 h", feed_conc="1 M")
    ).outcome.final_fractions
    for label in ("SM", "mono", "bis"):
        assert one[label] == pytest.approx(slow[label], abs=1e-6)
    net = simulate(make_scenario(eq=1.0)).table.network
    _, mono, _ = closed_form_split(1.0, net.k[1] / net.k[0])
    assert one["mono"] == pytest.approx(mono, abs=1e-6)


def test_excess_substrate_raises_yield_on_electrophile():
    r = simulate(make_scenario(eq=1.0, substrate_eq=5.0, kappa=0.5))
    # closed form at 0.2 eq per diamine, kappa = 0.5: x = (1 - 0.1)^2 = 0.81, m = 0.18
    assert r.outcome.mono_yield_on_electrophile == pytest.approx(0.18 * 5, abs=1e-6)


def test_kappa_override_changes_the_split_and_is_stated():
    r = simulate(make_scenario(eq=1.0, kappa=2.0))
    assert r.outcome.final_fractions["mono"] < 0.5
    assert any(p.quantity == "kappa" and p.origin == "user-given" for p in r.provenance)


def test_rho_and_kappa_together_are_refused():
    with pytest.raises(InvalidInput, match="kappa or rho"):
        make_scenario(kappa=1.0, rho=2.0)


def test_json_output_has_the_contract(tmp_path):
    proc = run_cli("simulate", "--eq", "1.0", "--addition-time", "4 h", "--kappa", "0.5", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data["fractions"]) == {"SM", "mono", "bis"}
    assert data["fractions"]["mono"] == pytest.approx(0.5, abs=1e-6)
    assert data["split"]["mono_yield_on_substrate"] == pytest.approx(0.5, abs=1e-6)
    assert data["split"]["mono_yield_on_electrophile"] == pytest.approx(0.5, abs=1e-6)
    assert max(data["balance"].values()) < 1e-9
    assert data["scenario"]["addition_time_s"] == 14400.0
    assert data["scenario"]["scale_mmol"] == pytest.approx(10.0)
    origins = {p["quantity"]: p["origin"] for p in data["provenance"]}
    assert origins["kappa"] == "user-given"
    assert "order of magnitude" in origins["k_ref"]
    assert origins["pKa SM"].startswith("measured: 1,4-diazepane")
    assert data["speciation"]["species"]["SM"]["0H+"][-1] == 1.0  # no acid: all free base
    assert [s["label"] for s in data["species"]] == ["SM", "mono", "bis"]
    assert data["species"][1]["mz_M_plus_H"] == pytest.approx(201.1598, abs=1e-4)


@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_plot_files_are_written(tmp_path, suffix):
    out = tmp_path / f"course{suffix}"
    proc = run_cli(
        "simulate", str(ROOT / "examples" / "diazepane_boc_slow_addition.yaml"), "--plot", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 1000
    if suffix == ".html":
        html = out.read_text()
        assert "https://cdn" not in html and "plotly.min.js" in html
        assert (tmp_path / "plotly.min.js").exists()
    if suffix == ".png":
        assert out.read_bytes()[:4] == b"\x89PNG"


def test_scenario_files_yaml_and_json_agree():
    a = run_cli("simulate", str(ROOT / "examples" / "diazepane_boc_slow_addition.yaml"), "--json")
    b = run_cli("simulate", str(ROOT / "examples" / "diazepane_boc_one_portion.json"), "--json")
    fa, fb = json.loads(a.stdout)["fractions"], json.loads(b.stdout)["fractions"]
    assert fa["mono"] == pytest.approx(fb["mono"], abs=1e-6)


def test_table_output_shows_assumptions_and_species():
    proc = run_cli(
        "simulate", "--substrate", "piperazine", "--electrophile", "Boc2O", "--eq", "0.8"
    )
    assert proc.returncode == 0, proc.stderr
    assert "Assumptions" in proc.stdout and "mono yield on substrate" in proc.stdout
    assert "[M+H]+" in proc.stdout


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--substrate", "diazepan"], "field: substrate"),
        (["--electrophile", "C1CC("], "field: electrophile"),
        (["--eq", "-1"], "field: eq"),
        (["--conc", "0 M"], "field: conc"),
        (["--conc", "0 mL"], "field: conc"),
        (["--addition-time", "4 kg"], "field: addition_time"),
        (["--plot", "out.jpg"], "field: plot"),
    ],
)
def test_bad_input_gives_one_clear_line_and_no_traceback(tmp_path, args, field):
    proc = run_cli("simulate", *args, cwd=tmp_path)
    assert proc.returncode == 2
    assert field in " ".join(proc.stderr.split())
    assert "Traceback" not in proc.stderr
    assert not any(tmp_path.iterdir())  # nothing written half


def test_species_command_writes_svg(tmp_path):
    out = tmp_path / "species.svg"
    proc = run_cli("species", "--substrate", "cyclen", "--electrophile", "AcCl", "--svg", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().lstrip().startswith("<?xml") and out.read_text().count("<path") > 10
    assert "bis-N1,N7" in proc.stdout
    data = json.loads(run_cli("species", "--substrate", "cyclen", "--json").stdout)
    assert len(data) == 6


def test_species_svg_into_a_missing_folder_is_a_clear_error(tmp_path):
    proc = run_cli("species", "--svg", str(tmp_path / "nope" / "s.svg"))
    assert proc.returncode == 2 and "field: svg" in proc.stderr and "Traceback" not in proc.stderr


def test_reactive_groups_are_counted_from_the_class_pattern():
    from monoselect.chem.molecules import resolve_electrophile

    assert resolve_electrophile("BrCCCCCBr").reactive_groups == 2
    assert resolve_electrophile("ClC(=O)CCCC(=O)Cl").reactive_groups == 2  # glutaryl chloride
    assert resolve_electrophile("Ac2O").reactive_groups == 1


def test_time_cap_is_reported_as_a_warning():
    # exactly 2.0 eq on two sites: the 1/t tail cannot reach 1e-9 within the 7-day cap
    data = json.loads(run_cli("simulate", "--eq", "2.0", "--json").stdout)
    assert any("time cap" in w for w in data["warnings"])
    assert data["end_time_s"] == pytest.approx(7 * 86400)
    assert data["fractions"]["bis"] > 0.99


def test_a_bad_unit_fails_where_the_scenario_is_made():
    with pytest.raises(InvalidInput, match="field: feed_conc"):
        make_scenario(feed_conc="1 kg")


def test_a_portion_after_a_timed_stage_is_refused_not_moved_to_the_start():
    scenario = make_scenario(feed=[{"eq": 0.0, "time": "1 h"}, {"eq": 1.0, "time": 0}])
    with pytest.raises(InvalidInput, match="field: feed"):
        simulate(scenario)
    # first in the feed it is a plain one-portion addition
    first = make_scenario(feed=[{"eq": 1.0, "time": 0}, {"eq": 0.0, "time": "1 h"}], kappa=0.5)
    assert simulate(first).outcome.final_fractions["mono"] == pytest.approx(0.5, abs=1e-6)


def test_public_compare_is_the_function_even_after_its_module_is_imported():
    import monoselect.comparison  # a submodule import must not shadow the function

    assert callable(monoselect.compare) and monoselect.compare.__name__ == "compare"


def test_usage_mistakes_are_one_line_through_the_entry_point(capsys):
    from monoselect.cli import main

    for args, words in (
        (["simulate", "--colour", "blue"], "No such option: --colour"),
        (["nothing"], "No such command"),
        (["compare", "--processes", "two"], "field: processes"),
    ):
        with pytest.raises(SystemExit) as stop:
            main(args)
        err = capsys.readouterr().err
        assert stop.value.code == 2 and words in err and err.count("\n") == 1
    with pytest.raises(SystemExit) as stop:
        main([])
    assert stop.value.code == 0 and "simulate" in capsys.readouterr().out


def test_steric_flag_reaches_the_scenario_and_moves_the_regioisomers():
    args = ("simulate", "--substrate", "2-methylpiperazine", "--electrophile", "TsCl")
    args += ("--base", "DIPEA", "--base-eq", "1.5", "--json")
    default = json.loads(run_cli(*args).stdout)
    hindered = json.loads(run_cli(*args, "--steric", "N1=0.05").stdout)
    assert hindered["scenario"]["steric"] == {"N1": 0.05}
    ratio = [d["fractions"]["mono-N4"] / d["fractions"]["mono-N1"] for d in (default, hindered)]
    assert 1 < ratio[0] < ratio[1]
    bad = run_cli(*args, "--steric", "N9=0.1")
    assert bad.returncode == 2 and "steric" in bad.stderr


def test_plot_paths_that_cannot_be_written_are_refused_before_the_run(tmp_path):
    (tmp_path / "x.png.part").mkdir()
    for path, words in (
        (tmp_path / "x.png", "in the way"),
        (tmp_path / ("d" * 300) / "x.png", "too long"),
        (tmp_path, "cannot write a picture"),
        (tmp_path / "missing" / "x.png", "does not exist"),
    ):
        proc = run_cli("simulate", "--plot", str(path))
        assert proc.returncode == 2 and words in proc.stderr, proc.stderr
        assert proc.stdout == ""  # refused before anything ran


def test_compare_refuses_a_protocol_listed_twice_and_a_bad_substrate_once():
    proc = run_cli("compare", "--protocol", "direct", "--protocol", "direct")
    assert proc.returncode == 2 and "listed twice" in proc.stderr
    proc = run_cli("compare", "--substrate", "CCN")
    assert proc.returncode == 2 and proc.stderr.count("mono-amine") == 1
