"""The experiment store: runs, experiments and fits kept in any SQLAlchemy database.

A SQLite file in the user's data directory by default (nothing to install or start); a
laboratory that wants one shared store points ``MONOSELECT_DB`` or ``--db`` at PostgreSQL.
Every write is one transaction, and SQLite runs in WAL mode, so a process killed mid-write
leaves the store as it was before that write. Every row carries the SHA-256 of its payload,
checked on every read, so a damaged row is reported instead of being returned.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from monoselect.errors import InvalidInput, MonoselectError

ENV_VAR = "MONOSELECT_DB"
URL_EXAMPLE = "sqlite:///runs.db or postgresql+psycopg://user:password@host/dbname"


class StoreUnavailable(MonoselectError):
    """The database cannot be opened, reached or read (not a fault of one value given)."""

    exit_code = 4


class UnknownRecord(InvalidInput):
    """An id that is not in the store."""


def default_url() -> str:
    """The store used when no URL is given: ``MONOSELECT_DB``, else a SQLite file in the
    user's data directory (platformdirs: ~/.local/share/monoselect on Linux)."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env
    from platformdirs import user_data_dir

    return "sqlite:///" + str(Path(user_data_dir("monoselect", appauthor=False)) / "store.db")


# --- records returned to callers (plain data: the page and the CLI read them alike) -------


def _iso(moment: datetime) -> str:
    return moment.isoformat()


@dataclass(frozen=True)
class RunSummary:
    """A stored run without its payload: what a listing shows."""

    id: int
    kind: str
    created_at: datetime
    monoselect_version: str
    label: str | None
    substrate: str | None
    electrophile: str | None
    eq: float | None
    protocol: str | None  # the best-ranked protocol of a comparison
    mono_yield_on_substrate: float | None
    mono_yield_on_electrophile: float | None
    fractions: dict[str, float]

    def to_dict(self) -> dict:
        out = asdict(self)
        out["created_at"] = _iso(self.created_at)
        return out


@dataclass(frozen=True)
class Run(RunSummary):
    """A stored run: the scenario and the result's ``to_dict()`` exactly as saved."""

    scenario: dict = field(default_factory=dict)
    result: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Experiment:
    """Conditions as run (a scenario mapping ``make_scenario`` reads) and what was observed:
    items of ``kind``, ``time`` (as given), ``time_s`` and ``values`` (species -> number)."""

    id: int
    name: str
    created_at: datetime
    monoselect_version: str
    substrate: str | None
    electrophile: str | None
    notes: str | None
    scenario: dict
    observations: list[dict]
    observations_version: int

    def to_dict(self) -> dict:
        out = asdict(self)
        out["created_at"] = _iso(self.created_at)
        return out


@dataclass(frozen=True)
class Fit:
    """Fitted parameters, their intervals ``name -> [low, high]`` (None for an open side)
    and the experiments they were fitted to."""

    id: int
    created_at: datetime
    monoselect_version: str
    label: str | None
    parameters: dict[str, float]
    intervals: dict[str, list[float | None]]
    experiment_ids: list[int]
    result: dict | None

    def to_dict(self) -> dict:
        out = asdict(self)
        out["created_at"] = _iso(self.created_at)
        return out


# --- JSON and checksums ----------------------------------------------------------------------


def _dumps(value) -> str:
    """Strict JSON (no NaN/inf): what every JSON column is written with."""
    return json.dumps(value, allow_nan=False, ensure_ascii=False)


def digest(payload) -> str:
    """SHA-256 of the canonical JSON of ``payload``: key order and spacing do not count,
    every number and string does."""
    text = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), allow_nan=False, ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain_json(value, field_name: str):
    """``value`` as strict JSON data, or one InvalidInput naming the field."""
    try:
        return json.loads(_dumps(value))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            f"{field_name} cannot be stored as JSON: {exc}",
            field=field_name,
            fix="use text, numbers, lists and mappings only (no NaN or infinity)",
        ) from None


