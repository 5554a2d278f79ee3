"""Which reagents go past one group per N, the structures and m/z of what they make, and the
basicity of a species with a quaternary N."""

import pytest

from monoselect.chem import alkylation
from monoselect.chem.pka import substrate_basicity
from monoselect.chem.products import PROTON_MASS, ion_mz
from monoselect.models import reagents
from monoselect.models.site import species_table


@pytest.mark.parametrize("name", ["Boc2O", "AcCl", "TsCl", "Cbz-Cl", "Ac2O"])
def test_acylation_boc_and_sulfonylation_stop_at_one_group_per_n(name):
    """An amide, carbamate or sulfonamide N is no nucleophile: ethylenediamine's NH2 takes
    one acyl, Boc or sulfonyl group, never two."""
    sub, el = reagents.substrate("ethylenediamine"), reagents.electrophile(name)
    assert reagents.over_alkylation(sub, el) is None
    assert species_table("ethylenediamine", name).network.labels == ("SM", "mono", "bis")


def test_an_nh2_takes_two_groups_then_is_quaternised_and_a_ring_nh_one_then_quaternised():
    bnbr = reagents.electrophile("BnBr")
    eda = reagents.over_alkylation(reagents.substrate("ethylenediamine"), bnbr)
    pip = reagents.over_alkylation(reagents.substrate("piperazine"), bnbr)
    assert eda.hydrogens == (2, 2) and eda.capacity == (3, 3)
    assert pip.hydrogens == (1, 1) and pip.capacity == (2, 2)
    # every factor is relative to the site's first step, from the N class attacked
    assert eda.factors[0][0] == 1.0 and pip.factors[0][0] == 1.0
    rows = {t.name: t for t in eda.terms}
    assert all(t.status in ("reference", "assumed") and t.source for t in rows.values())


def test_small_and_activated_carbons_quaternise_faster_than_a_primary_bromide():
    """The quaternisation factor follows the carbon attacked (data/alkylation.yaml)."""
    quat = {
        carbon: alkylation.step_factor("tertiary", carbon).factor
        for carbon in ("methyl", "benzylic", "primary")
    }
    assert quat["methyl"] > quat["primary"] and quat["benzylic"] > quat["primary"]


def test_user_multiplier_zero_switches_over_alkylation_off():
    sub, el = reagents.substrate("piperazine"), reagents.electrophile("MeI")
    assert reagents.over_alkylation(sub, el, 0.0) is None
    half = reagents.over_alkylation(sub, el, 0.5)
    full = reagents.over_alkylation(sub, el, 1.0)
    assert half.factors[0][1] == pytest.approx(0.5 * full.factors[0][1])


def test_benzyl_bromide_species_include_n_n_dibenzyl_and_the_tribenzyl_ammonium():
    table = species_table("ethylenediamine", "BnBr")
    by_smiles = {s.smiles: s for s in table.species}
    dibenzyl = by_smiles["NCCN(Cc1ccccc1)Cc1ccccc1"]  # N,N-dibenzyl (the same N)
    assert dibenzyl.label == "bis-N1,N1" and dibenzyl.charge == 0
    assert dibenzyl.formula == "C16H20N2"
    tribenzyl = by_smiles["NCC[N+](Cc1ccccc1)(Cc1ccccc1)Cc1ccccc1"]
    assert tribenzyl.charge == 1 and tribenzyl.ions == ("[M]+", "[M+H]2+")
    # a cation is seen as itself: m/z = its mass (electrons taken off), not M + H
    assert tribenzyl.mz_h == pytest.approx(tribenzyl.monoisotopic)
    assert tribenzyl.mz_2h == pytest.approx((tribenzyl.monoisotopic + PROTON_MASS) / 2)


def test_methyl_iodide_on_piperazine_gives_the_n_n_dimethylpiperazinium_cation():
    table = species_table("piperazine", "MeI")
    quat = next(s for s in table.species if s.smiles == "C[N+]1(C)CCNCC1")
    assert quat.formula == "C6H15N2+"
    assert quat.mz_h == pytest.approx(115.1230, abs=1e-4)  # C6H15N2+, [M]+
    dication = next(s for s in table.species if s.charge == 2)
    assert dication.ions[0] == "[M]2+"
    assert ion_mz(100.0, 2)[0] == ("[M]2+", 50.0)


def test_a_quaternary_n_is_no_base_and_lowers_the_other_ns_pka():
    """N,N-dimethylpiperazinium: one basic N left, less basic than piperazine's own N (a
    fixed charge across the ring acts as a proton there)."""
    sub, el = reagents.substrate("piperazine"), reagents.electrophile("MeI")
    table = species_table("piperazine", "MeI")
    i = table.network.labels.index("bis-N1,N1+")
    pattern = table.network.patterns[i]
    from monoselect.chem.pka import species_basicity

    parent = substrate_basicity(sub, 25.0)
    b = species_basicity(sub, pattern, el.substituent, table.species[i].smiles, parent, 25.0)
    assert b.sites == (1,) and b.estimated
    assert b.pka[0] < parent.pka[0] - 2.0
    # a fixed N+ acts as a proton there: near piperazine's own second step (pKa 5.33,
    # Hetzer, Robinson & Bates 1968, as the table has it)
    assert b.pka[0] == pytest.approx(5.33, abs=0.5)
    assert "quaternary" in b.origin
