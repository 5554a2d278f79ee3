"""Solid phase: unit accounting, pseudo-dilution by loading, and the CLI."""

import json

import pytest

from monoselect import InvalidInput, make_scenario, simulate
from monoselect.kinetics.resin import simulate_resin
from tests.conftest import run_cli

BASE = dict(resin_g=1.0, swelling=5.0, k_load=0.1, load_time=7200.0, k_el=1e-3, react_time=86400.0)


@pytest.mark.parametrize("linker", [False, True])
def test_every_bound_diamine_comes_back_once(linker):
    run = simulate_resin(
        loading=1.2,
        diamine=3.6e-3,
        solution_volume=7.2e-3,
        electrophile=3.6e-3,
        electrophile_volume=0.012,
        linker=linker,
        **BASE,
    )
    bound = run.loaded + run.cross_linked
    assert run.loaded + 2 * run.cross_linked <= run.sites * (1 + 1e-12)
    released_units = run.released_product + 2 * run.released_bridged + run.released_diamine
    assert released_units == pytest.approx(bound, rel=1e-9)
    assert run.diamine_in_solution + bound == pytest.approx(3.6e-3, rel=1e-9)
    if not linker:
        assert run.released_bridged == 0.0


def resin_run(electrophile="Boc2O", diamine_eq=3.0, sweep=True, **resin):
    """The resin command's defaults: 1 g resin, 3 eq diamine and electrophile per site."""
    return simulate(
        make_scenario(
            electrophile=electrophile,
            eq=3.0,
            substrate_eq=diamine_eq,
            conc="0.3 M",
            resin={"mass": "1 g", "sweep": sweep, **resin},
        )
    )


def test_lower_loading_isolates_sites_better():
    """Site isolation is pseudo-dilution: fewer cross-links and bridges at lower loading."""
    r = resin_run(electrophile="1,4-dibromobutane")
    xl = [p.cross_linked for p in r.sweep]
    bridged_share = [p.bridged / (p.product + p.bridged) for p in r.sweep]
    purity = [p.purity for p in r.sweep]
    assert xl == sorted(xl) and bridged_share == sorted(bridged_share)
    assert purity == sorted(purity, reverse=True)
    assert bridged_share[-1] > 0.1  # at 1.6 mmol/g the beads are not isolating


def test_more_diamine_in_the_loading_step_suppresses_cross_links():
    few = resin_run(diamine_eq=1.0, sweep=False).point.cross_linked
    many = resin_run(diamine_eq=10.0, sweep=False).point.cross_linked
    assert many < few


def test_resin_bad_input_and_cli():
    with pytest.raises(InvalidInput, match="field: substrate_eq"):
        resin_run(diamine_eq=0.0)
    with pytest.raises(InvalidInput, match=r"field: resin\.loading"):
        resin_run(loading="1.2 mL")
    with pytest.raises(InvalidInput, match="field: addition_time"):
        simulate(make_scenario(addition_time="1 h", resin={}))
    proc = run_cli("resin", "--loading", "0.5 mmol/g", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["result"]["loading"] == pytest.approx(0.5) and len(data["loading_sweep"]) == 5
    assert data["resin_g"] == pytest.approx(1.0) and data["scenario"]["eq"] == 3.0
    assert sum(data["split"]["fractions"].values()) == pytest.approx(1.0)