def _utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything the store writes is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _moment(value, field_name: str) -> datetime | None:
    """A datetime or ISO 8601 text (naive means UTC), or one InvalidInput."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(
                f"cannot read {value!r} as a date", field=field_name, fix="e.g. 2026-11-25"
            ) from None
    if not isinstance(value, datetime):
        raise InvalidInput(f"{value!r} is not a date", field=field_name, fix="e.g. 2026-11-25")
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


# --- what a run, an experiment and a fit look like before they are stored -----------------


def _run_fields(data: Mapping) -> dict:
    """The summary columns of a run, read from its ``to_dict()``: a family's Result has
    ``kind``, ``scenario`` and ``split``; a comparison has ``conditions`` and ``ranking``
    (its summary is the best-ranked protocol)."""
    if "ranking" in data and "conditions" in data:
        kind, scenario = "compare", data["conditions"]
        best = data["ranking"][0] if data["ranking"] else {}
        split = (best.get("run") or {}).get("split") or {}
        protocol = best.get("protocol")
        yields = best
    elif "kind" in data and "scenario" in data and "split" in data:
        kind, scenario, split, protocol = data["kind"], data["scenario"], data["split"], None
        yields = split
    else:
        raise InvalidInput(
            "this is not a monoselect result: it has no kind, scenario and split",
            field="result",
            fix="save what monoselect.simulate() or monoselect.compare() returned",
        )
    eq = scenario.get("eq")
    return {
        "kind": str(kind),
        "scenario": scenario,
        "substrate": scenario.get("substrate"),
        "electrophile": scenario.get("electrophile"),
        "eq": float(eq) if isinstance(eq, int | float) and not isinstance(eq, bool) else None,
        "protocol": protocol,
        "mono_yield_on_substrate": yields.get("mono_yield_on_substrate"),
        "mono_yield_on_electrophile": yields.get("mono_yield_on_electrophile"),
        "fractions": dict(split.get("fractions") or {}),
    }


MAX_OBSERVATIONS = 10_000


def _observations(items, field_name: str = "observations") -> list[dict]:
    """Observations checked one by one: a mapping with ``kind`` (text), ``time`` (a time as
    the command line reads it: '2 h', '30 min', a bare number in h) and ``values`` (species
    or measurement -> a finite number >= 0). Other keys (detector, wavelength, response
    factors...) are kept as given. ``time_s`` is added so nobody parses units again (None
    for ``time: end``, the end of the run)."""
    from monoselect.units import parse_quantity

    if isinstance(items, str | bytes) or not isinstance(items, Sequence) or not items:
        raise InvalidInput(
            "an experiment needs at least one observation",
            field=field_name,
            fix="give a list like [{kind: hplc_area, time: '2 h', values: {mono: 61}}]",
        )
    if len(items) > MAX_OBSERVATIONS:
        raise InvalidInput(
            f"{len(items)} observations in one experiment; at most {MAX_OBSERVATIONS}",
            field=field_name,
        )
    out = []
    for i, item in enumerate(items):
        where = f"{field_name}[{i}]"
        if not isinstance(item, Mapping):
            raise InvalidInput(
                f"observation {i} is {type(item).__name__}, not a mapping",
                field=where,
                fix="give kind, time and values",
            )
        missing = [k for k in ("kind", "time", "values") if k not in item]
        if missing:
            raise InvalidInput(
                f"observation {i} has no {', '.join(missing)}",
                field=f"{where}.{missing[0]}",
                fix="give kind (e.g. hplc_area), time (e.g. '2 h') and values",
            )
        kind = item["kind"]
        if not isinstance(kind, str) or not kind.strip() or len(kind) > 64:
            raise InvalidInput(
                f"observation {i}: kind must be a short text, got {kind!r}",
                field=f"{where}.kind",
                fix="e.g. hplc_area, isolated, qnmr",
            )
        if isinstance(item["time"], bool):
            raise InvalidInput(
                f"observation {i}: time {item['time']!r} is not a time",
                field=f"{where}.time",
                fix="e.g. '2 h'",
            )
        at_end = isinstance(item["time"], str) and item["time"].strip().lower() == "end"
        time_s = None if at_end else parse_quantity(item["time"], "time", f"{where}.time")
        if time_s is not None and time_s < 0:
            raise InvalidInput(
                f"observation {i}: time {item['time']!r} is before the start",
                field=f"{where}.time",
                fix="give the time since the reaction started, >= 0",
            )
        values = item["values"]
        if not isinstance(values, Mapping) or not values:
            raise InvalidInput(
                f"observation {i}: values must be a mapping of species to numbers",
                field=f"{where}.values",
                fix="e.g. {SM: 12, mono: 61, bis: 27}",
            )
        for name, v in values.items():
            ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            if not isinstance(name, str) or not ok or v < 0:
                raise InvalidInput(
                    f"observation {i}: {name} = {v!r} is not a finite number >= 0",
                    field=f"{where}.values.{name}",
                    fix="give areas, fractions or yields as numbers >= 0",
                )
        out.append(_plain_json({**item, "time_s": time_s}, where))
    return out


# --- the store -----------------------------------------------------------------------------


class Store:
    """Runs, experiments and fits in one database.

    ``url``: any SQLAlchemy URL (``sqlite:///path.db``, ``postgresql+psycopg://...``); by
    default ``MONOSELECT_DB`` or a SQLite file in the user's data directory. Tables are
    created on first use. Safe to share between threads (one session per call).
    """

    def __init__(self, url: str | None = None, *, connect_timeout: float = 10.0):
        from sqlalchemy.orm import sessionmaker

        self._url = _parse_url(url if url is not None else default_url())
        self.url = self._url.render_as_string(hide_password=True)
        self._engine = _make_engine(self._url, connect_timeout)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        self._ready = False
        self._prepare_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close every pooled connection (the store can be opened again)."""
        self._engine.dispose()

    def check(self) -> None:
        """Connect and create the tables now, so that a bad URL or a database that is down
        is reported before a long simulation rather than after it."""
        self._prepare()

    # -- plumbing --

    @contextmanager
    def _session(self, write: bool = False) -> Iterator:
        """A session; a write is one transaction, committed whole or not at all. Database
        errors become StoreUnavailable naming the URL."""
        from sqlalchemy.exc import DBAPIError, OperationalError

        self._prepare()
        session = self._sessions()
        try:
            if write:
                with session.begin():
                    yield session
            else:
                yield session
        except (OperationalError, DBAPIError) as exc:
            raise _unavailable(self.url, exc, self._url.get_backend_name()) from None
        finally:
            session.close()

    def _prepare(self) -> None:
        """Create the tables once and refuse a store written by a newer schema. Threads of
        one process take turns; two processes creating the tables at the same moment make
        one of them fail with "already exists", so that one tries again (it then finds
        the tables made)."""
        if self._ready:
            return
        import time

        from sqlalchemy.exc import DBAPIError, IntegrityError

        with self._prepare_lock:
            if self._ready:
                return
            for attempt in range(3):
                try:
                    found = self._create_tables()
                    break
                except DBAPIError as exc:
                    # a race is "already exists" (or a duplicate catalogue key on PostgreSQL);
                    # anything else (refused, not a database) will not get better
                    race = isinstance(exc, IntegrityError) or "already exists" in str(exc)
                    if attempt == 2 or not race:
                        raise _unavailable(self.url, exc, self._url.get_backend_name()) from None
                    time.sleep(0.05 * (attempt + 1))
            self._check_schema(found)
            self._ready = True

    def _create_tables(self) -> str | None:
        """Tables made if missing; the schema version found (None for a new store)."""
        from sqlalchemy import select
        from sqlalchemy.exc import IntegrityError

        from monoselect.store.tables import SCHEMA_VERSION, Base, Info

        Base.metadata.create_all(self._engine)
        try:
            with self._sessions.begin() as session:
                found = session.scalar(select(Info.value).where(Info.key == "schema_version"))
                if found is None:
                    session.add(Info(key="schema_version", value=str(SCHEMA_VERSION)))
        except IntegrityError:  # another process wrote it first
            found = str(SCHEMA_VERSION)
        return found

    def _check_schema(self, found: str | None) -> None:
        from monoselect.store.tables import SCHEMA_VERSION

        if found is not None and int(found) > SCHEMA_VERSION:
            raise StoreUnavailable(
                f"the store at {self.url} has schema {found}; this monoselect reads up to "
                f"{SCHEMA_VERSION}",
                field="db",
                fix="upgrade monoselect, or give another store with --db",
            )

    # -- runs --

    def save_run(self, result, *, label: str | None = None) -> int:
        """Store a run (a family's Result, a comparison, or their ``to_dict()``); its id.

        The payload is read back exactly as written (``get_run(id).result == result.to_dict()``).
        """
        from monoselect.store.tables import RunRow

        data = result if isinstance(result, Mapping) else result.to_dict()
        data = _plain_json(data, "result")
        summary = _run_fields(data)
        row = RunRow(
            created_at=datetime.now(UTC),
            monoselect_version=_version(),
            label=_label(label),
            result=data,
            digest=digest(data),
            **summary,
        )
        with self._session(write=True) as session:
            session.add(row)
            session.flush()
            return row.id

    def get_run(self, run_id: int) -> Run:
        """The run with this id, payload checked; UnknownRecord if there is none."""
        from monoselect.store.tables import RunRow

        run_id = _id(run_id, "run")
        with self._session() as session:
            row = session.get(RunRow, run_id)
            if row is None:
                raise _unknown("run", run_id, "monoselect runs list")
            _check(row, row.result, "run")
            return Run(**_summary(row), scenario=row.scenario, result=row.result)

    def list_runs(
        self,
        *,
        kind: str | None = None,
        substrate: str | None = None,
        electrophile: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        limit: int | None = None,
        offset: int = 0,
        oldest_first: bool = False,
    ) -> list[RunSummary]:
        """Stored runs, newest first, without their payloads. ``substrate`` and
        ``electrophile`` match as written in the scenario, case aside; ``since`` and
        ``until`` bound the time saved (ISO text or datetime; naive means UTC)."""
        from sqlalchemy import select

        from monoselect.store.tables import RunRow

        cols = [getattr(RunRow, name) for name in RunSummary.__dataclass_fields__]
        query = _filtered(select(*cols), RunRow, kind, substrate, electrophile, since, until)
        order = (RunRow.created_at, RunRow.id)
        query = query.order_by(*(order if oldest_first else (c.desc() for c in order)))
        query = _page(query, limit, offset)
        with self._session() as session:
            return [
                RunSummary(**{**row._asdict(), "created_at": _utc(row.created_at)})
                for row in session.execute(query)
            ]

    def get_runs(self, run_ids: Sequence[int]) -> list[Run]:
        """Several runs in one query, in the order asked; UnknownRecord names the first
        id that is not there."""
        from sqlalchemy import select

        from monoselect.store.tables import RunRow

        wanted = [_id(i, "run") for i in run_ids]
        with self._session() as session:
            rows = {r.id: r for r in session.scalars(select(RunRow).where(RunRow.id.in_(wanted)))}
            out = []
            for i in wanted:
                if i not in rows:
                    raise _unknown("run", i, "monoselect runs list")
                _check(rows[i], rows[i].result, "run")
                out.append(
                    Run(**_summary(rows[i]), scenario=rows[i].scenario, result=rows[i].result)
                )
            return out

    def count_runs(self) -> int:
        """How many runs the store holds."""
        from sqlalchemy import func, select

        from monoselect.store.tables import RunRow

        with self._session() as session:
            return session.scalar(select(func.count()).select_from(RunRow))

    # -- experiments --

    def save_experiment(
        self,
        name: str,
        scenario: Mapping,
        observations: Sequence[Mapping],
        *,
        notes: str | None = None,
    ) -> int:
        """Store an experiment: the conditions as run (checked by ``make_scenario``, kept as
        given so a fit rebuilds the same Scenario) and its observations, in one row."""
        from monoselect.scenario import make_scenario
        from monoselect.store.tables import OBSERVATIONS_VERSION, ExperimentRow

        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            raise InvalidInput(
                f"experiment name must be a short text, got {name!r}",
                field="name",
                fix="e.g. 'JD-042 mono-Boc 1 eq'",
            )
        if not isinstance(scenario, Mapping):
            raise InvalidInput(
                "the conditions must be a mapping of scenario fields",
                field="scenario",
                fix="e.g. {substrate: piperazine, electrophile: Boc2O, eq: 1}",
            )
        scenario = _plain_json(dict(scenario), "scenario")
        make_scenario(**scenario)  # the same checks, and messages, as the command line
        items = _observations(observations)
        payload = {"version": OBSERVATIONS_VERSION, "items": items}
        row = ExperimentRow(
            name=name.strip(),
            created_at=datetime.now(UTC),
            monoselect_version=_version(),
            substrate=scenario.get("substrate"),
            electrophile=scenario.get("electrophile"),
            notes=notes,
            scenario=scenario,
            observations=payload,
            n_observations=len(items),
            digest=digest(_experiment_payload(name.strip(), scenario, payload, notes)),
        )
        with self._session(write=True) as session:
            session.add(row)
            session.flush()
            return row.id

    def get_experiment(self, experiment_id: int) -> Experiment:
        """The experiment with this id, checked; UnknownRecord if there is none."""
        from monoselect.store.tables import ExperimentRow

        experiment_id = _id(experiment_id, "experiment")
        with self._session() as session:
            row = session.get(ExperimentRow, experiment_id)
            if row is None:
                raise _unknown("experiment", experiment_id, "monoselect experiments list")
            return _experiment(row)

    def list_experiments(
        self,
        *,
        name: str | None = None,
        substrate: str | None = None,
        electrophile: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Experiment]:
        """Stored experiments with their observations, newest first; ``name`` matches a
        part of the name, case aside."""
        from sqlalchemy import func, select

        from monoselect.store.tables import ExperimentRow

        query = _filtered(
            select(ExperimentRow), ExperimentRow, None, substrate, electrophile, since, until
        )
        if name is not None:
            query = query.where(func.lower(ExperimentRow.name).contains(name.lower()))
        query = query.order_by(ExperimentRow.created_at.desc(), ExperimentRow.id.desc())
        query = _page(query, limit, offset)
        with self._session() as session:
            return [_experiment(row) for row in session.scalars(query)]

    # -- fits --

    def save_fit(
        self,
        parameters: Mapping[str, float],
        intervals: Mapping[str, Sequence[float | None]],
        experiment_ids: Sequence[int],
        *,
        result: Mapping | None = None,
        label: str | None = None,
    ) -> int:
        """Store fitted parameters with their intervals, linked to the stored experiments
        they were fitted to (every id must exist); the fit and its links are one write."""
        from sqlalchemy import select

        from monoselect.store.tables import ExperimentRow, FitRow

        parameters = _plain_json(dict(parameters), "parameters")
        for key, value in parameters.items():
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise InvalidInput(
                    f"parameter {key} = {value!r} is not a number", field=f"parameters.{key}"
                )
        intervals = _plain_json({k: list(v) for k, v in dict(intervals).items()}, "intervals")
        for key, pair in intervals.items():
            if len(pair) != 2:
                raise InvalidInput(
                    f"interval of {key} has {len(pair)} ends, not 2",
                    field=f"intervals.{key}",
                    fix="give [low, high] (null for an open side)",
                )
        ids = sorted({_id(i, "experiment") for i in experiment_ids})
        if not ids:
            raise InvalidInput(
                "a fit needs the ids of the experiments it was fitted to",
                field="experiment_ids",
                fix="save the experiments first (save_experiment) and pass their ids",
            )
        result = None if result is None else _plain_json(dict(result), "result")
        payload = _fit_payload(parameters, intervals, ids, result)
        with self._session(write=True) as session:
            found = session.scalars(select(ExperimentRow).where(ExperimentRow.id.in_(ids))).all()
            missing = sorted(set(ids) - {e.id for e in found})
            if missing:
                raise _unknown("experiment", missing[0], "monoselect experiments list")
            row = FitRow(
                created_at=datetime.now(UTC),
                monoselect_version=_version(),
                label=_label(label),
                parameters=parameters,
                intervals=intervals,
                result=result,
                n_experiments=len(ids),
                digest=digest(payload),
                experiments=list(found),
            )
            session.add(row)
            session.flush()
            return row.id

    def get_fit(self, fit_id: int) -> Fit:
        """The fit with this id, checked (payload and links); UnknownRecord if none."""
        from monoselect.store.tables import FitRow

        fit_id = _id(fit_id, "fit")
        with self._session() as session:
            row = session.get(FitRow, fit_id)
            if row is None:
                raise _unknown("fit", fit_id, "monoselect fits list")
            return _fit(row)

    def list_fits(
        self, *, experiment_id: int | None = None, limit: int | None = None, offset: int = 0
    ) -> list[Fit]:
        """Stored fits, newest first; only those drawing on ``experiment_id`` if given."""
        from sqlalchemy import select

        from monoselect.store.tables import ExperimentRow, FitRow

        query = select(FitRow)
        if experiment_id is not None:
            eid = _id(experiment_id, "experiment")
            query = query.where(FitRow.experiments.any(ExperimentRow.id == eid))
        query = _page(query.order_by(FitRow.created_at.desc(), FitRow.id.desc()), limit, offset)
        with self._session() as session:
            return [_fit(row) for row in session.scalars(query)]

    # -- export --

    def export(
        self,
        what: str = "runs",
        format: str = "json",
        *,
        ids: Sequence[int] | None = None,
        out: str | Path | None = None,
        **filters,
    ) -> str:
        """Runs, experiments or fits as JSON (the full records) or CSV (one row per run,
        per observation, or per fitted parameter); written to ``out`` if given (whole or
        not at all), and returned. ``filters`` are those of the matching ``list_*``."""
        from monoselect.store import export as exporting

        return exporting.export(self, what, format, ids=ids, out=out, filters=filters)


# --- helpers -------------------------------------------------------------------------------


def _version() -> str:
    from monoselect import __version__

    return __version__


def _label(label) -> str | None:
    if label is None:
        return None
    if not isinstance(label, str) or len(label) > 200:
        raise InvalidInput("a label is a text of at most 200 characters", field="label")
    return label


def _id(value, what: str) -> int:
    """An id as a whole number > 0, or one InvalidInput naming it."""
    if isinstance(value, bool):
        value = None
    try:
        number = int(value)
        if isinstance(value, float) and value != number:
            raise ValueError
    except (TypeError, ValueError):
        raise InvalidInput(
            f"{what} id {value!r} is not a whole number",
            field=f"{what}_id",
            fix=f"give the number shown by monoselect {what}s list",
        ) from None
    if number < 1 or number > 2**62:
        raise _unknown(what, number, f"monoselect {what}s list")
    return number


def _unknown(what: str, number: int, listing: str) -> UnknownRecord:
    return UnknownRecord(
        f"there is no {what} {number} in the store",
        field=f"{what}_id",
        fix=f"see the ids with `{listing}`",
    )


def _parse_url(text):
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("the database URL is empty", field="db", fix=f"give {URL_EXAMPLE}")
    try:
        return make_url(text.strip())
    except (ArgumentError, ValueError):
        shown = text if len(text) < 80 else text[:77] + "..."
        raise InvalidInput(
            f"cannot read {shown!r} as a database URL", field="db", fix=f"give {URL_EXAMPLE}"
        ) from None


def _make_engine(url, connect_timeout: float):
    """An engine for ``url``: SQLite in WAL mode with foreign keys and a busy timeout (so
    concurrent writers wait instead of failing); a driver that is missing is named."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    backend = url.get_backend_name()
    kwargs: dict = {"json_serializer": _dumps}
    shown = url.render_as_string(hide_password=True)
    if backend == "sqlite":
        kwargs["connect_args"] = {"timeout": 30}
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            parent = Path(url.database).expanduser().parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreUnavailable(
                    f"cannot make the folder {parent} for the store: {exc.strerror}",
                    field="db",
                    fix="give a path you can write, e.g. --db sqlite:///runs.db",
                ) from None
    elif backend == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": max(1, round(connect_timeout))}
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except NoSuchModuleError:
        raise InvalidInput(
            f"no database driver {url.drivername!r} (in {shown})",
            field="db",
            fix=f"give {URL_EXAMPLE}",
        ) from None
    except ModuleNotFoundError as exc:
        raise InvalidInput(
            f"the driver for {url.drivername} is not installed ({exc.name})",
            field="db",
            fix="pip install 'monoselect[postgres]' for PostgreSQL (psycopg)",
        ) from None
    except (ArgumentError, TypeError, ValueError) as exc:
        raise InvalidInput(
            f"cannot use {shown}: {exc}", field="db", fix=f"give {URL_EXAMPLE}"
        ) from None
    if backend == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            # WAL: a writer killed mid-transaction leaves the last committed state; readers
            # never wait for writers. NORMAL is durable against a killed process.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def _unavailable(url: str, exc, backend: str) -> StoreUnavailable:
    """A database error as one line: what failed, where, and what to do."""
    reason = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    reason = reason[0] if reason else type(exc).__name__
    if backend == "sqlite":
        fix = (
            "give a monoselect store file or a new file name you can write (--db sqlite:///runs.db)"
        )
    else:
        fix = "check that the database is running and the URL is right (--db or MONOSELECT_DB)"
    return StoreUnavailable(f"cannot use the store at {url}: {reason}", field="db", fix=fix)


def _filtered(query, table, kind, substrate, electrophile, since, until):
    from sqlalchemy import func

    if kind is not None:
        query = query.where(table.kind == kind)
    if substrate is not None:
        query = query.where(func.lower(table.substrate) == str(substrate).lower())
    if electrophile is not None:
        query = query.where(func.lower(table.electrophile) == str(electrophile).lower())
    start, end = _moment(since, "since"), _moment(until, "until")
    if start is not None:
        query = query.where(table.created_at >= start)
    if end is not None:
        query = query.where(table.created_at <= end)
    return query


def _page(query, limit, offset):
    for value, name in ((limit, "limit"), (offset, "offset")):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            raise InvalidInput(f"{name} must be a whole number >= 0, got {value!r}", field=name)
    if limit is not None:
        query = query.limit(limit)
    return query.offset(offset) if offset else query


def _summary(row) -> dict:
    out = {name: getattr(row, name) for name in RunSummary.__dataclass_fields__}
    out["created_at"] = _utc(row.created_at)
    return out


def _check(row, payload, what: str) -> None:
    """The payload read back must be the one written (its checksum)."""
    if digest(payload) != row.digest:
        raise StoreUnavailable(
            f"{what} {row.id} is damaged: its data does not match its checksum",
            field=f"{what}_id",
            fix="restore the store from a backup, or delete this record",
        )


def _experiment_payload(name, scenario, observations, notes) -> dict:
    return {"name": name, "scenario": scenario, "observations": observations, "notes": notes}


def _experiment(row) -> Experiment:
    payload = _experiment_payload(row.name, row.scenario, row.observations, row.notes)
    _check(row, payload, "experiment")
    return Experiment(
        id=row.id,
        name=row.name,
        created_at=_utc(row.created_at),
        monoselect_version=row.monoselect_version,
        substrate=row.substrate,
        electrophile=row.electrophile,
        notes=row.notes,
        scenario=row.scenario,
        observations=row.observations["items"],
        observations_version=row.observations["version"],
    )


def _fit_payload(parameters, intervals, ids, result) -> dict:
    return {
        "parameters": parameters,
        "intervals": intervals,
        "experiment_ids": ids,
        "result": result,
    }


def _fit(row) -> Fit:
    ids = [e.id for e in row.experiments]
    _check(row, _fit_payload(row.parameters, row.intervals, ids, row.result), "fit")
    return Fit(
        id=row.id,
        created_at=_utc(row.created_at),
        monoselect_version=row.monoselect_version,
        label=row.label,
        parameters=row.parameters,
        intervals=row.intervals,
        experiment_ids=ids,
        result=row.result,
    )
