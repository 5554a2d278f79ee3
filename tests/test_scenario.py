"""The Scenario: validated once, quantities in engine units, evolve() validates again."""

import pytest

from monoselect import InvalidInput, load_scenario, make_scenario, simulate
from monoselect.scenario import DEFAULT_RUN_S


def test_quantities_are_read_once_into_engine_units():
    s = make_scenario(scale="10 mmol", conc="200 mM", addition_time="90 min", temperature="0 degC")
    assert s.amount() == pytest.approx(0.010)
    assert s.concentration() == pytest.approx(0.2)
    assert s.addition_seconds() == pytest.approx(5400.0)
    assert s.temperature_c() == pytest.approx(0.0)
    assert s.total_seconds() == float("inf") and s.run_seconds() == DEFAULT_RUN_S
    assert s.resolved()["scale_mmol"] == pytest.approx(10.0)


def test_evolve_validates_again_and_keeps_the_rest():
    s = make_scenario(substrate="piperazine", conc="0.1 M")
    t = s.evolve(eq=2.0)
    assert (t.eq, t.substrate, t.concentration()) == (2.0, "piperazine", pytest.approx(0.1))
    with pytest.raises(InvalidInput, match="field: conc"):
        s.evolve(conc="-1 M")
    with pytest.raises(InvalidInput, match="field: eq"):
        s.evolve(eq=float("nan"))


def test_family_options_are_parts_of_the_scenario_and_unknown_keys_are_refused():
    s = make_scenario(mixing={"power": "1 W/kg"}, resin=None)
    assert s.mixing.si("power") == 1.0
    with pytest.raises(InvalidInput, match=r"field: mixing\.colour"):
        make_scenario(mixing={"colour": "blue"})
    with pytest.raises(InvalidInput, match=r"field: reductive\.pre_time"):
        make_scenario(reductive={"pre_time": "-1 h"})


def test_a_feed_that_disagrees_with_eq_is_refused_not_used():
    with pytest.raises(InvalidInput, match="field: feed"):
        simulate(make_scenario(substrate="piperazine", eq=1.0, feed=[{"eq": 5, "time": 0}]))


def test_scenario_files_must_be_utf8_mappings(tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("substrate: pipérazine\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match="not UTF-8"):
        load_scenario(latin)
    listed = tmp_path / "list.yaml"
    listed.write_text("- substrate\n")
    with pytest.raises(InvalidInput, match="mapping"):
        load_scenario(listed)


def test_quantities_beyond_any_flask_are_refused_by_name():
    for fields, name in (
        (dict(eq=1e308), "eq"),
        (dict(scale="1e300 mol"), "scale"),
        (dict(conc="100 M"), "conc"),
        (dict(acid="HCl", acid_eq=5000), "acid_eq"),
        (dict(time="400 d"), "time"),
    ):
        with pytest.raises(InvalidInput, match=f"field: {name}"):
            make_scenario(**fields)


def test_a_failed_plot_write_leaves_nothing_behind(tmp_path):
    from monoselect import plots

    target = tmp_path / "run.png"

    def fail(tmp):
        tmp.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(InvalidInput, match="No space left"):
        plots.commit(fail, target)
    assert list(tmp_path.iterdir()) == []


# --- solvent ----------------------------------------------------------------------------------


def test_every_solvent_row_names_its_source_and_its_numbers():
    from monoselect.scenario import solvent, solvent_table

    rows = solvent_table()["solvents"]
    assert {
        "DCM",
        "THF",
        "MeCN",
        "toluene",
        "dioxane",
        "EtOAc",
        "MeOH",
        "EtOH",
        "water",
        "DMF",
    } <= set(rows)
    for key, row in rows.items():
        assert len(row["source"]) > 40, key
        s = solvent(key)
        assert s.density_g_per_ml > 0 and s.boiling_point_c > 0 and s.viscosity_mpa_s, key
        assert row["dielectric"]["value"] is not None or row["dielectric"]["missing"], key


def test_an_unknown_solvent_is_refused_by_field_with_close_matches():
    from monoselect.errors import InvalidInput
    from monoselect.scenario import make_scenario

    with pytest.raises(InvalidInput) as err:
        make_scenario(solvent="DMC")
    assert err.value.field == "solvent" and "DCM" in str(err.value)
    assert make_scenario(solvent="methylene chloride").resolved()["solvent"] == "DCM"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (dict(acid="HCl"), "acid_eq"),  # named but nothing charged
        (dict(feed=[]), "feed"),
        (dict(feed=[{"eq": 1.0, "time": "1 h"}], addition_time="2 h"), "addition_time"),
        (dict(eq=True), "eq"),
        (dict(addition_time="1e-300 h"), "addition_time"),
        (dict(mixing={"power_number": 5}), r"mixing\.power_number"),
        (dict(mixing={"power": "1 W/kg", "stirrer_rpm": 600}), r"mixing\.power"),
        (dict(resin={"loading": "1e308 mmol/g"}), r"resin\.loading"),
        (dict(electrophile="1,4-dibromobutane", linker={"em": {8: 1e308}}), r"linker\.em"),
        (dict(reductive={"hydride_eq": 1e308}), r"reductive\.hydride_eq"),
    ],
)
def test_contradictions_and_absurd_options_are_refused_by_name(fields, field):
    with pytest.raises(InvalidInput, match=f"field: {field}"):
        make_scenario(**fields)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("substrate: [piperazine\neq: 1.0\n", "line 2"),
        ("substrate: piperazine\n\teq: 1.0\n", "line 2, column 1"),
        ("eq: 1.0\neq: 3.0\n", "'eq' is given twice"),
    ],
)
def test_a_broken_yaml_file_is_one_line_with_its_place(tmp_path, text, words):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(InvalidInput, match=words) as err:
        load_scenario(path)
    assert "\n" not in str(err.value)


