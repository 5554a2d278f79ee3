"""Rich rendering of a fit: parameters with intervals and what the data say, then observed
against fitted."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text


def _ci(lo, hi, unit: str) -> str:
    a = "open" if lo is None else f"{lo:.3g}"
    b = "open" if hi is None else f"{hi:.3g}"
    return f"{a} - {b}{(' ' + unit) if unit else ''}"


def render(r) -> Group:
    t = Table(title="Fitted parameters (95 % profile-likelihood intervals)", title_justify="left")
    for col in ("parameter", "value", "95 % interval", "class", "what the data say"):
        t.add_column(col, justify="right" if col == "value" else "left")
    for p in r.params:
        unit = "L/mol/s" if p.base == "k" else ""
        lo, hi = r.intervals[p.name]
        t.add_row(
            p.name,
            f"{r.values[p.name]:.3g}",
            _ci(lo, hi, unit),
            r.classes[p.name],
            r.explanations[p.name],
        )
    o = Table(title="Observed against fitted", title_justify="left")
    for col in ("experiment", "time", "kind", "species", "observed", "fitted"):
        o.add_column(col, justify="right" if col in ("observed", "fitted") else "left")
    for row in r.rows:
        t_s = row["time_s"]
        o.add_row(
            row["experiment"],
            "end" if t_s is None else f"{t_s / 3600:.3g} h",
            row["kind"],
            row["species"],
            f"{row['observed']:.1%}",
            f"{row['fitted']:.1%}",
        )
    dof = r.n_obs - len(r.params)
    parts = [
        t,
        o,
        Text(f"chi2 {r.chi2:.3g} on {dof} degrees of freedom; {r.evaluations} simulations"),
    ]
    for w in r.warnings:
        parts.append(Text(f"warning: {w}", style="yellow"))
    return Group(*parts)
