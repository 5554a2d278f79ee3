"""The input boundary: quantities and structures a chemist could type, refused or read once.

Each refusal is one InvalidInput / InvalidStructure naming the field and what to change;
nothing surprising from pint or RDKit reaches the engine, and nothing slow runs first.
"""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given, settings, strategies as st

from monoselect import species_table, units as units_module
from monoselect.chem import molecules
from monoselect.chem.molecules import find_sites, resolve_electrophile, resolve_substrate
from monoselect.errors import InvalidInput, InvalidStructure
from monoselect.units import _DIMENSIONS, parse_quantity

# ---------------------------------------------------------------- quantities


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("4:30", 4.5 * 3600), ("0:45", 45 * 60), ("4:30:15", 4.5 * 3600 + 15), ("12:00", 43200)],
)
def test_clock_time_is_hours_and_minutes(text, seconds):
    # pint alone reads "4:30" as 120 h; a chemist means 4 h 30 min
    assert parse_quantity(text, "time", "time") == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["4:75", "4:3", "4:30:75", "1:2:3:4", "4:30 h"])
def test_malformed_clock_time_is_refused(text):
    with pytest.raises(InvalidInput, match=r"h:min.*field: time"):
        parse_quantity(text, "time", "time")


def test_clock_notation_is_only_for_times():
    with pytest.raises(InvalidInput, match=r"read only for times \(field: conc\)"):
        parse_quantity("4:30", "concentration", "conc")


@pytest.mark.parametrize("text", ["20 %", "20%", "20 percent", "3 eq", "5 ppm"])
def test_a_ratio_is_not_a_concentration(text):
    # the old bare-number fallback read "20 %" as 20 mol/L
    with pytest.raises(InvalidInput, match=r"is not a concentration.*field: conc.*mol/L"):
        parse_quantity(text, "concentration", "conc")


@pytest.mark.parametrize(
    ("text", "dimension"),
    [("4 eq", "amount"), ("5 %", "time"), ("2 percent", "volume"), ("1 h/h", "mass")],
)
def test_a_ratio_is_never_read_as_a_bare_number_of_another_dimension(text, dimension):
    with pytest.raises(InvalidInput, match="is a ratio"):
        parse_quantity(text, dimension, "x")


@pytest.mark.parametrize(("text", "value"), [("5 %", 0.05), ("1.1 eq", 1.1), ("2", 2.0)])
def test_ratios_are_read_where_a_ratio_is_asked(text, value):
    assert parse_quantity(text, "dimensionless", "x") == pytest.approx(value)


@pytest.mark.parametrize("text", ["4 pi", "4 dozen", "4 ppm"])
def test_only_plain_ratio_units_count_as_ratios(text):
    with pytest.raises(InvalidInput):
        parse_quantity(text, "dimensionless", "x")


@pytest.mark.parametrize(
    "text",
    [
        "4 h h",  # h**2
        "2*3 h",  # arithmetic: pint says 6 h
        "2**3 h",
        "2 3 h",  # implicit product: pint says 6 h
        "4 h + 30 min",
        "4 h - 5 h",  # pint says -1 h
        "4 hours ago",
        "0x10 h",
        "1,5 h",  # decimal comma: pint says 15 h
        "1,000 h",
        "1_000 h",
        "4 h,",  # trailing text pint drops
        "4 h # note",
        "4 h=",
        "(4 h)",
        "pi h",
        "h",  # no number
        "sqrt(4) h",
        "4h30",
        "4 Mh",  # megahours
        "4 kh",
        "4 a",  # years
        "4 m",  # metres
        "four h",
        "",
        "   ",
    ],
)
def test_what_a_chemist_would_not_mean_by_a_time_is_refused(text):
    with pytest.raises(InvalidInput, match=r"field: addition_time"):
        parse_quantity(text, "time", "addition_time")


