"""Rich rendering of a procedure: the same tables as the report, in the terminal."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from monoselect.procedure.build import tables

TITLES = {
    "reagents": "Reagents",
    "volumes": "Solvent, solution and pump",
    "steps": "Steps",
    "expected": "Expected (simulated, fractions of the diamine)",
    "lcms": "LC-MS: ions to watch",
}


def render(p) -> Group:
    parts: list = [Text(p.label, style="bold")]
    for key, (head, rows, numeric) in tables(p).items():
        if not rows:
            continue
        t = Table(title=TITLES[key], title_justify="left")
        for i, col in enumerate(head):
            t.add_column(col, justify="right" if i in numeric else "left")
        for row in rows:
            t.add_row(*(str(c) for c in row))
        parts.append(t)
    if p.notes:
        parts.append(Text("Notes", style="bold"))
        for text, source in p.notes:
            parts.append(Text(f"  - {text} [{source}]"))
    if p.workup is not None:
        parts.append(Text("Work-up", style="bold"))
        parts.append(p.workup)
    # the assumptions are long: the report and --json list them; warnings change the plan
    parts += [Text.assemble(("warning: ", "yellow"), w) for w in p.warnings]
    return Group(*parts)
