"""The optimiser stays inside its bounds and never calls a point feasible that breaks a
limit; a target gives the least diamine that meets it."""

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from monoselect import make_conditions, optimise
from monoselect.errors import InvalidInput


def test_least_diamine_for_90_percent_on_boc2o_is_about_3_eq():
    o = optimise(make_conditions(precious="electrophile"), "excess", min_mono_on_electrophile=0.9)
    assert o.feasible and o.mono_yield_on_electrophile >= 0.9
    assert o.value("substrate_eq") == pytest.approx(3.0, abs=0.1)


def test_best_eq_for_the_diamine_is_near_one_and_sensitivity_is_reported():
    o = optimise(make_conditions(), "direct")
    assert 0.9 < o.value("eq") < 1.6
    assert o.mono_yield_on_substrate >= 0.614  # at least the 1.0 eq run
    assert o.variables[0]["sensitivity"] is not None
    json.dumps(o.to_dict(), allow_nan=False)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    max_eq=st.floats(1.2, 8.0),
    max_bis=st.one_of(st.none(), st.floats(0.0, 0.2)),
    min_mono=st.one_of(st.none(), st.floats(0.5, 0.99)),
    hours=st.floats(2.0, 24.0),
)
def test_the_optimiser_never_violates_its_constraints(max_eq, max_bis, min_mono, hours):
    cond = make_conditions(precious="electrophile", max_substrate_eq=max_eq, max_time=f"{hours} h")
    o = optimise(
        cond,
        "slow_addition",
        min_mono_on_electrophile=min_mono,
        max_bis=max_bis,
        max_evaluations=60,
    )
    for v in o.variables:
        assert v["low"] <= v["value"] <= v["high"]
    for p in o.points:
        assert p.diamine_eq <= max_eq + 1e-9
        assert 0 < p.values["addition_time"] <= 0.8 * hours + 1e-9  # the feed ends in time
    if o.feasible:
        b = o.best
        assert b.diamine_eq <= max_eq + 1e-9
        assert b.time_s <= hours * 3600 * 1.0001
        assert max_bis is None or b.bis <= max_bis
        assert min_mono is None or b.mono_yield_on_electrophile >= min_mono
    else:
        assert any("no searched point meets" in n for n in o.notes)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"protocol": "teleport"}, "protocol"),
        ({"protocol": "direct", "variables": ["acid_eq"]}, "variables"),
        ({"protocol": "direct", "variables": ["colour"]}, "variables"),
        ({"protocol": "excess", "max_bis": 2.0}, "max_bis"),
    ],
)
def test_bad_optimiser_input_names_its_field(kwargs, field):
    with pytest.raises(InvalidInput, match=f"field: {field}"):
        optimise(make_conditions(), **kwargs)
