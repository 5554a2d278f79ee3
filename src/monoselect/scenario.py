"""The Scenario: what the chemist asks, validated once, with units resolved at this edge.

Every quantity is read once, when the Scenario is made, and kept in engine units (mol, L,
mol/L, s, K); the accessors return those numbers. A Scenario is never copied with
``model_copy(update=...)`` (that would skip validation and keep stale values): ``evolve``
makes a new, re-validated one.

The options of the other reaction families are parts of the Scenario (``linker``,
``resin``, ``reductive``, ``mixing``), so every command reads the same file format and the
same core flags.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Literal, NamedTuple

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from monoselect.errors import InvalidInput
from monoselect.units import parse_quantity as _parse_quantity, strip_equivalents

Quantity = float | int | str
# a number of equivalents: 1.1, '1.1' or '1.1 eq' (as chemists write it)
Equivalents = Annotated[float, BeforeValidator(strip_equivalents)]

# How long a run lasts when the user gives no time. The site family stops when the limiting
# reagent is spent (to SPENT_TOL of its charge), bounded by TIME_CAP_S; families without
# that stop (linkers, resin, reductive amination, mixing) run DEFAULT_RUN_S. One place for
# both, so no family picks its own.
TIME_CAP_S = 7 * 86400.0
DEFAULT_RUN_S = 24 * 3600.0
SPENT_TOL = 1e-9

# What a reaction can be: beyond these the numbers overflow or mean nothing to a chemist.
# field -> (lowest, highest) in engine units, the unit shown and its factor from engine units
MAX_EQ = 1000.0
MIN_EQ = 1e-4  # below it nothing measurable forms (and denormal amounts break the solver)
MAX_RATIO = 1e4  # kappa or rho: beyond it the second step is instant either way
MAX_EM = 1e4  # mol/L; measured effective molarities span about 1e-6 to 1e3
BOUNDS = {
    "scale": (1e-9, 1e4, "mmol", 1e3),  # 1 nmol to 10 kmol
    "conc": (1e-6, 25.0, "M", 1.0),  # neat amines are about 10 M
    "feed_conc": (1e-6, 25.0, "M", 1.0),
    "addition_time": (0.0, 365 * 86400.0, "h", 1 / 3600),
    "time": (1e-3, 365 * 86400.0, "h", 1 / 3600),
    "k": (1e-12, 1e12, "L/mol/s", 1.0),
}


@lru_cache(maxsize=4096)
def _parse_cached(value, dimension: str, field: str) -> float:
    return _parse_quantity(value, dimension, field)


def parse_quantity(value, dimension: str, field: str) -> float:
    """units.parse_quantity, cached for the hashable values a Scenario holds (variants of
    one scenario in a comparison repeat the same texts)."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return _parse_cached(value, dimension, field)
    return _parse_quantity(value, dimension, field)


