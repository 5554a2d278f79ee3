"""Reductive amination: both modes, conservation, limits, and bad input."""

import json

import numpy as np
import pytest

from monoselect import InvalidInput, UnknownReagent, make_scenario, simulate
from monoselect.kinetics.reductive import ReductiveRates, after_workup, simulate_reductive
from tests.conftest import run_cli


def test_units_balance_in_both_modes():
    r = ReductiveRates(k_form=1.0, k_back=0.1, k_red=10.0, k_ald=1.0)
    for at in (0.0, 3600.0):
        _, y = simulate_reductive(
            r,
            amine=0.01,
            aldehyde=0.012,
            hydride=0.015,
            volume=0.05,
            hydride_at=at,
            t_end=at + 86400,
        )
        assert np.allclose(y[:, :6].sum(axis=1), 0.01, rtol=1e-9)
        bound = y[:, [1, 2, 3, 4, 5]] @ np.array([1, 1, 2, 2, 2])  # aldehyde units on N
        assert np.allclose(bound + y[:, 6] + y[:, 8], 0.012, rtol=1e-9)
        assert np.all(y > -1e-14)


def test_fast_selective_reduction_gives_the_statistical_split():
    """Independent sites, no waste: 1 eq aldehyde ends as 1 : 2 : 1 (SCIENCE.md section 2)."""
    r = ReductiveRates(k_form=10.0, k_back=0.0, k_red=100.0, k_ald=0.0)
    _, y = simulate_reductive(
        r, amine=0.01, aldehyde=0.01, hydride=0.02, volume=0.05, hydride_at=0.0, t_end=86400
    )
    split = after_workup(y[-1])
    assert split["mono"] == pytest.approx(0.5, abs=1e-6)
    assert split["bis"] == pytest.approx(0.25, abs=1e-6)


def _run(hydride: str, pre_time: str = "0 h", **kw):
    spec = {"hydride": hydride, "pre_time": pre_time, **kw}
    return simulate(make_scenario(electrophile="benzaldehyde", reductive=spec))


def test_pre_forming_the_imine_saves_aldehyde_with_an_unselective_hydride():
    one_pot, pre = _run("NaBH4"), _run("NaBH4", "2 h", dehydrating=True)
    assert one_pot.alcohol > 0.2 > pre.alcohol
    assert pre.split()["mono"] > one_pot.split()["mono"]
    stab = [_run("NaBH(OAc)3"), _run("NaBH(OAc)3", "2 h", dehydrating=True)]
    assert abs(stab[0].split()["mono"] - stab[1].split()["mono"]) < 0.01


def test_an_aldehyde_without_hydride_options_is_run_as_reductive_amination():
    r = simulate(make_scenario(electrophile="benzaldehyde"))
    assert r.kind == "reductive" and "NaBH(OAc)3" in r.assumptions[0]


def test_bad_reductive_input_names_the_field():
    with pytest.raises(UnknownReagent, match=r"field: reductive\.hydride"):
        _run("LiAlH4")
    with pytest.raises(InvalidInput, match="field: reductive"):
        simulate(make_scenario(electrophile="glutaraldehyde", reductive={}))
    with pytest.raises(InvalidInput, match="field: reductive"):
        simulate(make_scenario(electrophile="Boc2O", reductive={}))


def test_reductive_cli_json():
    proc = run_cli("reductive", "--hydride", "NaBH4", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["kind"] == "reductive" and data["mode"] == "one pot"
    assert data["alcohol_fraction_of_aldehyde"] > 0.2
    assert [s["label"] for s in data["species"]] == ["SM", "mono", "bis"]
