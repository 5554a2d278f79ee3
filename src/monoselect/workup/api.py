"""The workup entry points: ``workup(source, plan)`` and ``load_workup(path)``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from monoselect.chem.partition import workup_data
from monoselect.errors import InvalidInput
from monoselect.results import Provenance, Result
from monoselect.scenario import Scenario, read_mapping
from monoselect.workup.crude import Crude, crude_from_result
from monoselect.workup.plan import WorkupPlan, make_workup, plan_from_mapping
from monoselect.workup.result import WorkupResult
from monoselect.workup.run import components_for, logp_rows, run


def load_workup(path) -> WorkupPlan:
    """A workup file: ``steps``, ``product`` and optionally ``scenario`` (a path relative to
    the file, or the scenario mapping), which the plan then carries as ``plan.scenario``."""
    data = read_mapping(path, "workup")
    plan = plan_from_mapping(data)
    spec = scenario_mapping(path, data)
    if spec is None:
        return plan
    from monoselect.scenario import make_scenario

    return plan.with_scenario(make_scenario(**spec))


def scenario_mapping(path, data: dict | None = None) -> dict | None:
    """The scenario fields a workup file names (a file relative to it, or inline), or None."""
    if data is None:
        data = read_mapping(path, "workup")
    spec = data.get("scenario")
    if spec is None:
        return None
    if isinstance(spec, str):
        return read_mapping((Path(path).parent / spec).resolve())
    if isinstance(spec, Mapping):
        return dict(spec)
    raise InvalidInput(
        "scenario must be a file path or a mapping of scenario fields",
        field="scenario",
        fix="write scenario: diazepane_boc_slow_addition.yaml",
    )


def resolve_plan(plan) -> WorkupPlan:
    if isinstance(plan, WorkupPlan):
        return plan
    if isinstance(plan, Mapping):
        return plan_from_mapping(dict(plan))
    if isinstance(plan, str | Path):
        return load_workup(plan)
    if plan is None:
        raise InvalidInput("no workup steps given", field="steps", fix="give a plan or a file")
    return make_workup(plan)


def crude_of(source, plan: WorkupPlan) -> tuple[Scenario, Result, Crude]:
    if source is None:
        source = plan.scenario
    if source is None:
        raise InvalidInput(
            "no reaction to work up", field="scenario", fix="give a scenario or a simulated Result"
        )
    if isinstance(source, Scenario):
        from monoselect.models import simulate

        result = simulate(source)
    elif isinstance(source, Result):
        result = source
    else:
        raise InvalidInput(
            f"workup takes a Scenario or a Result, got {type(source).__name__}",
            field="scenario",
            fix="build one with make_scenario(...) or simulate(scenario)",
        )
    return result.scenario, result, crude_from_result(result)


def workup(source=None, plan=None, *, corners_max: int = 6) -> WorkupResult:
    """Apply ``plan`` (a WorkupPlan, a list of steps, a mapping or a workup file) to the crude
    of ``source`` (a Scenario, simulated here, or a site-family Result; default the plan's
    own scenario).

    logP values that are estimates are carried as intervals: the workup runs once per corner
    of the intervals (up to 2^``corners_max``) in one vectorised pass, and every number is
    reported as central value with low/high over them.
    """
    plan = resolve_plan(plan)
    scenario, result, crude = crude_of(source, plan)
    comps = components_for(crude, plan)
    log_p, varied = logp_rows(comps, corners_max=corners_max)
    trace = run(crude, plan, log_p)
    return assemble(scenario, result, plan, crude, trace, tuple(varied))


def assemble(scenario, result, plan, crude, trace, varied) -> WorkupResult:
    """The WorkupResult of a trace, with every assumption and source it used."""
    data = workup_data()
    assumptions = [
        "partition by D = P x f_neutral(pH): only the neutral form enters the organic phase; "
        "ions and salts stay in the water (no ion pairs)",
        data["collander"],
        "activities = 1 (no ionic-strength correction), 25 degC, phases at equilibrium, "
        "volumes additive, mutual solubility of water and solvent ignored",
        *crude.notes,
    ]
    if abs(scenario.temperature_c() - 25.0) > 1e-9:
        assumptions.append(
            f"pKa values of the species at the reaction temperature ({scenario.temperature_c():g} "
            "degC) are used for the workup"
        )
    estimated = [c.key for c in trace.components if c.logp is not None and not c.logp.measured]
    if estimated:
        assumptions.append(
            f"logP estimated (RDKit Crippen +- {data['crippen']['half_width']:g}) for "
            f"{', '.join(estimated)}: results carry the interval ({varied[-1]})"
        )
    for r in trace.records:
        assumptions += [f"step {r.index + 1} ({r.text}): {n}" for n in r.notes if "assumed" in n]
    warnings = list(trace.warnings)
    product = [trace.components[j].key for j in _product_cols(plan, trace)]
    if not product:
        raise InvalidInput(
            f"no species {plan.product!r} in this run",
            field="product",
            fix=f"one of: {', '.join(c.key for c in trace.components if c.degree is not None)}",
        )
    prov = [
        Provenance("pKw", f"{data['water']['pkw']:g}", data["water"]["pkw_source"]),
        *crude.provenance,
        *[p for p in result.provenance if p.quantity.startswith("pKa")],
    ]
    for c in trace.components:
        if c.bp is not None:
            prov.append(Provenance(f"bp {c.key}", f"{c.bp[0]:g} degC", c.bp[1]))
        if c.role == "added":
            if c.logp is not None:
                prov.append(Provenance(f"logP {c.key}", f"{c.logp.value:.2f}", c.logp.origin))
            pka = ", ".join(f"{v:.2f}" for v in c.stepwise_pka())
            prov.append(Provenance(f"pKa {c.key}", pka, "data/acids_bases.yaml (sourced there)"))
    out = WorkupResult(
        scenario=scenario,
        reaction=result,
        plan=plan,
        trace=trace,
        substrate_charged=crude.substrate_charged,
        electrophile_charged=crude.electrophile_charged,
        varied=varied,
        assumptions=tuple(dict.fromkeys(assumptions)),
        warnings=tuple(dict.fromkeys(warnings)),
        provenance=tuple(prov),
    )
    residual = out.balance_residual()
    if not residual < 1e-9:
        from monoselect.errors import SolverFailure

        raise SolverFailure(f"workup mass balance residual {residual:.2e}", field="steps")
    return out


def _product_cols(plan, trace):
    from monoselect.kinetics.network import COUNT_WORDS

    cols = [j for j, c in enumerate(trace.components) if c.key == plan.product]
    if not cols and plan.product in COUNT_WORDS:
        d = COUNT_WORDS.index(plan.product)
        cols = [j for j, c in enumerate(trace.components) if c.degree == d]
    return cols
