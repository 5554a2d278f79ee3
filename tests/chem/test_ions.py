"""LC-MS ions against masses computed by hand from NIST isotope masses (not from RDKit)."""

import pytest

from monoselect.chem.ions import Ion, assign_peaks, ion_table, read_peaks, species_ions
from monoselect.errors import InvalidInput, InvalidStructure

# NIST atomic weights and isotopic compositions (monoisotopic masses, u) and CODATA 2018
C, H, N, OX = 12.0, 1.00782503207, 14.0030740048, 15.99491461956
CL35, CL37, NA = 34.968852682, 36.965902602, 22.9897692820
PROTON, ELECTRON = 1.007276466621, 0.000548579909

DIAZEPANE = "C1CNCCNC1"
MONO_BOC = "CC(C)(C)OC(=O)N1CCCNCC1"
BIS_BOC = "CC(C)(C)OC(=O)N1CCCN(C(=O)OC(C)(C)C)CC1"

M_DIAZEPANE = 5 * C + 12 * H + 2 * N  # C5H12N2
M_MONO_BOC = 10 * C + 20 * H + 2 * N + 2 * OX  # C10H20N2O2
M_BIS_BOC = 15 * C + 28 * H + 2 * N + 4 * OX  # C15H28N2O4
BOC = 5 * C + 8 * H + 2 * OX  # C5H8O2, isobutene + CO2
TBU = 4 * C + 8 * H  # C4H8, isobutene


def _mz(ions, label):
    return next(i.mz for i in ions if i.ion == label)


def test_diazepane_protonated_sodiated_and_doubly_charged():
    ions = species_ions("1,4-diazepane", DIAZEPANE)
    assert _mz(ions, "[M+H]+") == pytest.approx(M_DIAZEPANE + PROTON, abs=1e-4)  # 101.1073
    assert _mz(ions, "[M+Na]+") == pytest.approx(M_DIAZEPANE + NA - ELECTRON, abs=1e-4)
    assert _mz(ions, "[M+2H]2+") == pytest.approx((M_DIAZEPANE + 2 * PROTON) / 2, abs=1e-4)
    assert not any("Boc" in i.ion for i in ions)


def test_mono_boc_diazepane_loses_tbu_and_boc_in_the_source():
    ions = species_ions("mono", MONO_BOC)
    assert _mz(ions, "[M+H]+") == pytest.approx(M_MONO_BOC + PROTON, abs=1e-4)  # 201.1598
    assert _mz(ions, "[M+H-C4H8]+") == pytest.approx(M_MONO_BOC + PROTON - TBU, abs=1e-4)
    assert _mz(ions, "[M+H-Boc]+") == pytest.approx(M_MONO_BOC + PROTON - BOC, abs=1e-4)
    # one basic N left (the carbamate N is not basic): no [M+2H]2+
    assert not any(i.charge == 2 for i in ions)


def test_bis_boc_after_losing_one_boc_sits_at_the_mono_protonated_mass():
    ions = species_ions("bis", BIS_BOC)
    assert _mz(ions, "[M+H]+") == pytest.approx(M_BIS_BOC + PROTON, abs=1e-4)  # 301.2122
    assert _mz(ions, "[M+H-Boc]+") == pytest.approx(M_MONO_BOC + PROTON, abs=1e-4)
    assert _mz(ions, "[M+H-2Boc]+") == pytest.approx(M_DIAZEPANE + PROTON, abs=1e-4)


def test_chlorine_gives_an_m_plus_2_peak_at_a_third():
    ions = species_ions("chlorobenzene", "Clc1ccccc1")
    m = 6 * C + 5 * H + CL35
    assert _mz(ions, "[M+H]+") == pytest.approx(m + PROTON, abs=1e-4)
    heavy = next(i for i in ions if i.ion == "[M+H]+ M+2")
    assert heavy.mz == pytest.approx(m + PROTON + CL37 - CL35, abs=1e-4)
    assert heavy.relative == pytest.approx(0.2424 / 0.7576, abs=2e-3)


def test_bromine_gives_m_plus_2_about_as_strong_as_m():
    ions = species_ions("bromobenzene", "Brc1ccccc1")
    heavy = next(i for i in ions if i.ion == "[M+H]+ M+2")
    assert 0.95 < heavy.relative < 1.0


def test_ion_table_reads_mappings_pairs_and_species_tables():
    from monoselect import species_table

    table = species_table("1,4-diazepane", "Boc2O")
    rows = ion_table(table.species)
    assert {r.species for r in rows} == {"SM", "mono", "bis"}
    assert all(isinstance(r, Ion) for r in rows)
    same = ion_table({"SM": DIAZEPANE, "mono": MONO_BOC, "bis": BIS_BOC})
    assert sorted(round(r.mz, 4) for r in same) == sorted(round(r.mz, 4) for r in rows)
    assert ion_table([("SM", DIAZEPANE)])[0].species == "SM"


def test_a_peak_at_the_mono_mass_is_ambiguous_between_mono_and_bis_boc():
    ions = ion_table({"SM": DIAZEPANE, "mono": MONO_BOC, "bis": BIS_BOC})
    mono_peak, bis_peak, nothing = assign_peaks([201.16, 301.21, 250.0], ions)
    assert mono_peak.ambiguous and set(mono_peak.species) == {"mono", "bis"}
    assert "ambiguous" in mono_peak.verdict
    assert bis_peak.species == ("bis",) and not bis_peak.ambiguous
    assert nothing.matches == () and "no species" in nothing.verdict


def test_bad_peaks_and_smiles_name_their_field():
    with pytest.raises(InvalidInput, match="field: peaks"):
        read_peaks("201.2, abc")
    with pytest.raises(InvalidInput, match="field: peaks"):
        read_peaks([float("nan")])
    with pytest.raises(InvalidStructure, match="field: species"):
        species_ions("x", "C1CC(")
    with pytest.raises(InvalidInput, match="field: tolerance"):
        assign_peaks([201.0], [], tolerance=-1)
    assert read_peaks("201.16; 301.2 101.1") == [201.16, 301.2, 101.1]
