"""Read the shipped data tables (substrates, reagents, electrophile classes) once."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from monoselect.data import load_yaml, text


@dataclass(frozen=True)
class SubstrateEntry:
    name: str
    aliases: tuple[str, ...]
    smiles: str


@dataclass(frozen=True)
class ReagentEntry:
    name: str
    aliases: tuple[str, ...]
    smiles: str
    mw: float
    density: float | None
    byproduct: str
    releases_acid: str | None


@dataclass(frozen=True)
class ElectrophileClass:
    name: str
    label: str
    pattern: str
    reaction: str
    k_default: float
    k_status: str
    pka_ref: float
    beta_nuc: float
    beta_source: str
    ea_kj: float
    ea_source: str
    substituent: str  # acyl / carbamoyl / sulfonyl / alkyl
    releases: str  # strong / carboxylic / none


@dataclass(frozen=True)
class AcidBase:
    """An acid or base a chemist adds: its stepwise pKa values and how it is dispensed."""

    name: str
    aliases: tuple[str, ...]
    kind: str  # acid / base
    pka: tuple[float, ...]  # ascending; empty for a fully dissociated (strong) acid
    protons: int  # protons one mole brings (acids) or 0 (bases); a base takes len(pka)
    concentration: float | None  # mol/L of the solution or neat liquid; None for a solid
    source: str


def _key(name: str) -> str:
    return "".join(name.lower().split())


@lru_cache(maxsize=1)
def substrates() -> dict[str, SubstrateEntry]:
    """Substrate table keyed by every normalised name and alias."""
    table: dict[str, SubstrateEntry] = {}
    for row in csv.DictReader(text("substrates.csv").splitlines()):
        aliases = tuple(a for a in (row["aliases"] or "").split(";") if a)
        entry = SubstrateEntry(row["name"], aliases, row["smiles"])
        for name in (entry.name, *aliases):
            table[_key(name)] = entry
    return table


@lru_cache(maxsize=1)
def reagents() -> dict[str, ReagentEntry]:
    """Reagent table keyed by every normalised name and alias."""
    table: dict[str, ReagentEntry] = {}
    for row in load_yaml("reagents.yaml"):
        entry = ReagentEntry(
            name=row["name"],
            aliases=tuple(row.get("aliases") or ()),
            smiles=row["smiles"],
            mw=float(row["mw"]),
            density=row.get("density"),
            byproduct=row["byproduct"],
            releases_acid=row.get("releases_acid"),
        )
        for name in (entry.name, *entry.aliases):
            table[_key(name)] = entry
    return table


@lru_cache(maxsize=1)
def electrophile_classes() -> tuple[ElectrophileClass, ...]:
    """Electrophile classes in the order they are tried."""
    return tuple(ElectrophileClass(**row) for row in load_yaml("electrophile_classes.yaml"))


@lru_cache(maxsize=1)
def acids_bases() -> dict[str, AcidBase]:
    """Acids and bases keyed by every normalised name and alias."""
    table: dict[str, AcidBase] = {}
    for row in load_yaml("acids_bases.yaml"):
        entry = AcidBase(
            name=row["name"],
            aliases=tuple(row.get("aliases") or ()),
            kind=row["kind"],
            pka=tuple(sorted(float(v) for v in row.get("pka") or ())),
            protons=int(row.get("protons", 0)),
            concentration=row.get("concentration"),
            source=row["source"],
        )
        for name in (entry.name, *entry.aliases):
            table[_key(name)] = entry
    return table


def lookup_key(name: str) -> str:
    """Normalise a typed name the way the tables are keyed (case and spaces ignored)."""
    return _key(name)
