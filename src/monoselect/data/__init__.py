"""Shipped tables (YAML/CSV with their sources), read through one cached loader."""

from __future__ import annotations

from functools import cache
from importlib import resources


def text(name: str) -> str:
    """The text of a shipped data file."""
    return resources.files("monoselect.data").joinpath(name).read_text(encoding="utf-8")


@cache
def load_yaml(name: str) -> dict:
    """A shipped YAML table, parsed once per process (treat it as read-only)."""
    import yaml

    return yaml.safe_load(text(name))
