"""The tables of the store (SQLAlchemy 2 declarative).

Three records a chemist keeps: runs (what monoselect predicted), experiments (what was run
and observed in the flask) and fits (parameters learnt from experiments). The payloads are
JSON columns, read back exactly as written; a few summary columns are copied out of them so
that listing and filtering never parse the payloads. Every row carries the SHA-256 of its
payload so that a reader can tell a complete row from a damaged one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, Float, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Bumped when a table changes; a store written by a newer monoselect is refused by name.
SCHEMA_VERSION = 1
# Version of the observations payload of an experiment (kind, time, values per item).
OBSERVATIONS_VERSION = 1


class Base(DeclarativeBase):
    pass


class Info(Base):
    """Key/value facts about the store itself (the schema version)."""

    __tablename__ = "monoselect_info"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class RunRow(Base):
    """One simulation (or one comparison of protocols): its ``to_dict()`` as written."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    monoselect_version: Mapped[str] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(String(200))
    substrate: Mapped[str | None] = mapped_column(String(500), index=True)
    electrophile: Mapped[str | None] = mapped_column(String(500), index=True)
    eq: Mapped[float | None] = mapped_column(Float)
    protocol: Mapped[str | None] = mapped_column(String(64))
    mono_yield_on_substrate: Mapped[float | None] = mapped_column(Float)
    mono_yield_on_electrophile: Mapped[float | None] = mapped_column(Float)
    fractions: Mapped[dict] = mapped_column(JSON)
    scenario: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))


fit_experiments = Table(
    "fit_experiments",
    Base.metadata,
    Column("fit_id", ForeignKey("fits.id", ondelete="CASCADE"), primary_key=True),
    Column("experiment_id", ForeignKey("experiments.id", ondelete="RESTRICT"), primary_key=True),
)


class ExperimentRow(Base):
    """Conditions as run (a scenario mapping) and what was observed, in one row: an
    experiment never exists without its observations."""

    __tablename__ = "experiments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    monoselect_version: Mapped[str] = mapped_column(String(32))
    substrate: Mapped[str | None] = mapped_column(String(500), index=True)
    electrophile: Mapped[str | None] = mapped_column(String(500), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    scenario: Mapped[dict] = mapped_column(JSON)
    # {"version": OBSERVATIONS_VERSION, "items": [{"kind", "time", "time_s", "values", ...}]}
    observations: Mapped[dict] = mapped_column(JSON)
    n_observations: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))

    fits: Mapped[list[FitRow]] = relationship(
        secondary=fit_experiments, back_populates="experiments"
    )


class FitRow(Base):
    """Parameters fitted to stored experiments, with their intervals; ``n_experiments``
    is the number of links written with it (a check that none went missing)."""

    __tablename__ = "fits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    monoselect_version: Mapped[str] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(String(200))
    parameters: Mapped[dict] = mapped_column(JSON)
    intervals: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict | None] = mapped_column(JSON)
    n_experiments: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))

    experiments: Mapped[list[ExperimentRow]] = relationship(
        secondary=fit_experiments, back_populates="fits", order_by=ExperimentRow.id
    )
