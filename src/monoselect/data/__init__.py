"""Shipped tables (YAML/CSV with their sources), read through one cached loader."""

from __future__ import annotations

from functools import cache
from importlib import resources


def text(name: str) -> str:
    """The text of a shipped data file."""
    return resources.files("monoselect.data").joinpath(name).read_text(encoding="utf-8")


@cache
def load_yaml(name: str):
    """A shipped YAML table, parsed once per process (treat it as read-only). libyaml's
    parser when PyYAML has it: the pure-Python one cost 0.1 s of every command's start."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text(name), Loader=loader)
