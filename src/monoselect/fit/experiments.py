"""Experiments as run and what was observed, read from YAML or CSV with the CLI's own
scenario reader; every bad value is one InvalidInput naming the experiment, row and field.

An observation carries its kind, because what a chemist measures is not mol %:
- ``isolated``, ``nmr``, ``gc``: mole fractions (or percent) of the species named;
- ``hplc`` (detector and wavelength, e.g. "UV 210 nm") and ``lcms`` (EIC): peak areas,
  which equal mole fractions only when the molar responses are equal. Known response
  factors (relative to the mono) are given; unknown ones are fitted as nuisance parameters.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from monoselect.errors import InvalidInput
from monoselect.scenario import Scenario, make_scenario, read_mapping
from monoselect.units import parse_quantity

KINDS = ("isolated", "nmr", "gc", "hplc", "lcms")
AREA_KINDS = ("hplc", "lcms")
SPECIES = ("SM", "mono", "bis")
# noise of one observed fraction (absolute) when none is given: ASSUMED typical scatter of
# a composition read by HPLC or NMR (about 2 percentage points); give `sd` per observation
DEFAULT_SD = {"isolated": 0.03, "nmr": 0.02, "gc": 0.02, "hplc": 0.02, "lcms": 0.05}


@dataclass(frozen=True)
class Observation:
    time_s: float | None  # None: at the end of the run
    kind: str
    values: dict[str, float]  # fractions (isolated/nmr/gc) or raw areas (hplc/lcms)
    response: dict[str, float]  # known response factors relative to the mono
    sd: float
    detector: str | None = None

    def fractions(self) -> dict[str, float]:
        total = sum(self.values.values())
        return {k: v / total for k, v in self.values.items()}


@dataclass(frozen=True)
class Experiment:
    name: str
    scenario: Scenario
    observations: tuple[Observation, ...]


def _where(exp: str, row: int | None, field: str) -> str:
    return (
        f"experiments[{exp}]"
        + (f".observations[{row}]" if row is not None else "")
        + (f".{field}" if field else "")
    )


def _number(value, field: str) -> float:
    try:
        x = (
            float(str(value).strip().rstrip("%"))
            if not isinstance(value, int | float)
            else float(value)
        )
    except ValueError:
        raise InvalidInput(f"{value!r} is not a number", field=field, fix="give a number") from None
    if not math.isfinite(x):
        raise InvalidInput(f"{value!r} is not a finite number", field=field, fix="give a number")
    return x


def observation(data: dict, exp: str, row: int) -> Observation:
    if not isinstance(data, dict):
        raise InvalidInput("an observation must be a mapping", field=_where(exp, row, ""))
    known = {"time", "kind", "values", "response", "sd", "detector"}
    extra = sorted(set(data) - known)
    if extra:
        raise InvalidInput(
            f"{extra[0]!r} is not an observation field",
            field=_where(exp, row, extra[0]),
            fix="use " + ", ".join(sorted(known)),
        )
    kind = str(data.get("kind", "nmr")).lower()
    if kind not in KINDS:
        raise InvalidInput(
            f"unknown kind {kind!r}",
            field=_where(exp, row, "kind"),
            fix="one of " + ", ".join(KINDS),
        )
    time = data.get("time", "end")
    time_s = (
        None
        if str(time).strip().lower() == "end"
        else parse_quantity(time, "time", _where(exp, row, "time"))
    )
    raw = data.get("values")
    if not isinstance(raw, dict) or not raw:
        raise InvalidInput(
            "no observed values",
            field=_where(exp, row, "values"),
            fix="give e.g. {mono: 45, bis: 40}",
        )
    values = {}
    for name, v in raw.items():
        f = _where(exp, row, f"values.{name}")
        if name not in SPECIES:
            raise InvalidInput(
                f"{name!r} is not a species the network has",
                field=f,
                fix="use " + ", ".join(SPECIES),
            )
        x = _number(v, f)
        if x < 0:
            raise InvalidInput(
                f"{name} = {v} is negative", field=f, fix="give areas or amounts >= 0"
            )
        values[name] = x
    total = sum(values.values())
    if total <= 0:
        raise InvalidInput("the observed values add up to 0", field=_where(exp, row, "values"))
    percent = any(v > 1 for v in values.values())
    if kind not in AREA_KINDS and total > (100.5 if percent else 1.005):
        raise InvalidInput(
            f"fractions add up to {total:g}{' %' if percent else ''}, over 100 %",
            field=_where(exp, row, "values"),
            fix="give mole percent that add up to at most 100",
        )
    response = {}
    for name, v in (data.get("response") or {}).items():
        f = _where(exp, row, f"response.{name}")
        if name not in SPECIES:
            raise InvalidInput(f"{name!r} is not a species the network has", field=f)
        x = _number(v, f)
        if x <= 0:
            raise InvalidInput(f"response factor {v} must be > 0", field=f)
        response[name] = x
    sd = _number(data.get("sd", DEFAULT_SD[kind] * 100), _where(exp, row, "sd")) / 100
    if sd <= 0:
        raise InvalidInput("sd must be > 0 (in percentage points)", field=_where(exp, row, "sd"))
    return Observation(time_s, kind, values, response, sd, data.get("detector"))


def experiment(data: dict, index: int) -> Experiment:
    if not isinstance(data, dict):
        raise InvalidInput("an experiment must be a mapping", field=f"experiments[{index}]")
    name = str(data.get("name", index + 1))
    spec = data.get("scenario")
    if not isinstance(spec, dict):
        raise InvalidInput(
            "each experiment needs its conditions as run",
            field=_where(name, None, "scenario"),
            fix="give scenario: {substrate: ..., electrophile: ..., eq: ...}",
        )
    try:
        scenario = make_scenario(**spec)
    except InvalidInput as e:
        raise InvalidInput(
            str(e).split(" (field:")[0], field=_where(name, None, f"scenario.{e.field}"), fix=e.fix
        ) from None
    obs = data.get("observations")
    if not isinstance(obs, list) or not obs:
        raise InvalidInput(
            "no observation", field=_where(name, None, "observations"), fix="give at least one"
        )
    return Experiment(name, scenario, tuple(observation(o, name, i) for i, o in enumerate(obs)))


def raw_experiments(path) -> list:
    """The experiments of a file as given (mappings: name, scenario, observations), before
    parsing: what the store keeps. ``experiment(item, index)`` parses one."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return _csv_groups(path)
    items = read_mapping(path, "experiments").get("experiments")
    if not isinstance(items, list) or not items:
        raise InvalidInput(
            f"{path.name} has no experiments", field="experiments", fix="give experiments: [...]"
        )
    return items


