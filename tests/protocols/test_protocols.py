"""Protocols on one footing, and monoselect compare."""

import json

import numpy as np
import pytest

from monoselect import InvalidInput, final_split
from monoselect.comparison import compare
from monoselect.protocols import PROTOCOLS
from monoselect.protocols.base import make_conditions
from tests.conftest import run_cli

COND = make_conditions(substrate="1,4-diazepane", electrophile="Boc2O", max_time="24 h")


@pytest.fixture(scope="module")
def results():
    from monoselect.chem.molecules import resolve_electrophile
    from monoselect.protocols import applicable

    names = applicable(resolve_electrophile(COND.electrophile))
    return {name: PROTOCOLS[name].run(COND) for name in names}


def test_every_protocol_reports_the_same_schema(results):
    assert set(results) == {
        "direct",
        "excess",
        "slow_addition",
        "inverse",
        "hcl_salt",
        "protect",
        "resin",
    }
    for r in results.values():
        s = r.to_dict()
        for key in ("mono_yield_on_substrate", "mono_yield_on_electrophile", "bis", "sm_left"):
            assert 0.0 <= s[key] <= 1.0
        if r.result.kind == "site" and r.steps == 1:
            assert max(r.result.balance().values()) < 1e-9
            assert len(r.curve_eq) == len(r.curve_mono_yield) > 0
        if r.yields is None:
            assert r.mono_yield_on_substrate + r.bis + r.sm_left == pytest.approx(1.0, abs=1e-9)


def test_excess_diamine_matches_the_closed_form(results):
    r = results["excess"]
    net = r.result.table.network
    kappa = net.k[1] / net.k[0]
    _, mono, _ = final_split(1.0 / 5.0, kappa)  # 1 eq electrophile on 5 eq diamine
    assert r.mono_yield_on_electrophile == pytest.approx(mono * 5.0, abs=1e-6)
    assert r.excess_to_recover_g == pytest.approx(
        r.substrate_left_mmol * 1e-3 * r.result.table.species[0].mw
    )


def test_slow_addition_gains_only_through_the_excess_present(results):
    """SCIENCE.md section 2: under ideal mixing the addition rate cannot change the split."""
    extra = results["slow_addition"].extra
    assert abs(extra["gain_from_rate"]) < 1e-5
    assert extra["gain_from_excess"] > 0.1


def test_curves_of_one_portion_protocols_coincide_per_diamine_equivalent(results):
    """Time elimination again: direct, excess and slow addition lie on one curve where the
    runs finish (the dilute 4 h feed of 3-4 eq Boc2O is not done within 24 h, so beyond
    1.2 eq per diamine it stays above the curve)."""
    direct = np.array(results["direct"].curve_mono_yield)
    done = np.array(results["direct"].curve_eq) <= 1.2
    assert np.allclose(results["excess"].curve_mono_yield, direct, atol=1e-5)
    assert np.allclose(
        np.array(results["slow_addition"].curve_mono_yield)[done], direct[done], atol=1e-5
    )


def test_hcl_salt_beats_direct_for_boc2o_and_reports_the_salt(results):
    salt, direct = results["hcl_salt"], results["direct"]
    assert salt.mono_yield_on_substrate > direct.mono_yield_on_substrate
    assert salt.bis < direct.bis
    assert "monocation" in salt.notes[0]


def test_protect_first_multiplies_the_step_yields(results):
    r = results["protect"]
    y1, y2, y3 = r.extra["step_yields"]
    assert r.overall_yield == pytest.approx(y1 * y2 * y3)
    assert r.mono_yield_on_substrate == r.overall_yield and r.steps == 3
    assert y2 > 0.99  # one free N left: nothing to over-react


def test_hcl_salt_with_an_alkylating_agent_and_no_base_runs_and_says_why():
    cond = make_conditions(electrophile="BnBr", max_time="24 h")
    r = PROTOCOLS["hcl_salt"].run(cond)
    assert any("releases HBr" in n and "protonates" in n for n in r.notes)
    assert r.result.outcome.electrophile_left > 0.1


