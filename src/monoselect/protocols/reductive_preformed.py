"""Reductive amination with a pre-formed imine: aldehyde and amine first (over a
dehydrating agent), then the hydride."""

from __future__ import annotations

from monoselect.protocols.base import Conditions, ProtocolResult
from monoselect.protocols.reductive_modes import Params, _run, applies

NAME = "reductive_preformed"
LABEL = "reductive, pre-formed imine"
__all__ = ["LABEL", "NAME", "Params", "applies", "run"]


def run(cond: Conditions, params=None) -> ProtocolResult:
    return _run(NAME, LABEL, True, cond, params)
