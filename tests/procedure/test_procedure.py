"""The written procedure: every number follows from the simulated run by the arithmetic a
chemist would do (mass = mmol x MW, volume = mmol / molarity or mass / density, pump rate =
volume / time), the outcome it promises is the simulated one, and the report is readable and
self-contained."""

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from monoselect import InvalidInput, make_conditions, make_scenario, simulate
from monoselect.procedure import procedure
from monoselect.procedure.report import html_page, markdown, write_report
from monoselect.protocols import PROTOCOLS
from tests.conftest import run_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def hcl_salt():
    run = PROTOCOLS["hcl_salt"].run(make_conditions(scale="10 mmol"))
    return procedure(run, workup=EXAMPLES / "workup_citric.yaml")


def _row(p, role):
    return next(r for r in p.reagents if r.role == role)


def test_masses_are_mmol_times_mw_and_solution_volumes_mmol_over_molarity(hcl_salt):
    sub, el, acid = (_row(hcl_salt, r) for r in ("substrate", "electrophile", "acid"))
    assert sub.mmol == pytest.approx(10.0) and sub.mass_mg == pytest.approx(
        10.0 * 100.165, rel=1e-4
    )
    assert el.mass_mg == pytest.approx(10.0 * 218.25)  # Boc2O, MW of data/reagents.yaml
    # HCl 1.25 M in MeOH: 10 mmol / 1.25 mol/L = 8.00 mL
    assert acid.form == "HCl 1.25 M in MeOH" and acid.volume_ml == pytest.approx(8.0)
    assert acid.mass_mg == pytest.approx(10.0 * 36.46)


def test_neat_liquids_are_mass_over_density_and_pump_rate_is_volume_over_time():
    s = make_scenario(
        substrate="piperazine",
        electrophile="AcCl",
        eq=1.0,
        scale="5 mmol",
        base="Et3N",
        base_eq=2.0,
        addition_time="2 h",
        feed_conc="0.5 M",
        temperature="0 degC",
    )
    p = procedure(s)
    acl, base = _row(p, "electrophile"), _row(p, "base")
    assert acl.volume_ml == pytest.approx(5.0 * 78.49 / 1000 / 1.104)  # 0.355 mL
    assert base.volume_ml == pytest.approx(10.0 / 7.17)  # Et3N neat, 7.17 mol/L
    assert p.volumes["feed_ml"] == pytest.approx(5.0 / 0.5)  # 10 mL of 0.5 M
    assert p.volumes["pump_ml_per_h"] == [pytest.approx(10.0 / 2.0)]  # 5 mL/h
    assert p.volumes["flask_ml"] == pytest.approx(5.0 / 0.2)  # 0.2 M default
    texts = " ".join(t for t, _ in p.notes)
    assert "exothermic" in texts and "ice bath" in texts  # acid chloride with an amine
    assert "--temperature" not in texts  # planned at 0 degC already
    assert any("5 mL/h" in s.text for s in p.steps)
    warm = " ".join(t for t, _ in procedure(s.evolve(temperature="25 degC")).notes)
    assert "for 25 degC: give --temperature '0 degC'" in warm  # the plan says what it assumed


def test_the_promised_outcome_is_the_simulated_one(hcl_salt):
    end = hcl_salt.checkpoints[-1]
    split = hcl_salt.reaction.split().fractions
    for k in ("SM", "mono", "bis"):
        assert end.fractions[k] == pytest.approx(split[k], abs=1e-9)
    assert sum(end.fractions.values()) == pytest.approx(1.0, abs=1e-9)
    first = hcl_salt.checkpoints[0]
    assert first.when == "end of the addition" and first.time_s == pytest.approx(1800)
    assert first.electrophile_left > end.electrophile_left


