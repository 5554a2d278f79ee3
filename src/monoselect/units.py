"""Chemist's quantities in, engine units out (mol, L, mol/L, s, K, mol/s, L/s).

pint is used only here, at the edge; the numerical core sees plain floats.
"""

from __future__ import annotations

from functools import lru_cache

from monoselect.errors import InvalidInput

# dimension name -> (engine unit, unit assumed for a bare number, example for messages)
_DIMENSIONS: dict[str, tuple[str, str, str]] = {
    "amount": ("mol", "mmol", "10 mmol"),
    "volume": ("L", "mL", "50 mL"),
    "concentration": ("mol/L", "mol/L", "0.2 M"),
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
    string such as ``"4 h"``, ``"0.5 mL/h"``, ``"4 M"`` or ``"0 degC"``, or a pint Quantity.
    Raises InvalidInput naming ``field`` for anything unparsable or of the wrong dimension.
    """
    engine_unit, bare_unit, example = _DIMENSIONS[dimension]
    ureg = registry()
    import pint

    try:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, int | float):
            quantity = ureg.Quantity(float(value), bare_unit)
        elif isinstance(value, str):
            text = value.strip()
            if not text:
                raise ValueError
            quantity = ureg.Quantity(text)
            if not isinstance(quantity, ureg.Quantity):
                quantity = ureg.Quantity(float(quantity), bare_unit)
            elif quantity.dimensionless and dimension != "dimensionless":
                quantity = ureg.Quantity(quantity.magnitude, bare_unit)
        elif isinstance(value, ureg.Quantity):
            quantity = value
        else:
            raise TypeError
        magnitude = float(quantity.to(engine_unit).magnitude)
    except pint.DimensionalityError as exc:
        raise InvalidInput(
            f"{value!r} is not a {dimension.replace('_', ' ')}",
            field=field,
            fix=f"give it like '{example}'",
        ) from exc
    except Exception as exc:  # pint raises many types for text it cannot read
        raise InvalidInput(
            f"cannot read {value!r} as a {dimension.replace('_', ' ')}",
            field=field,
            fix=f"give it like '{example}'",
        ) from exc
    if magnitude != magnitude or magnitude in (float("inf"), float("-inf")):
        raise InvalidInput(f"{value!r} is not a finite number", field=field)
    return magnitude