class _Spec(BaseModel):
    """Frozen, validated, no unknown keys: the base of every part of a Scenario."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class FeedStep(_Spec):
    """One stage of a multi-stage feed: ``eq`` of the fed reagent over ``time`` (0 eq = hold)."""

    eq: Equivalents = Field(ge=0)
    time: Quantity
    _seconds: float = PrivateAttr(0.0)

    @field_validator("eq")
    @classmethod
    def _finite(cls, v):
        if not math.isfinite(v):
            raise ValueError(f"must be a finite number, got {v}")
        return v

    @model_validator(mode="after")
    def _read(self):
        value = parse_quantity(self.time, "time", "feed.time")
        if value < 0:
            raise InvalidInput(f"feed time must be >= 0, got {self.time}", field="feed.time")
        self._seconds = value
        return self

    @property
    def seconds(self) -> float:
        return self._seconds


class LinkerSpec(_Spec):
    """Step growth with a bifunctional electrophile: chain cap and effective molarities."""

    cap: int = Field(8, ge=3, le=40, description="longest chain kept explicit (units)")
    em: dict[int, float] | None = Field(
        None, description="effective molarity (mol/L) by ring size, overriding the table"
    )

    @field_validator("em")
    @classmethod
    def _em_ok(cls, v):
        for size, value in (v or {}).items():
            if not (3 <= size <= 200 and 0 <= value <= MAX_EM and math.isfinite(value)):
                raise ValueError(
                    f"effective molarity {size}={value} is not a ring size 3-200 with EM "
                    f"0-{MAX_EM:g} mol/L; give it like '8=0.01' (ring atoms = mol/L)"
                )
        return v


class ResinSpec(_Spec):
    """Solid phase on 2-chlorotrityl resin. The Scenario's ``scale`` is the resin sites,
    ``substrate_eq`` the diamine per site in the loading solution and ``eq`` the
    electrophile per site; defaults for loading and swelling come from data/resin.yaml."""

    mass: Quantity | None = Field(None, description="resin mass; sites = mass x loading")
    loading: Quantity | None = Field(None, description="resin loading, e.g. '1.2 mmol/g'")
    swelling: Quantity | None = Field(None, description="swollen volume, e.g. '5 mL/g'")
    loading_conc: Quantity = Field("0.5 M", description="diamine in the loading solution")
    load_time: Quantity = "2 h"
    sweep: bool = Field(True, description="also report purity against resin loading")
    _si: dict = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _read(self):
        from monoselect.data import load_yaml

        data = load_yaml("resin.yaml")
        self._si = {
            "loading": _positive(
                parse_quantity(
                    self.loading if self.loading is not None else data["loading_mmol_per_g"],
                    "loading",
                    "resin.loading",
                ),
                "resin.loading",
                "1.2 mmol/g",
            ),
            "swelling": _positive(
                parse_quantity(
                    self.swelling if self.swelling is not None else data["swelling_mL_per_g"],
                    "swelling",
                    "resin.swelling",
                ),
                "resin.swelling",
                "5 mL/g",
            ),
            "mass": None
            if self.mass is None
            else _positive(parse_quantity(self.mass, "mass", "resin.mass"), "resin.mass", "1 g"),
            "loading_conc": _positive(
                parse_quantity(self.loading_conc, "concentration", "resin.loading_conc"),
                "resin.loading_conc",
                "0.5 M",
            ),
            "load_time": _positive(
                parse_quantity(self.load_time, "time", "resin.load_time"),
                "resin.load_time",
                "2 h",
            ),
        }
        return self

    def si(self, name: str) -> float:
        """mass in kg, loading in mol/kg, swelling in L/kg, loading_conc in mol/L,
        load_time in s."""
        return self._si[name]


class ReductiveSpec(_Spec):
    """Reductive amination: the hydride, and how long the imine forms before it goes in."""

    hydride: str = "NaBH(OAc)3"
    hydride_eq: Equivalents = Field(1.5, description="hydride equivalents per diamine")
    pre_time: Quantity = Field(0, description="imine pre-formation before the hydride; 0 = one pot")
    dehydrating: bool = Field(False, description="sieves / MgSO4 in the flask")
    _pre: float = PrivateAttr(0.0)

    @field_validator("hydride_eq", mode="before")
    @classmethod
    def _not_a_switch(cls, v):
        if isinstance(v, bool):
            raise ValueError(f"hydride_eq is a number, not {str(v).lower()}")
        return v

    @field_validator("hydride_eq")
    @classmethod
    def _eq_ok(cls, v):
        if not (0 < v <= MAX_EQ and math.isfinite(v)):
            raise ValueError(f"hydride equivalents must be in (0, {MAX_EQ:g}], got {v:g}")
        return v

    @model_validator(mode="after")
    def _read(self):
        value = parse_quantity(self.pre_time, "time", "reductive.pre_time")
        if value < 0:
            raise InvalidInput(
                f"pre-formation time must be >= 0, got {self.pre_time}",
                field="reductive.pre_time",
            )
        self._pre = value
        return self

    @property
    def pre_seconds(self) -> float:
        return self._pre

    @property
    def preformed(self) -> bool:
        return self._pre > 0


FEED_POINTS = ("average", "surface", "impeller")


class MixingSpec(_Spec):
    """Stirring and vessel for the engulfment model of the feed zone."""

    power: Quantity = Field("0.3 W/kg", description="power per mass at the feed point")
    viscosity: Quantity | None = Field(
        None, description="kinematic viscosity; default: the solvent's at the run temperature"
    )
    stirrer_rpm: float | None = Field(None, description="replaces power by Np N^3 D^5 / V")
    impeller_diameter: Quantity = "3 cm"
    power_number: float = Field(1.0, description="impeller power number Np (turbulent)")
    feed_point: Literal["average", "surface", "impeller"] = "average"
    blobs: int = Field(20, ge=1, le=400, description="feed portions in the engulfment model")
    sweeps: bool = Field(True, description="also sweep stirring power and vessel size")
    _si: dict = PrivateAttr(default_factory=dict)

    @field_validator("stirrer_rpm", "power_number")
    @classmethod
    def _positive_number(cls, v, info):
        high = 1e5 if info.field_name == "stirrer_rpm" else 100.0  # rpm; Np of real impellers
        if v is not None and not (0 < v <= high and math.isfinite(v)):
            raise ValueError(f"{info.field_name.replace('_', ' ')} must be in (0, {high:g}]")
        return v

    @model_validator(mode="after")
    def _stirrer_or_power(self):
        """Np and D only mean something with a stirrer speed, and the speed replaces power."""
        given = self.model_fields_set
        if self.stirrer_rpm is None:
            loose = [f for f in ("impeller_diameter", "power_number") if f in given]
            if loose:
                raise InvalidInput(
                    f"{loose[0].replace('_', ' ')} is used only with a stirrer speed",
                    field=f"mixing.{loose[0]}",
                    fix="give stirrer_rpm too, or leave it out",
                )
        elif "power" in given:
            raise InvalidInput(
                "give the power per mass or the stirrer speed, not both (the speed sets it)",
                field="mixing.power",
                fix="leave power out when you give stirrer_rpm",
            )
        return self

    @model_validator(mode="after")
    def _read(self):
        self._si = {
            "power": _positive(
                parse_quantity(self.power, "power_per_mass", "mixing.power"),
                "mixing.power",
                "0.3 W/kg",
            ),
            "viscosity": None
            if self.viscosity is None
            else _positive(
                parse_quantity(self.viscosity, "kinematic_viscosity", "mixing.viscosity"),
                "mixing.viscosity",
                "0.6 cSt",
            ),
            "impeller_diameter": _positive(
                parse_quantity(self.impeller_diameter, "length", "mixing.impeller_diameter"),
                "mixing.impeller_diameter",
                "3 cm",
            ),
        }
        return self

    def si(self, name: str) -> float:
        """power in W/kg, viscosity in m^2/s (None: the solvent's), impeller_diameter in m."""
        return self._si[name]


# a salt as chemists write it: what precipitates, then (after a dot) protons and acid,
# e.g. SM.2HCl, mono.HCl, Et3N.HCl, SM.TFA; a bare name is the free base
SALT = re.compile(r"(?P<base>[^.\s][^.]*?)(?:\.(?P<n>[1-9]?)(?P<acid>[A-Za-z][A-Za-z0-9]*))?")


class Solubility(NamedTuple):
    """One salt the scenario lets precipitate (see ``Scenario.solubility``)."""

    base: str  # the species (SM, mono...) or base (Et3N) that precipitates
    protons: int  # acid per molecule in the salt (0: the free base)
    acid: str | None  # HCl, HBr, TFA... as written
    value: float  # in ``unit``
    unit: str  # "mol/L", or "g/L" (converted with the salt's molar mass where it is known)


def _solubility(value, field: str) -> tuple[float, str]:
    """A solubility in mol/L (M, mM...) or as a mass per volume (g/L, mg/mL...)."""
    text = str(value)
    if isinstance(value, str) and re.search(r"[0-9.\s]k?[mu]?g\s*/", text):
        return parse_quantity(value, "mass_concentration", field), "g/L"
    try:
        return parse_quantity(value, "concentration", field), "mol/L"
    except InvalidInput as exc:
        raise InvalidInput(
            exc.message, field=field, fix="give it in mol/L or g/L, like '1 mM' or '5 g/L'"
        ) from None


def parse_solubility(v) -> dict | None:
    """A mapping of salt names to concentrations, or its text ('SM.2HCl=2 mM, ...')."""
    if v is None:
        return None
    example = "give it like 'SM.2HCl=2 mM' or {Et3N.HCl: 0.05 M}"
    if isinstance(v, str):
        pairs = [p.split("=", 1) for p in v.replace(";", ",").split(",") if p.strip()]
        if not pairs or any(len(p) != 2 for p in pairs):
            raise ValueError(f"cannot read solubility {v!r}; {example}")
        v = {k.strip(): val.strip() for k, val in pairs}
    if not isinstance(v, dict) or not v:
        raise ValueError(f"no salt given; {example}")
    out = {}
    for key, value in v.items():
        name = str(key).strip()
        if SALT.fullmatch(name) is None:
            raise ValueError(
                f"{key!r} is not a salt name like SM.2HCl, mono.HCl or Et3N.HCl; {example}"
            )
        if name in out:
            raise ValueError(f"{name} is given twice")
        out[name] = value
    return out


class Scenario(_Spec):
    """Substrate + electrophile + how they are brought together. Amounts are per ``scale``."""

    substrate: str = "1,4-diazepane"
    electrophile: str = "Boc2O"
    eq: Equivalents = Field(1.0, description="electrophile equivalents")
    substrate_eq: Equivalents = Field(1.0, description="substrate equivalents")
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
    acid_eq: Equivalents = Field(0.0, description="acid equivalents per substrate")
    base: str | None = Field(None, description="base charged with the substrate, e.g. Et3N")
    base_eq: Equivalents = Field(0.0, description="base equivalents per substrate")
    temperature: Quantity = Field("25 degC", description="reaction temperature")
    solvent: str | None = Field(None, description="reaction solvent, e.g. DCM, THF, MeOH")
    kappa: float | None = None
    rho: float | None = None
    k: Quantity | None = Field(None, description="per-site rate constant of a fresh site, L/mol/s")
    steric: float | dict[str, float] | None = Field(
        None,
        description="steric factor (0-1]: per alpha substituent, e.g. 0.1, or per site, "
        "e.g. {N1: 0.1}; replaces the class's assumed value",
    )
    over_alkylation: float | None = Field(
        None,
        description="multiplier (>= 0) on every alkylation step at an N that already carries "
        "a group (NHR -> NR2 -> NR3+, and a linker end closing on its own N); 0 = off",
    )
    solvolysis: float | None = Field(
        None,
        ge=0,
        description="k1 (1/s) of the electrophile in the neat protic solvent at 25 degC "
        "(default: data/solvolysis.yaml by class); 0 = off",
    )
    solubility: dict[str, Quantity] | None = Field(
        None,
        description="saturation concentration of a salt (or free base) in the reaction "
        "mixture, in mol/L or g/L, e.g. {'SM.2HCl': '2 mM', 'Et3N.HCl': '5 g/L'}: above it "
        "the salt precipitates and leaves the reaction; salts not named stay dissolved",
    )
    linker: LinkerSpec | None = Field(None, description="bifunctional electrophiles")
    resin: ResinSpec | None = Field(None, description="run on 2-chlorotrityl resin")
    reductive: ReductiveSpec | None = Field(None, description="reductive amination")
    mixing: MixingSpec | None = Field(None, description="engulfment model of the feed zone")
    mixing_model: Literal["ideal", "engulfment"] = Field(
        "ideal",
        description="'engulfment' resolves the feed zone (Baldyga-Bourne E-model, with the "
        "proton pool) in a site run; 'ideal' assumes instant mixing",
    )
    _si: dict = PrivateAttr(default_factory=dict)

    @field_validator("acid", "base", mode="before")
    @classmethod
    def _none_is_none(cls, v):
        return None if isinstance(v, str) and v.strip().lower() == "none" else v

    @field_validator("substrate", "electrophile", "acid", "base")
    @classmethod
    def _text_ok(cls, v):
        if v is not None:
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("is not valid text (it holds an unpaired surrogate)") from None
        return v

    @field_validator("acid_eq", "base_eq")
    @classmethod
    def _additive_eq(cls, v, info):
        if not (v >= 0 and math.isfinite(v)) or v > MAX_EQ:
            raise ValueError(f"{info.field_name.replace('_', ' ')} must be 0-{MAX_EQ:g}, got {v:g}")
        what = info.field_name.removesuffix("_eq")
        if v > 0 and not info.data.get(what):  # acid/base are validated before their eq
            example = "HCl" if what == "acid" else "Et3N"
            raise ValueError(f"{v:g} eq of no {what}: name one, e.g. --{what} {example}")
        return v

    @field_validator("solvent")
    @classmethod
    def _known_solvent(cls, v):
        return None if v is None else solvent_key(v)

    @field_validator("eq", "substrate_eq")
    @classmethod
    def _equivalents_positive(cls, v, info):
        what = "electrophile" if info.field_name == "eq" else "substrate"
        if not (v >= MIN_EQ and math.isfinite(v)):
            raise ValueError(f"{what} equivalents must be at least {MIN_EQ:g}, got {v:g}")
        if v > MAX_EQ:
            raise ValueError(f"{what} equivalents must be at most {MAX_EQ:g}, got {v:g}")
        return v

    @field_validator("kappa", "rho")
    @classmethod
    def _ratio_ok(cls, v):
        if v is not None and not (0 <= v <= MAX_RATIO and math.isfinite(v)):
            raise ValueError(f"must be 0-{MAX_RATIO:g}, got {v:g}")
        return v

    @field_validator("steric", mode="before")
    @classmethod
    def _steric_ok(cls, v):
        """A number, a mapping of site locants, or their text ('0.1', 'N1=0.1,N4=1')."""
        if v is None:
            return None
        example = "give it like 0.1 (per alpha substituent) or 'N1=0.1' (per site)"
        if isinstance(v, str):
            text = v.strip()
            if "=" in text:
                pairs = [p.split("=", 1) for p in text.replace(";", ",").split(",") if p.strip()]
                if any(len(p) != 2 for p in pairs):
                    raise ValueError(f"cannot read steric {v!r}; {example}")
                v = {k.strip(): val.strip() for k, val in pairs}
            else:
                v = text
        if isinstance(v, dict):
            if not v:
                raise ValueError(f"no site given; {example}")
            out = {}
            for key, value in v.items():
                name = str(key).strip().upper()
                if not (name[:1] == "N" and name[1:].isdigit()):
                    raise ValueError(f"steric site {key!r} is not a locant like N1; {example}")
                out[name] = _steric_value(value, example)
            return out
        return _steric_value(v, example)

    @field_validator("solubility", mode="before")
    @classmethod
    def _solubility_ok(cls, v):
        return parse_solubility(v)

    @field_validator("over_alkylation")
    @classmethod
    def _over_ok(cls, v):
        if v is not None and not (0 <= v <= MAX_RATIO and math.isfinite(v)):
            raise ValueError(
                f"must be 0-{MAX_RATIO:g} (a multiplier on further alkylation steps; 0 = off), "
                f"got {v:g}"
            )
        return v

    @field_validator("stop_conversion")
    @classmethod
    def _conversion_ok(cls, v):
        if v is not None and not 0 < v <= 1:
            raise ValueError(f"stop conversion must be in (0, 1], got {v}")
        return v

    @model_validator(mode="after")
    def _one_ratio(self):
        if self.kappa is not None and self.rho is not None:
            raise ValueError("give kappa or rho, not both (kappa = rho/2 for a symmetric diamine)")
        return self

    @field_validator(
        "eq",
        "substrate_eq",
        "acid_eq",
        "base_eq",
        "kappa",
        "rho",
        "stop_conversion",
        "over_alkylation",
        mode="before",
    )
    @classmethod
    def _not_a_switch(cls, v, info):
        if isinstance(v, bool):  # pydantic would read true as 1.0
            raise ValueError(f"{info.field_name} is a number, not {str(v).lower()}")
        if isinstance(v, str) and "_" in v:  # Python's float() reads "1_0" as 10
            raise ValueError(f"cannot read {v!r} as a number")
        return v

    @model_validator(mode="after")
    def _charges_consistent(self):
        """What the chemist named must be charged, and a feed is given one way only."""
        for what in ("acid", "base"):
            if getattr(self, what) and getattr(self, f"{what}_eq") == 0:
                raise InvalidInput(
                    f"{getattr(self, what)} is named but 0 eq of it is charged",
                    field=f"{what}_eq",
                    fix=f"give {what}_eq, or leave {what} out",
                )
        if self.feed is not None and not self.feed:
            raise InvalidInput("the feed has no stage", field="feed", fix="give at least one")
        if self.feed and "addition_time" in self.model_fields_set:
            raise InvalidInput(
                "give addition_time or feed stages, not both",
                field="addition_time",
                fix="the stages carry their own times",
            )
        return self

    @model_validator(mode="after")
    def _read_quantities(self):
        """Read every quantity once here, so a bad unit fails where the scenario is made."""
        si = {
            "scale": _positive(parse_quantity(self.scale, "amount", "scale"), "scale", "10 mmol"),
            "conc": _positive(parse_quantity(self.conc, "concentration", "conc"), "conc", "0.2 M"),
            "feed_conc": None
            if self.feed_conc is None
            else _positive(
                parse_quantity(self.feed_conc, "concentration", "feed_conc"), "feed_conc", "1 M"
            ),
            "addition_time": parse_quantity(self.addition_time, "time", "addition_time"),
            "time": math.inf
            if self.time is None
            else _positive(parse_quantity(self.time, "time", "time"), "time", "5 h"),
            "temperature": parse_quantity(self.temperature, "temperature", "temperature"),
            "k": None
            if self.k is None
            else _positive(parse_quantity(self.k, "rate_constant", "k"), "k", "0.01 L/mol/s"),
            "solubility": {
                name: _solubility(value, f"solubility.{name}")
                for name, value in (self.solubility or {}).items()
            },
        }
        for name, (value, _) in si["solubility"].items():
            if not value > 0:
                raise InvalidInput(
                    f"solubility of {name} must be > 0, got {self.solubility[name]!r}",
                    field=f"solubility.{name}",
                    fix="give a concentration such as '1 mM' (a tiny one for 'insoluble')",
                )
        for name, (low, high, unit, factor) in BOUNDS.items():
            value = si[name]
            if value is not None and math.isfinite(value) and not low <= value <= high:
                raise InvalidInput(
                    f"{name} {getattr(self, name)!r} is outside {low * factor:g} to "
                    f"{high * factor:g} {unit}",
                    field=name,
                    fix="give a value a flask or a plant can hold",
                )
        if 0 < si["addition_time"] < 1.0:
            raise InvalidInput(
                f"addition time {self.addition_time!r} is under a second",
                field="addition_time",
                fix="give 0 for one portion, or a time a pump can run",
            )
        if si["addition_time"] < 0:
            raise InvalidInput(
                f"addition time must be >= 0, got {self.addition_time}", field="addition_time"
            )
        if not 150.0 < si["temperature"] < 500.0:
            raise InvalidInput(
                f"temperature {self.temperature} is outside 150-500 K",
                field="temperature",
                fix="give it like '0 degC' or '298 K'",
            )
        self._si = si
        return self

    # resolved quantities (engine units), read once at validation -------------------------
    def amount(self) -> float:
        """mol of 1 eq."""
        return self._si["scale"]

    def concentration(self) -> float:
        """mol/L of the reagent in the flask at the start."""
        return self._si["conc"]

    def feed_concentration(self) -> float | None:
        return self._si["feed_conc"]

    def addition_seconds(self) -> float:
        return self._si["addition_time"]

    def total_seconds(self) -> float:
        """The user's run time, or inf: until the limiting reagent is spent."""
        return self._si["time"]

    def run_seconds(self, at_least: float = 0.0) -> float:
        """A finite run time for families that cannot stop when a reagent is spent: the
        user's, or DEFAULT_RUN_S (and never shorter than ``at_least``, e.g. a feed)."""
        t = self._si["time"]
        return t if math.isfinite(t) else max(DEFAULT_RUN_S, at_least)

    def temperature_c(self) -> float:
        return self._si["temperature"] - 273.15

    def solubilities(self) -> dict[str, Solubility]:
        """Salt name -> what precipitates, with how many protons, at what concentration."""
        out = {}
        for name, (value, unit) in self._si["solubility"].items():
            m = SALT.fullmatch(name)
            protons = 0 if m["acid"] is None else int(m["n"] or 1)
            out[name] = Solubility(m["base"], protons, m["acid"], value, unit)
        return out

    def rate_constant(self) -> float | None:
        return self._si["k"]

    def solvent_name(self) -> str:
        """The solvent's table key: the user's, or the default (stated as an assumption)."""
        return self.solvent or solvent_table()["default"]

    def solvent_properties(self) -> Solvent:
        return solvent(self.solvent_name())

    def kinematic_viscosity(self) -> tuple[float, str]:
        """Kinematic viscosity (m^2/s) for the mixing model and where it came from: the
        user's ``mixing.viscosity``, else the solvent's at the run temperature."""
        given = self.mixing.si("viscosity") if self.mixing is not None else None
        if given is not None:
            return given, "user-given"
        return self.solvent_properties().kinematic_viscosity(self._si["temperature"])

    def unit_notes(self) -> list[str]:
        """How bare numbers were read (a time given as 3600 is 3600 h, not s): said in every
        result, so a missing unit cannot pass unnoticed."""
        bare = {
            "addition_time": "h",
            "time": "h",
            "scale": "mmol",
            "conc": "mol/L",
            "feed_conc": "mol/L",
            "temperature": "degC",
            "k": "L/mol/s",
        }
        out = []
        for name, unit in bare.items():
            value = getattr(self, name)
            try:
                number = float(value) if not isinstance(value, bool) else None
            except (TypeError, ValueError):
                continue  # it has a unit
            if number:
                out.append(f"{name} {number:g} has no unit: read as {number:g} {unit}")
        return out

    def evolve(self, **changes) -> Scenario:
        """A new Scenario with ``changes`` applied, validated again (None keeps a field's
        default only where the field allows None: use it to clear ``time``, ``feed``...)."""
        data = self.model_dump(exclude_unset=True)
        data.update(changes)
        return build(Scenario, data, where="scenario")

    def resolved(self) -> dict:
        """The scenario echoed back with every quantity in stated units."""
        out = {
            "substrate": self.substrate,
            "electrophile": self.electrophile,
            "eq": self.eq,
            "substrate_eq": self.substrate_eq,
            "scale_mmol": self.amount() * 1e3,
            "conc_M": self.concentration(),
            "addition_time_s": self.addition_seconds(),
            "feed_conc_M": self.feed_concentration(),
            "mode": self.mode,
            "feed": [{"eq": s.eq, "time_s": s.seconds} for s in self.feed] if self.feed else None,
            "time_s": None if self.time is None else self.total_seconds(),
            "stop_conversion": self.stop_conversion,
            "acid": self.acid,
            "acid_eq": self.acid_eq,
            "base": self.base,
            "base_eq": self.base_eq,
            "temperature_C": round(self.temperature_c(), 6),
            "solvent": self.solvent_name(),
            "solvent_given": self.solvent is not None,
            "kappa": self.kappa,
            "rho": self.rho,
            "k_L_per_mol_s": self.rate_constant(),
            "steric": dict(self.steric) if isinstance(self.steric, dict) else self.steric,
            "over_alkylation": self.over_alkylation,
            "solvolysis_k1_per_s": self.solvolysis,  # None: data/solvolysis.yaml by class
            "mixing_model": self.mixing_model,
            "solubility": {
                name: {"value": value, "unit": unit}
                for name, (value, unit) in self._si["solubility"].items()
            }
            or None,
        }
        for part in ("linker", "resin", "reductive", "mixing"):
            spec = getattr(self, part)
            if spec is not None:
                out[part] = spec.model_dump()
        return out


def _steric_value(value, example: str) -> float:
    """One steric factor: a number in (0, 1] (a factor slows a site; 1 = unhindered)."""
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        raise ValueError(f"steric factor {value!r} is not a number; {example}") from None
    if not (0 < number <= 1):
        raise ValueError(f"steric factor must be in (0, 1], got {value!r}; {example}")
    return number


@dataclass(frozen=True)
class Solvent:
    """One row of data/solvents.yaml (numbers with their source)."""

    key: str
    name: str
    protic: bool
    dielectric: float | None
    density_g_per_ml: float
    viscosity_mpa_s: dict[float, float]  # degC -> mPa s, as the source tabulates it
    boiling_point_c: float
    water: str
    source: str

    def dynamic_viscosity(self, temperature_k: float) -> tuple[float, str]:
        """mPa s at ``temperature_k``: ln(eta) linear in 1/T (Andrade) between tabulated
        temperatures; outside them, or with one value only, the nearest value (said so)."""
        t_c = temperature_k - 273.15
        temps = sorted(self.viscosity_mpa_s)
        if len(temps) == 1:
            (t0,) = temps
            v = self.viscosity_mpa_s[t0]
            note = (
                ""
                if abs(t_c - t0) < 1e-9
                else f"; no temperature dependence sourced, the {t0:g} degC value used"
            )
            return v, f"{self.name} {v:g} mPa s at {t0:g} degC{note}"
        if t_c <= temps[0] or t_c >= temps[-1]:
            t0 = temps[0] if t_c <= temps[0] else temps[-1]
            v = self.viscosity_mpa_s[t0]
            note = (
                ""
                if abs(t_c - t0) < 1e-9
                else f" (outside the tabulated {temps[0]:g}-{temps[-1]:g} degC: nearest value)"
            )
            return v, f"{self.name} {v:g} mPa s at {t0:g} degC{note}"
        hi = next(t for t in temps if t >= t_c)
        lo = max(t for t in temps if t <= t_c)
        if hi == lo:
            v = self.viscosity_mpa_s[lo]
            return v, f"{self.name} {v:g} mPa s at {lo:g} degC"
        x0, x1, x = (1 / (t + 273.15) for t in (lo, hi, t_c))
        y0, y1 = (math.log(self.viscosity_mpa_s[t]) for t in (lo, hi))
        v = math.exp(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
        return (
            v,
            f"{self.name} {v:.3g} mPa s at {t_c:g} degC (Andrade, {lo:g}-{hi:g} degC)",
        )

    def kinematic_viscosity(self, temperature_k: float) -> tuple[float, str]:
        """m^2/s: dynamic viscosity at T over the tabulated density (density's own
        temperature dependence, about 1 % per 10 K, is left out)."""
        eta, origin = self.dynamic_viscosity(temperature_k)
        nu = eta * 1e-3 / (self.density_g_per_ml * 1e3)
        return nu, f"{origin} / {self.density_g_per_ml:g} g/mL = {nu * 1e6:.3g} cSt"


@lru_cache(maxsize=1)
def solvent_table() -> dict:
    from monoselect.data import load_yaml

    return load_yaml("solvents.yaml")


@lru_cache(maxsize=1)
def _solvent_names() -> dict[str, str]:
    """Every accepted name, lower case -> table key (read-only: built once per process)."""
    names = {}
    for key, row in solvent_table()["solvents"].items():
        for name in (key, row["name"], *row.get("aliases", ())):
            names[str(name).lower()] = key
    return names


def solvent_key(name: str) -> str:
    """The table key of ``name`` (key, name or alias, any case), or one InvalidInput naming
    the field with the closest names."""
    import difflib

    names = _solvent_names()
    key = names.get(str(name).strip().lower())
    if key is not None:
        return key
    close = difflib.get_close_matches(str(name).strip().lower(), list(names), n=3, cutoff=0.5)
    known = ", ".join(solvent_table()["solvents"])
    hint = f"did you mean {', '.join(names[c] for c in dict.fromkeys(close))}? " if close else ""
    raise InvalidInput(
        f"unknown solvent {str(name)[:60]!r}",
        field="solvent",
        fix=f"{hint}known solvents: {known}",
    )


@lru_cache(maxsize=64)
def solvent(key: str) -> Solvent:
    """The solvent's row (cached: every run asks several times)."""
    row = solvent_table()["solvents"][solvent_key(key)]
    return Solvent(
        key=solvent_key(key),
        name=row["name"],
        protic=bool(row["protic"]),
        dielectric=row["dielectric"]["value"],
        density_g_per_ml=float(row["density"]["value"]),
        viscosity_mpa_s={float(t): float(v) for t, v in row["viscosity"].items()},
        boiling_point_c=float(row["boiling_point_C"]),
        water=row["water"],
        source=row["source"],
    )


# Upper limits of the family options, in engine units, with the unit shown and its factor:
# beyond them the numbers overflow or describe no vessel, resin or stirrer there is.
OPTION_LIMITS = {
    "resin.mass": (1e3, "g", 1e3),  # 1 t of resin
    "resin.loading": (10.0, "mmol/g", 1.0),
    "resin.swelling": (100.0, "mL/g", 1.0),
    "resin.loading_conc": (25.0, "M", 1.0),
    "resin.load_time": (365 * 86400.0, "h", 1 / 3600),
    "mixing.power": (1e5, "W/kg", 1.0),
    "mixing.viscosity": (1e-2, "cSt", 1e6),
    "mixing.impeller_diameter": (10.0, "cm", 100.0),
}


def _positive(value: float, field: str, example: str) -> float:
    if not value > 0:
        raise InvalidInput(
            f"{field} must be > 0, got {value:g}", field=field, fix=f"give it like '{example}'"
        )
    if field in OPTION_LIMITS:
        high, unit, factor = OPTION_LIMITS[field]
        if value > high:
            raise InvalidInput(
                f"{field} must be at most {high * factor:g} {unit}",
                field=field,
                fix=f"give it like '{example}'",
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
        if err["type"] == "extra_forbidden":
            raise InvalidInput(
                f"{loc!r} is not a {where} field",
                field=prefix + loc,
                fix=_spelling_hint(str(err["loc"][-1]), model, err["loc"]),
            ) from None
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, InvalidInput):  # raised by a validator: keep its field and fix
            raise InvalidInput(cause.message, field=cause.field, fix=cause.fix) from None
        fix = None
        if err["type"] == "float_parsing":  # a word where a number belongs
            equivalents = str(err["loc"][-1]).endswith("eq")
            fix = "give a number, e.g. 1.1" + (" or '1.1 eq'" if equivalents else "")
        raise InvalidInput(
            err["msg"].removeprefix("Value error, "), field=prefix + loc, fix=fix
        ) from None


# keys people write for a flag whose file key differs
_FLAG_KEYS = {"inverse": "mode: inverse", "aldehyde": "electrophile", "diamine_eq": "substrate_eq"}


def _spelling_hint(key: str, model: type[BaseModel], loc) -> str:
    """What the key probably should have been: the file form of a flag, or a close name."""
    from difflib import get_close_matches

    if key in _FLAG_KEYS:
        return f"write {_FLAG_KEYS[key]}"
    fields = model.model_fields
    for part in loc[:-1]:  # into a nested option block (mixing.power...)
        ann = fields.get(str(part))
        sub = getattr(ann, "annotation", None)
        inner = [a for a in getattr(sub, "__args__", (sub,)) if isinstance(a, type)]
        spec = next((a for a in inner if issubclass(a, BaseModel)), None)
        if spec is None:
            break
        fields = spec.model_fields
    close = get_close_matches(key, list(fields), n=2, cutoff=0.6)
    return f"did you mean {' or '.join(close)}?" if close else f"known: {', '.join(fields)}"


def make_scenario(**fields) -> Scenario:
    """A Scenario from keyword fields (None means "use the default")."""
    return build(Scenario, {k: v for k, v in fields.items() if v is not None}, where="scenario")


def read_mapping(path, what: str = "scenario") -> dict:
    """The mapping held by a YAML or JSON file, or one InvalidInput saying what is wrong."""
    from pathlib import Path

    p = Path(path)
    if not p.is_file():
        raise InvalidInput(
            f"no {what} file at {p}", field=what, fix="give the path of a .yaml or .json file"
        )
    if p.stat().st_size > 1_000_000:
        raise InvalidInput(f"{p} is over 1 MB; a {what} file is a few lines", field=what)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{p} is not UTF-8 text", field=what, fix="save the file as UTF-8 (plain text)"
        ) from None
    return parse_mapping(text, what, name=str(p), as_json=p.suffix.lower() == ".json")


def parse_mapping(text: str, what: str = "scenario", *, name: str = "the text", as_json=False):
    """The mapping a YAML (or JSON) text holds, read as a file is (a key given twice, a
    substrate left empty, a list instead of a mapping are refused): one InvalidInput."""
    import json

    import yaml

    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
    try:
        if as_json:
            data = json.loads(text, object_pairs_hook=_no_duplicates)
        else:
            data = yaml.load(text, Loader=_unique_key_loader())
    except RecursionError:
        raise InvalidInput(f"{name} is nested too deeply to be a {what} file", field=what) from None
    except _DuplicateKey as exc:
        raise InvalidInput(
            f"{name}: {exc.args[0]!r} is given twice", field=what, fix="keep one of them"
        ) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"cannot read {name}: {exc.msg} at line {exc.lineno}, column {exc.colno}", field=what
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InvalidInput(f"cannot read {name}: {problem}{where}", field=what) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidInput(f"{name} must hold a mapping of {what} fields", field=what)
    for key in ("substrate", "electrophile"):  # left empty is forgotten, not "the default"
        if key in data and (data[key] is None or str(data[key]).strip() == ""):
            raise InvalidInput(
                f"{key} is empty in {name}", field=key, fix="name it, or leave the key out"
            )
    return data


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    for k in keys:
        if keys.count(k) > 1:
            raise _DuplicateKey(k)
    return dict(pairs)


@lru_cache(maxsize=1)
def _unique_key_loader():
    """yaml's SafeLoader, refusing a key given twice (it would keep the last silently)."""
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise _DuplicateKey(key)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    # YAML 1.1 reads 1:30:00 as the integer 5400 (base 60); a chemist writing a time means
    # h:min:s, so such a scalar stays text and the unit reader takes it as a clock time
    import re

    clock = re.compile(r"^[0-9]+:[0-5]?[0-9](?::[0-5]?[0-9](?:\.[0-9]*)?)?$")
    resolvers = {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    for digit in "0123456789":
        resolvers.setdefault(digit, []).insert(0, ("tag:yaml.org,2002:str", clock))
    UniqueKeyLoader.yaml_implicit_resolvers = resolvers
    return UniqueKeyLoader


def load_scenario(path) -> Scenario:
    """A Scenario from a YAML or JSON file."""
    return make_scenario(**read_mapping(path))