@pytest.mark.parametrize(
    ("text", "dimension", "value"),
    [
        ("1e3 mmol", "amount", 1.0),
        ("10 mmol", "amount", 0.01),
        ("10", "amount", 0.01),
        ("4 hours", "time", 14400.0),
        ("30 min", "time", 1800.0),
        ("4.5 h", "time", 16200.0),
        (".5 h", "time", 1800.0),
        ("2 d", "time", 172800.0),
        ("-78 degC", "temperature", 195.15),
        ("0 °C", "temperature", 273.15),
        ("25", "temperature", 298.15),
        ("0.5 mL/h", "flow", 0.5e-3 / 3600),
        ("250 µL", "volume", 250e-6),
        ("4 mM", "concentration", 0.004),
        ("0.2 mol/L", "concentration", 0.2),
        ("1.2 mmol/g", "loading", 1.2),
        ("0.05 L/mol/s", "rate_constant", 0.05),
    ],
)
def test_ordinary_quantities_still_read(text, dimension, value):
    assert parse_quantity(text, dimension, "x") == pytest.approx(value)


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        "nan",
        "NaN h",
        "inf",
        "-inf h",
        "Infinity",
        "1e400",
        "1e400 h",
        10**400,
        "1e306 kL",  # finite number, infinite in L
    ],
)
def test_non_finite_values_are_refused(value):
    with pytest.raises(InvalidInput, match=r"(finite|too large).*field: volume"):
        parse_quantity(value, "volume", "volume")


def test_long_text_is_refused_before_pint_is_touched(monkeypatch):
    def no_pint():
        raise AssertionError("pint was called")

    monkeypatch.setattr(units_module, "registry", no_pint)
    text = "4" + " " * 250 + "h"
    start = time.perf_counter()
    with pytest.raises(InvalidInput, match=r"characters long.*field: time"):
        parse_quantity(text, "time", "time")
    with pytest.raises(InvalidInput, match="characters long"):
        parse_quantity("1" * 100_000, "amount", "scale")
    assert time.perf_counter() - start < 0.1


@pytest.mark.parametrize("value", [None, True, [4], {"h": 4}, object()])
def test_values_of_no_quantity_type_are_refused(value):
    with pytest.raises(InvalidInput, match=r"cannot read .* as a time \(field: time\)"):
        parse_quantity(value, "time", "time")


def test_messages_say_how_to_write_it():
    with pytest.raises(InvalidInput) as info:
        parse_quantity("2*3 h", "time", "addition_time")
    assert info.value.field == "addition_time"
    assert "4:30" in info.value.fix
    with pytest.raises(InvalidInput) as info:
        parse_quantity("4 eq", "amount", "scale")
    assert str(info.value).startswith("'4 eq' is not an amount")


_QUANTITY_CHARS = "0123456789.,:eE+- %*/^()hminsdMLmolgCKµ°xa#_\t"


@settings(max_examples=400, deadline=None)
@given(
    text=st.one_of(st.text(max_size=40), st.text(alphabet=_QUANTITY_CHARS, max_size=24)),
    dimension=st.sampled_from(sorted(_DIMENSIONS)),
)
def test_any_text_gives_a_finite_number_or_invalid_input(text, dimension):
    try:
        value = parse_quantity(text, dimension, "x")
    except InvalidInput as exc:
        assert exc.field == "x"
    else:
        assert isinstance(value, float)
        assert math.isfinite(value)


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(st.floats(), st.integers(), st.none(), st.booleans()),
    dimension=st.sampled_from(sorted(_DIMENSIONS)),
)
def test_any_number_gives_a_finite_number_or_invalid_input(value, dimension):
    try:
        result = parse_quantity(value, dimension, "x")
    except InvalidInput:
        return
    assert math.isfinite(result)


# ---------------------------------------------------------------- substrates


def test_two_molecules_are_refused_not_a_stop_iteration():
    with pytest.raises(InvalidStructure, match=r"2 separate molecules.*field: substrate"):
        resolve_substrate("C1CNCCN1.C1CNCCN1")


@pytest.mark.parametrize(
    ("text", "free"),
    [
        ("C1CNCCN1.Cl", "C1CNCCN1"),
        ("C1CNCCN1.[Cl-]", "C1CNCCN1"),
        ("Cl.Cl.NCCN", "NCCN"),
        ("[NH3+]CC[NH3+].[Cl-].[Cl-]", "NCCN"),
        ("C1CNCCN1.OC(=O)C(F)(F)F", "C1CNCCN1"),
    ],
)
def test_a_salt_is_named_as_one_and_the_free_amine_suggested(text, free):
    # documented choice: the acid changes which N are free, so the salt is not silently
    # reduced to its free base; the acid / acid_eq fields model it
    with pytest.raises(InvalidStructure, match="salt of the amine") as info:
        resolve_substrate(text)
    assert repr(free) in info.value.fix
    assert "acid_eq" in info.value.fix


