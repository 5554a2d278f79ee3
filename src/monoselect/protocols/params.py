"""Validation of a protocol's own parameters: one InvalidInput naming the field."""

from __future__ import annotations

from pydantic import BaseModel

from monoselect.scenario import build


def read_params(model: type[BaseModel], given: dict | BaseModel | None, protocol: str):
    """``given`` (a dict or an instance) as ``model``, with defaults for what is missing."""
    if isinstance(given, model):
        return given
    return build(model, dict(given or {}), where="params", prefix=f"{protocol}.")
