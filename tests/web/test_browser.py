"""End to end in headless Chromium (the distribution's /usr/bin/chromium, driven by
Playwright; no browser is downloaded): type a SMILES, run, see the plot and the split.
Any request that leaves 127.0.0.1 fails the test."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from tests.strategies import ACCL_ET3N
from tests.web.conftest import NO_CHROMIUM

pytestmark = [pytest.mark.slow, NO_CHROMIUM]


@pytest.fixture
def page(browser, server):
    """A fresh page on the server; every request it makes is checked to stay local."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    outside: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1",):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not errors, f"JavaScript errors: {errors}"


def test_type_a_smiles_run_and_see_the_plot_and_the_split(page, server, tmp_path):
    page.goto(server.url + "/")
    page.fill("input[name=substrate]", "C1CNCCNC1")  # 1,4-diazepane as SMILES
    page.fill("input[name=electrophile]", "Boc2O")
    page.fill("input[name=eq]", "1.0")
    page.fill("input[name=addition_time]", "4 h")
    page.fill("input[name=feed_conc]", "1 M")
    # the structure as typed, drawn by the server
    page.wait_for_function(
        "document.getElementById('structure').dataset.drawn === 'C1CNCCNC1 + Boc2O'"
    )
    assert page.get_attribute("#structure", "data-species") == "SM mono bis"
    page.click("#run")
    page.wait_for_selector("#split tr[data-species=mono]", timeout=120_000)
    page.wait_for_selector("#plot .main-svg")
    shown = {
        tr.get_attribute("data-species"): float(tr.get_attribute("data-value"))
        for tr in page.query_selector_all("#split tbody tr")
    }
    api = httpx.post(
        server.url + "/api/simulate",
        json={
            "substrate": "C1CNCCNC1",
            "electrophile": "Boc2O",
            "eq": "1.0",
            "addition_time": "4 h",
            "feed_conc": "1 M",
            "conc": "0.2 M",
        },
        timeout=120,
    ).json()
    assert shown == api["split"]["fractions"]
    # one line per species in the time course
    assert page.locator("#plot .scatterlayer .trace").count() == 3
    assert "61.5 %" in page.inner_text("#split")  # the README's example: 61.5 % mono
    shot = Path(os.environ.get("MONOSELECT_SCREENSHOTS", tmp_path)) / "serve.png"
    page.screenshot(path=str(shot), full_page=True)  # README's docs/serve.png is made so
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 10_000


def _run_form_and_api(page, server, fields: dict, wait_for: str) -> dict:
    """Type ``fields`` into the Simulate form as a chemist would (selects picked, the
    details opened), run it, wait for ``wait_for``; the API's answer to the same fields."""
    page.goto(server.url + "/")
    page.click("details summary")
    for name, value in fields.items():
        if page.locator(f"select[name={name}]").count():
            page.select_option(f"select[name={name}]", value)
        else:
            page.fill(f"input[name={name}]", str(value))
    page.click("#run")
    page.wait_for_selector(wait_for, timeout=120_000)
    return httpx.post(server.url + "/api/simulate", json=fields, timeout=120).json()


def test_the_mixing_select_runs_the_feed_zone(page, server, tmp_path):
    """A chemist picks 'feed zone' for a fast acylation: the split shown is the engulfment
    run's, below the ideal-mixing one the API gives beside it."""
    fields = {**ACCL_ET3N, "feed_conc": "1 M", "mixing_model": "engulfment"}
    api = _run_form_and_api(page, server, fields, "#split tr[data-species=mono]")
    mono = float(page.get_attribute("#split tr[data-species=mono]", "data-value"))
    assert mono == pytest.approx(api["feed_zones"]["fractions"]["mono"], abs=1e-12)
    assert mono < api["ideal_split"]["fractions"]["mono"] - 0.1


def test_a_salt_given_a_solubility_precipitates_on_the_page(page, server):
    """Et3N.HCl crashing out of THF: the page shows the solid the API reports."""
    fields = {**ACCL_ET3N, "solvent": "THF", "solubility": "Et3N.HCl=5 mM"}
    row = "#precipitate tr[data-salt='Et3N.HCl']"
    api = _run_form_and_api(page, server, fields, row)
    shown = float(page.get_attribute(row, "data-mol"))
    assert shown == api["precipitate"]["Et3N.HCl"]["mol"]
    assert shown > 0.009  # most of the 10 mmol HCl released ends in the solid


def test_the_plot_library_loads_on_the_first_run_only(page, server):
    """The Plotly bundle is not fetched with the page (the form is ready at once); a Run
    fetches it once, and a second Run reuses it."""
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "plotly" in r.url else None)
    page.goto(server.url + "/")
    assert page.evaluate("typeof window.Plotly") == "undefined" and not fetched
    for _ in range(2):
        page.click("#run")
        page.wait_for_selector("#plot .main-svg", timeout=120_000)
    assert len(fetched) == 1


