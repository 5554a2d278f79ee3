"""Rich rendering of a procedure: reagent table, steps, expected outcome, LC-MS, notes."""

from __future__ import annotations

import math

from rich.console import Group
from rich.table import Table
from rich.text import Text

from monoselect.procedure.build import duration_text, mass_text, volume_text


def render(p) -> Group:
    parts: list = [Text(p.label, style="bold")]
    t = Table(title="Reagents", title_justify="left")
    for col in ("reagent", "role", "form", "MW", "eq", "mmol", "mass", "volume"):
        t.add_column(
            col, justify="right" if col in ("MW", "eq", "mmol", "mass", "volume") else "left"
        )
    for r in p.reagents:
        t.add_row(
            r.name,
            r.role,
            r.form,
            f"{r.mw:.2f}",
            f"{r.eq:g}",
            f"{r.mmol:.3g}",
            mass_text(r.mass_mg),
            volume_text(r.volume_ml),
        )
    parts.append(t)
    v = p.volumes
    parts.append(
        Text(
            f"solvent: {p.solvent}, {volume_text(v['flask_ml'])} in the flask; the {v['fed']} as "
            f"{volume_text(v['feed_ml'])} of a {v['feed_conc_m']:g} M solution"
            + (
                "; pump " + ", then ".join(f"{r:.3g} mL/h" for r in v["pump_ml_per_h"])
                if v["pump_ml_per_h"]
                else ""
            )
        )
    )
    s = Table(title="Steps", title_justify="left")
    s.add_column("#", justify="right")
    s.add_column("operation")
    s.add_column("time", justify="right")
    for st in p.steps:
        s.add_row(str(st.number), st.text, duration_text(st.duration_s) if st.duration_s else "")
    parts.append(s)
    e = Table(title="Expected (simulated, fractions of the diamine)", title_justify="left")
    keys = sorted(
        {k for c in p.checkpoints for k in c.fractions},
        key=["SM", "mono", "bis"].index
        if all(k in ("SM", "mono", "bis") for c in p.checkpoints for k in c.fractions)
        else str,
    )
    e.add_column("when")
    e.add_column("time", justify="right")
    for k in keys:
        e.add_column(k, justify="right")
    e.add_column("electrophile left", justify="right")
    for c in p.checkpoints:
        e.add_row(
            c.when,
            duration_text(c.time_s) if math.isfinite(c.time_s) else "-",
            *(f"{c.fractions.get(k, 0.0):.1%}" for k in keys),
            "-" if c.electrophile_left is None else f"{c.electrophile_left:.1%}",
        )
    parts.append(e)
    if p.ions:
        m = Table(title="LC-MS: ions to watch", title_justify="left")
        for col in ("species", "ion", "m/z", "note"):
            m.add_column(col, justify="right" if col == "m/z" else "left")
        for i in p.ions:
            m.add_row(i.species, i.ion, f"{i.mz:.4f}", i.note)
        parts.append(m)
    if p.notes:
        parts.append(Text("Notes", style="bold"))
        for text, source in p.notes:
            parts.append(Text(f"  - {text} [{source}]"))
    if p.workup is not None:
        parts.append(Text("Work-up", style="bold"))
        parts.append(p.workup)
    return Group(*parts)
