"""Reductive amination, one pot: aldehyde, amine and hydride together."""

from __future__ import annotations

from monoselect.protocols.base import Conditions, ProtocolResult
from monoselect.protocols.reductive_modes import Params, _run, applies

NAME = "reductive_one_pot"
LABEL = "reductive, one pot"
__all__ = ["LABEL", "NAME", "Params", "applies", "run"]


def run(cond: Conditions, params=None) -> ProtocolResult:
    return _run(NAME, LABEL, False, cond, params)
