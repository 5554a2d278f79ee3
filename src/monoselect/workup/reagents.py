"""Aqueous reagents of a workup ('0.5 M citric acid', '2 M NaOH', 'sat. NaHCO3', 'brine'),
read from data/workup.yaml: the spectator charge one mole brings and the species it adds."""

from __future__ import annotations

import re
from dataclasses import dataclass

from monoselect.chem.partition import workup_data
from monoselect.errors import InvalidInput
from monoselect.scenario import parse_quantity

_CONC = re.compile(r"^\s*(?P<conc>[0-9.]+(?:[eE][+-]?[0-9]+)?\s*(?:M|mM|mol/L))\s+(?P<name>.+)$")


@dataclass(frozen=True)
class AqueousReagent:
    name: str
    spectator: int  # charge of the counter-ions per mole (+1 Na+, -1 Cl-)
    species: str | None  # component it adds: "citric acid", "carbonate"
    concentration: float | None  # mol/L, from the text or the table's usual solution
    concentration_given: bool
    source: str


def _key(text: str) -> str:
    return "".join(text.lower().split())


def reagent(text: str, field: str) -> AqueousReagent:
    """'0.5 M citric acid' -> citric acid at 0.5 mol/L; one InvalidInput naming ``field``."""
    if not isinstance(text, str) or not text.strip() or len(text) > 200:
        raise InvalidInput("name the aqueous solution, e.g. '0.5 M citric acid'", field=field)
    conc = None
    name = text.strip()
    if m := _CONC.match(name):
        conc = parse_quantity(m["conc"], "concentration", field)
        name = m["name"].strip()
        if not 0 < conc <= 20:
            raise InvalidInput(
                f"concentration must be > 0 and at most 20 M, got {m['conc']}", field=field
            )
    for row in workup_data()["reagents"]:
        names = [row["name"], *(row.get("aliases") or [])]
        if _key(name) in {_key(n) for n in names}:
            return AqueousReagent(
                row["name"],
                int(row["spectator"]),
                row.get("species"),
                conc if conc is not None else row.get("concentration"),
                conc is not None,
                row["source"],
            )
    known = ", ".join(r["name"] for r in workup_data()["reagents"])
    raise InvalidInput(
        f"unknown aqueous solution {name[:60]!r}",
        field=field,
        fix=f"known: {known} (with a molarity, e.g. '0.5 M citric acid')",
    )


def adds_amount(r: AqueousReagent) -> bool:
    """Whether the solution brings acid, base or a species (water and brine do not)."""
    return r.spectator != 0 or r.species is not None
