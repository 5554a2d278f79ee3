"""Per-reagent rates and steric factors in the site model: time scales and regioisomers."""

import pytest

from monoselect import simulate
from monoselect.errors import InvalidInput
from monoselect.scenario import make_scenario


def run(**fields):
    return simulate(make_scenario(**fields))


def fractions(**fields):
    return run(**fields).outcome.final_fractions


TSCL = dict(substrate="2-methylpiperazine", electrophile="TsCl", base="DIPEA", base_eq=1.2)


def test_2_methylpiperazine_goes_mainly_to_the_unhindered_n4_with_the_factor_shown():
    result = run(**TSCL)
    f = result.outcome.final_fractions
    assert f["mono-N4"] > 3 * f["mono-N1"]
    steric = [p for p in result.provenance if p.quantity == "steric factor"]
    assert steric and "N1 x0.2 (1 alpha substituent)" in steric[0].value
    assert "assumed" in steric[0].origin
    assert any("steric" in a for a in result.assumptions)


def test_boc_is_more_selective_for_n4_than_tosyl_chloride():
    boc = fractions(substrate="2-methylpiperazine", electrophile="Boc2O")
    ts = fractions(**TSCL)
    assert boc["mono-N4"] / boc["mono-N1"] > ts["mono-N4"] / ts["mono-N1"]


def test_the_steric_override_moves_the_regioisomer_ratio():
    default = fractions(**TSCL)
    stronger = fractions(**TSCL, steric="N1=0.02")
    none = fractions(**TSCL, steric=1.0)
    ratio = [f["mono-N4"] / f["mono-N1"] for f in (none, default, stronger)]
    assert ratio[0] == pytest.approx(1.0, rel=1e-6)  # unhindered: N1 = N4
    assert ratio[0] < ratio[1] < ratio[2]
    echoed = make_scenario(**TSCL, steric="N1=0.02").resolved()["steric"]
    assert echoed == {"N1": 0.02}


def test_a_steric_factor_for_a_site_the_substrate_lacks_names_the_field():
    with pytest.raises(InvalidInput) as err:
        run(**TSCL, steric="N7=0.1")
    assert err.value.field == "steric" and "N1, N4" in err.value.fix


def test_symmetry_equivalent_sites_cannot_get_different_factors():
    with pytest.raises(InvalidInput) as err:
        run(substrate="piperazine", electrophile="Boc2O", steric="N1=0.1")
    assert err.value.field == "steric"


def test_diazepane_boc_split_does_not_move():
    """The main-branch numbers of 1,4-diazepane + 1 eq Boc2O, one portion (README)."""
    split = run(substrate="1,4-diazepane", electrophile="Boc2O").split().fractions
    assert split["SM"] == pytest.approx(0.1926, abs=5e-5)
    assert split["mono"] == pytest.approx(0.6148, abs=5e-5)
    assert split["bis"] == pytest.approx(0.1926, abs=5e-5)


def test_dimethylpiperazine_is_slowed_on_both_n_but_not_split_into_regioisomers():
    dimethyl = run(substrate="CC1CNC(C)CN1", electrophile="Boc2O")
    plain = run(substrate="piperazine", electrophile="Boc2O")
    assert set(dimethyl.outcome.final_fractions) == {"SM", "mono", "bis"}
    assert dimethyl.time_to_99() > 3 * plain.time_to_99()


def test_benzyl_bromide_runs_on_a_shorter_time_scale_than_benzyl_chloride():
    common = dict(substrate="piperazine", base="K2CO3", base_eq=2.0)
    bnbr = run(electrophile="BnBr", **common)
    bncl = run(electrophile="BnCl", **common)
    assert bncl.time_to_99() > 10 * bnbr.time_to_99()
    rows = {p.quantity: p for p in bnbr.provenance}
    assert "estimated" in rows["k_ref"].origin
    assert rows["carbon: benzylic"].value == "x100"
    assert any("k of BnBr estimated" in a for a in bnbr.assumptions)