def test_co2_volume_and_hcl_fumes_are_noted_with_sources(hcl_salt):
    co2 = next(t for t, _ in hcl_salt.notes if t.startswith("CO2"))
    assert "245 mL" in co2  # 10 mmol x 24.47 mL/mmol at 25 degC
    assert all(src for _, src in hcl_salt.notes)
    assert any("fumes HCl" in t for t, _ in hcl_salt.notes)


def test_lcms_table_has_the_mono_and_the_bis_in_source_loss(hcl_salt):
    ions = {(i.species, i.ion): i.mz for i in hcl_salt.ions}
    # C10H20N2O2 + H+: 10 x 12 + 21 x 1.00782503 + 2 x 14.00307401 + 2 x 15.99491462 - e
    mh = 120 + 21 * 1.00782503 + 2 * 14.00307401 + 2 * 15.99491462 - 0.00054858
    assert ions[("mono", "[M+H]+")] == pytest.approx(mh, abs=2e-4)
    assert ions[("bis", "[M+H-Boc]+")] == pytest.approx(ions[("mono", "[M+H]+")], abs=1e-6)


def test_a_multi_step_protocol_is_refused_with_the_field():
    run = PROTOCOLS["protect"].run(make_conditions())
    with pytest.raises(InvalidInput) as e:
        procedure(run)
    assert e.value.field == "protocol"


def test_the_html_report_fetches_nothing_and_markdown_has_the_tables(hcl_salt):
    page = html_page(hcl_salt)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.I)
    assert "<svg" in page and "Reagents" in page and "8.00 mL" in page
    md = markdown(hcl_salt)
    assert "| 1,4-diazepane | substrate |" in md and "## LC-MS monitoring" in md
    json.dumps(hcl_salt.to_dict(), allow_nan=False)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_the_pdf_first_page_has_the_title_and_tables(hcl_salt, tmp_path):
    pdf = write_report(hcl_salt, tmp_path / "plan.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "pg")],
        check=True,
    )
    from matplotlib.image import imread

    img = imread(next(tmp_path.glob("pg*.png")))
    grey = img[..., :3].mean(axis=2)
    ink = (grey < 0.5).mean()
    assert 0.01 < ink < 0.3  # text and tables, not blank and not a black page
    top = (grey[: grey.shape[0] // 8] < 0.5).mean()
    assert top > 0.005  # the title at the top


def test_cli_procedure_json_and_report_files(tmp_path):
    out = run_cli("procedure", "--protocol", "slow_addition", "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["kind"] == "procedure" and d["procedure"]["volumes"]["pump_ml_per_h"]
    html, md = tmp_path / "p.html", tmp_path / "p.md"
    r = run_cli(
        "report", str(EXAMPLES / "diazepane_boc_slow_addition.yaml"), "-o", str(html), "-o", str(md)
    )
    assert r.returncode == 0, r.stderr
    assert html.stat().st_size > 5000 and md.read_text().startswith("# ")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("report", "-o", "plan.docx"), "report"),
        (("procedure", "--protocol", "no_such"), "protocol"),
        (("procedure", "--protocol", "hcl_salt", "--addition-time", "2 h"), "addition_time"),
    ],
)
def test_cli_bad_input_is_one_line_naming_the_field(tmp_path, args, field):
    r = run_cli(*args, cwd=tmp_path)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert field in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_end_of_run_time_course_matches_simulate():
    s = make_scenario(addition_time="1 h", feed_conc="1 M")
    p = procedure(s)
    direct = simulate(s)
    assert np.allclose(list(p.split().fractions.values()), list(direct.split().fractions.values()))


def test_an_alkylation_promises_its_over_alkylated_share_and_warns_of_the_agent():
    p = procedure(
        make_scenario(substrate="ethylenediamine", electrophile="BnBr", base="Et3N", base_eq=1.2)
    )
    end, split = p.checkpoints[-1].fractions, p.reaction.split().fractions
    assert set(end) == set(split) and "over" in end
    assert all(end[k] == pytest.approx(split[k], abs=1e-9) for k in split)
    assert any("alkylating agent" in t for t, _ in p.notes)


