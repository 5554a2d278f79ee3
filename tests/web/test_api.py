"""The JSON API against a real server on 127.0.0.1: the same JSON as the command line,
errors that name the field, and the limits (body size, requests per minute, compute time)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.conftest import run_cli
from tests.web.conftest import Server, first_difference, same_json

BODY = {"substrate": "piperazine", "electrophile": "Boc2O", "eq": "1.1", "addition_time": "2 h"}


def test_simulate_returns_exactly_the_cli_json(client):
    api = client.post("/api/simulate", json=BODY)
    assert api.status_code == 200
    cli = run_cli(
        "simulate",
        "--substrate=piperazine",
        "--electrophile=Boc2O",
        "--eq=1.1",
        "--addition-time=2 h",
        "--json",
    )
    assert cli.returncode == 0
    assert same_json(api.json(), json.loads(cli.stdout)), first_difference(
        api.json(), json.loads(cli.stdout)
    )
    split = api.json()["split"]["fractions"]
    assert sum(split.values()) == pytest.approx(1.0)


def test_the_feed_zone_run_is_the_same_on_the_page_and_the_command_line(client):
    """The page's mixing select sends mixing_model; its split is the engulfment run's."""
    body = {
        "substrate": "piperazine", "electrophile": "AcCl", "base": "Et3N", "base_eq": "1.2",
        "addition_time": "1 h", "feed_conc": "1 M", "mixing_model": "engulfment",
    }  # fmt: skip
    api = client.post("/api/simulate", json=body)
    assert api.status_code == 200, api.text
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in body.items()]
    cli = run_cli("simulate", *flags, "--json")
    assert cli.returncode == 0, cli.stderr
    assert same_json(api.json(), json.loads(cli.stdout)), first_difference(
        api.json(), json.loads(cli.stdout)
    )
    data = api.json()
    assert data["split"]["fractions"]["mono"] == pytest.approx(
        data["feed_zones"]["fractions"]["mono"]
    )
    assert data["split"]["fractions"]["mono"] < data["ideal_split"]["fractions"]["mono"] - 0.1


def test_compare_returns_exactly_the_cli_json(client):
    body = {"substrate": "piperazine", "electrophile": "Boc2O", "protocols": ["direct", "excess"]}
    api = client.post("/api/compare", json=body)
    assert api.status_code == 200
    cli = run_cli(
        "compare",
        "--substrate=piperazine",
        "--electrophile=Boc2O",
        "--protocol=direct",
        "--protocol=excess",
        "--json",
    )
    assert same_json(api.json(), json.loads(cli.stdout)), first_difference(
        api.json(), json.loads(cli.stdout)
    )
    assert {r["protocol"] for r in api.json()["ranking"]} == {"direct", "excess"}


@pytest.mark.parametrize(
    ("path", "body", "field", "in_fix"),
    [
        ("/api/simulate", {"eq": "fast"}, "eq", None),
        ("/api/simulate", {"eq": -1}, "eq", None),
        ("/api/simulate", {"eqq": 1}, "eqq", "did you mean eq"),
        ("/api/simulate", {"substrate": "C1CC(N"}, "substrate", None),
        ("/api/simulate", {"conc": "3 h"}, "conc", None),
        ("/api/compare", {"protocols": ["teleport"]}, "protocols", "choose from"),
        ("/api/compare", {"processes": 8}, "processes", None),
        ("/api/structure", {"substrate": "CCO"}, "substrate", None),
    ],
)
def test_invalid_input_is_422_naming_the_field(client, path, body, field, in_fix):
    r = client.post(path, json=body)
    assert r.status_code == 422, r.text
    err = r.json()
    assert err["field"] == field
    assert f"(field: {field})" in err["error"]
    if in_fix:
        assert in_fix in err["fix"]


def test_a_body_that_is_not_a_json_object_is_422_on_body(client):
    r = client.post("/api/simulate", content=b"eq=1", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["field"] == "body"
    r = client.post("/api/simulate", json=[1, 2])
    assert r.status_code == 422
    deep = b"[" * 100_000 + b"]" * 100_000
    r = client.post("/api/simulate", content=deep, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["field"] == "body"


def test_no_file_paths_are_read_from_users(client):
    """A path is only ever a name to look up: nothing is opened."""
    for text in ("/etc/passwd", "../../examples/diazepane_boc_slow_addition.yaml"):
        r = client.post("/api/simulate", json={"substrate": text})
        assert r.status_code == 422
        assert r.json()["field"] == "substrate"
        assert "root:" not in r.text


def test_oversized_body_is_413_before_it_is_read(client):
    big = {"substrate": "piperazine", "pad": "x" * 300_000}
    r = client.post("/api/simulate", json=big)
    assert r.status_code == 413
    assert r.json()["field"] == "body"


def test_oversized_streamed_body_without_length_is_413(server):
    def chunks():
        for _ in range(40):
            yield b" " * 10_000

    r = httpx.post(
        server.url + "/api/simulate",
        content=chunks(),
        headers={"content-type": "application/json"},
        timeout=60,
    )
    assert r.status_code == 413


def test_structure_is_an_svg_of_the_substrate_and_its_products(client):
    r = client.post("/api/structure", json={"substrate": "C1CNCCN1", "electrophile": "AcCl"})
    assert r.status_code == 200
    data = r.json()
    assert data["svg"].lstrip().startswith("<?xml") and "<svg" in data["svg"]
    assert [s["label"] for s in data["species"]] == ["SM", "mono", "bis"]
    assert data["species"][0]["formula"] == "C4H10N2"


def test_pages_and_assets_are_served_from_this_machine(client):
    for path in ("/", "/compare", "/docs"):
        page = client.get(path)
        assert page.status_code == 200
        assert "http://" not in page.text and "https://" not in page.text, path
    js = client.get("/static/vendor/plotly-basic.min.js")
    assert js.status_code == 200 and b"plotly.js (basic - minified) v" in js.content[:200]
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"):
        assert client.get(f"/docs-assets/{asset}").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/api/simulate", "/api/compare", "/api/structure"} <= set(spec["paths"])


def test_progress_of_an_unknown_job_is_404_and_a_bad_job_id_is_422(client):
    assert client.get("/api/progress/nosuchjob123").status_code == 404
    r = client.post("/api/simulate?job=a b", json={})
    assert r.status_code == 422 and r.json()["field"] == "job"


@pytest.fixture(scope="module")
def strict_server():
    """Five API requests a minute: the limit, reachable in a test. Compute is not what this
    server tests: its limit stays far above a structure drawing on a busy machine (the
    compute limit has its own server below)."""
    s = Server("--rate-limit", "5", "--compute-seconds", "30", "--workers", "1")
    yield s
    s.stop()


def test_requests_past_the_rate_limit_are_429_and_pages_are_not_counted(strict_server):
    # the fixture's warm-up used one token
    with httpx.Client(base_url=strict_server.url, timeout=60) as c:
        codes = [c.post("/api/structure", json={}).status_code for _ in range(6)]
        assert codes[:4] == [200] * 4
        assert codes[-1] == 429
        refused = c.post("/api/structure", json={})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert "per minute" in refused.json()["error"]
        assert c.get("/").status_code == 200  # the page itself still loads


@pytest.fixture(scope="module")
def short_compute_server():
    """0.05 s of compute per request, and a rate limit the test cannot hit (the rate test
    above has spent the strict server's tokens)."""
    s = Server("--rate-limit", "100000", "--compute-seconds", "0.05", "--workers", "1")
    yield s
    s.stop()


def test_a_run_past_the_compute_limit_is_504_and_the_server_recovers(short_compute_server):
    slow = {"electrophile": "1,4-dibromobutane", "eq": 0.731, "linker": {"cap": 40}}
    r = httpx.post(short_compute_server.url + "/api/simulate", json=slow, timeout=60)
    assert r.status_code == 504
    assert "was stopped" in r.json()["error"]
    assert httpx.get(short_compute_server.url + "/api/health").status_code == 200


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_an_uploaded_scenario_file_is_read_as_the_cli_reads_it(client):
    path = EXAMPLES / "diazepane_boc_slow_addition.yaml"
    r = client.post("/api/scenario-file", files={"file": (path.name, path.read_bytes())})
    assert r.status_code == 200
    fields = r.json()["scenario"]
    assert fields["substrate"] == "1,4-diazepane" and fields["addition_time"] == "4 h"
    run = client.post("/api/simulate", json=fields).json()
    cli = json.loads(run_cli("simulate", str(path), "--json").stdout)
    assert same_json(run, cli), first_difference(run, cli)


@pytest.mark.parametrize(
    ("name", "content", "field", "says"),
    [
        ("twice.yaml", b"eq: 1\neq: 2\n", "scenario", "'eq' is given twice"),
        ("bad.json", b'{"eq": ', "scenario", "cannot read bad.json"),
        ("typo.yaml", b"eqq: 1\n", "eqq", "not a scenario field"),
        ("notes.txt", b"eq: 1\n", "file", "not a scenario file"),
        ("../../etc/passwd", b"eq: 1\n", "file", "passwd is not a scenario file"),
    ],
)
def test_a_bad_upload_is_422_naming_the_upload_not_a_server_path(
    client, name, content, field, says
):
    r = client.post("/api/scenario-file", files={"file": (name, content)})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert says in r.json()["error"]
    assert "monoselect-upload" not in r.text and "/tmp" not in r.text


def test_progress_is_reported_while_a_comparison_runs(server):
    """The page polls this to say how many protocols are done; gone once the answer is in."""
    import random
    import threading

    job = f"test{random.randrange(10**12)}"
    answer = {}

    def run():
        body = {"substrate": "1,4-diazepane", "eq": round(random.uniform(0.9, 1.3), 6)}
        answer["r"] = httpx.post(f"{server.url}/api/compare?job={job}", json=body, timeout=120)

    seen = []
    thread = threading.Thread(target=run)
    thread.start()
    with httpx.Client(base_url=server.url) as c:
        while thread.is_alive():
            r = c.get(f"/api/progress/{job}")
            if r.status_code == 200:
                seen.append(r.json())
    thread.join()
    assert answer["r"].status_code == 200
    assert seen, "no progress was seen while the comparison ran"
    assert all(0 <= p["done"] <= p["total"] or p["total"] == 0 for p in seen)
    assert seen[-1]["elapsed_s"] >= 0
    assert httpx.get(f"{server.url}/api/progress/{job}").status_code == 404
