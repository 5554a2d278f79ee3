"""Shared hypothesis strategies: the conditions a chemist can set, drawn within the ranges
the tests hold the physics to."""

from hypothesis import strategies as st

ONE_ENDED = ["Boc2O", "AcCl", "Ac2O", "TsCl"]
# the fast acylation the mixing and salt tests share (the README's examples): piperazine +
# 1 eq AcCl fed over 1 h with 1.2 eq Et3N
ACCL_ET3N = dict(
    substrate="piperazine", electrophile="AcCl", base="Et3N", base_eq=1.2, addition_time="1 h"
)
ACIDS = [None, "HCl", "AcOH", "citric acid", "TFA"]
BASES = [None, "Et3N", "K2CO3", "NaHCO3", "pyridine"]

equivalents = st.floats(0.2, 2.5)
additive_equivalents = st.floats(0.05, 3.0)  # a named acid or base is charged
feed_minutes = st.sampled_from([0, 5, 90])
rate_ratio = st.floats(0.0, 20.0)  # rho, per site


@st.composite
def site_scenarios(draw, substrate: str = "1,4-diazepane", time: str = "6 h") -> dict:
    """Fields of a site-family scenario: a one-ended electrophile, any acid and base from the
    shipped table, one portion or a feed; for make_scenario(**fields)."""
    acid, base = draw(st.sampled_from(ACIDS)), draw(st.sampled_from(BASES))
    return dict(
        substrate=substrate,
        electrophile=draw(st.sampled_from(ONE_ENDED)),
        eq=draw(equivalents),
        acid=acid,
        acid_eq=draw(additive_equivalents) if acid else 0.0,
        base=base,
        base_eq=draw(additive_equivalents) if base else 0.0,
        addition_time=f"{draw(feed_minutes)} min",
        time=time,
    )
