"""A workup as typed, validated steps: what a chemist writes in a workup file or on the
command line, read once at the edge (units parsed, names checked, errors naming the step).

A workup file is a mapping with ``steps`` (a list of one-key mappings such as
``{wash: {with: 0.5 M citric acid, volume: 2 x 20 mL, keep: aqueous}}``), optionally
``product`` (the species to isolate, default the mono product) and ``scenario`` (the reaction:
a path relative to the file, or the scenario mapping itself).
"""

from __future__ import annotations

import math
import re
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from monoselect.errors import InvalidInput
from monoselect.scenario import Quantity, build, parse_quantity

MAX_WASHES = 20  # more washes than any bench workup runs; refused as a likely typo
MAX_VOLUME_L = 1000.0  # 1 m3: beyond any separatory funnel or reactor this tool is for
_TIMES = re.compile(r"^\s*(?P<n>[0-9]+)\s*[x×*]\s*(?P<rest>.+)$")


class _Step(BaseModel):
    """Frozen, no unknown keys; ``op`` is the step's name in a workup file."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    op: ClassVar[str]
    _where: str = PrivateAttr("steps")

    def describe(self) -> str:
        return self.op


def _volume(value, field: str) -> float:
    litres = parse_quantity(value, "volume", field)
    if not 0 < litres <= MAX_VOLUME_L:
        raise InvalidInput(
            f"volume must be > 0 and at most {MAX_VOLUME_L:g} L, got {value}",
            field=field,
            fix="give it like '20 mL'",
        )
    return litres


def _times_and_volume(volume, times: int | None) -> tuple[str | float | None, int | None]:
    """'2 x 20 mL' -> ('20 mL', 2): the way a procedure writes repeated washes."""
    if isinstance(volume, str) and (m := _TIMES.match(volume)):
        n = int(m["n"])
        if times is not None and times != n:
            raise ValueError(f"volume says {n} x but times is {times}; give one of them")
        return m["rest"].strip(), n
    return volume, times


class Quench(_Step):
    """Add an aqueous solution to the reaction mixture (two phases, not yet separated)."""

    op: ClassVar[str] = "quench"
    with_: str = Field("water", alias="with")
    volume: Quantity
    _litres: float = PrivateAttr(0.0)

    @model_validator(mode="after")
    def _read(self):
        self._litres = _volume(self.volume, "volume")
        return self

    @property
    def litres(self) -> float:
        return self._litres

    def describe(self) -> str:
        return f"quench with {self.with_} ({self.volume})"


class Separate(_Step):
    """Separate the two phases and go on with one of them."""

    op: ClassVar[str] = "separate"
    keep: Literal["organic", "aqueous"] = "organic"

    def describe(self) -> str:
        return f"separate, keep the {self.keep} phase"


class Wash(_Step):
    """Wash the organic phase ``times`` times with fresh aqueous solution.

    ``ph`` makes it a buffered wash held at that pH (the buffer's capacity taken as
    unlimited); otherwise the pH comes from the charge balance of what is in the funnel.
    ``keep: aqueous`` combines the aqueous washes and goes on with them (an acid extraction).
    """

    op: ClassVar[str] = "wash"
    with_: str = Field("water", alias="with")
    volume: Quantity
    times: int | None = Field(None, ge=1, le=MAX_WASHES)
    ph: float | None = Field(None, ge=-1, le=15)
    keep: Literal["organic", "aqueous"] = "organic"
    _litres: float = PrivateAttr(0.0)
    _n: int = PrivateAttr(1)

    @model_validator(mode="before")
    @classmethod
    def _split(cls, data):
        if isinstance(data, dict) and "volume" in data:
            volume, times = _times_and_volume(data["volume"], data.get("times"))
            data = {**data, "volume": volume, "times": times}
        return data

    @model_validator(mode="after")
    def _read(self):
        self._litres = _volume(self.volume, "volume")
        self._n = self.times or 1
        if self._n > MAX_WASHES:
            raise ValueError(f"at most {MAX_WASHES} washes, got {self._n}")
        if self.ph is not None and not math.isfinite(self.ph):
            raise ValueError("ph must be a finite number")
        return self

    @property
    def litres(self) -> float:
        return self._litres

    @property
    def n(self) -> int:
        return self._n

    def describe(self) -> str:
        what = f"buffer at pH {self.ph:g}" if self.ph is not None else self.with_
        keep = "; combine the aqueous washes" if self.keep == "aqueous" else ""
        return f"wash with {what}, {self._n} x {self.volume}{keep}"


class Extract(_Step):
    """Extract the aqueous phase ``times`` times with fresh organic solvent."""

    op: ClassVar[str] = "extract"
    solvent: str = "DCM"
    volume: Quantity
    times: int | None = Field(None, ge=1, le=MAX_WASHES)
    keep: Literal["organic", "aqueous"] = "organic"
    _litres: float = PrivateAttr(0.0)
    _n: int = PrivateAttr(1)

    @model_validator(mode="before")
    @classmethod
    def _split(cls, data):
        if isinstance(data, dict) and "volume" in data:
            volume, times = _times_and_volume(data["volume"], data.get("times"))
            data = {**data, "volume": volume, "times": times}
        return data

    @model_validator(mode="after")
    def _read(self):
        self._litres = _volume(self.volume, "volume")
        self._n = self.times or 1
        if self._n > MAX_WASHES:
            raise ValueError(f"at most {MAX_WASHES} extractions, got {self._n}")
        return self

    @property
    def litres(self) -> float:
        return self._litres

    @property
    def n(self) -> int:
        return self._n

    def describe(self) -> str:
        keep = "; keep the aqueous phase" if self.keep == "aqueous" else "; combine the extracts"
        return f"extract with {self.solvent}, {self._n} x {self.volume}{keep}"


class Adjust(_Step):
    """Bring the aqueous phase to a pH (``to_ph``), or add a volume of a solution."""

    op: ClassVar[str] = "basify"
    with_: str = Field("NaOH", alias="with")
    to_ph: float | None = Field(None, ge=-1, le=15)
    volume: Quantity | None = None
    _litres: float | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _read(self):
        if (self.to_ph is None) == (self.volume is None):
            raise ValueError(
                "give either to_ph (e.g. 12) or the volume of the solution added (e.g. '10 mL')"
            )
        if self.volume is not None:
            self._litres = _volume(self.volume, "volume")
        return self

    @property
    def litres(self) -> float | None:
        return self._litres

    def describe(self) -> str:
        what = f"to pH {self.to_ph:g}" if self.to_ph is not None else f"({self.volume})"
        return f"{self.op} with {self.with_} {what}"


class Basify(Adjust):
    op: ClassVar[str] = "basify"


class Acidify(Adjust):
    op: ClassVar[str] = "acidify"
    with_: str = Field("HCl", alias="with")


class Dry(_Step):
    """Dry the organic phase (removes dissolved water; no species is lost)."""

    op: ClassVar[str] = "dry"
    agent: str = "Na2SO4"

    def describe(self) -> str:
        return f"dry over {self.agent}, filter"


class Evaporate(_Step):
    """Evaporate the solvent; species boiling (1 atm) below ``below`` leave with it."""

    op: ClassVar[str] = "evaporate"
    below: Quantity | None = None
    _below_c: float | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _read(self):
        if self.below is not None:
            self._below_c = parse_quantity(self.below, "temperature", "below") - 273.15
        return self

    @property
    def below_c(self) -> float | None:
        return self._below_c

    def describe(self) -> str:
        tail = f" (and what boils below {self.below})" if self.below else ""
        return "evaporate the solvent" + tail


class Dissolve(_Step):
    """Take the residue up in an organic solvent."""

    op: ClassVar[str] = "dissolve"
    solvent: str = "EtOAc"
    volume: Quantity
    _litres: float = PrivateAttr(0.0)

    @model_validator(mode="after")
    def _read(self):
        self._litres = _volume(self.volume, "volume")
        return self

    @property
    def litres(self) -> float:
        return self._litres

    def describe(self) -> str:
        return f"dissolve the residue in {self.solvent} ({self.volume})"


class Distil(_Step):
    """Distil off a species (its boiling point: sourced, or ``bp``) and everything lighter."""

    op: ClassVar[str] = "distil"
    species: str | None = None
    bp: Quantity | None = None
    below: Quantity | None = None
    _bp_c: float | None = PrivateAttr(None)
    _below_c: float | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _read(self):
        if self.species is None and self.below is None:
            raise ValueError("name the species to distil off (e.g. species: SM) or give below")
        if self.bp is not None:
            self._bp_c = parse_quantity(self.bp, "temperature", "bp") - 273.15
        if self.below is not None:
            self._below_c = parse_quantity(self.below, "temperature", "below") - 273.15
        return self

    @property
    def bp_c(self) -> float | None:
        return self._bp_c

    @property
    def below_c(self) -> float | None:
        return self._below_c

    def describe(self) -> str:
        return f"distil off {self.species}" if self.species else f"distil below {self.below}"


class Filter(_Step):
    """Filter off the salts that precipitated from an aprotic reaction mixture."""

    op: ClassVar[str] = "filter"

    def describe(self) -> str:
        return "filter off the precipitated salts"


STEPS: dict[str, type[_Step]] = {
    "quench": Quench,
    "separate": Separate,
    "wash": Wash,
    "extract": Extract,
    "basify": Basify,
    "acidify": Acidify,
    "dry": Dry,
    "evaporate": Evaporate,
    "concentrate": Evaporate,
    "dissolve": Dissolve,
    "distil": Distil,
    "distill": Distil,
    "filter": Filter,
}


class WorkupPlan(BaseModel):
    """The steps in order, the species to isolate (a label: SM, mono, bis...) and, when read
    from a workup file that names one, the reaction it was written for."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)
    steps: tuple[_Step, ...]
    product: str = "mono"
    scenario: object | None = None

    def describe(self) -> list[str]:
        return [s.describe() for s in self.steps]

    def replace_step(self, index: int, step: _Step) -> WorkupPlan:
        steps = list(self.steps)
        steps[index] = step
        return self.model_copy(update={"steps": tuple(steps)})

    def with_scenario(self, scenario) -> WorkupPlan:
        return self.model_copy(update={"scenario": scenario})


