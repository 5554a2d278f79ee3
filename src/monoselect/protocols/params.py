"""Validation of a protocol's own parameters: one InvalidInput naming the field."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

from monoselect.errors import InvalidInput


def read_params(model: type[BaseModel], given: dict | BaseModel | None, protocol: str):
    """``given`` (a dict or an instance) as ``model``, with defaults for what is missing."""
    if isinstance(given, model):
        return given
    try:
        return model(**(given or {}))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "params"
        raise InvalidInput(
            err["msg"].removeprefix("Value error, "), field=f"{protocol}.{where}"
        ) from None
