"""From a simulated run to what goes on the bench: weights, volumes, pump rates, steps,
the expected outcome along the way, LC-MS ions to watch, and the bench notes.

Everything is read from the Result of the run that was simulated (its scenario and feed
plan), so the numbers written are the numbers simulated: mass = mmol x MW, volume of a neat
liquid = mass / density, volume of a solution = mmol / molarity, pump rate = fed volume /
feed time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from monoselect.chem.ions import ion_table
from monoselect.data import load_yaml
from monoselect.errors import InvalidInput
from monoselect.models import reagents, simulate
from monoselect.models.charges import feed_plan
from monoselect.models.site import category_fractions
from monoselect.results import Provenance, Result
from monoselect.scenario import Scenario

# electrophile classes whose reaction with an amine is fast, exothermic and releases HCl
ACID_CHLORIDES = ("acyl_chloride", "sulfonyl_chloride", "chloroformate")
ALKYLATING = ("alkyl_halide", "alkyl_sulfonate")
COLD_LIMIT_C = 5.0  # keep acid-chloride additions below this (ice bath), an operating habit


@lru_cache(maxsize=1)
def data() -> dict:
    return load_yaml("procedure.yaml")


@dataclass(frozen=True)
class Reagent:
    """One line of the reagent table."""

    name: str
    role: str  # substrate, electrophile, acid, base
    form: str  # as bought and handled
    mw: float  # g/mol
    eq: float  # per diamine charged at 1 eq
    mmol: float
    mass_mg: float
    volume_ml: float | None  # neat liquid (density) or solution (molarity); None: weigh
    how: str  # weigh / syringe (neat) / syringe (solution)
    source: str

    def row(self) -> dict:
        return {
            "name": self.name,
            "role": self.role,
            "form": self.form,
            "mw_g_per_mol": self.mw,
            "eq": self.eq,
            "mmol": self.mmol,
            "mass_mg": self.mass_mg,
            "volume_ml": self.volume_ml,
            "how": self.how,
            "source": self.source,
        }


@dataclass(frozen=True)
class Step:
    number: int
    text: str
    start_s: float
    duration_s: float
    temperature_c: float


@dataclass(frozen=True)
class Checkpoint:
    """The simulated composition at one point of the procedure."""

    when: str
    time_s: float
    fractions: dict[str, float]  # of the diamine units
    electrophile_left: float | None  # fraction of the electrophile charged
    ranges: dict[str, tuple[float, float]] | None = None  # over the fitted intervals


def _substrate_row(scenario: Scenario, mmol: float) -> Reagent:
    sub = reagents.substrate(scenario.substrate)
    mw = reagents.molar_mass(sub.smiles)
    _, acid, per = reagents.salt(scenario.substrate)
    if acid is not None:  # weighed as the salt: its molar mass carries the acid
        mw += per * data()["molar_mass"][acid]
        mass = mmol * mw
        return Reagent(
            scenario.substrate,
            "substrate",
            f"solid salt ({per:g} {acid} per diamine)",
            mw,
            scenario.substrate_eq,
            mmol,
            mass,
            None,
            "weigh",
            "molar mass from RDKit plus the acid's (IUPAC atomic weights)",
        )
    form = data()["forms"].get(sub.name, {})
    density = form.get("density")
    mass = mmol * mw
    return Reagent(
        sub.name,
        "substrate",
        form.get("note", "weigh (no physical form in data/procedure.yaml)"),
        mw,
        scenario.substrate_eq,
        mmol,
        mass,
        mass / 1000 / density if density else None,
        "syringe (neat)" if density else "weigh",
        form.get("source", "molar mass from RDKit (IUPAC atomic weights)"),
    )


def _electrophile_row(scenario: Scenario, mmol: float) -> Reagent:
    el = reagents.electrophile(scenario.electrophile)
    form = data()["forms"].get(el.name, {})
    mass = mmol * el.mw
    solid = form.get("state") == "solid" or el.density is None
    return Reagent(
        el.name,
        "electrophile",
        form.get("note", "neat liquid" if not solid else "solid"),
        el.mw,
        scenario.eq,
        mmol,
        mass,
        None if solid else mass / 1000 / el.density,
        "weigh" if solid else "syringe (neat)",
        form.get("source", "data/reagents.yaml (CRC Handbook and supplier data sheets)"),
    )


def _acid_base_row(text: str, role: str, eq: float, mmol: float) -> Reagent:
    ab = reagents.acid_base(text, role, role)
    mw = data()["molar_mass"].get(ab.name)
    if mw is None:
        raise InvalidInput(
            f"no molar mass for {ab.name} in data/procedure.yaml", field=role, fix="add it there"
        )
    solution = data()["solution_of"].get(ab.name)
    if ab.concentration is None:
        form, volume, how = "solid", None, "weigh"
    elif solution:
        form, volume, how = solution, mmol / ab.concentration, "syringe (solution)"
    else:
        form, volume, how = "neat liquid", mmol / ab.concentration, "syringe (neat)"
    return Reagent(ab.name, role, form, mw, eq, mmol, mmol * mw, volume, how, ab.source)


def reagent_table(scenario: Scenario) -> tuple[list[Reagent], dict]:
    """Reagent rows and the volumes (mL) of the flask and of the fed solution."""
    plan = feed_plan(scenario)
    scale_mmol = scenario.amount() * 1e3
    rows = [
        _substrate_row(scenario, plan.substrate_charged * 1e3),
        _electrophile_row(scenario, plan.electrophile_charged * 1e3),
    ]
    if scenario.acid and scenario.acid_eq > 0:
        rows.append(
            _acid_base_row(scenario.acid, "acid", scenario.acid_eq, scenario.acid_eq * scale_mmol)
        )
    if scenario.base and scenario.base_eq > 0:
        rows.append(
            _acid_base_row(scenario.base, "base", scenario.base_eq, scenario.base_eq * scale_mmol)
        )
    inverse = scenario.mode == "inverse"
    fed_mmol = (plan.substrate_charged if inverse else plan.electrophile_charged) * 1e3
    in_flask_mmol = (plan.electrophile_charged if inverse else plan.substrate_charged) * 1e3
    feed_time = plan.feed_time
    volumes = {
        "flask_ml": in_flask_mmol / scenario.concentration(),  # mmol / (mol/L) = mL
        "feed_ml": fed_mmol / plan.feed_conc,
        "feed_conc_m": plan.feed_conc,
        "feed_time_s": feed_time,
        # one rate per stage: the model's volume rate (L/s) in mL/h
        "pump_ml_per_h": [s.volume_rate * 3.6e6 for s in plan.stages],
        "stage_s": [s.duration for s in plan.stages],
        "fed": "substrate" if inverse else "electrophile",
    }
    return rows, volumes


def duration_text(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.3g} h"


def volume_text(ml: float | None) -> str:
    if ml is None:
        return "-"
    return f"{ml:.2f} mL" if ml < 10 else f"{ml:.1f} mL" if ml < 100 else f"{ml:.0f} mL"


def mass_text(mg: float) -> str:
    return f"{mg:.1f} mg" if mg < 1000 else f"{mg / 1000:.2f} g"


def _fractions_at(result: Result, t: float) -> Checkpoint | None:
    """The site model's composition at time ``t`` (interpolated on its time grid)."""
    o = getattr(result, "outcome", None)
    if o is None:
        return None
    time = np.asarray(o.time)
    amounts = np.asarray(o.amounts)
    row = np.array([np.interp(t, time, amounts[:, j]) for j in range(amounts.shape[1])])
    total = row.sum()
    # the split's own categories (SM, mono, bis, over, quat...), as the result reports them
    fr = category_fractions(result.table.network, row / total)
    left = float(np.interp(t, time, np.asarray(o.electrophile)) / o.electrophile_charged)
    return Checkpoint("", t, fr, left)