def test_a_number_without_a_unit_is_read_in_the_stated_unit_and_said_so():
    r = simulate(make_scenario(time="3600", conc=0.1))
    notes = [a for a in r.assumptions if "has no unit" in a]
    assert notes == [
        "time 3600 has no unit: read as 3600 h",
        "conc 0.1 has no unit: read as 0.1 mol/L",
    ]


def test_equivalents_are_read_as_chemists_write_them():
    """'1.1 eq', '1.1 equiv', '2 EQ' are numbers of equivalents in every eq field (scenario,
    family options, protocol conditions and parameters); a word is one error with the fix."""
    from monoselect import make_conditions
    from monoselect.protocols import PROTOCOLS

    s = make_scenario(eq="1.1 eq", substrate_eq=" 2 EQ ", acid="HCl", acid_eq="1 equiv")
    assert (s.eq, s.substrate_eq, s.acid_eq) == (1.1, 2.0, 1.0)
    assert make_scenario(eq="1.1 eq") == make_scenario(eq=1.1)
    c = make_conditions(eq="1.2 eq", max_substrate_eq="3 equiv.")
    assert (c.eq, c.max_substrate_eq) == (1.2, 3.0)
    assert PROTOCOLS["excess"].params(substrate_eq="4 eq").substrate_eq == 4.0
    with pytest.raises(InvalidInput, match="field: eq") as err:
        make_scenario(eq="1.1 eqs")
    assert err.value.fix == "give a number, e.g. 1.1 or '1.1 eq'"


def test_held_out_edges_are_refused_or_said():
    """Cases from an independent bad-input corpus: each is one clear error or a warning."""
    from monoselect import InvalidStructure

    with pytest.raises(InvalidInput, match="field: eq"):
        make_scenario(eq="1_0")  # float() would read 10
    with pytest.raises(InvalidInput, match="field: eq"):
        make_scenario(eq=1e-320)
    with pytest.raises(InvalidStructure, match="wildcard"):
        simulate(make_scenario(substrate="*NCCN*"))
    with pytest.raises(InvalidStructure, match="not valid molecules"):
        simulate(make_scenario(substrate="[2H]N1CCN([2H])CC1"))
    short = simulate(make_scenario(addition_time="4 h", time="1 h"))
    assert any("before the feed does" in w for w in short.warnings)


def test_yaml_clock_times_forgotten_names_and_switches_are_read_as_meant(tmp_path):
    """YAML 1.1 reads 1:30:00 as 5400 (base 60); an empty substrate is not the default one;
    a run cut short by its time says so (cases from the held-out corpus)."""
    f = tmp_path / "s.yaml"
    f.write_text("time: 1:30:00\naddition_time: 1:30\n")
    s = load_scenario(f)
    assert s.total_seconds() == 5400.0 and s.addition_seconds() == 5400.0
    f.write_text("substrate:\n")
    with pytest.raises(InvalidInput, match="field: substrate"):
        load_scenario(f)
    with pytest.raises(InvalidInput, match=r"field: reductive\.hydride_eq"):
        make_scenario(reductive={"hydride_eq": True})
    cut = simulate(make_scenario(time="1 s"))
    assert any("not final" in w for w in cut.warnings)
