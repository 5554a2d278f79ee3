"""A protic solvent consuming the electrophile: exact limits, conservation of units and
protons with it included, the acid it releases, and the cases chemists name (AcCl meets the
methanol of HCl-in-MeOH; Boc2O in MeOH is slow)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from monoselect import make_scenario, simulate


def _run(**kw):
    return simulate(make_scenario(**{"electrophile": "AcCl", "solvent": "MeOH", **kw}))


def test_a_vanishing_solvolysis_tends_to_none():
    off = _run(solvolysis=0)
    tiny = _run(solvolysis=1e-15)
    assert off.details()["electrophile_solvolysed"] == 0.0
    a, b = off.split().fractions, tiny.split().fractions
    assert all(abs(a[k] - b[k]) < 1e-9 for k in a)


def test_an_overwhelming_solvolysis_leaves_no_product_and_its_hcl_on_the_amine():
    r = _run(solvolysis=1e6, eq=1.0)
    assert r.details()["electrophile_solvolysed"] > 0.999
    assert r.split().fractions["SM"] > 0.999
    # 1 eq of HCl released into the pool: the diamine carries one proton on average
    o = r.outcome
    p = o.protonation(0)[-1]
    assert float(p @ np.arange(p.size)) == pytest.approx(1.0, abs=1e-3)


@given(
    k1=st.floats(1e-6, 1e3),
    eq=st.floats(0.2, 2.0),
    hours=st.sampled_from([0.0, 1.0]),
    base=st.sampled_from([0.0, 1.5]),
)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_units_and_protons_balance_to_1e_9_with_solvolysis(k1, eq, hours, base):
    kw = dict(solvolysis=k1, eq=eq, addition_time=f"{hours} h", feed_conc="1 M")
    if base:
        kw.update(base="Et3N", base_eq=base)
    r = _run(**kw)
    bal = r.outcome.balance_residuals(r.problem)
    assert max(bal.values()) < 1e-9
    lost = r.details()["electrophile_solvolysed"]
    assert 0.0 <= lost <= 1.0
    used = r.outcome.by_degree(1) + 2 * r.outcome.by_degree(2)
    assert used / r.outcome.electrophile_charged + lost + r.outcome.electrophile_left == (
        pytest.approx(1.0, abs=1e-9)
    )


def test_acetyl_chloride_meets_the_methanol_of_hcl_in_methanol():
    """The mono-HCl salt charged as HCl in MeOH: the protonated diamine reacts slowly, and
    the methanol the acid solution brings takes a large share of the AcCl."""
    r = simulate(make_scenario(electrophile="AcCl", acid="HCl in MeOH", acid_eq=1.0, time="24 h"))
    lost = r.details()["electrophile_solvolysed"]
    assert lost > 0.2
    assert any("consumed by MeOH" in w for w in r.warnings)
    dry = simulate(make_scenario(electrophile="AcCl", acid="HCl", acid_eq=1.0, time="24 h"))
    assert dry.details()["electrophile_solvolysed"] == 0.0  # HCl in dioxane: aprotic


def test_boc2o_in_methanol_is_barely_touched_and_a_faster_agent_loses_more():
    boc = simulate(make_scenario(electrophile="Boc2O", solvent="MeOH"))
    assert boc.details()["electrophile_solvolysed"] < 1e-3
    ac2o = simulate(make_scenario(electrophile="Ac2O", solvent="MeOH", eq=1.0))
    accl = _run(eq=1.0)
    assert 0 < ac2o.details()["electrophile_solvolysed"] < accl.details()["electrophile_solvolysed"]


def test_an_aprotic_solvent_consumes_nothing_and_says_nothing():
    r = simulate(make_scenario(electrophile="AcCl", solvent="DCM"))
    assert r.details()["electrophile_solvolysed"] == 0.0
    assert not any("solvolysis" in a for a in r.assumptions)


def test_only_the_acid_solution_brings_methanol_not_the_base():
    plain = simulate(make_scenario(electrophile="AcCl", acid="HCl in MeOH", acid_eq=1.0))
    based = simulate(
        make_scenario(electrophile="AcCl", acid="HCl in MeOH", acid_eq=1.0, base="Et3N", base_eq=1)
    )
    # 10 mmol HCl as 1.25 M: 8.0 mL of methanol, whatever base is added
    assert plain.problem.solvolysis.solvent == pytest.approx(based.problem.solvolysis.solvent)
    assert plain.problem.solvolysis.solvent == pytest.approx(0.008 * 791.4 / 32.04, rel=0.01)