def checkpoints(result: Result, feed_time: float) -> list[Checkpoint]:
    """End of the addition, when the mono is within 1 % of its final amount, and the end."""
    points: list[Checkpoint] = []
    o = getattr(result, "outcome", None)
    if o is None:  # families without a time course: the end only
        split = result.split()
        return [Checkpoint("end of the run", float("nan"), dict(split.fractions), None)]
    t_end = float(np.asarray(o.time)[-1])
    marks = []
    if feed_time > 0:
        marks.append(("end of the addition", feed_time))
    t99 = result.time_to_99() if hasattr(result, "time_to_99") else t_end
    if t99 > feed_time * 1.01:
        marks.append(("mono within 1 % of its final amount", t99))
    marks.append(("end of the run", t_end))
    for when, t in marks:
        c = _fractions_at(result, t)
        points.append(Checkpoint(when, t, c.fractions, c.electrophile_left))
    return points


FITTED = ("kappa", "k")  # parameters whose fitted intervals carry into the expected outcome


def with_intervals(
    result: Result, points: list[Checkpoint], intervals: dict
) -> tuple[list[Checkpoint], list[str]]:
    """``points`` with the range of every fraction over the corners of the fitted 95 %
    intervals (``{"kappa": (low, high), "k": (low, high)}``, an open side left out): the run
    simulated again at each corner, read at the same times."""
    import itertools

    if getattr(result, "outcome", None) is None:
        return points, ["fitted intervals carry only into site runs"]
    axes = []
    for name in FITTED:
        ends = [v for v in (intervals.get(name) or ()) if v is not None]
        if ends:
            axes.append([(name, v) for v in ends])
    if not axes:
        return points, []
    runs = []
    for corner in itertools.product(*axes):
        changes = {n: (v if n == "kappa" else f"{v:.12g} L/mol/s") for n, v in corner}
        runs.append(simulate(result.scenario.evolve(**changes)))
    out = []
    for c in points:
        seen = [c.fractions] + [_fractions_at(r, c.time_s).fractions for r in runs]
        ranges = {
            k: (min(f.get(k, 0.0) for f in seen), max(f.get(k, 0.0) for f in seen))
            for k in c.fractions
        }
        out.append(Checkpoint(c.when, c.time_s, c.fractions, c.electrophile_left, ranges))
    names = ", ".join(
        f"{n} " + "-".join("open" if v is None else f"{v:.3g}" for v in intervals[n])
        for n in FITTED
        if intervals.get(n)
    )
    return out, [f"expected ranges: the run at the {len(runs)} corners of the fitted {names}"]


