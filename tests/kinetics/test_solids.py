"""Salts that precipitate (scenario key ``solubility``): the saturation equilibrium in the
compiled kernel, its exact limits, conservation with the solid carrying its protons, the
analytic Jacobian, and what a chemist sees (selectivity, the report, the filter cake)."""

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from monoselect import make_scenario, simulate
from monoselect.errors import InvalidInput
from monoselect.kinetics import rosenbrock as rb
from monoselect.kinetics.simulate import _arrays
from monoselect.models import site
from tests.conftest import run_cli
from tests.strategies import ACCL_ET3N, site_scenarios

ACCL_THF = {**ACCL_ET3N, "solvent": "THF"}


def _run(**kw):
    return simulate(make_scenario(**kw))


def test_a_salt_that_never_reaches_its_solubility_changes_nothing():
    """Exact limit: a solubility far above any concentration in the flask leaves the run as
    it was, and nothing is solid."""
    plain = _run(**ACCL_THF)
    roomy = _run(**ACCL_THF, solubility="SM.HCl=100 M, Et3N.HCl=100 M")
    for name, value in plain.split().fractions.items():
        assert roomy.split().fractions[name] == pytest.approx(value, abs=1e-9)
    assert roomy.outcome.precipitate() == {"SM.HCl": 0.0, "Et3N.HCl": 0.0}


def test_what_exceeds_the_solubility_at_the_start_is_solid_exactly():
    """1,4-diazepane with 2 eq HCl in DCM is all the dihydrochloride; at 1 mM solubility the
    solid is what is charged less 1 mM of the volume (oracle: n - S V)."""
    r = _run(
        substrate="1,4-diazepane",
        electrophile="Boc2O",
        solvent="DCM",
        acid="HCl",
        acid_eq=2.0,
        solubility="SM.2HCl=1 mM",
        time="1 min",
    )
    o = r.outcome
    charged = r.problem.substrate_charged
    expected = charged - 1e-3 * float(o.volume[0])
    assert float(o.solids[0, 0]) == pytest.approx(expected, rel=1e-6)
    # what stays dissolved sits at the solubility, as the dihydrochloride
    assert float(o.dissolved()[0, 0]) / float(o.volume[0]) == pytest.approx(1e-3, rel=1e-4)


def _saturated_state(**kw):
    """A state half-way through a fed AcCl run, with the salts of ``kw`` solid."""
    sc = make_scenario(**kw)
    table, _, _ = site.scenario_table(sc)
    problem, _ = site.build_problem(sc, table.network, table.electrophile)
    y0, sysm, *_ = _arrays(problem)
    y = y0.copy()
    ns = y.size - 2
    # a third of the AcCl fed and reacted to mono: its HCl sits on the bases
    y[1] = 0.3
    y[0] = 0.7
    y[ns] = 0.05
    y[ns + 1] = 1.3
    return y, sysm


SATURATED = {
    "SM.HCl and mono.HCl, no base (DCM)": {
        **ACCL_THF, "solvent": "DCM", "base": None, "base_eq": 0,
        "solubility": "SM.HCl=2 mM, mono.HCl=1 mM",
    },
    "Et3N.HCl (THF)": {**ACCL_THF, "solubility": "Et3N.HCl=5 mM"},
    "SM.2HCl in MeOH, with Et3N.HCl": {
        **ACCL_THF, "solvent": "MeOH", "base_eq": 0.2,
        "solubility": "SM.2HCl=0.1 mM, Et3N.HCl=1 mM",
    },
}  # fmt: skip


@pytest.mark.parametrize("kw", SATURATED.values(), ids=SATURATED.keys())
def test_the_analytic_jacobian_with_solids_matches_finite_differences(kw):
    y, sysm = _saturated_state(**kw)
    n = y.size
    work = rb.new_work(sysm, n)
    rb._speciate(y, sysm, work, 0.0)
    nb = sysm.binder_amount.size
    solid = (work.dissolved < y[: n - 2] - 1e-9).any() or (
        work.binder_dissolved[:nb] < sysm.binder_amount - 1e-9
    ).any()
    assert solid, "the test state must hold a solid"
    jac = np.empty((n, n))
    f0 = np.empty(n)
    rb._rhs(y, sysm, np.zeros(n), f0, work, True)
    rb._jacobian(y, sysm, jac, work, True)

    def rhs(v):
        out = np.empty(n)
        w = rb.new_work(sysm, n)
        rb._speciate(v, sysm, w, 0.0)
        rb._rhs(v, sysm, np.zeros(n), out, w, True)
        return out

    numeric = np.empty((n, n))
    for j in range(n):
        h = 1e-6 * max(abs(y[j]), 1e-3)
        up, down = y.copy(), y.copy()
        up[j] += h
        down[j] -= h
        numeric[:, j] = (rhs(up) - rhs(down)) / (2 * h)
    scale = np.abs(numeric).max()
    assert np.abs(jac - numeric).max() <= 1e-5 * scale, (jac, numeric)


