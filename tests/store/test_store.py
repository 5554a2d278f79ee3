"""The store's behaviour, the same on SQLite and on a real PostgreSQL server: what is saved
reads back exactly, listings are ordered and filtered, refused input writes nothing, and
every error is one message naming the field and the fix."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from monoselect import InvalidInput, Store, StoreUnavailable, UnknownRecord

OBSERVED = [
    {"kind": "hplc_area", "time": "2 h", "values": {"SM": 12.0, "mono": 61.0, "bis": 27.0}},
    {
        "kind": "hplc_area",
        "time": "30 min",
        "values": {"SM": 40.5, "mono": 50.0, "bis": 9.5},
        "detector": "UV",
        "wavelength_nm": 210,
    },
]
CONDITIONS = {"substrate": "piperazine", "electrophile": "Boc2O", "eq": 1.0, "conc": "0.2 M"}


def _strict(data):
    """What strict JSON makes of ``data`` (tuples become lists): the round-trip oracle."""
    return json.loads(json.dumps(data, allow_nan=False))


# --- runs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("family", ["site", "linker", "compare"])
def test_a_saved_run_reads_back_equal_to_its_to_dict(store, results, family):
    result = results[family]
    run_id = store.save_run(result)
    run = store.get_run(run_id)
    assert run.result == _strict(result.to_dict())
    # byte for byte, key order included: the JSON a user exports is the JSON they saved
    assert json.dumps(run.result) == json.dumps(_strict(result.to_dict()))
    assert run.kind == ("compare" if family == "compare" else result.kind)


def test_the_summary_of_a_run_is_its_split_and_its_scenario(store, results):
    site = results["site"]
    run = store.get_run(store.save_run(site, label="JD-042"))
    split = site.split()
    assert run.fractions == pytest.approx(split.fractions, abs=0)
    assert run.mono_yield_on_substrate == split.mono_yield_on_substrate
    assert run.substrate == "piperazine" and run.electrophile == "Boc2O" and run.eq == 1.0
    assert run.label == "JD-042" and run.protocol is None
    assert run.scenario == site.to_dict()["scenario"]
    assert run.created_at.tzinfo is not None
    assert abs(run.created_at - datetime.now(UTC)) < timedelta(minutes=5)
    from monoselect import __version__

    assert run.monoselect_version == __version__


def test_a_comparison_is_summarised_by_its_best_protocol(store, results):
    data = results["compare"].to_dict()
    run = store.get_run(store.save_run(results["compare"]))
    best = data["ranking"][0]
    assert run.kind == "compare" and run.protocol == best["protocol"]
    assert run.mono_yield_on_substrate == best["mono_yield_on_substrate"]
    assert run.fractions == best["run"]["split"]["fractions"]
    assert run.substrate == data["conditions"]["substrate"]


def test_list_is_newest_first_and_pages(store, results):
    ids = [store.save_run(results["site"], label=f"r{i}") for i in range(5)]
    assert [r.id for r in store.list_runs()] == ids[::-1]
    assert [r.id for r in store.list_runs(oldest_first=True)] == ids
    assert [r.id for r in store.list_runs(limit=2)] == ids[::-1][:2]
    assert [r.id for r in store.list_runs(limit=2, offset=2)] == ids[::-1][2:4]
    assert store.count_runs() == 5
    assert [r.label for r in store.list_runs(limit=1)] == ["r4"]


def test_list_filters_by_kind_substrate_electrophile_and_time(store, results):
    site = store.save_run(results["site"])
    linker = store.save_run(results["linker"])
    both = store.save_run(results["compare"])
    assert [r.id for r in store.list_runs(kind="linker")] == [linker]
    assert [r.id for r in store.list_runs(kind="compare")] == [both]
    assert [r.id for r in store.list_runs(electrophile="boc2o")] == [both, site]  # case aside
    assert [r.id for r in store.list_runs(substrate="PIPERAZINE", kind="site")] == [site]
    assert store.list_runs(substrate="cyclen") == []
    now = datetime.now(UTC)
    assert len(store.list_runs(since=now - timedelta(hours=1))) == 3
    assert store.list_runs(since=now + timedelta(hours=1)) == []
    assert store.list_runs(until=(now - timedelta(days=1)).isoformat()) == []
    with pytest.raises(InvalidInput, match="field: since"):
        store.list_runs(since="last tuesday")


def test_a_listing_carries_no_payload_and_the_same_summary(store, results):
    run_id = store.save_run(results["linker"])
    (summary,) = store.list_runs()
    full = store.get_run(run_id)
    assert not hasattr(summary, "result")
    assert summary.to_dict() == {
        k: v for k, v in full.to_dict().items() if k not in ("scenario", "result")
    }
    assert set(summary.fractions) == {
        "SM",
        "mono",
        "bis",
        "bridged",
        "cyclised",
        "oligomer",
        "spiro",
    }


def test_get_runs_keeps_the_order_asked(store, results):
    a, b = store.save_run(results["site"]), store.save_run(results["linker"])
    assert [r.id for r in store.get_runs([b, a])] == [b, a]
    with pytest.raises(UnknownRecord, match=r"no run 999 .*field: run_id"):
        store.get_runs([a, 999])


def test_an_unknown_run_id_is_one_message_naming_the_field(store):
    with pytest.raises(UnknownRecord) as caught:
        store.get_run(42)
    assert caught.value.field == "run_id"
    assert "there is no run 42" in str(caught.value) and "monoselect runs list" in str(caught.value)
    with pytest.raises(InvalidInput, match=r"'abc' is not a whole number \(field: run_id\)"):
        store.get_run("abc")
    with pytest.raises(UnknownRecord):
        store.get_run(0)


def test_something_that_is_not_a_result_is_refused_and_nothing_written(store):
    with pytest.raises(InvalidInput, match="field: result"):
        store.save_run({"hello": 1})
    with pytest.raises(InvalidInput, match="field: result"):
        store.save_run({"kind": "site", "scenario": {}, "split": {}, "x": float("nan")})
    assert store.count_runs() == 0


def test_a_damaged_row_is_reported_not_returned(store, results):
    from sqlalchemy import text

    run_id = store.save_run(results["site"])
    with store._engine.begin() as conn:  # a row changed behind the store's back
        conn.execute(
            text("UPDATE runs SET result = :r WHERE id = :i"),
            {"r": json.dumps({"kind": "site", "tampered": True}), "i": run_id},
        )
    with pytest.raises(StoreUnavailable, match=f"run {run_id} is damaged"):
        store.get_run(run_id)


# --- experiments ------------------------------------------------------------------------------


def test_an_experiment_reads_back_with_its_observations_and_times_in_seconds(store):
    eid = store.save_experiment("JD-042 mono-Boc", CONDITIONS, OBSERVED, notes="2 g scale")
    got = store.get_experiment(eid)
    assert got.name == "JD-042 mono-Boc" and got.notes == "2 g scale"
    assert got.scenario == CONDITIONS
    assert got.observations_version == 1
    assert [o["time_s"] for o in got.observations] == [7200.0, 1800.0]
    for saved, given in zip(got.observations, OBSERVED, strict=True):
        assert {k: v for k, v in saved.items() if k != "time_s"} == given
    assert got.substrate == "piperazine"


def test_experiments_list_newest_first_and_filter_by_name(store):
    a = store.save_experiment("JD-042 Boc", CONDITIONS, OBSERVED)
    b = store.save_experiment("JD-043 Boc", {**CONDITIONS, "eq": 0.8}, OBSERVED[:1])
    c = store.save_experiment("AK-7", {**CONDITIONS, "substrate": "1,4-diazepane"}, OBSERVED)
    assert [e.id for e in store.list_experiments()] == [c, b, a]
    assert [e.id for e in store.list_experiments(name="jd-04")] == [b, a]
    assert [e.id for e in store.list_experiments(substrate="1,4-Diazepane")] == [c]
    assert [e.id for e in store.list_experiments(limit=1, offset=1)] == [b]


@pytest.mark.parametrize(
    ("observations", "field", "words"),
    [
        ([], "observations", "at least one observation"),
        ([{"kind": "hplc_area", "values": {"mono": 1}}], "observations[0].time", "no time"),
        (
            [OBSERVED[0], {"kind": "hplc_area", "time": "2 h", "values": {"mono": -3}}],
            "observations[1].values.mono",
            "not a finite number >= 0",
        ),
        (
            [{"kind": "gc", "time": "yesterday", "values": {"mono": 1}}],
            "observations[0].time",
            "",
        ),
        ([{"kind": "", "time": "1 h", "values": {"mono": 1}}], "observations[0].kind", "kind"),
        ([{"kind": "gc", "time": "1 h", "values": {}}], "observations[0].values", "mapping"),
        (["mono 61 %"], "observations[0]", "not a mapping"),
    ],
)
def test_bad_observations_name_the_row_and_field_and_write_nothing(
    store, observations, field, words
):
    with pytest.raises(InvalidInput) as caught:
        store.save_experiment("bad", CONDITIONS, observations)
    assert caught.value.field == field and words in str(caught.value)
    assert caught.value.fix
    assert store.list_experiments() == []


def test_bad_conditions_are_refused_as_the_command_line_refuses_them(store):
    with pytest.raises(InvalidInput, match="field: conc"):
        store.save_experiment("bad", {**CONDITIONS, "conc": "fast"}, OBSERVED)
    with pytest.raises(InvalidInput, match="field: scenario"):
        store.save_experiment("bad", ["piperazine"], OBSERVED)
    with pytest.raises(InvalidInput, match="field: name"):
        store.save_experiment("  ", CONDITIONS, OBSERVED)
    assert store.list_experiments() == []


def test_an_unknown_experiment_id_names_the_field(store):
    with pytest.raises(UnknownRecord, match=r"no experiment 7 .*field: experiment_id"):
        store.get_experiment(7)


# --- fits ---------------------------------------------------------------------------------------


def test_a_fit_links_the_experiments_it_was_fitted_to(store):
    a = store.save_experiment("A", CONDITIONS, OBSERVED)
    b = store.save_experiment("B", {**CONDITIONS, "eq": 2.0}, OBSERVED)
    fit = store.save_fit(
        {"kappa": 0.31, "k": 0.05},
        {"kappa": [0.22, 0.45], "k": [0.01, None]},
        [b, a, a],
        result={"converged": True},
        label="Boc on piperazine",
    )
    got = store.get_fit(fit)
    assert got.parameters == {"kappa": 0.31, "k": 0.05}
    assert got.intervals == {"kappa": [0.22, 0.45], "k": [0.01, None]}
    assert got.experiment_ids == [a, b] and got.result == {"converged": True}
    assert [f.id for f in store.list_fits(experiment_id=a)] == [fit]
    other = store.save_fit({"kappa": 0.5}, {"kappa": [0.4, 0.6]}, [b])
    assert [f.id for f in store.list_fits()] == [other, fit]
    assert [f.id for f in store.list_fits(experiment_id=a)] == [fit]


def test_a_fit_on_an_unknown_experiment_is_refused_whole(store):
    a = store.save_experiment("A", CONDITIONS, OBSERVED)
    with pytest.raises(UnknownRecord, match=r"no experiment 99 .*field: experiment_id"):
        store.save_fit({"kappa": 0.3}, {"kappa": [0.2, 0.4]}, [a, 99])
    assert store.list_fits() == []
    with pytest.raises(InvalidInput, match=r"field: intervals\.kappa"):
        store.save_fit({"kappa": 0.3}, {"kappa": [0.2]}, [a])
    with pytest.raises(InvalidInput, match="field: experiment_ids"):
        store.save_fit({"kappa": 0.3}, {"kappa": [0.2, 0.4]}, [])


# --- export -------------------------------------------------------------------------------------


def test_runs_export_as_csv_with_the_split_as_columns(store, results):
    a = store.save_run(results["site"], label="slow, careful")
    b = store.save_run(results["linker"])
    text = store.export("runs", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "id",
        "created_at",
        "kind",
        "label",
        "substrate",
        "electrophile",
        "eq",
        "protocol",
        "SM",
        "mono",
        "bis",
        "bridged",
        "cyclised",
        "oligomer",
        "spiro",
        "mono_yield_on_substrate",
        "mono_yield_on_electrophile",
        "monoselect_version",
        "warnings",
    ]
    assert [int(r["id"]) for r in rows] == [b, a]
    site = rows[1]
    assert site["label"] == "slow, careful"  # quoted, not split
    assert float(site["mono"]) == results["site"].split()["mono"]  # repr round-trips
    assert site["bridged"] == "" and site["protocol"] == ""
    assert rows[0]["kind"] == "linker" and float(rows[0]["oligomer"]) > 0


def test_runs_export_as_json_is_the_saved_records(store, results, tmp_path):
    a = store.save_run(results["site"])
    store.save_run(results["linker"])
    out = tmp_path / "runs.json"
    text = store.export("runs", "json", ids=[a], out=out)
    assert out.read_text(encoding="utf-8") == text
    (record,) = json.loads(text)
    assert record["id"] == a and record["result"] == _strict(results["site"].to_dict())
    assert record == json.loads(json.dumps(store.get_run(a).to_dict()))
    assert [r["kind"] for r in json.loads(store.export("runs", kind="linker"))] == ["linker"]


def test_experiments_and_fits_export_as_csv(store):
    a = store.save_experiment("A", CONDITIONS, OBSERVED)
    store.save_fit({"kappa": 0.3}, {"kappa": [0.2, None]}, [a])
    rows = list(csv.DictReader(io.StringIO(store.export("experiments", "csv"))))
    assert [r["time_s"] for r in rows] == ["7200.0", "1800.0"]
    assert list(rows[0])[-3:] == ["SM", "mono", "bis"] and rows[1]["mono"] == "50.0"
    (fit,) = csv.DictReader(io.StringIO(store.export("fits", "csv")))
    assert fit["parameter"] == "kappa" and fit["low"] == "0.2" and fit["high"] == ""
    assert fit["experiment_ids"] == str(a)


def test_export_refuses_a_bad_format_or_path_before_writing(store, tmp_path):
    with pytest.raises(InvalidInput, match="field: format"):
        store.export("runs", "xlsx")
    with pytest.raises(InvalidInput, match="field: what"):
        store.export("people", "json")
    with pytest.raises(InvalidInput, match="field: out"):
        store.export("runs", "json", out=tmp_path / "nowhere" / "runs.json")
    with pytest.raises(InvalidInput, match="field: out"):
        store.export("runs", "json", out=tmp_path)


# --- opening a store ---------------------------------------------------------------------------


def test_the_tables_survive_reopening(store_url, results):
    with Store(store_url) as first:
        run_id = first.save_run(results["site"])
    with Store(store_url) as again:
        assert again.get_run(run_id).result == _strict(results["site"].to_dict())


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("not a url", "cannot read 'not a url' as a database URL"),
        ("nosuchdb://x/y", "no database driver 'nosuchdb'"),
        ("", "the database URL is empty"),
    ],
)
def test_a_bad_url_is_one_message_naming_the_field(url, words):
    with pytest.raises(InvalidInput) as caught:
        Store(url)
    assert caught.value.field == "db" and words in str(caught.value)
    assert "sqlite:///" in caught.value.fix


def test_an_unreachable_database_says_so_without_a_traceback():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = Store(f"postgresql+psycopg://someone:secret@127.0.0.1:{port}/lab", connect_timeout=2)
    with pytest.raises(StoreUnavailable) as caught:
        store.list_runs()
    message = str(caught.value)
    assert caught.value.field == "db" and "cannot use the store at" in message
    assert "secret" not in message and "***" in message  # the password is never shown
    assert "\n" not in message


def test_a_file_that_is_not_a_database_is_unavailable(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("these are my notes, not a database " * 100)
    with pytest.raises(StoreUnavailable, match="field: db"):
        Store(f"sqlite:///{bad}").list_runs()


def test_the_default_store_is_the_environment_then_the_user_data_dir(monkeypatch, tmp_path):
    from monoselect.store import default_url

    monkeypatch.setenv("MONOSELECT_DB", f"sqlite:///{tmp_path / 'env.db'}")
    assert Store().url == f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.delenv("MONOSELECT_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_url() == f"sqlite:///{tmp_path / 'data' / 'monoselect' / 'store.db'}"
    with Store() as s:  # the folder is made on first use
        assert s.list_runs() == []
    assert (tmp_path / "data" / "monoselect" / "store.db").is_file()


def test_sqlite_runs_in_wal_mode(tmp_path):
    from sqlalchemy import text

    with Store(f"sqlite:///{tmp_path / 's.db'}") as s:
        s.list_runs()
        with s._engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_threads_writing_at_once_each_get_their_own_run(store, results):
    """The page serves requests on threads: one store, many writers, no lost or shared id."""
    from concurrent.futures import ThreadPoolExecutor

    data = results["site"].to_dict()
    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(lambda i: store.save_run(data, label=f"t{i}"), range(30)))
    assert len(set(ids)) == 30 and store.count_runs() == 30
    assert {r.label for r in store.list_runs()} == {f"t{i}" for i in range(30)}


def test_processes_writing_at_once_wait_for_each_other(store_url, tmp_path, results):
    """Two command lines saving at the same moment: SQLite's busy timeout makes the second
    wait for the first instead of failing."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import monoselect

    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(results["site"].to_dict()), encoding="utf-8")
    script = (
        "import json, sys; from monoselect import Store; s = Store(sys.argv[1]); "
        "d = json.load(open(sys.argv[2])); [s.save_run(d) for _ in range(25)]"
    )
    src = str(Path(monoselect.__file__).resolve().parents[1])
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, store_url, str(payload)],
            env={**os.environ, "PYTHONPATH": src},
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with Store(store_url) as store:
        assert store.count_runs() == 75
