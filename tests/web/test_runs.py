"""The page keeps runs in the same store as the command line: saved from the API, listed
on the Runs page, and read back by `monoselect runs show`."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import run_cli


@pytest.fixture
def kept(server):
    """The page server and its store (this module is the only one that saves runs)."""
    return server, server.db


def test_a_run_saved_from_the_page_is_the_one_the_cli_shows(kept):
    server, url = kept
    r = httpx.post(server.url + "/api/simulate?save=true", json={"eq": 1.0}, timeout=120)
    assert r.status_code == 200, r.text
    run_id = int(r.headers["x-run-id"])
    listed = httpx.get(server.url + "/api/runs", timeout=30).json()
    assert [x["id"] for x in listed] == [run_id]
    shown = run_cli("runs", "show", str(run_id), "--db", url, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == r.json()  # the result exactly as saved
    page = httpx.get(server.url + "/runs", timeout=30)
    assert f'data-run="{run_id}"' in page.text
    unsaved = httpx.post(server.url + "/api/simulate", json={"eq": 1.0}, timeout=120)
    assert "x-run-id" not in unsaved.headers
    assert len(httpx.get(server.url + "/api/runs", timeout=30).json()) == 1


def test_an_unknown_run_is_one_clear_error(kept):
    server, _ = kept
    r = httpx.get(server.url + "/api/runs/999", timeout=30)
    assert r.status_code in (404, 422) and "999" in r.json()["error"]
