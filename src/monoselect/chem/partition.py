"""Octanol/water logP of a structure: measured where data/partition.csv has it, else RDKit's
Crippen estimate carried as an interval (SCIENCE.md section 9). Also the workup data table.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from monoselect.data import load_yaml, text
from monoselect.errors import InvalidStructure


@dataclass(frozen=True)
class LogP:
    """logP with its interval and where it came from; ``measured`` is False for an estimate."""

    value: float
    low: float
    high: float
    origin: str
    measured: bool


@lru_cache(maxsize=1)
def workup_data() -> dict:
    """data/workup.yaml as a mapping (reagents, boiling points, constants with sources)."""
    return load_yaml("workup.yaml")


def canonical(smiles: str) -> str:
    from rdkit import Chem

    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise InvalidStructure(f"RDKit cannot read {smiles[:60]!r}", field="smiles")
    return Chem.MolToSmiles(mol)


@lru_cache(maxsize=1)
def _measured() -> dict[str, tuple[str, float, str]]:
    rows = csv.DictReader(text("partition.csv").splitlines())
    return {canonical(r["smiles"]): (r["compound"], float(r["logP"]), r["source"]) for r in rows}


@lru_cache(maxsize=512)
def logp(smiles: str) -> LogP:
    """logP of ``smiles``: the measured value (a point) or Crippen +- the model's error."""
    from rdkit import Chem
    from rdkit.Chem import Crippen

    key = canonical(smiles)
    hit = _measured().get(key)
    if hit is not None:
        name, value, source = hit
        return LogP(value, value, value, f"measured ({name}): {source}", True)
    value = float(Crippen.MolLogP(Chem.MolFromSmiles(key)))
    crippen = workup_data()["crippen"]
    half = float(crippen["half_width"])
    return LogP(
        value,
        value - half,
        value + half,
        f"estimated: RDKit Crippen {value:.2f} +- {half:g} ({crippen['source']}); "
        "no measured value in data/partition.csv",
        False,
    )


@lru_cache(maxsize=512)
def boiling_point(smiles: str) -> tuple[float, str] | None:
    """Normal boiling point (degC) and its source, or None when no source gave one."""
    key = canonical(smiles)
    for row in workup_data()["boiling_points"]:
        if canonical(row["smiles"]) == key:
            return float(row["bp_C"]), row["source"]
    return None
