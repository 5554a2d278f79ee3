"""One Result interface: every family and every registered protocol passes the same checks.

split() sums to 1 with yields in [0, 1]; to_dict() is strict JSON with the same leading
keys; the result renders itself to a console; and the scenario it records is the one that
ran (simulating it again gives the same split).
"""

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from rich.console import Console

from monoselect import Result, make_conditions, make_scenario, simulate
from monoselect.protocols import PROTOCOLS
from tests.strategies import site_scenarios

FAMILIES = {
    "site": dict(electrophile="Boc2O", acid="HCl", acid_eq=0.5, time="24 h"),
    "linker": dict(electrophile="1,4-dibromobutane", substrate_eq=3),
    "resin": dict(electrophile="Boc2O", eq=3, substrate_eq=3, resin={"sweep": False}),
    "reductive": dict(electrophile="benzaldehyde", reductive={"pre_time": "2 h"}),
    "mixing": dict(electrophile="AcCl", addition_time="1 h", mixing={"blobs": 3, "sweeps": False}),
}
KEYS = ["kind", "scenario", "split", "assumptions", "warnings", "provenance"]


def check(result: Result, kind: str) -> dict:
    split = result.split()
    assert sum(split.fractions.values()) == pytest.approx(1.0, abs=1e-9)
    assert all(0.0 <= v <= 1.0 for v in split.fractions.values())
    assert 0.0 <= split.mono_yield_on_substrate <= 1.0 + 1e-9
    assert split.mono_yield_on_electrophile >= 0.0
    data = result.to_dict()
    assert list(data)[: len(KEYS)] == KEYS and data["kind"] == kind
    text = json.dumps(data, allow_nan=False)  # strict JSON: no NaN, no Infinity
    assert json.loads(text)["split"]["fractions"] == pytest.approx(split.fractions)
    console = Console(file=io.StringIO(), width=100)
    console.print(result)
    assert result.scenario.substrate in console.file.getvalue()
    return data


def test_the_contract_covers_every_family():
    from monoselect.models import FAMILIES as REGISTERED

    assert set(FAMILIES) == set(REGISTERED)


@pytest.mark.parametrize("kind", FAMILIES)
def test_every_family_keeps_the_contract_and_records_what_ran(kind):
    result = simulate(make_scenario(**FAMILIES[kind]))
    assert result.kind == kind
    check(result, kind)
    again = simulate(result.scenario)
    assert again.split().fractions == pytest.approx(result.split().fractions, abs=1e-12)


def _conditions(name: str):
    el = {"linker": "1,4-dibromobutane", "reductive": "benzaldehyde"}
    kind = "linker" if name.startswith("linker") else "reductive" if "reductive" in name else ""
    return make_conditions(electrophile=el.get(kind, "Boc2O"), max_time="24 h")


@pytest.mark.parametrize("name", list(PROTOCOLS))
def test_every_registered_protocol_reports_through_the_result(name):
    p = PROTOCOLS[name].run(_conditions(name))
    check(p.result, p.result.kind)
    row = json.loads(json.dumps(p.to_dict(), allow_nan=False))
    assert row["protocol"] == name and row["run"]["kind"] == p.result.kind
    for key in ("mono_yield_on_substrate", "bis", "sm_left"):
        assert 0.0 <= row[key] <= 1.0
    rerun = simulate(p.result.scenario)  # the recorded scenario is what ran
    assert rerun.split().fractions == pytest.approx(p.split().fractions, abs=1e-12)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=site_scenarios(substrate="piperazine"))
def test_any_site_scenario_keeps_the_contract(fields):
    check(simulate(make_scenario(**fields)), "site")