def test_bad_protocol_input_names_the_field():
    with pytest.raises(InvalidInput, match=r"excess\.substrate_eq"):
        PROTOCOLS["excess"].run(COND, {"substrate_eq": 0.5})
    with pytest.raises(InvalidInput, match="field: protocols"):
        compare(COND, ["direct", "sideways"])
    with pytest.raises(InvalidInput, match="field: max_substrate_eq"):
        PROTOCOLS["excess"].run(make_conditions(max_substrate_eq=1.0))
    with pytest.raises(InvalidInput, match="field: eq"):
        make_conditions(eq=-1)


def test_compare_ranks_and_parallel_equals_serial():
    names = ["direct", "excess", "hcl_salt"]
    serial = compare(COND, names, processes=1)
    parallel = compare(COND, names, processes=2)
    ys = [r.ranking_yield("substrate") for r in serial.ranked]
    assert ys == sorted(ys, reverse=True)
    assert [r.name for r in serial.ranked] == [r.name for r in parallel.ranked]
    for a, b in zip(serial.ranked, parallel.ranked, strict=True):
        # workers may run separately compiled code (cache vs fresh JIT): round-off only
        assert a.mono_yield_on_substrate == pytest.approx(b.mono_yield_on_substrate, rel=1e-12)
    by_e = compare(make_conditions(precious="electrophile"), names, processes=1)
    assert by_e.ranked[0].name == "excess"


def test_compare_cli_file_json_and_plot(tmp_path):
    spec = tmp_path / "cmp.yaml"
    spec.write_text(
        "substrate: piperazine\nelectrophile: AcCl\nmax_time: 6 h\n"
        "protocols: [direct, hcl_salt, slow_addition]\n"
        "params:\n  slow_addition: {addition_time: 2 h, substrate_eq: 3}\n"
    )
    plot = tmp_path / "cmp.png"
    proc = run_cli("compare", str(spec), "--json", "--plot", str(plot))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {r["protocol"] for r in data["ranking"]} == {"direct", "hcl_salt", "slow_addition"}
    slow = next(r for r in data["ranking"] if r["protocol"] == "slow_addition")
    ran = slow["run"]["scenario"]
    assert ran["substrate_eq"] == 3 and ran["addition_time_s"] == 7200
    assert plot.stat().st_size > 20_000
    bad = run_cli("compare", "--protocol", "sideways")
    assert bad.returncode == 2 and "field: protocols" in bad.stderr


def test_hcl_salt_summary_carries_the_speciation(results):
    spec = results["hcl_salt"].to_dict()["extra"]["speciation"]
    start = spec["SM"]["start"]
    assert start["1H+"] > 0.95 and sum(start.values()) == pytest.approx(1.0)
    assert "extra" not in results["direct"].to_dict()  # Boc2O, no acid: no pool


def test_compare_covers_reductive_amination_and_resin():
    cond = make_conditions(electrophile="benzaldehyde")
    result = compare(cond, processes=1)  # an aldehyde: both reductive modes, no resin
    assert {r.name for r in result.ranked} == {"reductive_one_pot", "reductive_preformed"}
    resin = PROTOCOLS["resin"].run(COND)
    assert resin.bis == 0.0  # one N is bound: no bis on the bead
    assert resin.result.point.purity > 0.7
    with pytest.raises(InvalidInput, match="does not apply"):
        PROTOCOLS["reductive_one_pot"].run(COND)
    with pytest.raises(InvalidInput, match="does not apply"):
        PROTOCOLS["resin"].run(cond)  # reductive amination on the bead is not modelled


def test_the_progress_bar_appears_only_for_a_slow_run():
    """A compare that ends within the delay never makes a bar (nor imports rich.progress for
    it); one that takes longer shows the bar with what is done so far."""
    import time

    from monoselect.comparison import DelayedProgress

    with DelayedProgress(3, delay=30.0) as fast:
        fast(3, 3)
    assert fast.bar is None and not fast.shown
    with DelayedProgress(3, delay=0.01) as slow:
        slow(1, 3)
        deadline = time.monotonic() + 5
        while not slow.shown and time.monotonic() < deadline:
            time.sleep(0.01)
        assert slow.shown
        assert slow.bar.tasks[0].completed == 1
        slow(2, 3)
        assert slow.bar.tasks[0].completed == 2