def make_step(entry, index: int = 0) -> _Step:
    """One step from a one-key mapping ``{op: {fields}}`` or a bare name ('dry')."""
    where = f"steps[{index}]"
    if isinstance(entry, _Step):
        return entry
    if isinstance(entry, str):
        entry = {entry: None}
    if not isinstance(entry, dict) or len(entry) != 1:
        raise InvalidInput(
            f"step {index + 1} must be one operation with its options",
            field=where,
            fix="write it like '{wash: {with: water, volume: 20 mL}}' or 'dry'",
        )
    ((name, fields),) = entry.items()
    cls = STEPS.get(str(name).strip().lower())
    if cls is None:
        raise InvalidInput(
            f"unknown workup operation {str(name)[:40]!r}",
            field=where,
            fix=f"known: {', '.join(sorted(set(STEPS) - {'concentrate', 'distill'}))}",
        )
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise InvalidInput(
            f"the options of {name} must be a mapping",
            field=where,
            fix=f"write it like '{{{name}: {{volume: 20 mL}}}}'",
        )
    where = f"{where}.{cls.op}"
    known = {f.alias or n for n, f in cls.model_fields.items()}
    unknown = [k for k in fields if k not in known]
    if unknown:
        from difflib import get_close_matches

        close = get_close_matches(str(unknown[0]), sorted(known), n=1, cutoff=0.6)
        raise InvalidInput(
            f"{str(unknown[0])[:40]!r} is not an option of {cls.op}",
            field=f"{where}.{unknown[0]}",
            fix=f"did you mean {close[0]}?" if close else f"known: {', '.join(sorted(known))}",
        )
    try:
        return build(cls, fields, where=where, prefix=f"{where}.")
    except InvalidInput as exc:
        field = exc.field or where
        if not field.startswith("steps["):
            field = f"{where}.{field}"
        field = field.replace(f"{where}.{where}", where)  # an error about the whole step
        message, fix = exc.message, exc.fix
        if message == "Field required":
            message = f"{cls.op} needs {field.rsplit('.', 1)[-1]}"
            fix = fix or "see examples/workup_citric.yaml"
        raise InvalidInput(message, field=field, fix=fix) from None


def make_workup(steps, product: str = "mono") -> WorkupPlan:
    """A WorkupPlan from a list of steps (mappings, names or step objects)."""
    if isinstance(steps, str | bytes) or not hasattr(steps, "__iter__"):
        raise InvalidInput(
            "steps must be a list of operations",
            field="steps",
            fix="see examples/workup_citric.yaml",
        )
    parsed = tuple(make_step(s, i) for i, s in enumerate(steps))
    if not parsed:
        raise InvalidInput("a workup needs at least one step", field="steps")
    if not isinstance(product, str) or not product.strip():
        raise InvalidInput("product must be a species label such as mono", field="product")
    return WorkupPlan(steps=parsed, product=product.strip())


def plan_from_mapping(data: dict) -> WorkupPlan:
    """The plan part of a workup file's mapping (``steps``, ``product``)."""
    unknown = sorted(set(data) - {"steps", "product", "scenario"})
    if unknown:
        raise InvalidInput(
            f"{unknown[0]!r} is not a workup file field",
            field=unknown[0],
            fix="a workup file has steps, product and scenario",
        )
    if "steps" not in data:
        raise InvalidInput("the workup file has no steps", field="steps", fix="add a steps: list")
    return make_workup(data["steps"], data.get("product") or "mono")
