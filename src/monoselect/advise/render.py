"""How troubleshooting, advice and optimisation look in a terminal (rich renderables)."""

from __future__ import annotations


def _pct(x) -> str:
    return "-" if x is None else f"{x:.0%}"


def _time(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.2g} s"
    if seconds < 3600:
        return f"{seconds / 60:.3g} min"
    return f"{seconds / 3600:.3g} h"


def _split(pred) -> str:
    if pred is None:
        return "-"
    f = pred.fractions
    return " / ".join(f"{f.get(k, 0.0):.0%}" for k in ("SM", "mono", "bis"))


def troubleshooting(t):
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text(f"{t.scenario.substrate} + {t.scenario.eq:g} eq {t.scenario.electrophile}: ")
    head.append(t.symptom.describe(), style="bold")
    table = Table(title="Diagnoses, most likely first (SM / mono / bis as each cause predicts)")
    table.add_column("#", justify="right")
    table.add_column("cause")
    table.add_column("weight", justify="right")
    table.add_column("predicts", justify="right")
    table.add_column("fits", justify="center")
    table.add_column("after its fix", justify="right")
    rank = 0
    for d in t.diagnoses:
        if d.ruled_out:
            continue
        rank += 1
        table.add_row(
            str(rank),
            d.title,
            f"{d.weight:.0%}",
            _split(d.predicted),
            "yes" if d.reproduces else "no",
            _split(d.fix_predicted),
        )
    parts = [head, Text(f"the conditions as given: {_split(t.expected)}"), table]
    for i, d in enumerate([d for d in t.diagnoses if not d.ruled_out], 1):
        parts.append(Text(f"{i}. {d.title}", style="bold"))
        parts.extend(Text(f"   - {e}") for e in d.evidence)
        if d.fix:
            parts.append(Text(f"   fix: {d.fix}", style="green"))
    out = [d for d in t.diagnoses if d.ruled_out]
    if out:
        parts.append(Text("Ruled out", style="bold"))
        parts.extend(Text(f"  - {d.title}: {d.ruled_out}") for d in out)
    if t.warnings:
        parts.append(Text("Warnings", style="bold"))
        parts.extend(Text(f"  - {w}") for w in t.warnings)
    return Group(*parts)


def advice(a):
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    c = a.conditions
    table = Table(
        title=f"{c.substrate} + {c.eq:g} eq {c.electrophile}, precious: {c.precious}; "
        "protocols that meet your constraints, best first"
    )
    for name, just in (
        ("#", "right"),
        ("protocol", "left"),
        ("mono/A", "right"),
        ("mono/E", "right"),
        ("bis", "right"),
        ("purity", "right"),
        ("steps", "right"),
        ("time", "right"),
        ("diamine", "right"),
        ("recover", "right"),
    ):
        table.add_column(name, justify=just)
    for i, o in enumerate(a.ranked, 1):
        table.add_row(
            str(i),
            o.label,
            _pct(o.mono_yield_on_substrate),
            _pct(o.mono_yield_on_electrophile),
            _pct(o.bis),
            _pct(o.purity),
            str(o.steps),
            _time(o.time_s),
            f"{o.diamine_eq:g} eq",
            f"{o.excess_to_recover_g:.3g} g" if o.excess_to_recover_g > 0 else "-",
        )
    parts = [
        table,
        Text(
            "mono/A, mono/E: mono per diamine and per electrophile charged (overall for "
            "multi-step); purity: mono among the products (SM aside); time: until the mono is "
            "within 1 % of its final amount; recover: excess diamine left"
        ),
    ]
    if a.excluded:
        parts.append(Text("Left out by your constraints", style="bold"))
        parts.extend(Text(f"  - {n}: {why}") for n, why in a.excluded)
    if a.path:
        parts.append(Text("Decision path", style="bold"))
        parts.extend(Text(f"  {i}. {q} -> {ans}") for i, (q, ans) in enumerate(a.path, 1))
    if a.rules:
        parts.append(Text("Rules of thumb, checked for this case", style="bold"))
        parts.extend(Text(f"  - {r}") for r in a.rules)
    return Group(*parts)


def optimum(o):
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{o.protocol}: {o.goal}")
    table.add_column("variable")
    table.add_column("optimum", justify="right")
    table.add_column("bounds", justify="right")
    table.add_column("d(yield) per +10 %", justify="right")
    for v in o.variables:
        table.add_row(
            v["name"],
            f"{v['value']:.4g} {v['unit']}",
            f"{v['low']:.3g}-{v['high']:.3g}",
            "-" if v.get("sensitivity") is None else f"{v['sensitivity']:+.3f}",
        )
    lines = [
        table,
        Text(
            f"mono {o.mono_yield_on_substrate:.1%} on the diamine, "
            f"{o.mono_yield_on_electrophile:.1%} on the electrophile, bis {o.bis:.1%} "
            f"({o.evaluations} simulations)" + ("" if o.feasible else "; limits NOT met")
        ),
    ]
    lines.extend(Text(f"  - {n}") for n in o.notes)
    return Group(*lines)
