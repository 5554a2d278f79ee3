"""What the chemist saw, as data: an observed split, a stall, gum, LC-MS peaks.

The short form a chemist types (``"bis 40 %"``, ``"mono 55 %, bis 40 %"``) is read here, at
the edge, into fractions; everything below works on the validated ``Symptom``.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from monoselect.errors import InvalidInput

# how the split was measured decides which misreadings are possible (SCIENCE.md section 10)
MEASURED_BY = ("isolated", "nmr", "gc", "hplc-uv", "lcms", "unknown")
CATEGORIES = ("SM", "mono", "bis")

_PART = re.compile(
    r"^\s*(?P<name>[A-Za-z][A-Za-z-]*(?:-[0-9]+)?)\s*[:=_]?\s*(?P<value>[-+]?[0-9]*\.?[0-9]+(?:e[-+]?\d+)?)"
    r"\s*(?P<pct>%)?\s*$",
    re.IGNORECASE,
)
_ALIASES = {"sm": "SM", "diamine": "SM", "starting": "SM", "mono": "mono", "bis": "bis"}
_ALIASES |= {"di": "bis", "di-boc": "bis", "bis-boc": "bis", "mono-boc": "mono", "dibis": "bis"}


def parse_observed(text: str) -> dict[str, float]:
    """``"bis 40 %, mono 55 %"`` -> {"bis": 0.40, "mono": 0.55}; a bare number above 1 is a
    percentage, at most 1 a fraction."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("observed is empty", field="observed", fix="e.g. 'bis 40 %'")
    out: dict[str, float] = {}
    for part in re.split(r"[,;/]", text):
        if not part.strip():
            continue
        m = _PART.match(part)
        if m is None:
            raise InvalidInput(
                f"cannot read {part.strip()!r}",
                field="observed",
                fix="give it like 'bis 40 %' or 'SM 10 %, mono 50 %, bis 40 %'",
            )
        name = _ALIASES.get(m["name"].lower())
        if name is None:
            raise InvalidInput(
                f"unknown category {m['name']!r}", field="observed", fix="use SM, mono or bis"
            )
        if name in out:
            raise InvalidInput(f"{name} is given twice", field="observed", fix="give it once")
        value = float(m["value"])
        out[name] = value / 100 if (m["pct"] or value > 1) else value
    return out


class Symptom(BaseModel):
    """What went wrong, structured. Every part is optional; at least one must be given."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    observed: dict[str, float] | None = Field(
        None, description="fractions of diamine units, e.g. {bis: 0.40} (SM, mono, bis)"
    )
    measured_by: Literal["isolated", "nmr", "gc", "hplc-uv", "lcms", "unknown"] = Field(
        "unknown", description="how the split was measured"
    )
    stalled: float | None = Field(
        None, description="fraction of the electrophile consumed when it stopped, e.g. 0.5"
    )
    gum: bool = Field(False, description="an insoluble gum or polymer formed")
    two_products: bool = Field(False, description="two products on a bifunctional linker")
    peaks: tuple[float, ...] = Field((), description="observed LC-MS m/z")

    @field_validator("observed", mode="before")
    @classmethod
    def _read_observed(cls, v):
        if isinstance(v, str):
            return parse_observed(v)
        return v

    @field_validator("observed")
    @classmethod
    def _fractions(cls, v):
        if v is None:
            return v
        if not v:
            raise ValueError("observed holds no category; give e.g. {bis: 0.4}")
        for name, x in v.items():
            if name not in CATEGORIES:
                raise ValueError(f"unknown category {name!r} in observed; use SM, mono or bis")
            if isinstance(x, bool) or not (math.isfinite(x) and 0.0 <= x <= 1.0):
                raise ValueError(f"observed {name} must be a fraction 0-1 (or 0-100 %), got {x}")
        if sum(v.values()) > 1.0 + 1e-6:
            raise ValueError(f"observed fractions sum to {sum(v.values()):.3g}, more than 100 %")
        return v

    @field_validator("stalled", mode="before")
    @classmethod
    def _stall_text(cls, v):
        if isinstance(v, str):
            text = v.strip().lower()
            if text in ("half", "half conversion"):
                return 0.5
            pct = text.endswith("%")
            try:
                x = float(text.rstrip("%").strip())
            except ValueError:
                raise ValueError(f"cannot read stalled {v!r}; give e.g. '50 %' or 0.5") from None
            return x / 100 if pct or x > 1 else x
        return v

    @field_validator("stalled")
    @classmethod
    def _stall_range(cls, v):
        if v is not None and (isinstance(v, bool) or not (math.isfinite(v) and 0 <= v < 1)):
            raise ValueError(f"stalled must be a fraction below 1 (e.g. 0.5), got {v}")
        return v

    @field_validator("peaks", mode="before")
    @classmethod
    def _read_peaks(cls, v):
        from monoselect.chem.ions import read_peaks

        if v is None:
            return ()
        return tuple(read_peaks(v))

    def given(self) -> bool:
        return bool(
            self.observed or self.stalled is not None or self.gum or self.two_products
        ) or bool(self.peaks)

    def describe(self) -> str:
        parts = []
        if self.observed:
            parts.append(", ".join(f"{k} {v:.0%}" for k, v in self.observed.items()))
            if self.measured_by != "unknown":
                parts[-1] += f" ({self.measured_by})"
        if self.stalled is not None:
            parts.append(f"stalled at {self.stalled:.0%} of the electrophile")
        if self.gum:
            parts.append("gum")
        if self.two_products:
            parts.append("two products on the linker")
        if self.peaks:
            parts.append("m/z " + ", ".join(f"{p:g}" for p in self.peaks))
        return "; ".join(parts)


def make_symptom(**fields) -> Symptom:
    """A Symptom from keyword fields (None: not given), or one InvalidInput naming the field."""
    from monoselect.scenario import build

    symptom = build(Symptom, {k: v for k, v in fields.items() if v is not None}, where="symptom")
    if not symptom.given():
        raise InvalidInput(
            "no symptom given",
            field="symptom",
            fix="give --observed 'bis 40 %', --stalled '50 %', --gum, --two-products or --peaks",
        )
    return symptom
