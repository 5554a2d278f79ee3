"""Runs, experiments and fits out of the store as JSON or CSV.

JSON is the full record (a run's ``result`` is its ``to_dict()``); CSV is flat for a
spreadsheet: one row per run, per observation, or per fitted parameter, with the split's
fractions as columns (SM, mono, bis first, then any other category a family reports).
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from monoselect.errors import InvalidInput

FORMATS = ("json", "csv")
WHAT = ("runs", "experiments", "fits")
FIRST = ("SM", "mono", "bis")

RUN_COLUMNS = (
    "id",
    "created_at",
    "kind",
    "label",
    "substrate",
    "electrophile",
    "eq",
    "protocol",
)
RUN_TAIL = (
    "mono_yield_on_substrate",
    "mono_yield_on_electrophile",
    "monoselect_version",
    "warnings",
)
EXPERIMENT_COLUMNS = (
    "experiment_id",
    "name",
    "created_at",
    "substrate",
    "electrophile",
    "observation",
    "kind",
    "time",
    "time_s",
)
FIT_COLUMNS = (
    "fit_id",
    "created_at",
    "label",
    "parameter",
    "value",
    "low",
    "high",
    "experiment_ids",
)


def export(store, what: str, format: str, *, ids=None, out=None, filters=None) -> str:
    """The records as text in ``format``; written to ``out`` too when given."""
    if what not in WHAT:
        raise InvalidInput(f"cannot export {what!r}", field="what", fix=f"one of {', '.join(WHAT)}")
    if format not in FORMATS:
        raise InvalidInput(
            f"unknown export format {format!r}", field="format", fix="give json or csv"
        )
    target = None if out is None else _check_out(Path(out))
    filters = dict(filters or {})
    if what == "runs":
        records = store.get_runs(ids if ids is not None else _ids(store.list_runs(**filters)))
    elif what == "experiments":
        listed = store.list_experiments(**filters)
        records = listed if ids is None else [store.get_experiment(i) for i in ids]
    else:
        listed = store.list_fits(**filters)
        records = listed if ids is None else [store.get_fit(i) for i in ids]
    if format == "json":
        text = json.dumps([r.to_dict() for r in records], indent=2, allow_nan=False) + "\n"
    else:
        text = {"runs": runs_csv, "experiments": experiments_csv, "fits": fits_csv}[what](records)
    if target is not None:
        _write(target, text)
    return text


def _ids(summaries) -> list[int]:
    return [s.id for s in summaries]


def _fraction_columns(fraction_sets) -> list[str]:
    """SM, mono, bis, then every other category seen, sorted."""
    seen = set().union(*fraction_sets) if fraction_sets else set()
    return [c for c in FIRST if c in seen or c in FIRST] + sorted(seen - set(FIRST))


def _table(header, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _cell(value):
    return "" if value is None else value


def runs_csv(runs) -> str:
    """One row per run: the summary, the final fractions, the yields, the warnings."""
    fractions = _fraction_columns([set(r.fractions) for r in runs])
    header = [*RUN_COLUMNS, *fractions, *RUN_TAIL]
    rows = []
    for r in runs:
        head = [r.id, r.created_at.isoformat(), r.kind, r.label, r.substrate, r.electrophile]
        head += [r.eq, r.protocol]
        rows.append(
            [_cell(v) for v in head]
            + [_cell(r.fractions.get(c)) for c in fractions]
            + [
                _cell(r.mono_yield_on_substrate),
                _cell(r.mono_yield_on_electrophile),
                r.monoselect_version,
                " | ".join(r.result.get("warnings") or []),
            ]
        )
    return _table(header, rows)


def experiments_csv(experiments) -> str:
    """One row per observation, its values as columns (SM, mono, bis first)."""
    names = _fraction_columns([set(o["values"]) for e in experiments for o in e.observations])
    rows = []
    for e in experiments:
        for i, o in enumerate(e.observations):
            head = [e.id, e.name, e.created_at.isoformat(), e.substrate, e.electrophile, i]
            head += [o["kind"], o["time"], o["time_s"]]
            rows.append([_cell(v) for v in head] + [_cell(o["values"].get(n)) for n in names])
    return _table([*EXPERIMENT_COLUMNS, *names], rows)


def fits_csv(fits) -> str:
    """One row per fitted parameter with its interval."""
    rows = []
    for f in fits:
        for name, value in f.parameters.items():
            low, high = f.intervals.get(name, (None, None))
            ids = ";".join(str(i) for i in f.experiment_ids)
            row = [f.id, f.created_at.isoformat(), f.label, name, value, low, high, ids]
            rows.append([_cell(v) for v in row])
    return _table(FIT_COLUMNS, rows)


def _check_out(path: Path) -> Path:
    """Refuse, before any work, an output path that cannot be written."""
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder", field="out", fix="give a file name")
    if not path.parent.is_dir():
        raise InvalidInput(
            f"no folder {path.parent} for {path.name}", field="out", fix="create the folder first"
        )
    return path


def _write(path: Path, text: str) -> None:
    """Write whole or not at all: a temporary file in the same folder, then a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InvalidInput(
            f"cannot write {path}: {exc.strerror}", field="out", fix="give a path you can write"
        ) from None