def test_a_precipitating_starting_material_salt_costs_mono():
    """SM.HCl leaving the solution leaves the dissolved amines richer in mono, which meets
    the AcCl: the lower its solubility, the less mono (and the more SM left unreacted)."""
    monos = [
        _run(**ACCL_THF, **({"solubility": f"SM.HCl={s}"} if s else {})).split().get("mono")
        for s in (None, "3 mM", "1 mM", "0.3 mM")
    ]
    assert all(a > b for a, b in itertools.pairwise(monos)), monos


def test_a_base_hydrochloride_crashing_out_pulls_the_protons_off_the_diamine():
    """Et3N.HCl precipitating from THF holds its protons in the solid: the dissolved Et3N is
    less protonated, so the diamine is freer and mono does not fall."""
    plain = _run(**ACCL_THF)
    solid = _run(**ACCL_THF, solubility="Et3N.HCl=5 mM")
    assert solid.split().get("mono") >= plain.split().get("mono")
    made = solid.outcome.precipitate()["Et3N.HCl"]
    # at most the HCl released (1 eq) can be bound as the salt
    assert 0.5 * solid.problem.substrate_charged < made <= solid.problem.electrophile_charged


def test_a_poorly_soluble_free_diamine_gives_more_bis():
    """A free base that stays mostly solid feeds the solution slowly: the mono made meets
    the electrophile first, so bis rises as the solubility falls; the run still finishes."""
    kw = dict(substrate="piperazine", electrophile="Boc2O", solvent="toluene")
    bis = []
    for s in (None, "20 mM", "2 mM"):
        r = _run(**kw, **({"solubility": f"SM={s}"} if s else {}))
        assert r.outcome.electrophile_left < 1e-6
        bis.append(r.split().get("bis"))
    assert bis[0] < bis[1] < bis[2], bis


SALTS = ["SM.HCl", "SM.2HCl", "mono.HCl", "Et3N.HCl", "SM"]


@settings(max_examples=15, deadline=None)
@given(
    fields=site_scenarios(time="3 h"),
    salts=st.lists(st.sampled_from(SALTS), min_size=1, max_size=3, unique=True),
    mm=st.floats(0.05, 50.0),
    solvent=st.sampled_from(["DCM", "THF", "MeOH"]),
)
def test_units_and_protons_are_conserved_with_solids(fields, salts, mm, solvent):
    """Hypothesis: any acid, base, electrophile, feed and solvent with any salts allowed to
    precipitate: substrate units, electrophile units and protons balance to 1e-9, and no
    solid is negative or more than the species present."""
    if "SM.HCl" in salts and "SM.2HCl" in salts:
        salts.remove("SM.2HCl")  # one solid form per species
    if "SM" in salts and any(s.startswith("SM.") for s in salts):
        salts.remove("SM")
    if fields["base"] != "Et3N":  # Et3N.HCl needs Et3N in the flask
        salts = [s for s in salts if not s.startswith("Et3N")] or ["SM.HCl"]
    text = ", ".join(f"{s}={mm:.4g} mM" for s in salts)
    r = _run(**fields, solvent=solvent, solubility=text)
    assert max(r.balance().values()) < 1e-9
    o = r.outcome
    ns = len(o.labels)
    assert (o.solids[:, :ns] >= -1e-12 * r.problem.substrate_charged).all()
    assert (o.solids[:, :ns] <= o.amounts * (1 + 1e-9) + 1e-15).all()


def test_the_cli_reports_the_precipitate_and_json_carries_it():
    args = ["simulate", "--substrate", "piperazine", "--electrophile", "AcCl", "--solvent",
            "THF", "--base", "Et3N", "--base-eq", "1.2", "--addition-time", "1 h",
            "--solubility", "Et3N.HCl=5 mM"]  # fmt: skip
    shown = run_cli(*args)
    assert shown.returncode == 0
    assert "Precipitated (solubilities given)" in shown.stdout
    assert "Et3N.HCl" in shown.stdout
    data = json.loads(run_cli(*args, "--json").stdout)
    made = data["precipitate"]["Et3N.HCl"]
    assert made["mol"] == pytest.approx(made["eq"] * 0.01, rel=1e-12)
    assert data["scenario"]["solubility"] == {"Et3N.HCl": {"value": 0.005, "unit": "mol/L"}}


def test_a_solubility_in_grams_per_litre_is_the_salts_molar_amount():
    """5 mM of Et3N.HCl (101.19 + 36.46 g/mol) is 0.68825 g/L, and piperazine.2HCl's mass
    comes from the species' own: the runs agree with the mol/L ones exactly."""
    by_mol = _run(**ACCL_THF, solubility="Et3N.HCl=5 mM, SM.2HCl=0.2 mM")
    sm_2hcl = 86.138 + 2 * 36.46  # piperazine (RDKit's average mass) + 2 HCl
    by_mass = _run(**ACCL_THF, solubility=f"Et3N.HCl=0.68825 g/L, SM.2HCl={0.2 * sm_2hcl} mg/L")
    assert by_mass.outcome.precipitate() == pytest.approx(by_mol.outcome.precipitate(), rel=1e-9)
    assert any("0.6883 g/L, MW 137.65, = 5 mM" in a for a in by_mass.assumptions)
    with pytest.raises(InvalidInput, match=r"molar mass of SM.HI is not known") as err:
        _run(**ACCL_THF, solubility="SM.HI=1 g/L")
    assert err.value.field == "solubility.SM.HI"


