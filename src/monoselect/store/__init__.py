"""The experiment store: runs, experiments and fits, in SQLite by default or any
SQLAlchemy database by URL (``MONOSELECT_DB``, ``--db``). See ``store.Store``."""

from monoselect.store.store import (
    ENV_VAR,
    Experiment,
    Fit,
    Run,
    RunSummary,
    Store,
    StoreUnavailable,
    UnknownRecord,
    default_url,
)

__all__ = [
    "ENV_VAR",
    "Experiment",
    "Fit",
    "Run",
    "RunSummary",
    "Store",
    "StoreUnavailable",
    "UnknownRecord",
    "default_url",
]
