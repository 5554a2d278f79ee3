"""An omega-haloalkyl end closing on its own N: the spiro quaternary salt on a ring N, a
neutral N-heterocycle on a primary N, their ring sizes, limits and masses."""

import pytest

from monoselect import make_scenario, simulate

ELECTRON_MASS = 0.000548579909  # u, CODATA 2018


def _run(**kw):
    return simulate(make_scenario(eq=1.0, **kw))


def _linker_share(r, name):
    """Fraction of the linker charged that ends in category ``name`` (one L per spiro unit,
    one per bridge of two diamines)."""
    per_a = r.by_category()[name]
    per_l_unit = {"spiro": 1.0, "bridged": 0.5}[name]
    return per_a * per_l_unit * r.diamine_charged / r.linker_charged


@pytest.mark.parametrize("em5", [30.0, 100.0, 1000.0])
def test_the_spiro_salt_is_the_main_fate_of_a_l_br_over_the_em_range(em5):
    """1,4-dibromobutane on 5 eq of 1,4-diazepane at 0.2 M: for any five-ring EM between 30
    and 1000 mol/L more linker ends in the spiro salt than in bridges (data/ring_closure.yaml
    states this range)."""
    r = _run(electrophile="1,4-dibromobutane", substrate_eq=5, linker={"em": {5: em5}})
    assert _linker_share(r, "spiro") > _linker_share(r, "bridged")
    assert r.by_category()["mono"] < 1e-3  # A-L-Br does not survive 24 h


def test_no_five_ring_closure_gives_no_spiro_salt():
    """EM(5) = 0: the own-N closure is off and A-L-Br goes on to bridges and chains."""
    off = _run(electrophile="1,4-dibromobutane", substrate_eq=5, linker={"em": {5: 0.0}})
    on = _run(electrophile="1,4-dibromobutane", substrate_eq=5)
    assert off.by_category().get("spiro", 0.0) == pytest.approx(0.0, abs=1e-12)
    assert off.by_category()["bridged"] > 2 * on.by_category()["bridged"]


def test_a_six_ring_closes_slower_than_a_five_ring():
    """1,5-dibromopentane closes a piperidinium (EM(6) << EM(5)): less spiro salt and more
    bridging than 1,4-dibromobutane under the same conditions."""
    c4 = _run(electrophile="1,4-dibromobutane", substrate_eq=5)
    c5 = _run(electrophile="1,5-dibromopentane", substrate_eq=5)
    assert c5.by_category()["spiro"] < 0.2 * c4.by_category()["spiro"]
    assert c5.by_category()["bridged"] > c4.by_category()["bridged"]
    spiro6 = next(s for s in c5.species if s.category == "spiro")
    assert spiro6.ring_atoms == 6


def test_a_primary_n_closes_to_a_neutral_ring_not_a_salt():
    """Ethylenediamine's NH2 keeps an N-H after the first alkylation: its 4-bromobutyl chain
    closes to an N-substituted pyrrolidine (neutral), reported as its own category."""
    r = _run(substrate="ethylenediamine", electrophile="1,4-dibromobutane", substrate_eq=5)
    cats = r.by_category()
    assert "spiro" not in cats or cats["spiro"] == pytest.approx(0.0, abs=1e-12)
    ring = next(s for s in r.species if s.category == "N_ring")
    assert ring.charge == 0 and ring.ring_atoms == 5
    assert cats["N_ring"] > 0.1


def test_the_spiro_cation_is_seen_at_its_own_mass():
    """C9H19N2+ (5-azonia-spiro salt of 1,4-diazepane): m/z = monoisotopic mass less one
    electron, not M + H (masses: NIST, C 12, H 1.00782503, N 14.00307401)."""
    r = _run(electrophile="1,4-dibromobutane", substrate_eq=5)
    spiro = next(s for s in r.species if s.category == "spiro")
    assert spiro.charge == 1 and spiro.formula.startswith("C9H19N2")
    expected = 9 * 12.0 + 19 * 1.00782503 + 2 * 14.00307401 - ELECTRON_MASS
    assert spiro.mz_h == pytest.approx(expected, abs=2e-4)


def test_units_balance_with_the_spiro_closure():
    r = _run(electrophile="1,4-dibromobutane", substrate_eq=2, conc="0.05 M")
    assert sum(r.split().fractions.values()) == pytest.approx(1.0, abs=1e-9)
