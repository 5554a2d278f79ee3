"""Protocols, one module each with one interface: ``Params`` and ``run(conditions, params)``."""

from __future__ import annotations

from monoselect.protocols import (
    direct,
    excess,
    hcl_salt,
    inverse,
    on_resin,
    protect,
    reductive_one_pot,
    reductive_preformed,
    slow_addition,
)

PROTOCOLS = {
    m.NAME: m
    for m in (
        direct,
        excess,
        slow_addition,
        inverse,
        hcl_salt,
        protect,
        on_resin,
        reductive_one_pot,
        reductive_preformed,
    )
}


def applicable(electrophile) -> list[str]:
    """The protocols that apply to ``electrophile`` (reductive amination needs an aldehyde)."""
    return [n for n, m in PROTOCOLS.items() if getattr(m, "applies", lambda _e: True)(electrophile)]
