"""A diamine charged as its salt (piperazine.2HCl, 1,4-diazepane.HCl): the acid joins the
proton pool at t = 0 and brings no solvent, the free base behaves as before, and bad
notation or an impossible charge is one clear message."""

import pytest

from monoselect import InvalidInput, make_scenario, simulate
from monoselect.procedure import procedure


def _split(**kw):
    return simulate(make_scenario(**{"electrophile": "Boc2O", "time": "24 h", **kw}))


def test_the_salt_is_a_solid_its_acid_in_the_pool_and_no_volume_added():
    solid = _split(substrate="piperazine.HCl")
    solution = _split(substrate="piperazine", acid="HCl", acid_eq=1.0)
    free = _split(substrate="piperazine")
    assert solid.problem.volume == pytest.approx(free.problem.volume)
    assert solution.problem.volume == pytest.approx(free.problem.volume + 0.01 / 4.0)  # 4 M
    assert solid.problem.protons.strong_acid == pytest.approx(solution.problem.protons.strong_acid)
    assert max(solid.outcome.balance_residuals(solid.problem).values()) < 1e-9
    # the mono-salt selects as the HCl solution does (they differ only by the 2.5 mL added)
    a, b = solid.split().fractions, solution.split().fractions
    assert abs(a["mono"] - b["mono"]) < 0.02
    assert a["bis"] / a["mono"] < free.split().fractions["bis"] / free.split().fractions["mono"]


def test_a_dihydrochloride_without_base_does_not_react_and_with_base_it_does():
    salt = _split(substrate="piperazine.2HCl")
    assert salt.split().fractions["SM"] > 0.98
    freed = _split(substrate="piperazine.2HCl", base="Et3N", base_eq=3.0)
    assert freed.split().fractions["SM"] < 0.5


def test_the_procedure_weighs_the_salt():
    p = procedure(make_scenario(substrate="piperazine.2HCl", base="Et3N", base_eq=3.0))
    row = next(r for r in p.reagents if r.role == "substrate")
    assert row.mw == pytest.approx(86.14 + 2 * 36.46, abs=0.02)
    assert row.mass_mg == pytest.approx(10 * row.mw)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"substrate": "piperazine.9HCl"}, "substrate"),
        ({"substrate": "piperazine.HCl", "mode": "inverse", "addition_time": "1 h"}, "mode"),
    ],
)
def test_bad_salts_name_the_field(kw, field):
    with pytest.raises(InvalidInput) as e:
        simulate(make_scenario(electrophile="Boc2O", **kw))
    assert e.value.field == field