def test_a_plot_that_cannot_load_keeps_the_result(page, server):
    """No result is lost because a plot failed: without the plotting library the split and
    the ranking are shown, and the plot's place says why it is empty."""
    page.route("**/plotly-basic.min.js", lambda route: route.abort())
    page.goto(server.url + "/")
    page.click("#run")
    page.wait_for_selector("#split tr[data-species=mono]", timeout=120_000)
    page.wait_for_function("document.getElementById('plot').textContent.includes('not be drawn')")
    assert page.locator("#error").is_hidden()
    page.goto(server.url + "/compare")
    page.click("#run")
    page.wait_for_selector("#ranking tbody tr", timeout=120_000)
    page.wait_for_function("document.getElementById('plot').textContent.includes('not be drawn')")
    assert page.locator("#download").get_attribute("href").startswith("blob:")


def test_an_invalid_value_shows_the_field_and_the_fix(page, server):
    page.goto(server.url + "/")
    page.fill("input[name=eq]", "-1")
    page.click("#run")
    page.wait_for_selector("#error:not([hidden])")
    assert page.get_attribute("#error", "data-field") == "eq"
    assert "field: eq" in page.inner_text("#error")
    assert "bad" in page.get_attribute("input[name=eq]", "class")


def test_a_scenario_file_fills_the_form_and_runs(page, server):
    example = Path(__file__).resolve().parents[2] / "examples" / "cyclen_staged_feed.yaml"
    page.goto(server.url + "/")
    page.set_input_files("#scenario-file", str(example))
    page.wait_for_selector("#file-note:not([hidden])")
    assert "cyclen_staged_feed.yaml" in page.inner_text("#file-note")
    assert "feed" in page.inner_text("#file-note")  # no box for a staged feed: sent as is
    page.click("#run")
    page.wait_for_selector("#split tr[data-species=mono]", timeout=120_000)
    shown = {
        tr.get_attribute("data-species"): float(tr.get_attribute("data-value"))
        for tr in page.query_selector_all("#split tbody tr")
    }
    fields = httpx.post(
        server.url + "/api/scenario-file",
        files={"file": (example.name, example.read_bytes())},
        timeout=60,
    ).json()["scenario"]
    api = httpx.post(server.url + "/api/simulate", json=fields, timeout=120).json()
    assert shown == api["split"]["fractions"]


def test_compare_ranks_the_protocols(page, server, tmp_path):
    page.goto(server.url + "/compare")
    page.click("#run")
    page.wait_for_selector("#ranking tbody tr", timeout=120_000)
    page.wait_for_selector("#plot .main-svg")
    rows = page.query_selector_all("#ranking tbody tr")
    assert len(rows) >= 5
    assert rows[0].get_attribute("data-protocol")
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)


def test_compare_with_a_salt_that_crashes_out(page, server):
    """The solubility box reaches every protocol: the page's direct row is the API's, and
    SM.HCl crashing out of THF costs the direct run mono against all-dissolved."""
    page.goto(server.url + "/compare")
    page.fill("input[name=electrophile]", "AcCl")
    page.fill("input[name=solvent]", "THF")
    page.fill("input[name=solubility]", "SM.HCl=1 mM")
    page.click("#run")
    page.wait_for_selector("#ranking tbody tr[data-protocol=direct]", timeout=120_000)
    shown = float(page.get_attribute("#ranking tr[data-protocol=direct]", "data-mono"))
    body = {"substrate": "piperazine", "electrophile": "AcCl", "solvent": "THF"}
    salty = httpx.post(
        server.url + "/api/compare", json={**body, "solubility": "SM.HCl=1 mM"}, timeout=120
    ).json()
    plain = httpx.post(server.url + "/api/compare", json=body, timeout=120).json()

    def direct(answer):
        (row,) = [r for r in answer["ranking"] if r["protocol"] == "direct"]
        return row["mono_yield_on_substrate"]

    assert shown == direct(salty)
    assert direct(salty) < direct(plain) - 0.05


def test_the_api_docs_render_offline(page, server):
    page.goto(server.url + "/docs")
    page.wait_for_selector("#swagger-ui .opblock", timeout=30_000)
    assert page.locator(".opblock").count() >= 3


def test_the_structure_editor_loads_from_the_package(page, server, tmp_path):
    page.goto(server.url + "/")
    page.fill("input[name=substrate]", "C1CNCCN1")
    page.click("#draw")
    page.wait_for_function("window.monoselectEditor !== undefined", timeout=30_000)
    assert page.locator("#editor canvas").count() >= 1
    drawn = page.evaluate("window.monoselectEditor.editor.getMolecule().toSmiles()")
    same = page.evaluate("window.monoselectEditor.OCL.Molecule.fromSmiles('N1CCNCC1').toSmiles()")
    assert drawn == same  # the typed SMILES was loaded into the editor
    page.screenshot(path=str(tmp_path / "editor.png"))
    # a user's edit (a tool of the toolbar, then a click on the canvas) reaches the box and
    # the server's preview
    box = page.locator("#editor").bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 275)
    page.mouse.click(box["x"] + 232, box["y"] + 200)
    page.wait_for_function("document.querySelector('input[name=substrate]').value !== 'C1CNCCN1'")
    typed = page.input_value("input[name=substrate]")
    page.wait_for_function(
        """(typed) => document.getElementById('structure').dataset.drawn === typed + ' + Boc2O'
            || !document.getElementById('structure-error').hidden""",
        arg=typed,
    )