def test_an_amine_beside_a_neutral_molecule_is_not_called_a_salt():
    with pytest.raises(InvalidStructure, match="2 separate molecules"):
        resolve_substrate("C1CNCCN1.CCO")


def test_trailing_text_after_a_smiles_is_refused_not_dropped():
    with pytest.raises(InvalidStructure, match=r"text after the SMILES 'C1CNCCN1': 'extra'"):
        resolve_substrate("C1CNCCN1 extra")


@pytest.mark.parametrize("text", ["CCN", "C1CCNCC1", "NCc1ccccc1"])
def test_a_mono_amine_is_refused_as_a_substrate(text):
    with pytest.raises(
        InvalidStructure, match=r"mono-amine.*at least two reactive N-H on different N"
    ):
        resolve_substrate(text)


def test_a_protonated_diamine_is_told_to_give_the_neutral_amine():
    with pytest.raises(InvalidStructure, match="no aliphatic N-H") as info:
        resolve_substrate("[NH3+]CC[NH3+]")
    assert "protonated N" in info.value.fix


def test_a_mono_protected_diamine_runs_as_one_site():
    # step 2 of protect-first: the free N of mono-Boc-diazepane; the Boc N is no site
    sub = resolve_substrate("CC(C)(C)OC(=O)N1CCCNCC1")
    assert len(sub.sites.atoms) == 1
    assert sub.sites.automorphisms == ((0,),)


def test_non_nucleophilic_nitrogens_are_not_sites():
    # aniline, amide and sulfonamide N-H do not count; the piperidine N-H does
    from rdkit import Chem

    mol = Chem.MolFromSmiles("O=C(NC)c1ccccc1NCCC1CCNCC1.CS(=O)(=O)NC")
    assert len(find_sites(mol).atoms) == 1


@pytest.mark.parametrize("n", [100_000, 5_000])
def test_a_huge_smiles_is_refused_in_well_under_a_second(n):
    start = time.perf_counter()
    with pytest.raises(InvalidStructure, match=r"characters long.*field: substrate"):
        resolve_substrate("C" * n)
    with pytest.raises(InvalidStructure, match=r"characters long.*field: electrophile"):
        resolve_electrophile("C" * n)
    assert time.perf_counter() - start < 1.0


def test_too_many_heavy_atoms_are_refused_quickly():
    text = "NC" + "C" * 400 + "N"  # 403 characters, under the length bound
    start = time.perf_counter()
    with pytest.raises(InvalidStructure, match=r"403 heavy atoms; at most 300"):
        resolve_substrate(text)
    with pytest.raises(InvalidStructure, match=r"heavy atoms.*field: electrophile"):
        resolve_electrophile("ClC(=O)" + "C" * 400)
    assert time.perf_counter() - start < 1.0


def test_reactive_n_h_is_checked_before_any_symmetry_search(monkeypatch):
    def no_symmetry(*args):
        raise AssertionError("symmetry searched")

    monkeypatch.setattr(molecules, "_site_permutations", no_symmetry)
    start = time.perf_counter()
    with pytest.raises(InvalidStructure, match="no aliphatic N-H"):
        resolve_substrate("C" * 290)  # 290 interchangeable carbons, no N
    with pytest.raises(InvalidStructure, match="mono-amine"):
        resolve_substrate("N" + "C" * 290)
    assert time.perf_counter() - start < 1.0


# ---------------------------------------------------------------- site symmetry

# A diamine whose two NH swap, dressed with six tert-butyl groups: ~3.4 million graph
# automorphisms, so the old capped search of all of them missed the swap and listed
# mono-N1 and mono-N2 with one SMILES.
BULKY_DIAMINE = "CC(C)(C)C(C(C)(C)C)(C(C)(C)C)CNCCNCC(C(C)(C)C)(C(C)(C)C)C(C)(C)C"


