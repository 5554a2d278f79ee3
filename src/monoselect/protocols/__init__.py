"""Protocols, one module each with one interface: ``Params`` and ``run(conditions, params)``."""

from __future__ import annotations

from monoselect.protocols import direct, excess, hcl_salt, inverse, protect, slow_addition

PROTOCOLS = {m.NAME: m for m in (direct, excess, slow_addition, inverse, hcl_salt, protect)}