def from_stored(record) -> Experiment:
    """An experiment kept in the store (``Store.get_experiment``), parsed like a file's."""
    observations = [{k: v for k, v in o.items() if k != "time_s"} for o in record.observations]
    return experiment(
        {"name": record.name, "scenario": record.scenario, "observations": observations}, 0
    )


def read_experiments(path) -> list[Experiment]:
    """Experiments from a YAML/JSON file (``experiments:`` list) or a CSV file (one row per
    observation: experiment, scenario columns, time, kind, SM, mono, bis, sd)."""
    return [experiment(e, i) for i, e in enumerate(raw_experiments(path))]


def experiments_from(data: dict, where: str = "the input") -> list[Experiment]:
    """Experiments from the mapping an experiments file holds."""
    items = data.get("experiments") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise InvalidInput(
            f"{where} has no experiments", field="experiments", fix="give experiments: [...]"
        )
    return [experiment(e, i) for i, e in enumerate(items)]


def _csv_groups(path: Path) -> list[dict]:
    try:
        rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    except (OSError, UnicodeDecodeError) as e:
        raise InvalidInput(f"cannot read {path.name}: {e}", field="experiments") from None
    obs_cols = {"experiment", "time", "kind", "sd", "detector", *SPECIES}
    grouped: dict[str, dict] = {}
    for i, r in enumerate(rows):
        name = (r.get("experiment") or str(i + 1)).strip()
        spec = {k: v for k, v in r.items() if k not in obs_cols and v not in (None, "")}
        values = {s: r[s] for s in SPECIES if r.get(s) not in (None, "")}
        o = {"time": r.get("time") or "end", "kind": r.get("kind") or "nmr", "values": values}
        if r.get("sd"):
            o["sd"] = r["sd"]
        g = grouped.setdefault(name, {"name": name, "scenario": spec, "observations": []})
        g["observations"].append(o)
    if not grouped:
        raise InvalidInput(f"{path.name} has no rows", field="experiments")
    return list(grouped.values())