def test_a_highly_symmetric_diamine_has_one_mono_species():
    start = time.perf_counter()
    sub = resolve_substrate(BULKY_DIAMINE)
    assert sub.sites.automorphisms == ((0, 1), (1, 0))
    table = species_table(BULKY_DIAMINE, "Boc2O")
    assert [s.label for s in table.species] == ["SM", "mono", "bis"]
    assert len({s.smiles for s in table.species}) == 3
    assert time.perf_counter() - start < 2.0


def _all_graph_automorphisms(smiles: str) -> tuple[tuple[int, ...], ...]:
    """Oracle for small molecules: every self-match, mapped onto the site positions."""
    from rdkit import Chem

    mol = Chem.MolFromSmiles(smiles)
    atoms = find_sites(mol).atoms
    position = {a: i for i, a in enumerate(atoms)}
    plain = Chem.Mol(mol)
    for atom in plain.GetAtoms():
        atom.SetAtomMapNum(0)
    matches = plain.GetSubstructMatches(plain, uniquify=False, useChirality=False)
    return tuple(sorted({tuple(position[m[a]] for a in atoms) for m in matches}))


@pytest.mark.parametrize(
    "smiles",
    [
        "[NH:1]1CC[NH:4]CCC1",
        "C[C@@H]1C[NH:4]CC[NH:1]1",
        "C1C[NH:4]CC[NH:7]CC[NH:10]CC[NH:1]1",
        "NCC(CN)(CN)CN",
        "C(C(CN)CN)(C(CN)CN)(C(CN)CN)C(CN)CN",
        "C1CNCCNCCNCCNCCN1",
        "NCCNCCN",
        "C1NCC2CNCC12",
        "CC1CNCC(C)N1",
        "C1CNC2CNCC12",
        "NC12CCC(N)(CC1)CC2",
        "[15NH2]CCN",
    ],
)
def test_site_symmetry_equals_all_graph_automorphisms(smiles):
    from rdkit import Chem

    assert find_sites(Chem.MolFromSmiles(smiles)).automorphisms == _all_graph_automorphisms(smiles)


def test_symmetry_beyond_the_bound_is_refused_not_truncated():
    from rdkit import Chem

    # twelve NH2 in four C(CH2NH2)3 arms: 6^4 * 4! = 31104 site permutations
    mol = Chem.MolFromSmiles("C(C(CN)(CN)CN)(C(CN)(CN)CN)(C(CN)(CN)CN)C(CN)(CN)CN")
    with pytest.raises(InvalidStructure, match="symmetry-equivalent arrangements"):
        find_sites(mol)


# ---------------------------------------------------------------- electrophiles


def test_an_electrophile_of_two_molecules_is_refused():
    with pytest.raises(InvalidStructure, match=r"2 separate molecules.*'CC\(=O\)Cl'"):
        resolve_electrophile("CC(=O)Cl.Cl")


def test_trailing_text_after_an_electrophile_smiles_is_refused():
    with pytest.raises(InvalidStructure, match=r"text after the SMILES.*field: electrophile"):
        resolve_electrophile("CC(=O)Cl please")


def test_a_long_refusal_quotes_the_text_short():
    with pytest.raises(InvalidStructure) as info:
        resolve_substrate("NC" + "C" * 400 + "N")
    assert len(str(info.value)) < 300


_SMILES_CHARS = "CNOSclnc1234()=#[]+-@H.ClBr \t"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=_SMILES_CHARS, max_size=30), st.text(max_size=20)))
def test_any_text_as_a_reagent_resolves_or_gives_invalid_input(text):
    for resolve in (resolve_substrate, resolve_electrophile):
        try:
            resolve(text)
        except InvalidInput as exc:
            assert exc.field in ("substrate", "electrophile")


def test_the_common_units_read_without_pint_agree_with_pint():
    """The table of common units (read without building pint's registry) gives what pint
    gives, for every unit in it."""
    from monoselect import units

    ureg = units.registry()
    for dimension, table in units._COMMON.items():
        engine = units._DIMENSIONS[dimension][0]
        for unit, (factor, offset) in table.items():
            text = f"2.5 {unit}".strip()
            expected = ureg.Quantity(2.5, ureg.parse_units(unit) if unit else "").to(engine)
            assert units.parse_quantity(text, dimension, "x") == pytest.approx(
                float(expected.magnitude), rel=1e-12
            ), (dimension, unit)
            assert 2.5 * factor + offset == pytest.approx(float(expected.magnitude), rel=1e-12)
