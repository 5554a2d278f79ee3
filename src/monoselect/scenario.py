"""The Scenario: what the chemist asks, validated once, with units resolved at this edge."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from monoselect.errors import InvalidInput
from monoselect.units import parse_quantity

Quantity = float | int | str


class FeedStep(BaseModel):
    """One stage of a multi-stage feed: ``eq`` of the fed reagent over ``time`` (0 eq = hold)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    eq: float = Field(ge=0)
    time: Quantity

    @property
    def seconds(self) -> float:
        value = parse_quantity(self.time, "time", "feed.time")
        if value < 0:
            raise InvalidInput(f"feed time must be >= 0, got {self.time}", field="feed.time")
        return value


class Scenario(BaseModel):
    """Substrate + electrophile + how they are brought together. Amounts are per ``scale``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    substrate: str = "1,4-diazepane"
    electrophile: str = "Boc2O"
    eq: float = Field(1.0, description="electrophile equivalents")
    substrate_eq: float = Field(1.0, description="substrate equivalents")
    scale: Quantity = "10 mmol"
    conc: Quantity = Field(
        "0.2 M", description="concentration of the reagent in the flask at start"
    )
    addition_time: Quantity = Field(
        0, description="feed time of the added reagent; 0 = one portion"
    )
    feed_conc: Quantity | None = Field(None, description="concentration of the fed solution")
    mode: Literal["direct", "inverse"] = "direct"
    feed: tuple[FeedStep, ...] | None = Field(
        None, description="multi-stage feed, overrides addition_time"
    )
    time: Quantity | None = Field(
        None, description="total time; default: until the limiting reagent is spent"
    )
    stop_conversion: float | None = Field(
        None, description="stop at this substrate conversion (0-1)"
    )
    acid: str | None = Field(None, description="acid charged with the substrate, e.g. HCl")
    acid_eq: float = Field(0.0, description="acid equivalents per substrate")
    base: str | None = Field(None, description="base charged with the substrate, e.g. Et3N")
    base_eq: float = Field(0.0, description="base equivalents per substrate")
    temperature: Quantity = Field("25 degC", description="reaction temperature")
    kappa: float | None = None
    rho: float | None = None
    k: Quantity | None = Field(None, description="per-site rate constant of a fresh site, L/mol/s")

    @field_validator("acid_eq", "base_eq")
    @classmethod
    def _additive_eq(cls, v, info):
        if not (v >= 0 and math.isfinite(v)):
            raise ValueError(f"{info.field_name.replace('_', ' ')} must be >= 0, got {v}")
        what = info.field_name.removesuffix("_eq")
        if v > 0 and not info.data.get(what):  # acid/base are validated before their eq
            example = "HCl" if what == "acid" else "Et3N"
            raise ValueError(f"{v:g} eq of no {what}: name one, e.g. --{what} {example}")
        return v

    @field_validator("eq", "substrate_eq")
    @classmethod
    def _equivalents_positive(cls, v, info):
        if not (v > 0 and math.isfinite(v)):
            what = "electrophile" if info.field_name == "eq" else "substrate"
            raise ValueError(f"{what} equivalents must be > 0, got {v}")
        return v

    @field_validator("kappa", "rho")
    @classmethod
    def _ratio_ok(cls, v):
        if v is not None and not (v >= 0 and math.isfinite(v)):
            raise ValueError(f"must be >= 0, got {v}")
        return v

    @model_validator(mode="after")
    def _one_ratio(self):
        if self.kappa is not None and self.rho is not None:
            raise ValueError("give kappa or rho, not both (kappa = rho/2 for a symmetric diamine)")
        return self

    @model_validator(mode="after")
    def _units_readable(self):
        """Read every quantity once here, so a bad unit fails where the scenario is made."""
        self.resolved()
        return self

    # resolved quantities (engine units) -------------------------------------------------
    def amount(self) -> float:
        return _positive(parse_quantity(self.scale, "amount", "scale"), "scale", "10 mmol")

    def concentration(self) -> float:
        return _positive(parse_quantity(self.conc, "concentration", "conc"), "conc", "0.2 M")

    def feed_concentration(self) -> float | None:
        if self.feed_conc is None:
            return None
        return _positive(
            parse_quantity(self.feed_conc, "concentration", "feed_conc"), "feed_conc", "1 M"
        )

    def addition_seconds(self) -> float:
        value = parse_quantity(self.addition_time, "time", "addition_time")
        if value < 0:
            raise InvalidInput(
                f"addition time must be >= 0, got {self.addition_time}", field="addition_time"
            )
        return value

    def total_seconds(self) -> float:
        if self.time is None:
            return math.inf
        return _positive(parse_quantity(self.time, "time", "time"), "time", "5 h")

    def temperature_c(self) -> float:
        kelvin = parse_quantity(self.temperature, "temperature", "temperature")
        if not 150.0 < kelvin < 500.0:
            raise InvalidInput(
                f"temperature {self.temperature} is outside 150-500 K",
                field="temperature",
                fix="give it like '0 degC' or '298 K'",
            )
        return kelvin - 273.15

    def rate_constant(self) -> float | None:
        if self.k is None:
            return None
        return _positive(parse_quantity(self.k, "rate_constant", "k"), "k", "0.01 L/mol/s")

    def resolved(self) -> dict:
        """The scenario echoed back with every quantity in stated units."""
        feed_c = self.feed_concentration()
        return {
            "substrate": self.substrate,
            "electrophile": self.electrophile,
            "eq": self.eq,
            "substrate_eq": self.substrate_eq,
            "scale_mmol": self.amount() * 1e3,
            "conc_M": self.concentration(),
            "addition_time_s": self.addition_seconds(),
            "feed_conc_M": feed_c,
            "mode": self.mode,
            "feed": [{"eq": s.eq, "time_s": s.seconds} for s in self.feed] if self.feed else None,
            "time_s": None if self.time is None else self.total_seconds(),
            "stop_conversion": self.stop_conversion,
            "acid": self.acid,
            "acid_eq": self.acid_eq,
            "base": self.base,
            "base_eq": self.base_eq,
            "temperature_C": round(self.temperature_c(), 6),
            "kappa": self.kappa,
            "rho": self.rho,
            "k_L_per_mol_s": self.rate_constant(),
        }


def _positive(value: float, field: str, example: str) -> float:
    if not value > 0:
        raise InvalidInput(
            f"{field} must be > 0, got {value:g}", field=field, fix=f"give it like '{example}'"
        )
    return value


def build(model: type[BaseModel], fields: dict, *, where: str, prefix: str = ""):
    """``model(**fields)``, pydantic's first error turned into one InvalidInput naming the
    field (``prefix`` + its location, or ``where`` when the error is about the whole)."""
    try:
        return model(**fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or where
        raise InvalidInput(err["msg"].removeprefix("Value error, "), field=prefix + loc) from None


def make_scenario(**fields) -> Scenario:
    """A Scenario from keyword fields (None means "use the default")."""
    return build(Scenario, {k: v for k, v in fields.items() if v is not None}, where="scenario")


def read_mapping(path, what: str = "scenario") -> dict:
    """The mapping held by a YAML or JSON file, or one InvalidInput saying what is wrong."""
    import json
    from pathlib import Path

    import yaml

    p = Path(path)
    if not p.is_file():
        raise InvalidInput(
            f"no {what} file at {p}", field=what, fix="give the path of a .yaml or .json file"
        )
    text = p.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except Exception as exc:
        raise InvalidInput(f"cannot read {p}: {exc}", field=what) from None
    if not isinstance(data, dict):
        raise InvalidInput(f"{p} must hold a mapping of {what} fields", field=what)
    return data


def load_scenario(path) -> Scenario:
    """A Scenario from a YAML or JSON file."""
    return make_scenario(**read_mapping(path))
