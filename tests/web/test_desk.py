"""The help-desk and bench pages on a real server: each API answers exactly the command's
--json, bad input is 422 naming the field, the report downloads as a file, and in headless
Chromium the advise page shows the ranking and the procedure page hands over a PDF."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from monoselect import (
    make_conditions,
    make_constraints,
    make_scenario,
    make_symptom,
    recommend,
    troubleshoot,
)
from tests.web.conftest import NO_CHROMIUM, first_difference, same_json


def _post(server, path, body, **kw):
    return httpx.post(server.url + path, json=body, timeout=240, **kw)


def test_advise_api_is_the_python_api(server):
    body = {"substrate": "1,4-diazepane", "electrophile": "Boc2O", "max_steps": 1}
    got = _post(server, "/api/advise", body)
    assert got.status_code == 200, got.text
    want = recommend(
        make_conditions(substrate="1,4-diazepane", electrophile="Boc2O"),
        make_constraints(max_steps=1),
    ).to_dict()
    assert same_json(got.json(), want), first_difference(got.json(), want)


def test_troubleshoot_api_is_the_python_api(server):
    body = {"eq": 1.0, "symptom": {"observed": "bis 40 %"}}
    got = _post(server, "/api/troubleshoot", body)
    assert got.status_code == 200, got.text
    want = troubleshoot(make_scenario(eq=1.0), make_symptom(observed="bis 40 %")).to_dict()
    assert same_json(got.json(), want), first_difference(got.json(), want)


def test_fit_and_workup_apis_answer_their_kinds(server):
    exp = {
        "experiments": [
            {
                "scenario": {"eq": 1.0},
                "observations": [{"kind": "nmr", "values": {"SM": 20, "mono": 60, "bis": 20}}],
            }
        ]
    }
    fit = _post(server, "/api/fit", exp).json()
    assert fit["kind"] == "fit" and fit["fit"]["parameters"][0]["name"] == "kappa"
    plan = {
        "scenario": {"eq": 1.0},
        "steps": [{"evaporate": {}}, {"dissolve": {"solvent": "EtOAc", "volume": "50 mL"}}],
        "product": "bis",
    }
    w = _post(server, "/api/workup", plan).json()
    assert w["kind"] == "workup"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/advise", {"eq": -1}, "eq"),
        ("/api/troubleshoot", {"eq": 1.0}, "symptom"),
        ("/api/fit", {"experiments": []}, "experiments"),
        ("/api/procedure", {"protocol": "no_such"}, "protocol"),
        ("/api/procedure", {"workup": "/etc/passwd"}, "workup"),  # no server paths
    ],
)
def test_bad_input_is_422_with_the_field(server, path, body, field):
    r = _post(server, path, body)
    assert r.status_code == 422, r.text
    assert r.json()["field"].startswith(field)


def test_the_text_box_is_read_as_a_file_is(server):
    """A key given twice is refused on the page as `monoselect advise FILE` refuses it."""
    r = _post(server, "/api/desk", {"command": "advise", "input": "eq: 1.0\neq: 2.0\n"})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "input" and "given twice" in r.json()["error"]
    broken = _post(server, "/api/desk", {"command": "advise", "input": "eq: [1.0\n"})
    assert broken.status_code == 422 and "line" in broken.json()["error"]


def test_the_report_downloads_as_a_pdf(server):
    r = _post(server, "/api/report?format=pdf", {"protocol": "hcl_salt"})
    assert r.status_code == 200, r.text
    assert r.content[:5] == b"%PDF-" and r.headers["content-type"] == "application/pdf"
    md = _post(server, "/api/report?format=md", {"eq": 1.0})
    assert md.text.startswith("# ")


def test_every_desk_page_loads_with_its_example(server):
    for name in ("troubleshoot", "advise", "optimise", "fit", "workup", "procedure"):
        r = httpx.get(f"{server.url}/{name}", timeout=30)
        assert r.status_code == 200 and 'id="desk-form"' in r.text
        assert f'data-command="{name}"' in r.text


@pytest.mark.slow
@NO_CHROMIUM
def test_advise_page_in_chromium_shows_the_ranking(server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 1100}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url + "/advise")
    page.click("#run")
    page.wait_for_selector("#view pre", timeout=120_000)
    text = page.inner_text("#view")
    assert "HCl salt" in text and "Decision path" in text
    assert page.locator("#picture svg").count() == 1  # the advice's picture, inline
    shot = Path(os.environ.get("MONOSELECT_SCREENSHOTS", tmp_path)) / "serve_advise.png"
    page.screenshot(path=str(shot), full_page=True)
    page.goto(server.url + "/procedure")
    page.click("#run")
    page.wait_for_selector("#reports:not([hidden])", timeout=120_000)
    with page.expect_download(timeout=120_000) as dl:
        page.click("#report-pdf")
    saved = tmp_path / "plan.pdf"
    dl.value.save_as(saved)
    assert saved.read_bytes()[:5] == b"%PDF-"
    context.close()
    assert not errors, errors
