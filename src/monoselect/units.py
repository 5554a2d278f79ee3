"""Chemist's quantities in, engine units out (mol, L, mol/L, s, K, mol/s, L/s).

pint is used only here, at the edge; the numerical core sees plain floats.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from numbers import Real

from monoselect.errors import InvalidInput

# dimension name -> (engine unit, unit assumed for a bare number, example for messages)
_DIMENSIONS: dict[str, tuple[str, str, str]] = {
    "amount": ("mol", "mmol", "10 mmol"),
    "volume": ("L", "mL", "50 mL"),
    "concentration": ("mol/L", "mol/L", "0.2 M"),
    "mass_concentration": ("g/L", "g/L", "5 g/L"),
    "time": ("s", "h", "4 h"),
    "temperature": ("K", "degC", "0 degC"),
    "flow": ("L/s", "mL/h", "0.5 mL/h"),
    "rate_constant": ("L/mol/s", "L/mol/s", "0.05 L/mol/s"),
    "power_per_mass": ("W/kg", "W/kg", "0.5 W/kg"),
    "loading": ("mol/kg", "mmol/g", "1.2 mmol/g"),
    "swelling": ("L/kg", "mL/g", "5 mL/g"),
    "mass": ("kg", "g", "1 g"),
    "length": ("m", "cm", "3 cm"),
    "kinematic_viscosity": ("m**2/s", "cSt", "1 cSt"),
    "dimensionless": ("", "", "1.0"),
}

# Longer text is no quantity a chemist types; refusing it before pint keeps the edge fast.
MAX_QUANTITY_CHARS = 200

# One number, then optionally one unit expression. pint alone would also evaluate
# arithmetic ("2*3 h", "2 3 h" = 6 h, "4 h - 5 h"), read "1,5 h" as 15 h and drop trailing
# text ("4 h,", "4 h # x"); none of that is what a chemist means, so pint sees only the unit.
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_QUANTITY = re.compile(
    rf"(?P<number>{_NUMBER})(?:\s*(?P<unit>[A-Za-zµμ°%(][A-Za-z0-9µμ°%_*/^() ]*))?"
)
# h:min or h:min:s (a clock-style duration, "4:30" = 4 h 30 min); times only.
_CLOCK = re.compile(r"(?P<h>[0-9]+):(?P<min>[0-5][0-9])(?::(?P<s>[0-5][0-9](?:\.[0-9]+)?))?")
# Ratio units accepted for a dimensionless value (equivalents, fractions); "pi", "dozen" or
# "h/h" are dimensionless to pint but not something a chemist gives as equivalents.
_RATIO_UNITS = {"dimensionless", "percent", "equivalent"}
# Units a chemist times a reaction in; pint would also take "4 Mh" (megahours, 456 years) or
# "4 a" (years), which are typos here, not durations.
_TIME_UNITS = {"second", "millisecond", "minute", "hour", "day", "week"}
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)\b", re.IGNORECASE)
_EQUIVALENTS = re.compile(rf"\s*({_NUMBER})\s*(?:eq|equiv\.?|equivalents?)\s*", re.IGNORECASE)


def strip_equivalents(value: object) -> object:
    """'1.1 eq' or '1.1 equiv', as chemists write equivalents, -> '1.1'; anything else as
    given (the number check then says what is wrong with it)."""
    if isinstance(value, str) and (m := _EQUIVALENTS.fullmatch(value)):
        return m.group(1)
    return value


# The units chemists type most, as (factor, offset) to the engine unit: read without pint,
# whose registry takes about 0.3 s to build (a command line pays that on every run). Anything
# else goes through pint, with the same checks.
_MICRO = ("µ", "μ", "u")
_COMMON: dict[str, dict[str, tuple[float, float]]] = {
    "amount": {"mol": (1.0, 0.0), "mmol": (1e-3, 0.0), **{p + "mol": (1e-6, 0.0) for p in _MICRO}},
    "volume": {"L": (1.0, 0.0), "mL": (1e-3, 0.0), **{p + "L": (1e-6, 0.0) for p in _MICRO}},
    "concentration": {
        "M": (1.0, 0.0),
        "mM": (1e-3, 0.0),
        "mol/L": (1.0, 0.0),
        "mmol/L": (1e-3, 0.0),
        "mmol/mL": (1.0, 0.0),
    },
    "mass_concentration": {
        "g/L": (1.0, 0.0),
        "mg/mL": (1.0, 0.0),
        "mg/L": (1e-3, 0.0),
        "g/mL": (1e3, 0.0),
    },
    "time": {
        "s": (1.0, 0.0),
        "min": (60.0, 0.0),
        "h": (3600.0, 0.0),
        "d": (86400.0, 0.0),
        "day": (86400.0, 0.0),
        "days": (86400.0, 0.0),
        "week": (604800.0, 0.0),
    },
    "temperature": {"degC": (1.0, 273.15), "°C": (1.0, 273.15), "K": (1.0, 0.0)},
    "flow": {"mL/h": (1e-3 / 3600.0, 0.0), "mL/min": (1e-3 / 60.0, 0.0), "L/h": (1 / 3600.0, 0.0)},
    "rate_constant": {"L/mol/s": (1.0, 0.0)},
    "power_per_mass": {"W/kg": (1.0, 0.0)},
    "loading": {"mmol/g": (1.0, 0.0), "mol/kg": (1.0, 0.0)},
    "swelling": {"mL/g": (1.0, 0.0), "L/kg": (1.0, 0.0)},
    "mass": {"g": (1e-3, 0.0), "mg": (1e-6, 0.0), "kg": (1.0, 0.0)},
    "length": {"cm": (1e-2, 0.0), "mm": (1e-3, 0.0), "m": (1.0, 0.0)},
    "kinematic_viscosity": {"cSt": (1e-6, 0.0), "m**2/s": (1.0, 0.0)},
    "dimensionless": {"": (1.0, 0.0), "%": (0.01, 0.0), "eq": (1.0, 0.0)},
}


@lru_cache(maxsize=1)
def registry():
    """The shared pint registry (built on first use: pint is slow to import)."""
    import pint

    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    ureg.define("equivalent = [] = eq = equiv")
    return ureg


def parse_quantity(value: object, dimension: str, field: str) -> float:
    """Return ``value`` in the engine unit of ``dimension``.

    Accepts a number (read in the bare-number unit of the dimension, e.g. h for time), a
    string of one number and one unit such as ``"4 h"``, ``"0.5 mL/h"``, ``"4 M"`` or
    ``"0 degC"``, or a pint Quantity. A time may also be written ``"4:30"`` (h:min) or
    ``"4:30:15"`` (h:min:s), as on a lab clock. Everything else is refused with InvalidInput
    naming ``field``: arithmetic (``"2*3 h"``), trailing text (``"4 hours ago"``), a decimal
    comma (``"1,5 h"``), NaN or infinite values, text over 200 characters, a unit of the wrong
    kind, and a ratio (``%``, ``eq``, ``ppm``) given for a dimensioned quantity - ``"20 %"``
    is not a concentration, so it is never read as a bare number (20 M).
    """
    engine_unit, bare_unit, example = _DIMENSIONS[dimension]
    kind = dimension.replace("_", " ") if dimension != "dimensionless" else "plain number"
    kind = ("an " if kind[0] in "aeiou" else "a ") + kind
    example_fix = (
        "give it like '4.5 h', '30 min' or '4:30' (h:min)"
        if dimension == "time"
        else f"give it like '{example}'"
    )

    def refuse(message: str, fix: str = example_fix) -> InvalidInput:
        return InvalidInput(message, field=field, fix=fix)

    if isinstance(value, str) and len(value.strip()) > MAX_QUANTITY_CHARS:
        raise refuse(
            f"the {kind} given is {len(value.strip())} characters long; a quantity is one "
            "number and one unit"
        )
    common = _COMMON[dimension]
    if isinstance(value, str):
        text = value.strip()
        clock = _CLOCK.fullmatch(text)
        if clock:
            if dimension != "time":
                raise refuse(f"{value!r} is not {kind}: h:min is read only for times")
            seconds = float(clock["h"]) * 3600.0 + int(clock["min"]) * 60.0
            seconds += float(clock["s"] or 0.0)
            if not math.isfinite(seconds):
                raise refuse(f"{value!r} is too large to be {kind}")
            return seconds
        if ":" in text:
            if dimension != "time":
                raise refuse(f"{value!r} is not {kind}: h:min is read only for times")
            raise refuse(f"cannot read {value!r} as h:min or h:min:s (minutes and seconds 00-59)")
        if _NOT_FINITE.match(text):
            raise refuse(f"{value!r} is not a finite number")
        if "," in text:
            raise refuse(
                f"cannot read {value!r} as {kind}: ',' is neither a decimal point nor a unit",
                fix=f"use a decimal point and no thousands separator, like '{example}'",
            )
        match = _QUANTITY.fullmatch(text)
        if match is None:
            raise refuse(f"cannot read {value!r} as {kind}: give one number and one unit")
        number = float(match["number"])
        if not math.isfinite(number):
            raise refuse(f"{value!r} is too large to be {kind}")
        unit_text = (match["unit"] or "").strip()
        if (unit_text or bare_unit) in common:
            return _finite(number, common[unit_text or bare_unit], value, kind, refuse)
        ureg = registry()
        try:
            units = ureg.parse_units(unit_text) if unit_text else ureg.parse_units(bare_unit)
        except Exception as exc:  # pint raises many types for text it cannot read
            raise refuse(f"cannot read the unit {unit_text!r} of {value!r} as {kind}") from exc
        if (
            dimension == "time"
            and units.dimensionality == ureg.second.dimensionality
            and str(units) not in _TIME_UNITS
        ):
            raise refuse(f"{value!r} is not read as a reaction time: use s, min, h, d or week")
        if units.dimensionless and unit_text:
            if dimension != "dimensionless":
                fix = (
                    "give mol/L, e.g. '0.2 M' (a percentage or eq is not a concentration)"
                    if dimension == "concentration"
                    else f"give it with a unit of {dimension.replace('_', ' ')}, like '{example}'"
                )
                raise refuse(f"{value!r} is not {kind}: {unit_text!r} is a ratio", fix=fix)
            if str(units) not in _RATIO_UNITS:
                raise refuse(
                    f"{value!r} is not a plain ratio: {unit_text!r} is not read as one",
                    fix="give a number, a percentage or equivalents, like '1.0', '5 %' or '1.1 eq'",
                )
        quantity = ureg.Quantity(number, units)
    elif isinstance(value, Real) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError as exc:  # an int beyond the float range (and its repr)
            raise refuse(f"the number given is too large to be {kind}") from exc
        if bare_unit in common:
            if math.isnan(number):
                raise refuse(f"{value!r} is not a finite number")
            return _finite(number, common[bare_unit], value, kind, refuse)
        ureg = registry()
        quantity = ureg.Quantity(number, bare_unit)
    elif isinstance(value, (ureg := registry()).Quantity):
        quantity = value
    else:
        raise refuse(f"cannot read a {type(value).__name__} as {kind}")
    import pint

    try:
        magnitude = float(quantity.to(engine_unit).magnitude)
    except pint.DimensionalityError as exc:
        raise refuse(f"{value!r} is not {kind}") from exc
    except Exception as exc:  # arrays, overflow, offset-unit arithmetic
        raise refuse(f"cannot read {value!r} as {kind}") from exc
    if math.isnan(magnitude):
        raise refuse(f"{value!r} is not a finite number")
    if math.isinf(magnitude):
        raise refuse(f"{value!r} is too large to be {kind}")
    return magnitude


def _finite(number: float, unit: tuple[float, float], value, kind: str, refuse) -> float:
    """``number`` in a common unit, in the engine unit; NaN and overflow refused."""
    factor, offset = unit
    magnitude = number * factor + offset
    if math.isnan(magnitude):
        raise refuse(f"{value!r} is not a finite number")
    if math.isinf(magnitude):
        raise refuse(f"{value!r} is too large to be {kind}")
    return magnitude
