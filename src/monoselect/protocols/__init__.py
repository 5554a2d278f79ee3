"""Protocols, every one registered alike: a name, a label, its parameters (with units and
the defaults a chemist would pick), where it applies, and ``run(conditions, params)``."""

from __future__ import annotations

from monoselect.protocols import (
    direct,
    excess,
    hcl_salt,
    inverse,
    linker_variants,
    on_resin,
    protect,
    reductive_modes,
    slow_addition,
)
from monoselect.protocols.base import Protocol

PROTOCOLS: dict[str, Protocol] = {
    p.name: p
    for p in (
        direct.PROTOCOL,
        excess.PROTOCOL,
        slow_addition.PROTOCOL,
        inverse.PROTOCOL,
        hcl_salt.PROTOCOL,
        protect.PROTOCOL,
        on_resin.PROTOCOL,
        reductive_modes.ONE_POT,
        reductive_modes.PREFORMED,
        *linker_variants.PROTOCOLS,
    )
}


def applicable(electrophile) -> list[str]:
    """The protocols that apply to ``electrophile``, in registry order."""
    return [n for n, p in PROTOCOLS.items() if p.applies(electrophile)]
