"""What every protocol shares: the chemist's conditions in, a ``ProtocolResult`` out.

A protocol turns ``Conditions`` (substrate, electrophile, scale, limits) and its own
parameters (with units and the defaults a chemist would pick) into one or more scenarios,
simulates them with ``models.simulate`` and reads the Result only through its interface
(``split()``, ``to_dict()``), so protocols of every family rank on one footing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from monoselect.errors import InvalidInput
from monoselect.results import Result, Split
from monoselect.scenario import (
    MAX_EQ,
    SALT,
    Equivalents,
    Quantity,
    Scenario,
    build,
    make_scenario,
    parse_quantity,
    parse_solubility,
)

# eq of base per eq of acid the reaction releases when base is "auto": the usual 20 % bench
# excess (a convention, not a measured optimum)
BASE_PER_ACID = 1.2
EQ_GRID = tuple(np.round(np.linspace(0.2, 2.0, 10), 3))


class Conditions(BaseModel):
    """The chemist's question, shared by every protocol of a comparison."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    substrate: str = "1,4-diazepane"
    electrophile: str = "Boc2O"
    eq: Equivalents = Field(1.0, description="electrophile equivalents per diamine")
    scale: Quantity = Field("10 mmol", description="amount of diamine for 1 eq")
    conc: Quantity = Field("0.2 M", description="concentration in the flask")
    temperature: Quantity = "25 degC"
    solvent: str | None = Field(None, description="reaction solvent (default DCM, stated)")
    mixing_model: Literal["ideal", "engulfment"] = Field(
        "ideal", description="'engulfment' resolves the feed zone of every site-family run"
    )
    base: str | None = Field(
        "auto",
        description="base for acid-releasing electrophiles: 'auto' (Et3N, 1.2 eq per eq of "
        "acid released), a name, or 'none'",
    )
    base_eq: Equivalents | None = None
    kappa: float | None = Field(
        None, gt=0, description="k2/k1 per molecule, e.g. from `monoselect fit` (default: from pKa)"
    )
    k: Quantity | None = Field(None, description="per-site rate constant of a fresh site (fitted)")
    solubility: dict[str, Quantity] | None = Field(
        None,
        description="salts that precipitate above this concentration, e.g. 'SM.HCl=1 mM, "
        "Et3N.HCl=5 mM'; a base's salt applies where that base is charged",
    )
    max_substrate_eq: Equivalents = Field(10.0, description="most diamine equivalents you accept")
    max_time: Quantity = Field("24 h", description="longest run you accept")
    precious: Literal["substrate", "electrophile"] = Field(
        "substrate", description="which reagent's yield ranks the protocols"
    )

    @field_validator("solubility", mode="before")
    @classmethod
    def _solubility_ok(cls, v):
        return parse_solubility(v)

    @field_validator("eq", "max_substrate_eq", "base_eq", mode="before")
    @classmethod
    def _not_a_switch(cls, v, info):
        if isinstance(v, bool):  # YAML reads on/yes as true, pydantic true as 1.0
            raise ValueError(f"{info.field_name} is a number, not {str(v).lower()}")
        return v

    @field_validator("eq", "max_substrate_eq")
    @classmethod
    def _positive(cls, v, info):
        if not (0 < v <= MAX_EQ and math.isfinite(v)):
            raise ValueError(f"{info.field_name} must be in (0, {MAX_EQ:g}], got {v:g}")
        return v

    @field_validator("base_eq")
    @classmethod
    def _base_eq(cls, v):
        if v is not None and not (0 <= v <= MAX_EQ and math.isfinite(v)):
            raise ValueError(f"base_eq must be 0-{MAX_EQ:g}, got {v:g}")
        return v

    @field_validator("solvent")
    @classmethod
    def _known_solvent(cls, v):
        from monoselect.scenario import solvent_key

        return None if v is None else solvent_key(v)

    @field_validator("base")
    @classmethod
    def _known_base(cls, v):
        if v not in (None, "auto", "none"):
            from monoselect.models import reagents

            reagents.acid_base(v, "base", "base")  # an unknown base fails here, for all
        return v

    def max_seconds(self) -> float:
        value = parse_quantity(self.max_time, "time", "max_time")
        if not value > 0:
            raise InvalidInput("max_time must be > 0", field="max_time", fix="e.g. '24 h'")
        return value

    def base_for(self, releases: str) -> tuple[str | None, float]:
        """The base a protocol adds: the user's, or Et3N when the reaction releases acid."""
        if self.base in (None, "none"):
            return None, 0.0
        if self.base == "auto":
            if releases == "none":
                return None, 0.0
            eq = self.base_eq if self.base_eq is not None else BASE_PER_ACID * self.eq
            return "Et3N", round(eq, 6)
        return self.base, self.base_eq if self.base_eq is not None else BASE_PER_ACID * self.eq


