"""One interface for the results of every reaction family.

Protocols, compare, the command line (and later fit, advise, reports and the web page) read
a result only through ``split()``, ``to_dict()`` and ``__rich__``; none of them asks which
family made it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Provenance:
    """Where one number came from: measured (with source), estimated (with method), given."""

    quantity: str
    value: str
    origin: str


@dataclass(frozen=True)
class Split:
    """Where the diamine ended up: fractions of diamine units that sum to 1, and the mono
    product's yield on the diamine and on the electrophile charged."""

    fractions: dict[str, float]
    mono_yield_on_substrate: float
    mono_yield_on_electrophile: float

    def __post_init__(self):
        # round-off below zero (an integrator's -3e-23 of a species never formed) reads as 0;
        # anything more negative is a bug and is refused
        if any(v < 0 for v in self.fractions.values()):
            if min(self.fractions.values()) < -1e-12:
                raise ValueError(f"negative split fraction: {self.fractions}")
            clean = {k: max(v, 0.0) for k, v in self.fractions.items()}
            object.__setattr__(self, "fractions", clean)
        total = sum(self.fractions.values())
        if self.fractions and abs(total - 1.0) > 1e-6:
            raise ValueError(f"split fractions sum to {total:.8g}, not 1: {self.fractions}")

    def __getitem__(self, name: str) -> float:
        return self.fractions[name]

    def get(self, name: str, default: float = 0.0) -> float:
        return self.fractions.get(name, default)

    def to_dict(self) -> dict:
        return {
            "fractions": dict(self.fractions),
            "mono_yield_on_substrate": self.mono_yield_on_substrate,
            "mono_yield_on_electrophile": self.mono_yield_on_electrophile,
        }


def normalised(fractions: dict[str, float]) -> dict[str, float]:
    """Fractions divided by their sum (solver noise must not make a split sum to 1 +- 1e-9)."""
    total = sum(fractions.values())
    return {k: float(v / total) if total else 0.0 for k, v in fractions.items()}


class Result:
    """Base of every family's result: the shared keys, strict JSON and rendering.

    A family sets ``kind`` and provides ``scenario``, ``assumptions``, ``warnings``,
    ``provenance``, ``split()`` and ``details()`` (its own JSON keys).
    """

    kind: ClassVar[str]
    scenario: object
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]
    provenance: tuple[Provenance, ...]

    def split(self) -> Split:
        raise NotImplementedError

    def details(self) -> dict:
        return {}

    def to_dict(self) -> dict:
        """Strict-JSON data: the same top-level keys for every family, then its own."""
        out = {
            "kind": self.kind,
            "scenario": self.scenario.resolved(),
            "split": self.split().to_dict(),
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
            "provenance": [
                {"quantity": p.quantity, "value": p.value, "origin": p.origin}
                for p in self.provenance
            ],
            **self.details(),
        }
        replaced: list[str] = []
        out = json_safe(out, replaced)
        if replaced:
            out["warnings"].append(
                "not finite, written as null: "
                + ", ".join(replaced[:5])
                + (f" and {len(replaced) - 5} more" if len(replaced) > 5 else "")
            )
        return out

    def __rich__(self):
        from monoselect.render import RENDERERS

        return RENDERERS[self.kind](self)


def json_safe(value, replaced: list[str] | None = None, path: str = ""):
    """``value`` with NumPy scalars and arrays made plain and NaN/inf replaced by None (JSON
    has no such numbers); the paths replaced are appended to ``replaced``."""
    import numpy as np

    if isinstance(value, dict):
        return {
            k: json_safe(v, replaced, f"{path}.{k}" if path else str(k)) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [json_safe(v, replaced, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist(), replaced, path)
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isfinite(v):
            return v
        if replaced is not None:
            replaced.append(path)
        return None
    return value
