"""Molecules, sites, symmetry, products and masses against RDKit descriptors."""

import pytest
from rdkit import Chem
from rdkit.Chem import Descriptors

from monoselect import species_table
from monoselect.chem import tables
from monoselect.chem.molecules import resolve_electrophile, resolve_substrate
from monoselect.errors import InvalidStructure, UnknownReagent


@pytest.mark.parametrize(
    ("name", "n_species", "labels"),
    [
        ("1,4-diazepane", 3, ["SM", "mono", "bis"]),
        ("homopiperazine", 3, ["SM", "mono", "bis"]),
        ("piperazine", 3, ["SM", "mono", "bis"]),
        ("ethylenediamine", 3, ["SM", "mono", "bis"]),
        ("1,3-diaminopropane", 3, ["SM", "mono", "bis"]),
        ("1,4-diaminobutane", 3, ["SM", "mono", "bis"]),
        ("trans-1,4-diaminocyclohexane", 3, ["SM", "mono", "bis"]),
        ("2-methylpiperazine", 4, ["SM", "mono-N1", "mono-N4", "bis"]),
        ("cyclen", 6, ["SM", "mono", "bis-N1,N4", "bis-N1,N7", "tris", "tetra"]),
    ],
)
def test_species_counts_and_names(name, n_species, labels):
    table = species_table(name, "Boc2O")
    assert [s.label for s in table.species] == labels
    assert len(table.species) == n_species


def test_non_nucleophilic_nitrogens_are_not_sites():
    # aniline N-H, amide N-H and sulfonamide N-H do not count; the piperidine N-H does
    from monoselect.chem.molecules import find_sites

    mol = Chem.MolFromSmiles("O=C(NC)c1ccccc1NCCC1CCNCC1.CS(=O)(=O)NC")
    assert len(find_sites(mol).atoms) == 1


def test_masses_match_rdkit_descriptors():
    table = species_table("1,4-diazepane", "Boc2O")
    bis = Chem.MolFromSmiles("CC(C)(C)OC(=O)N1CCCN(C(=O)OC(C)(C)C)CC1")
    s = table.species[2]
    assert Chem.MolToSmiles(bis) == s.smiles
    assert s.mw == pytest.approx(Descriptors.MolWt(bis))
    assert s.monoisotopic == pytest.approx(Descriptors.ExactMolWt(bis))
    assert s.formula == "C15H28N2O4"
    assert s.mz_h == pytest.approx(301.2122, abs=1e-4)
    assert s.mz_2h == pytest.approx((s.monoisotopic + 2 * 1.007276467) / 2, abs=1e-6)


@pytest.mark.parametrize(
    "smiles",
    ["C1CNCCNC1", "CC(=O)N1CCNCC1", "O=C(Cl)OCc1ccccc1", "[2H]C([2H])Cl", "C[N+](C)(C)C",
     "[13CH3]Br", "C1CNCCNCCNCCN1", "CC(C)(C)OC(=O)OC(=O)OC(C)(C)C"],
)  # fmt: skip
def test_average_mass_is_rdkits_molwt_bit_for_bit(smiles):
    """The start-up saving must not move a printed MW (100.165 must stay 100.17, not 100.16)."""
    from monoselect.chem.molecules import average_mass

    mol = Chem.MolFromSmiles(smiles)
    assert average_mass(mol) == Descriptors.MolWt(mol)


def test_bromine_isotope_pattern():
    table = species_table("piperazine", "1,4-dibromobutane")
    mono, bis = table.species[1], table.species[2]
    assert [o for o, _ in mono.isotopes] == [0, 2]
    assert mono.isotopes[1][1] == pytest.approx(0.97, abs=0.01)  # 79Br : 81Br about 1 : 0.97
    assert [o for o, _ in bis.isotopes] == [0, 2, 4] and bis.isotopes[1][1] == 1.0
    assert table.species[0].isotopes == ()


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("Boc2O", "dicarbonate"),
        ("Cbz-Cl", "chloroformate"),
        ("Fmoc-Cl", "chloroformate"),
        ("AcCl", "acyl_chloride"),
        ("Ac2O", "anhydride"),
        ("TsCl", "sulfonyl_chloride"),
        ("MsCl", "sulfonyl_chloride"),
        ("BnBr", "alkyl_halide"),
        ("BnCl", "alkyl_halide"),
        ("MeI", "alkyl_halide"),
        ("benzaldehyde", "aldehyde"),
        ("1,4-dibromobutane", "alkyl_halide"),
        ("CCOS(=O)(=O)c1ccc(C)cc1", "alkyl_sulfonate"),
    ],
)
def test_electrophile_classes(name, cls):
    assert resolve_electrophile(name).class_name == cls


def test_reagent_table_molecular_weights_match_rdkit():
    for entry in {e.name: e for e in tables.reagents().values()}.values():
        mol = Chem.MolFromSmiles(entry.smiles)
        assert entry.mw == pytest.approx(Descriptors.MolWt(mol), abs=0.02), entry.name


def test_linker_is_bifunctional_and_boc_releases_no_acid():
    assert resolve_electrophile("1,4-dibromobutane").reactive_groups == 2
    assert resolve_electrophile("Boc2O").releases_acid is None
    assert resolve_electrophile("AcCl").releases_acid == "HCl"


@pytest.mark.parametrize(
    ("smiles", "other"),
    [
        ("ClCC(=O)Cl", ("alkyl halide",)),  # chloroacetyl chloride: the CH2Cl alkylates later
        ("ClCc1ccc(cc1)C(=O)Cl", ("alkyl halide",)),
        ("ClCCS(=O)(=O)Cl", ("alkyl halide",)),
        ("BrCCCCBr", ()),  # a linker: both ends are the class that reacts
        ("BrCCCCCl", ()),
        ("CC(C)(C)OC(=O)OC(=O)OC(C)(C)C", ()),  # Boc2O is no anhydride besides
        ("CC(=O)OC(C)=O", ()),
    ],
)
def test_a_second_electrophilic_group_of_another_class_is_found(smiles, other):
    assert resolve_electrophile(smiles).other_groups == other


def test_no_reagent_of_the_table_has_an_unmodelled_second_group():
    names = {e.name for e in tables.reagents().values()}
    assert not [n for n in names if resolve_electrophile(n).other_groups]


def test_the_run_says_what_the_second_group_would_do():
    from monoselect import make_scenario, simulate

    said = simulate(make_scenario(substrate="piperazine", electrophile="ClCC(=O)Cl"))
    assert any("second electrophilic group (alkyl halide)" in w for w in said.warnings)
    plain = simulate(make_scenario(substrate="piperazine", electrophile="AcCl"))
    assert not any("second electrophilic group" in w for w in plain.warnings)


def test_unknown_name_suggests_the_right_one():
    with pytest.raises(UnknownReagent, match="did you mean 1,4-diazepane"):
        resolve_substrate("diazepan")
    with pytest.raises(UnknownReagent, match="field: electrophile"):
        resolve_electrophile("Bocc2O")


def test_bad_smiles_and_no_site():
    with pytest.raises(UnknownReagent, match="valid SMILES"):
        resolve_substrate("C1CC(")
    with pytest.raises(InvalidStructure, match="no aliphatic N-H"):
        resolve_substrate("c1ccccc1N(C)C")
    with pytest.raises(InvalidStructure, match="not a recognised electrophile"):
        resolve_electrophile("CC(C)=O")