def make_conditions(**fields) -> Conditions:
    """Conditions from keyword fields (None means "use the default")."""
    return build(Conditions, {k: v for k, v in fields.items() if v is not None}, where="conditions")


@dataclass(frozen=True)
class ProtocolResult:
    """One protocol simulated: the Result of the run that decides selectivity plus what
    ranks protocols (time, material to recover, steps).

    Yields are of the mono product (all regioisomers) on the diamine charged and on the
    electrophile charged; a multi-step protocol gives its overall yields in ``yields``.
    """

    name: str
    label: str
    result: Result
    time_s: float  # until the mono amount is within 1 % of its final value, or the run
    substrate_left_mmol: float = 0.0
    excess_to_recover_g: float = 0.0
    steps: int = 1
    yields: tuple[float, float] | None = None  # overall (on diamine, on electrophile)
    notes: tuple[str, ...] = ()
    curve_eq: tuple[float, ...] = ()
    curve_mono_yield: tuple[float, ...] = ()  # mono yield on the precious reagent vs eq
    extra: dict = field(default_factory=dict)
    step_results: tuple[Result, ...] = ()  # every simulated step, in order (multi-step)

    @property
    def scenario(self) -> Scenario:
        return self.result.scenario

    def split(self) -> Split:
        return self.result.split()

    @property
    def mono_yield_on_substrate(self) -> float:
        return self.yields[0] if self.yields else self.split().mono_yield_on_substrate

    @property
    def mono_yield_on_electrophile(self) -> float:
        return self.yields[1] if self.yields else self.split().mono_yield_on_electrophile

    @property
    def overall_yield(self) -> float | None:
        return self.yields[0] if self.yields else None

    @property
    def bis(self) -> float:
        return self.split().get("bis")

    @property
    def sm_left(self) -> float:
        return self.split().get("SM")

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.result.warnings

    def ranking_yield(self, precious: str) -> float:
        if precious == "electrophile" and self.yields is None:
            return self.mono_yield_on_electrophile
        return self.mono_yield_on_substrate

    def to_dict(self) -> dict:
        """JSON-ready numbers: the ranking numbers, then the run's own Result keys (without
        its time course: ``monoselect simulate`` of the scenario gives that)."""
        run = self.result.to_dict()
        for key in ("time_course", "speciation"):
            run.pop(key, None)
        return {
            "protocol": self.name,
            "label": self.label,
            "mono_yield_on_substrate": self.mono_yield_on_substrate,
            "mono_yield_on_electrophile": self.mono_yield_on_electrophile,
            "bis": self.bis,
            "sm_left": self.sm_left,
            "time_s": self.time_s,
            "substrate_left_mmol": self.substrate_left_mmol,
            "excess_to_recover_g": self.excess_to_recover_g,
            "steps": self.steps,
            "overall_yield": self.overall_yield,
            "notes": list(self.notes),
            "curve": {"eq": list(self.curve_eq), "mono_yield": list(self.curve_mono_yield)},
            **({"extra": self.extra} if self.extra else {}),
            "run": run,
        }


@dataclass(frozen=True)
class Protocol:
    """A registered protocol: its parameters, where it applies, and how it runs."""

    name: str
    label: str
    params: type[BaseModel]
    run_fn: Callable[[Conditions, BaseModel], ProtocolResult]
    applies: Callable[[object], bool]
    what: str = ""

    def check(self, params: dict | BaseModel | None) -> BaseModel:
        """The validated parameters, or one InvalidInput naming the parameter."""
        from monoselect.protocols.params import read_params

        if params is not None and not isinstance(params, dict | BaseModel):
            raise InvalidInput(
                f"parameters of {self.name} must be a mapping, got {params!r}",
                field=f"params.{self.name}",
                fix="give them like {addition_time: 2 h}",
            )
        return read_params(self.params, params, self.name)

    def run(self, cond: Conditions, params: dict | BaseModel | None = None) -> ProtocolResult:
        from monoselect.models import reagents

        el = reagents.electrophile(cond.electrophile)
        if not self.applies(el):
            raise InvalidInput(
                f"{self.name} does not apply to {el.name} ({el.class_label}, "
                f"{el.reactive_groups} reactive group(s))",
                field="protocols",
                fix="leave this protocol out for this electrophile",
            )
        return self.run_fn(cond, self.check(params))


class NoParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def diamine_eq(asked: float, cond: Conditions) -> tuple[float, tuple[str, ...]]:
    """The diamine equivalents a protocol may use (at most ``cond.max_substrate_eq``), and a
    note when the protocol's own setting was capped."""
    n = min(asked, cond.max_substrate_eq)
    note = f"{asked:g} eq asked, capped at max_substrate_eq {cond.max_substrate_eq:g}"
    return n, ((note,) if n < asked else ())


def one_ended(electrophile) -> bool:
    """Site-family protocols: one reactive group, not an aldehyde (that is reductive)."""
    return electrophile.reactive_groups == 1 and electrophile.class_name != "aldehyde"


def scenario_for(cond: Conditions, **fields) -> Scenario:
    """A Scenario from the shared conditions plus a protocol's own fields."""
    base = dict(
        substrate=cond.substrate,
        electrophile=cond.electrophile,
        eq=cond.eq,
        scale=cond.scale,
        conc=cond.conc,
        temperature=cond.temperature,
        solvent=cond.solvent,
        time=cond.max_time,
        mixing_model=cond.mixing_model,
    )
    # fitted values belong to this substrate and electrophile: not to another step's reagents
    same = (
        fields.get("substrate", cond.substrate) == cond.substrate
        and fields.get("electrophile", cond.electrophile) == cond.electrophile
    )
    if same:
        base.update({n: getattr(cond, n) for n in ("kappa", "k") if getattr(cond, n) is not None})
        if cond.solubility:
            base["solubility"] = _salts_present(cond.solubility, fields.get("base"))
    return make_scenario(**{**base, **fields})


def salts_for(
    solubility: dict | None, substrate: str, *, starting_material: bool = False
) -> dict | None:
    """The solubilities that still mean the same salt in a step with other reagents: a
    base's salt always, the starting material's (``SM`` or the substrate's name) when the
    step starts from the same diamine; a product's (mono, bis...) never."""
    from monoselect.models.reagents import acid_base

    out = {}
    for name, value in (solubility or {}).items():
        what = SALT.fullmatch(name)["base"]
        try:
            acid_base(what, "solubility", "base")
            out[name] = value  # a tabled base
        except InvalidInput:
            if starting_material and what in ("SM", substrate):
                out[name] = value
    return out or None


def _salts_present(solubility: dict, base: str | None) -> dict | None:
    """The solubilities that apply to a protocol: every species' salt, and a base's salt
    only where that base is charged (no Et3N.HCl in a run without Et3N)."""
    from monoselect.models.reagents import acid_base

    def key(name: str) -> str | None:  # the table's own name: TEA and Et3N are one base
        try:
            return acid_base(name, "solubility", "base").name
        except InvalidInput:
            return None  # not a tabled base: a species (SM, mono...) or the substrate

    charged = key(base) if base else None
    out = {}
    for name, value in solubility.items():
        what = SALT.fullmatch(name)["base"]
        tabled = key(what)
        if tabled is None or tabled == charged:
            out[name] = value
    return out or None


def summarise(
    name: str,
    label: str,
    result,
    *,
    precious: str,
    notes=(),
    curve: bool = True,
    **extra_fields,
) -> ProtocolResult:
    """The ranking numbers of one simulated site-family scenario, with its
    mono-yield-vs-eq curve (one compiled sweep over the same species table)."""
    from monoselect.models.site import sweep_equivalents

    o = result.outcome
    scenario = result.scenario
    left = float(o.amounts[-1, 0])
    excess_g = left * result.table.species[0].mw if scenario.substrate_eq > 1 else 0.0
    curve_eq, curve_y = (), ()
    if curve:
        # x axis: electrophile eq per diamine charged
        sweep = sweep_equivalents(
            scenario, [e * scenario.substrate_eq for e in EQ_GRID], table=result.table
        )
        ys = (
            sweep.mono_yield_on_electrophile
            if precious == "electrophile"
            else sweep.mono_yield_on_substrate
        )
        curve_eq, curve_y = tuple(float(e) for e in EQ_GRID), tuple(float(y) for y in ys)
    return ProtocolResult(
        name=name,
        label=label,
        result=result,
        time_s=result.time_to_99(),
        substrate_left_mmol=left * 1e3,
        excess_to_recover_g=excess_g,
        notes=tuple(notes),
        curve_eq=curve_eq,
        curve_mono_yield=curve_y,
        **extra_fields,
    )