def test_a_reductive_amination_is_refused_with_the_field():
    with pytest.raises(InvalidInput) as e:
        procedure(make_scenario(electrophile="benzaldehyde"))
    assert e.value.field == "scenario" and "reductive" in str(e.value)


def test_fitted_intervals_become_ranges_of_the_expected_outcome(tmp_path):
    s = make_scenario(kappa=0.3, k="0.01 L/mol/s")
    p = procedure(s, intervals={"kappa": (0.25, 0.36), "k": (0.008, None)})
    end = p.checkpoints[-1]
    for key, (lo, hi) in end.ranges.items():
        assert lo <= end.fractions[key] <= hi
    lo, hi = end.ranges["bis"]
    assert hi - lo > 0.01  # kappa moves the bis
    # the corners are the runs at those kappa: the bis range is theirs at the end
    hi_run = simulate(s.evolve(kappa=0.36, k="0.008 L/mol/s"))
    assert hi == pytest.approx(hi_run.split().fractions["bis"], abs=1e-6)
    none = procedure(s)
    assert none.checkpoints[-1].ranges is None


def test_cli_procedure_takes_a_fit_file(tmp_path):
    fit = run_cli("fit", str(EXAMPLES / "fit_diazepane_boc.yaml"), "--json")
    (tmp_path / "fit.json").write_text(fit.stdout)
    out = run_cli("procedure", "--fit", str(tmp_path / "fit.json"), "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    fitted = json.loads(fit.stdout)["fit"]["parameters"][0]["value"]
    assert d["scenario"]["kappa"] == pytest.approx(fitted, rel=1e-5)
    assert d["procedure"]["expected"][-1]["ranges"]["mono"][0] < d["split"]["fractions"]["mono"]


def test_a_feed_zone_run_warns_that_the_checkpoints_are_ideal_mixing():
    """The checkpoints follow the ideal time course; the engulfment end is said beside it."""
    from monoselect import make_scenario, procedure

    p = procedure(
        make_scenario(
            substrate="piperazine", electrophile="AcCl", base="Et3N", base_eq=1.2,
            addition_time="1 h", feed_conc="1 M", mixing_model="engulfment",
        )
    )  # fmt: skip
    (note,) = [w for w in p.warnings if "feed zone" in w]
    zone_mono = p.reaction.feed_zones.split().get("mono")
    assert "ideal-mixing" in note and f"mono {zone_mono:.1%}" in note
    assert p.checkpoints[-1].fractions["mono"] > zone_mono + 0.1  # the table is ideal mixing


def test_the_terminal_shows_the_warnings_the_report_lists():
    from rich.console import Console

    from monoselect import make_scenario, procedure

    p = procedure(make_scenario(electrophile="AcCl", eq=2.0, time="2 h"))  # no base: HX stall
    assert p.warnings
    console = Console(record=True, width=10_000, file=io.StringIO())
    console.print(p)
    shown = console.export_text()
    assert all(f"warning: {w}" in shown for w in p.warnings)


def test_a_run_that_precipitates_ends_with_the_filtration_and_its_amount():
    """Et3N.HCl crashing out of THF: the last step says what and how much to filter off (the
    run's own number), and a feed that ends the run adds no 'stir for 0 s' step."""
    from monoselect import make_scenario, procedure, simulate
    from tests.strategies import ACCL_ET3N

    kw = {**ACCL_ET3N, "solvent": "THF", "solubility": "Et3N.HCl=5 mM"}
    made = simulate(make_scenario(**kw)).outcome.precipitate()["Et3N.HCl"]
    p = procedure(make_scenario(**kw))
    last = p.steps[-1].text
    assert last.startswith("Expect a precipitate: Et3N.HCl")
    assert f"about {made * 1e3:.3g} mmol" in last
    assert not any("for 0 s" in s.text for s in p.steps)