def bench_notes(scenario: Scenario, rows: list[Reagent]) -> list[tuple[str, str]]:
    """(note, source) pairs the data support for this run."""
    el = reagents.electrophile(scenario.electrophile)
    notes = data()["notes"]
    out = []
    mmol = next(r.mmol for r in rows if r.role == "electrophile")
    if "CO2" in (el.byproduct or ""):
        ml = mmol * data()["gas_molar_volume_ml_per_mmol"]
        out.append((notes["co2"]["text"].format(ml=ml, mmol=mmol), notes["co2"]["source"]))
    if el.class_name in ACID_CHLORIDES:
        n = notes["acid_chloride"]
        text = n["text"].format(name=el.name, limit=COLD_LIMIT_C)
        t_c = scenario.temperature_c()
        if t_c > COLD_LIMIT_C:  # the steps and the split are for that temperature
            text += (
                f"; the steps and the expected split are for {t_c:g} degC:"
                " give --temperature '0 degC' to plan and simulate the cooled run"
            )
        out.append((text, n["source"]))
    if el.class_name in ALKYLATING:
        n = notes["alkyl_halide"]
        out.append((n["text"].format(name=el.name), n["source"]))
    for r in rows:
        if r.role == "acid" and r.form.startswith("HCl "):
            n = notes["hcl_solution"]
            out.append((n["text"].format(solution=r.form), n["source"]))
    return out


