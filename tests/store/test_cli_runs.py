"""`--save` on simulate and compare, and `monoselect runs list/show/export`, on SQLite and
PostgreSQL: the id printed is the run stored, `show --json` is the `--json` of the run, and
a bad URL, an unknown id or a database that is down is one line naming the field."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.conftest import run_cli

FAST = ("--substrate", "piperazine", "--electrophile", "Boc2O", "--eq", "1")


def _saved_id(text: str) -> int:
    found = re.search(r"saved as run (\d+) in ", text)
    assert found, text
    return int(found.group(1))


def test_simulate_save_prints_the_id_and_show_gives_back_the_json(store_url):
    ran = run_cli("simulate", *FAST, "--json", "--save", "--db", store_url)
    assert ran.returncode == 0, ran.stderr
    run_id = _saved_id(ran.stderr)  # with --json, stdout is the data only
    shown = run_cli("runs", "show", str(run_id), "--db", store_url, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == json.loads(ran.stdout)


def test_compare_save_keeps_the_comparison(store_url):
    ran = run_cli("compare", *FAST, "--protocol", "direct", "--save", "--db", store_url)
    assert ran.returncode == 0, ran.stderr
    run_id = _saved_id(ran.stdout)
    listed = run_cli("runs", "list", "--db", store_url, "--json")
    (row,) = json.loads(listed.stdout)
    assert row["id"] == run_id and row["kind"] == "compare" and row["protocol"] == "direct"
    table = run_cli("runs", "list", "--db", store_url)
    assert "compare: direct best" in table.stdout and "1 of 1 runs" in table.stdout


def test_runs_list_filters_and_show_prints_the_split(store_url, store, results):
    site = store.save_run(results["site"])
    store.save_run(results["linker"])
    listed = run_cli("runs", "list", "--db", store_url, "--kind", "site", "--json")
    assert [r["id"] for r in json.loads(listed.stdout)] == [site]
    shown = run_cli("runs", "show", str(site), "--db", store_url)
    assert shown.returncode == 0, shown.stderr
    assert f"run {site}: site" in shown.stdout and "mono yield on substrate" in shown.stdout
    assert f"{100 * results['site'].split().mono_yield_on_substrate:.1f}%" in shown.stdout


def test_runs_export_csv_to_a_file(store_url, store, results, tmp_path):
    a = store.save_run(results["site"])
    b = store.save_run(results["linker"])
    out = tmp_path / "runs.csv"
    ran = run_cli("runs", "export", "--db", store_url, "--format", "csv", "--out", str(out))
    assert ran.returncode == 0, ran.stderr
    assert f"2 runs written to {out}" in ran.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [int(r["id"]) for r in rows] == [b, a]
    one = run_cli("runs", "export", "--db", store_url, "--id", str(a))
    assert [r["id"] for r in json.loads(one.stdout)] == [a]


def test_the_environment_variable_chooses_the_store(monkeypatch, tmp_path, results):
    from monoselect import Store

    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("MONOSELECT_DB", url)
    with Store() as store:
        run_id = store.save_run(results["site"])
    listed = run_cli("runs", "list", "--json")
    assert [r["id"] for r in json.loads(listed.stdout)] == [run_id]


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("runs", "show", "99"), 2, "there is no run 99 in the store (field: run_id)"),
        (("runs", "show", "abc"), 2, "run id 'abc' is not a whole number (field: run_id)"),
        (("runs", "export", "--format", "xlsx"), 2, "unknown export format 'xlsx'"),
        (("runs", "list", "--limit", "many"), 2, "(field: limit)"),
        (("simulate", "--db", "sqlite:///x.db"), 2, "add --save"),
    ],
)
def test_bad_requests_are_one_line_naming_the_field(tmp_path, args, code, words):
    db = ("--db", f"sqlite:///{tmp_path / 's.db'}") if args[0] == "runs" else ()
    ran = run_cli(*args, *db)
    assert ran.returncode == code
    assert words in ran.stderr and ran.stderr.count("\n") == 1 and "Traceback" not in ran.stderr


@pytest.mark.parametrize(
    ("url", "code", "words"),
    [
        ("nonsense", 2, "cannot read 'nonsense' as a database URL (field: db)"),
        ("mysql+nodriver://u@h/db", 2, "(field: db)"),
        ("postgresql+psycopg://me:pw@127.0.0.1:1/lab", 4, "cannot use the store at"),
    ],
)
def test_a_bad_or_unreachable_store_fails_before_the_simulation(url, code, words):
    ran = run_cli("simulate", *FAST, "--save", "--db", url)
    assert ran.returncode == code
    assert words in ran.stderr and ran.stderr.count("\n") == 1
    assert "pw" not in ran.stderr
    assert ran.stdout == ""  # nothing was simulated
