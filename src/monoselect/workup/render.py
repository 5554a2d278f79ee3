"""Rich rendering of a WorkupResult (the core never prints)."""

from __future__ import annotations


def _pct(i: dict) -> str:
    v, lo, hi = i["value"], i["low"], i["high"]
    if hi - lo < 5e-4:
        return f"{v:.1%}"
    return f"{v:.1%} ({lo:.1%}-{hi:.1%})"


def _mmol(i: dict) -> str:
    v, lo, hi = i["value"], i["low"], i["high"]
    if hi - lo < 5e-4 * max(abs(v), 1e-9) or hi - lo < 1e-6:
        return f"{v:.3g}"
    return f"{v:.3g} ({lo:.3g}-{hi:.3g})"


def _ph(i: dict | None) -> str:
    if i is None:
        return "-"
    if i["high"] - i["low"] < 0.005:
        return f"{i['value']:.2f}"
    return f"{i['value']:.2f} ({i['low']:.2f}-{i['high']:.2f})"


def render(result):
    """Steps with their pH, the product (recovery, purity), where everything went."""
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    d = result.details()["workup"]
    sc = result.scenario
    out = [
        Text.from_markup(
            f"[bold]Workup[/] of {escape(sc.substrate)} + {sc.eq:g} eq {escape(sc.electrophile)}"
            f" ({sc.scale_mmol() if hasattr(sc, 'scale_mmol') else ''})".replace(" ()", "")
        )
    ]
    steps = Table(title="Steps", title_justify="left")
    for col in ("#", "operation", "pH of each contact", "notes"):
        steps.add_column(col)
    for s in d["steps"]:
        steps.add_row(
            str(s["step"]),
            escape(s["operation"]),
            ", ".join(_ph(p) for p in s["pH"]) or "-",
            escape("; ".join(s["notes"])),
        )
    out.append(steps)
    p = d["product"]
    prod = Table(title=f"Isolated product: {escape(p['species'])}", title_justify="left")
    prod.add_column("quantity")
    prod.add_column("value (range over logP intervals)", justify="right")
    prod.add_row("amount (mmol)", _mmol(p["amount_mmol"]))
    prod.add_row("mass (mg)", _mmol(p["mass_mg"]))
    prod.add_row("recovery from the crude", _pct(p["recovery_from_crude"]))
    prod.add_row("isolated yield on the diamine", _pct(p["isolated_yield_on_substrate"]))
    prod.add_row("purity (by mass)", _pct(p["purity_by_mass"]))
    prod.add_row("purity (by mol)", _pct(p["purity_by_mol"]))
    for k, v in p["composition_by_mass"].items():
        prod.add_row(f"  {escape(k)} (wt fraction)", _pct(v))
    out.append(prod)
    rec = Table(title="Where every species went (fraction of crude + added)", title_justify="left")
    rec.add_column("species")
    rec.add_column("logP")
    rec.add_column("pKa")
    rec.add_column("isolated", justify="right")
    rec.add_column("elsewhere")
    comps = {c["species"]: c for c in d["components"]}
    for k, r in d["recovery"].items():
        c = comps[k]
        lp = c["logP"]
        logp = "salt" if lp is None else f"{lp['value']:.2f}" + ("" if lp["measured"] else " est.")
        where = "; ".join(f"{escape(n)} {_pct(v)}" for n, v in r["elsewhere"].items())
        rec.add_row(
            escape(k),
            logp,
            ", ".join(f"{v:.2f}" for v in c["pKa"]) or "-",
            _pct(r["isolated"]),
            where,
        )
    out.append(rec)
    if d["diamine_recovered"]:
        out.append(Text.from_markup("[bold]Unreacted diamine[/]"))
        for r in d["diamine_recovered"]:
            out.append(
                Text(
                    f"  {r['phase']} ({r['fate']}): {_mmol(r['amount_mmol'])} mmol, "
                    f"{_pct(r['fraction_of_crude'])} of the crude's"
                )
            )
    out.append(Text(f"mass balance residual {d['mass_balance_residual']:.1e}"))
    out.append(Text.from_markup("[bold]Assumptions[/]"))
    out += [Text(f"  - {a}") for a in result.assumptions]
    out += [Text.assemble(("warning: ", "yellow"), w) for w in result.warnings]
    return Group(*out)


def render_search(search):
    """The best pH and number of washes, the plan as given, and the grid (purity where the
    recovery is met)."""
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    d = search.details()["search"]
    out = [
        Text.from_markup(
            f"[bold]Search[/] of step {d['step']} ({escape(d['operation'])}): best purity with "
            f"at least {d['min_recovery']:.0%} of the product recovered"
        )
    ]
    given = d["as_given"]
    out.append(
        Text(
            f"  as given: pH {', '.join(_ph(p) for p in given['pH'])}; purity "
            f"{_pct(given['purity_by_mass'])}, recovery {_pct(given['recovery_from_crude'])}"
        )
    )
    if d["best"] is not None:
        b = d["best"]
        out.append(
            Text.from_markup(
                f"  [bold]best: {b['washes']} x wash at pH {b['pH']:g}[/]: purity "
                f"{_pct(b['purity_by_mass'])}, recovery {_pct(b['recovery_from_crude'])} "
                f"({_mmol(b['amount_mmol'])} mmol)"
            )
        )
    grid = Table(
        title="Purity by mass (recovery) over the grid; '-' below the recovery asked",
        title_justify="left",
    )
    grid.add_column("pH")
    for n in d["grid"]["washes"]:
        grid.add_column(f"{n} x", justify="right")
    ph = d["grid"]["pH"]
    step = max(1, len(ph) // 13)
    for j in range(0, len(ph), step):
        cells = []
        for a in range(len(d["grid"]["washes"])):
            rec = d["grid"]["recovery"][a][j]
            pur = d["grid"]["purity_by_mass"][a][j]
            cells.append(f"{pur:.1%} ({rec:.0%})" if rec >= d["min_recovery"] else "-")
        grid.add_row(f"{ph[j]:g}", *cells)
    out.append(grid)
    out.append(Text.from_markup("[bold]Assumptions[/]"))
    out += [Text(f"  - {a}") for a in search.assumptions]
    out += [Text.assemble(("warning: ", "yellow"), w) for w in search.warnings]
    return Group(*out)