def steps_for(scenario: Scenario, rows, volumes, checkpoints_, solvent: str) -> list[Step]:
    """The operations in order, with times and temperatures."""
    t_c = scenario.temperature_c()
    by_role = {r.role: r for r in rows}
    sub, el = by_role["substrate"], by_role["electrophile"]
    inverse = volumes["fed"] == "substrate"
    first, fed = (el, sub) if inverse else (sub, el)
    steps: list[str | tuple[str, float]] = []
    amount = (
        volume_text(first.volume_ml) + f" ({mass_text(first.mass_mg)})"
        if first.volume_ml
        else mass_text(first.mass_mg)
    )
    steps.append(
        f"Charge {amount} {first.name} ({first.mmol:.3g} mmol) and {solvent} "
        f"({volume_text(volumes['flask_ml'])} in all, {scenario.concentration():g} M) to the "
        "flask; stir"
    )
    if "acid" in by_role:
        a = by_role["acid"]
        what = (
            f"{volume_text(a.volume_ml)} {a.form}"
            if a.volume_ml
            else f"{mass_text(a.mass_mg)} {a.name}"
        )
        steps.append(f"Add {what} ({a.mmol:.3g} mmol, {a.eq:g} eq) dropwise; stir 15 min")
    if "base" in by_role:
        b = by_role["base"]
        what = (
            f"{volume_text(b.volume_ml)} {b.name}"
            if b.volume_ml
            else f"{mass_text(b.mass_mg)} {b.name}"
        )
        steps.append(f"Add {what} ({b.mmol:.3g} mmol, {b.eq:g} eq)")
    if abs(t_c - 25.0) > 2:
        steps.append(f"Bring the flask to {t_c:g} degC")
    fed_amount = (
        volume_text(fed.volume_ml) + f" ({mass_text(fed.mass_mg)})"
        if fed.volume_ml
        else mass_text(fed.mass_mg)
    )
    solution = (
        f"{fed_amount} {fed.name} ({fed.mmol:.3g} mmol, {fed.eq:g} eq) in {solvent} to "
        f"{volume_text(volumes['feed_ml'])} ({volumes['feed_conc_m']:g} M)"
    )
    start = 0.0
    timed: list[tuple[str, float, float]] = []
    rates = volumes["pump_ml_per_h"]
    if rates:
        parts = ", then ".join(
            f"{r:.3g} mL/h for {duration_text(d)}"
            for r, d in zip(rates, volumes["stage_s"], strict=True)
        )
        steps.append(f"Load a syringe with {solution}")
        timed.append((f"Pump it in by syringe pump at {parts}", 0.0, volumes["feed_time_s"]))
        start = volumes["feed_time_s"]
    else:
        timed.append((f"Add {solution} in one portion", 0.0, 0.0))
    end = checkpoints_[-1].time_s
    if np.isfinite(end) and end - start >= 1.0:  # no "stir for 0 s" when the feed ends it
        timed.append(
            (
                f"Stir at {t_c:g} degC for {duration_text(end - start)} (simulated end)",
                start,
                end - start,
            )
        )
    out = [Step(i + 1, text, 0.0, 0.0, t_c) for i, text in enumerate(steps)]
    for text, s0, d in timed:
        out.append(Step(len(out) + 1, text, s0, d, t_c))
    return out


