"""troubleshoot, advise and optimise as a chemist runs them: strict JSON, pictures, and
bad input as one line naming the field (exit 2, no traceback)."""

import json

import pytest

from tests.conftest import run_cli


def test_troubleshoot_short_form_json_ranks_a_cause_other_than_statistics():
    ran = run_cli("troubleshoot", "--eq", "1.0", "--observed", "bis 40 %", "--json")
    assert ran.returncode == 0, ran.stderr
    data = json.loads(ran.stdout)
    assert data["diagnoses"][0]["cause"] in ("detector", "excess", "mixing")
    assert "NaN" not in ran.stdout and "Infinity" not in ran.stdout


def test_troubleshoot_reads_a_symptom_block_from_the_scenario_file(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(
        "substrate: piperazine\nelectrophile: AcCl\neq: 2.0\ntime: 2 h\n"
        "symptom:\n  stalled: 50 %\n",
        encoding="utf-8",
    )
    ran = run_cli("troubleshoot", str(path), "--json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["diagnoses"][0]["cause"] == "protons"


def test_help_desk_pictures_are_written(tmp_path):
    for args in (
        ("troubleshoot", "--observed", "bis 40 %"),
        ("advise", "--precious", "electrophile", "--max-steps", "1"),
        ("optimise", "--protocol", "excess", "--min-mono", "90 %", "--precious", "electrophile"),
    ):
        out = tmp_path / f"{args[0]}.png"
        ran = run_cli(*args, "--plot", str(out))
        assert ran.returncode == 0, ran.stderr
        assert out.stat().st_size > 5000


def test_advise_with_equipment_flags_and_json():
    ran = run_cli("advise", "--equipment", "syringe_pump", "--max-substrate-eq", "3", "--json")
    assert ran.returncode == 0, ran.stderr
    data = json.loads(ran.stdout)
    assert all(r["protocol"] != "resin" for r in data["ranking"])
    assert all(r["diamine_eq"] <= 3 for r in data["ranking"])


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("troubleshoot", "--observed", "bis 140 %"), "observed"),
        (("troubleshoot",), "symptom"),
        (("troubleshoot", "--observed", "bis 40 %", "--peaks", "abc"), "peaks"),
        (("advise", "--equipment", "laser"), "equipment"),
        (("advise", "--target-purity", "very"), "target_purity"),
        (("optimise", "--protocol", "nope"), "protocol"),
        (("optimise", "--max-bis", "lots"), "max_bis"),
    ],
)
def test_bad_input_is_one_line_naming_the_field(args, field):
    ran = run_cli(*args)
    assert ran.returncode == 2
    assert f"field: {field}" in ran.stderr and "Traceback" not in ran.stderr
    assert ran.stderr.strip().count("\n") == 0
