"""The site kernels compiled ahead of time (kinetics/aot.py): the same numbers as the JIT
ones, a fallback whenever they cannot serve, and a start-up without numba."""

import shutil
import subprocess
import sys

import numpy as np
import pytest

from monoselect import make_scenario, simulate
from monoselect.kinetics import aot, simulate as sim
from tests.strategies import ACCL_ET3N

pytestmark = pytest.mark.skipif(
    shutil.which("cc") is None and shutil.which("gcc") is None,
    reason="no C compiler: the ahead-of-time kernels cannot be built here (the JIT serves)",
)

CASES = {
    "HCl salt, Boc2O (proton pool)": dict(acid="HCl", acid_eq=1.0, time="24 h"),
    "Boc2O fed over 4 h (no protons)": dict(addition_time="4 h"),
    "AcCl, Et3N, in MeOH (solvolysis)": dict(electrophile="AcCl", base="Et3N", base_eq=1.2,
                                            solvent="MeOH", addition_time="1 h"),
    "AcCl, Et3N.HCl crashing out of THF": {**ACCL_ET3N, "solvent": "THF",
                                           "solubility": "Et3N.HCl=5 mM"},
    "inverse, staged": dict(mode="inverse", feed=[{"eq": 0.5, "time": "1 h"},
                                                  {"eq": 0.5, "time": "2 h"}]),
}  # fmt: skip


@pytest.fixture(scope="module")
def built():
    aot.build()  # a minute the first time; the cache keeps it
    missing = [name for name in aot.EXPORTS if aot.kernel(name) is None]
    assert not missing, missing


@pytest.mark.parametrize("kw", CASES.values(), ids=CASES.keys())
def test_the_compiled_kernels_give_the_jit_numbers(built, kw, monkeypatch):
    """Every run through the ahead-of-time kernels equals the JIT run: split, time course,
    speciation, precipitate.

    To 1e-9 of the charge, not bit for bit: both are built with fastmath (reassociation), so
    a JIT compiled in this process orders some sums differently from the module built in
    another, and the proton balance's one-Newton-step shortcut (error <= 1e-8 in ln[H+]) can
    fall on either side of its threshold. A wrong kernel would differ by far more.
    """
    scenario = make_scenario(**kw)
    ahead = simulate(scenario)
    monkeypatch.setattr(aot, "kernel", lambda name: None)
    jit = simulate(scenario)
    charge = float(jit.outcome.amounts.sum(axis=1).max())  # mol of diamine units
    tol = 1e-9 * charge
    np.testing.assert_allclose(ahead.outcome.amounts[-1], jit.outcome.amounts[-1], rtol=0, atol=tol)
    if ahead.outcome.time.shape == jit.outcome.time.shape:  # the same steps: every state
        np.testing.assert_allclose(ahead.outcome.time, jit.outcome.time, rtol=1e-9)
        np.testing.assert_allclose(ahead.outcome.amounts, jit.outcome.amounts, rtol=0, atol=tol)
    np.testing.assert_allclose(
        ahead.outcome.state_fractions[-1], jit.outcome.state_fractions[-1], rtol=0, atol=1e-8
    )
    assert ahead.outcome.precipitate() == pytest.approx(jit.outcome.precipitate(), abs=tol)


@pytest.mark.parametrize("electrophile", ["1,4-dibromobutane", "benzaldehyde"])
def test_the_compiled_mass_action_kernel_gives_the_jit_numbers(built, electrophile, monkeypatch):
    """The linker and reductive families through ``solve_staged`` built ahead of time."""
    fed = {"addition_time": "2 h"} if electrophile != "benzaldehyde" else {}  # one portion
    scenario = make_scenario(electrophile=electrophile, **fed)
    ahead = simulate(scenario).split().fractions
    monkeypatch.setattr(aot, "kernel", lambda name: None)
    jit = simulate(scenario).split().fractions
    assert ahead == pytest.approx(jit, abs=1e-9)


def test_a_small_sweep_in_the_compiled_serial_loop_equals_the_threaded_jit(built, monkeypatch):
    from monoselect.models import site

    scenario = make_scenario(acid="HCl", acid_eq=1.0, time="24 h")
    eqs = np.linspace(0.5, 1.5, 7)
    assert eqs.size <= sim.SERIAL_SWEEP
    ahead = site.sweep_equivalents(scenario, eqs)
    monkeypatch.setattr(aot, "kernel", lambda name: None)
    jit = site.sweep_equivalents(scenario, eqs)
    charge = float(jit.species[0].sum())  # mol of diamine units (one condition)
    # to 1e-9 of it, as the single runs above (two builds may order fast-math sums apart)
    np.testing.assert_allclose(ahead.species, jit.species, rtol=0, atol=1e-9 * charge)
    assert ahead.status.tolist() == jit.status.tolist() == [0] * 7


def test_arrays_the_kernels_were_not_built_for_go_to_the_jit():
    """The compiled wrapper trusts dtype and layout: anything else never reaches it."""
    from monoselect.models import site

    scenario = make_scenario(acid="HCl", acid_eq=1.0)
    table, _, _ = site.scenario_table(scenario)
    problem, _ = site.build_problem(scenario, table.network, table.electrophile)
    y0, sysm, ends, feeds, *_ = sim._arrays(problem)
    assert aot.conforms(sysm, y0, ends, feeds)
    assert not aot.conforms(sysm, np.asfortranarray(np.ones((3, 2))))
    assert not aot.conforms(sysm._replace(reactant=sysm.reactant.astype(np.int32)), y0)
    assert not aot.conforms(sysm, y0[::2])


def test_a_failed_build_is_said_once_and_leaves_the_jit_in_charge(tmp_path, monkeypatch):
    monkeypatch.setattr(aot, "folder", lambda: tmp_path)
    monkeypatch.setattr(aot, "kernel", lambda name: None)

    def no_compiler():
        raise OSError("no C compiler")

    monkeypatch.setattr(aot, "build", no_compiler)
    said = []
    assert aot.missing()
    aot.build_once(said.append)
    assert "not possible here (OSError)" in said[-1]
    assert "no C compiler" in (tmp_path / "failed").read_text()
    assert not aot.missing()  # never tried again


def test_a_comparison_starts_without_numba_once_the_kernels_are_built(built):
    """Site, linker and reductive families alike."""
    code = (
        "import sys\n"
        "from monoselect import compare, make_conditions\n"
        "for electrophile in ('Boc2O', '1,4-dibromobutane', 'benzaldehyde'):\n"
        "    c = compare(make_conditions(electrophile=electrophile))\n"
        "    assert c.ranked and not c.failed, c\n"
        "print('numba' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