@dataclass(frozen=True)
class ProcedureResult(Result):
    """A run written as a procedure; the reaction Result it came from is kept whole."""

    kind = "procedure"
    scenario: Scenario
    reaction: Result
    label: str
    solvent: str
    reagents: tuple[Reagent, ...]
    volumes: dict
    steps: tuple[Step, ...]
    checkpoints: tuple[Checkpoint, ...]
    ions: tuple
    notes: tuple[tuple[str, str], ...]
    workup: Result | None
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]
    provenance: tuple[Provenance, ...] = ()

    def split(self):
        return self.reaction.split()

    def details(self) -> dict:
        return {
            "procedure": {
                "title": self.label,
                "solvent": self.solvent,
                "reagents": [r.row() for r in self.reagents],
                "volumes": self.volumes,
                "steps": [
                    {
                        "step": s.number,
                        "text": s.text,
                        "start_s": s.start_s,
                        "duration_s": s.duration_s,
                        "temperature_c": s.temperature_c,
                    }
                    for s in self.steps
                ],
                "expected": [
                    {
                        "when": c.when,
                        "time_s": c.time_s,
                        "fractions": c.fractions,
                        "electrophile_left": c.electrophile_left,
                        "ranges": None
                        if c.ranges is None
                        else {k: list(v) for k, v in c.ranges.items()},
                    }
                    for c in self.checkpoints
                ],
                "lcms": [
                    {"species": i.species, "ion": i.ion, "mz": i.mz, "note": i.note}
                    for i in self.ions
                ],
                "notes": [{"text": t, "source": src} for t, src in self.notes],
            },
            "workup": None if self.workup is None else self.workup.to_dict(),
        }

    def __rich__(self):
        from monoselect.procedure.render import render

        return render(self)


def procedure(
    source, *, workup=None, label: str | None = None, intervals: dict | None = None
) -> ProcedureResult:
    """The procedure for ``source``: a Scenario (simulated here), a Result, or a protocol's
    result (one-step protocols). ``workup``: a workup plan (file, mapping or WorkupPlan) run
    on the same crude and carried in the result. ``intervals``: fitted 95 % intervals
    (``{"kappa": (low, high), "k": (low, high)}``, e.g. a FitResult's ``intervals``), carried
    into the expected outcome as ranges."""
    notes_: list[str] = []
    if isinstance(source, Scenario):
        reaction = simulate(source)
    elif isinstance(source, Result):
        reaction = source
    elif hasattr(source, "result") and hasattr(source, "steps"):  # a ProtocolResult
        if source.steps > 1:
            raise InvalidInput(
                f"{source.label} has {source.steps} steps; a procedure is written for one",
                field="protocol",
                fix="write each step's scenario as its own procedure, or pick a one-step protocol",
            )
        reaction = source.result
        label = label or source.label
        notes_.extend(source.notes)
    else:
        raise InvalidInput(
            f"procedure takes a Scenario or a simulated result, got {type(source).__name__}",
            field="source",
            fix="give make_scenario(...) or the result of simulate(...)",
        )
    scenario = reaction.scenario
    if reaction.kind not in ("site", "linker"):  # resin, reductive, mixing have their own steps
        raise InvalidInput(
            f"procedure writes solution-phase acylations, sulfonylations and alkylations; this "
            f"is a {reaction.kind} run",
            field="scenario",
            fix=f"use `monoselect {reaction.kind}` for it, or another electrophile",
        )
    rows, volumes = reagent_table(scenario)
    points = checkpoints(reaction, volumes["feed_time_s"])
    zones = getattr(reaction, "feed_zones", None)
    warned: tuple[str, ...] = ()
    if zones is not None:  # the checkpoints follow the time course, which is ideal mixing
        final = ", ".join(f"{k} {v:.1%}" for k, v in zones.split().fractions.items())
        warned = (
            f"the expected outcome is the ideal-mixing run's; with the feed zone at this "
            f"stirring (engulfment model) the run ends at {final}",
        )
    if intervals:
        points, more = with_intervals(reaction, points, intervals)
        notes_.extend(more)
    sol = scenario.solvent_properties()
    steps = steps_for(scenario, rows, volumes, points, sol.key)
    steps.extend(_filter_step(reaction, steps, scenario.temperature_c()))
    table = getattr(reaction, "table", None)
    ions = tuple(ion_table(table.species)) if table is not None else ()
    worked = None
    if workup is not None:
        from monoselect.workup import workup as run_workup

        worked = run_workup(reaction, workup)
    title = (f"{label}: " if label else "") + (
        f"{rows[0].name} + {scenario.eq:g} eq {rows[1].name}, "
        f"{scenario.amount() * 1e3:g} mmol scale"
    )
    provenance = tuple(
        Provenance(f"{r.role} {r.name}", f"MW {r.mw:.2f}", r.source) for r in rows
    ) + tuple(reaction.provenance)
    return ProcedureResult(
        scenario,
        reaction,
        title,
        sol.name,
        tuple(rows),
        volumes,
        tuple(steps),
        tuple(points),
        ions,
        tuple(bench_notes(scenario, rows)),
        worked,
        tuple(notes_) + tuple(reaction.assumptions),
        tuple(reaction.warnings) + warned,
        provenance,
    )


