"""Solid phase: unit accounting, pseudo-dilution by loading, and the CLI."""

import json
import subprocess
import sys

import pytest

from monoselect import InvalidInput
from monoselect.kinetics.resin import simulate_resin
from monoselect.resin import resin_run

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
    with pytest.raises(InvalidInput, match="field: diamine_eq"):
        resin_run(diamine_eq=0.0)
    with pytest.raises(InvalidInput, match="field: loading"):
        resin_run(loading="1.2 mL")
    proc = subprocess.run(
        [sys.executable, "-m", "monoselect", "resin", "--loading", "0.5 mmol/g", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["result"]["loading"] == pytest.approx(0.5) and len(data["loading_sweep"]) == 5