@pytest.mark.parametrize(
    "text, field",
    [
        ("SM.3HCl=1 mM", "solubility.SM.3HCl"),  # piperazine carries two protons at most
        ("DIPEA.HCl=1 mM", "solubility.DIPEA.HCl"),  # not charged in this run
        ("SM.HCl=fast", "solubility.SM.HCl"),
        ("SM.HCl=0 mM", "solubility.SM.HCl"),
        ("SM.HCl", "solubility"),
    ],
)
def test_a_bad_solubility_is_one_line_naming_the_field(text, field):
    ran = run_cli("simulate", "--substrate", "piperazine", "--electrophile", "AcCl",
                  "--base", "Et3N", "--base-eq", "1.2", "--solubility", text)  # fmt: skip
    assert ran.returncode == 2
    assert field in ran.stderr and "Traceback" not in ran.stderr
    assert len(ran.stderr.strip().splitlines()) == 1
    if "fast" in text:  # the fix names both ways of giving it
        assert "mol/L or g/L" in ran.stderr


def test_the_filter_takes_what_the_run_precipitated_and_only_that():
    from monoselect import workup

    result = _run(**ACCL_THF, solubility="Et3N.HCl=5 mM")
    made = result.outcome.precipitate()["Et3N.HCl"]
    w = workup(result, [{"filter": {}}, {"evaporate": {}}])
    keys = w.keys()
    (cake,) = [s for s in w.trace.streams if s.kind == "solid"]
    assert float(cake.amounts[0, keys.index("Et3N")]) == pytest.approx(made, rel=1e-9)
    # no solubility was given for the amines: they stayed dissolved, none is in the cake
    for label in ("SM", "mono", "bis"):
        assert float(cake.amounts[0, keys.index(label)]) == 0.0


def test_compare_gives_each_protocol_the_solubilities_it_can_use():
    """A base's salt belongs where that base is charged; the species' salts go everywhere."""
    from monoselect.protocols.base import Conditions, scenario_for

    cond = Conditions(electrophile="AcCl", solubility="SM.HCl=1 mM, TEA.HCl=5 mM")
    with_base = scenario_for(cond, base="Et3N", base_eq=1.2)
    assert with_base.solubility == {"SM.HCl": "1 mM", "TEA.HCl": "5 mM"}
    assert scenario_for(cond).solubility == {"SM.HCl": "1 mM"}  # no base: no Et3N.HCl
    # and the run made from it precipitates the Et3N salt (TEA is Et3N's alias)
    assert simulate(with_base).outcome.precipitate()["TEA.HCl"] > 0


def test_protect_first_hands_on_only_the_salts_that_are_still_the_same_compound():
    """Step 1 (Boc on the same diamine) keeps SM's salt and drops the AcCl product's; step 2
    (a new substrate) keeps only the base's; the user's fitted kappa stays with AcCl too."""
    from monoselect.protocols.base import salts_for

    given = {"SM.HCl": "1 mM", "mono.HCl": "2 mM", "Et3N.HCl": "5 mM", "piperazine.2HCl": "1 mM"}
    assert salts_for(given, "piperazine", starting_material=True) == {
        "SM.HCl": "1 mM", "Et3N.HCl": "5 mM", "piperazine.2HCl": "1 mM"}  # fmt: skip
    assert salts_for(given, "piperazine") == {"Et3N.HCl": "5 mM"}
    assert salts_for({"mono.HCl": "2 mM"}, "piperazine") is None
    # the user's kappa (fitted for AcCl on piperazine) does not reach the Boc2O step
    from monoselect.protocols import PROTOCOLS
    from monoselect.protocols.base import make_conditions

    def step1(**kw):
        cond = make_conditions(substrate="piperazine", electrophile="AcCl", **kw)
        return PROTOCOLS["protect"].run(cond).extra["step_yields"][0]

    assert step1(kappa=5.0) == step1()


def test_where_precipitation_is_not_modelled_the_result_says_so():
    """The feed zones keep salts dissolved, and other families ignore solubility: a warning
    each time, never a silent difference."""
    zones = _run(**ACCL_THF, feed_conc="1 M", solubility="Et3N.HCl=5 mM",
                 mixing_model="engulfment")  # fmt: skip
    assert any("keeps every salt dissolved" in w for w in zones.warnings)
    linker = _run(electrophile="1,4-dibromobutane", solubility="SM.HCl=1 mM")
    assert any("solubility applies to site runs" in w for w in linker.warnings)
    plain = _run(**ACCL_THF)
    assert any("ammonium salts stay dissolved in THF" in a for a in plain.assumptions)