def _filter_step(reaction, steps: list[Step], t_c: float) -> list[Step]:
    """A filtration when the run precipitated a salt (solubilities given): what and how
    much the chemist should see in the flask at the end."""
    n_sub = reaction.problem.substrate_charged
    # under 0.1 % of the diamine is a trace, not something to filter off
    solid = {k: v for k, v in reaction.outcome.precipitate().items() if v > 1e-3 * n_sub}
    if not solid:
        return []
    what = ", ".join(f"{name} (about {mol * 1e3:.3g} mmol)" for name, mol in solid.items())
    last = steps[-1]
    text = (
        f"Expect a precipitate: {what}, from the solubilities given; filter it off before "
        "the work-up"
    )
    return [Step(last.number + 1, text, last.start_s + last.duration_s, 0.0, t_c)]


def tables(p: ProcedureResult) -> dict:
    """Header and rows of every table, shared by the HTML and the Markdown."""
    keys = [
        k
        for k in ("SM", "mono", "bis", "over", "quat")
        if any(k in c.fractions for c in p.checkpoints)
    ]
    keys += sorted({k for c in p.checkpoints for k in c.fractions} - set(keys))
    v = p.volumes
    return {
        "reagents": (
            ["reagent", "role", "form", "MW (g/mol)", "eq", "mmol", "mass", "volume", "how"],
            [
                [
                    r.name,
                    r.role,
                    r.form,
                    f"{r.mw:.2f}",
                    f"{r.eq:g}",
                    f"{r.mmol:.3g}",
                    mass_text(r.mass_mg),
                    volume_text(r.volume_ml),
                    r.how,
                ]
                for r in p.reagents
            ],
            (3, 4, 5, 6, 7),
        ),
        "volumes": (
            ["quantity", "value"],
            [
                ["solvent", p.solvent],
                ["flask", volume_text(v["flask_ml"])],
                [f"{v['fed']} solution", f"{volume_text(v['feed_ml'])} at {v['feed_conc_m']:g} M"],
                [
                    "pump rate",
                    ", then ".join(f"{r:.3g} mL/h" for r in v["pump_ml_per_h"]) or "one portion",
                ],
            ],
            (),
        ),
        "steps": (
            ["#", "operation", "time", "degC"],
            [
                [
                    s.number,
                    s.text,
                    duration_text(s.duration_s) if s.duration_s else "",
                    f"{s.temperature_c:g}",
                ]
                for s in p.steps
            ],
            (0, 2, 3),
        ),
        "expected": (
            ["when", "time", *keys, "electrophile left"],
            [
                [
                    c.when,
                    duration_text(c.time_s) if math.isfinite(c.time_s) else "-",
                    *(_cell(c, k) for k in keys),
                    "-" if c.electrophile_left is None else f"{c.electrophile_left:.1%}",
                ]
                for c in p.checkpoints
            ],
            tuple(range(1, len(keys) + 3)),
        ),
        "lcms": (
            ["species", "ion", "m/z", "note"],
            [[i.species, i.ion, f"{i.mz:.4f}", i.note] for i in p.ions],
            (2,),
        ),
    }


def _cell(c: Checkpoint, key: str) -> str:
    """A fraction, with its range over the fitted intervals when there is one."""
    text = f"{c.fractions.get(key, 0.0):.1%}"
    if c.ranges and key in c.ranges:
        lo, hi = c.ranges[key]
        text += f" ({lo:.1%}-{hi:.1%})"
    return text
