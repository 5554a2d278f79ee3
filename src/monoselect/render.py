"""Rich renderings of results: each family's result renders itself through ``RENDERERS``
(``console.print(result)``); nothing here prints, and nothing here computes physics."""

from __future__ import annotations

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text


def _species_table(species) -> Table:
    table = Table(title="Species", title_justify="left")
    for col in ("species", "SMILES", "formula", "MW", "[M+H]+", "[M+2H]2+", "Cl/Br pattern"):
        table.add_column(col, justify="right" if col in ("MW", "[M+H]+", "[M+2H]2+") else "left")
    for s in species:
        iso = " ".join(f"M+{o}:{p:.2f}" for o, p in s.isotopes) or "-"
        # a quaternary cation is seen as itself: its ions are named where they differ
        ion1, ion2 = getattr(s, "ions", ("[M+H]+", "[M+2H]2+"))
        _row(
            table,
            s.label,
            s.smiles,
            s.formula,
            f"{s.mw:.2f}",
            f"{s.mz_h:.4f}" + ("" if ion1 == "[M+H]+" else f" {ion1}"),
            f"{s.mz_2h:.4f}" + ("" if ion2 == "[M+2H]2+" else f" {ion2}"),
            iso,
        )
    return table


def species(table) -> Group:
    """The species table of a substrate and electrophile."""
    return Group(
        Text.from_markup(
            f"[bold]{escape(table.substrate.name)}[/] + [bold]{escape(table.electrophile.name)}[/] "
            f"({escape(table.electrophile.class_label)}); sites: "
            f"{', '.join(table.substrate.sites.locants)}"
        ),
        _species_table(table.species),
    )


def _markup(text: str) -> Text:
    """Markup written here; every value a user typed goes in through escape()."""
    return Text.from_markup(text)


def _row(table: Table, *cells) -> None:
    """A table row whose text is shown as it is: a SMILES such as c1cc[nH]c1 or a name in
    brackets is not rich markup."""
    table.add_row(*(escape(c) if isinstance(c, str) else c for c in cells))


def site(result) -> Group:
    """Fractions over time, yields, balances, protonation, species, assumptions."""
    out = []
    o = result.outcome
    s = result.scenario
    out.append(
        _markup(
            f"[bold]{escape(s.substrate)}[/] + [bold]{s.eq:g} eq {escape(s.electrophile)}[/], "
            f"{s.substrate_eq:g} eq substrate, {s.concentration():g} M, "
            + (
                "one portion"
                if not result.problem.stages
                else f"fed over {result.problem.feed_end / 3600:g} h"
            )
            + (" (inverse addition)" if s.mode == "inverse" else "")
            + (f", {s.acid_eq:g} eq {escape(s.acid)}" if s.acid else "")
            + (f", {s.base_eq:g} eq {escape(s.base)}" if s.base else "")
            + f", {s.temperature_c():g} degC"
        )
    )
    import numpy as np

    # with over-alkylation the species are many: the time course shows the split categories
    columns, fractions = list(o.labels), o.fractions
    categories = result.table.network.categories
    grouped = any(c in ("over", "quat") for c in categories)
    if grouped:
        columns = list(dict.fromkeys(categories))
        pick = np.array([[c == name for c in categories] for name in columns], dtype=float)
        fractions = o.fractions @ pick.T
    key = " (over: an N with two groups; quat: a quaternised N)"
    out.append(_markup("[bold]Fraction of substrate units over time[/]" + (key if grouped else "")))
    table = Table()
    table.add_column("time", justify="right")
    for label in columns:
        table.add_column(label, justify="right")

    end = float(o.time[-1])
    marks = (
        sorted({*np.geomspace(max(end, 1.0) / 1000, end, 7).tolist(), end}) if end > 0 else [0.0]
    )
    rows = dict.fromkeys(min(int(np.searchsorted(o.time, m)), len(o.time) - 1) for m in marks)
    for i in rows:  # one row per recorded time (two marks can fall on the same record)
        t = o.time[i]
        when = (
            f"{t / 3600:.3g} h" if t >= 3600 else f"{t / 60:.3g} min" if t >= 60 else f"{t:.3g} s"
        )
        _row(table, when, *(f"{v:.3f}" for v in fractions[i]))
    out.append(table)
    summary = Table(show_header=False)
    _row(summary, "mono yield on substrate", f"{o.mono_yield_on_substrate:.1%}")
    _row(summary, "mono yield on electrophile", f"{o.mono_yield_on_electrophile:.1%}")
    _row(summary, "substrate conversion", f"{o.conversion:.1%}")
    _row(summary, "electrophile left", f"{o.electrophile_left:.2e}")
    bal = result.balance()
    _row(
        summary,
        "balance residuals",
        f"substrate {bal['substrate_units']:.1e}, electrophile {bal['electrophile_units']:.1e}"
        + (f", protons {bal['protons']:.1e}" if result.problem.protons.active else ""),
    )
    out.append(summary)
    if result.feed_zones is not None:
        out.append(_feed_zone_table(result))
    if o.solids is not None:
        out.append(_precipitate_table(result))
    if result.problem.protons.active:
        out.append(_protonation_table(o))
    out.append(_species_table(result.table.species))
    out.extend(_assumptions_and_warnings(result))
    return Group(*out)


def _assumptions_and_warnings(result) -> list:
    out = [_markup("[bold]Assumptions[/]")]
    out += [Text(f"  - {a}") for a in result.assumptions]
    out += [Text.assemble(("warning: ", "yellow"), w) for w in result.warnings]
    return out


def _precipitate_table(result) -> Table:
    """What left the solution as a solid (what a filtration would recover)."""
    table = Table(title="Precipitated (solubilities given)", title_justify="left")
    for col in ("salt", "solid at the end", "per substrate", "most during the run"):
        table.add_column(col, justify="left" if col == "salt" else "right")
    for name, v in result.precipitate().items():
        _row(table, name, f"{v['mol'] * 1e3:.3g} mmol", f"{v['eq']:.3f} eq",
             f"{v['peak_mol'] * 1e3:.3g} mmol")  # fmt: skip
    return table


def _protonation_table(o) -> Table:
    title = "Protonation at the end (fraction of each species"
    title += " in solution)" if o.solids is not None else ")"
    table = Table(title=title, title_justify="left")
    table.add_column("species")
    width = max(o.protonation(s).shape[1] for s in range(len(o.labels)))
    for n in range(width):
        table.add_column("free base" if n == 0 else f"{n} H+", justify="right")
    for s, label in enumerate(o.labels):
        p = o.protonation(s)[-1]
        _row(table, label, *(f"{v:.3f}" for v in p), *([""] * (width - p.size)))
    for name, nu in zip(o.binder_names, o.binder_protons[-1], strict=True):
        _row(table, f"{name} (mean H+)", f"{nu:.3f}", *([""] * (width - 1)))
    return table


def provenance(result) -> Group:
    """Where every number came from: measured (source), estimated (method), user-given."""
    out = [_markup("[bold]Where the numbers come from[/]")]
    for p in result.provenance:
        out.append(Text.assemble("  ", (p.quantity, "bold"), f": {p.value}"))
        out.append(Text(f"      {p.origin}", style="dim"))
    if not result.provenance:
        out.append(Text("  (this family lists its numbers under Assumptions)"))
    return Group(*out)


def comparison(comparison) -> Group:
    """Ranked protocols with the numbers that decide between them, then each one's notes."""
    out = []
    c = comparison.conditions
    out.append(
        _markup(
            f"[bold]{escape(c.substrate)}[/] + [bold]{c.eq:g} eq {escape(c.electrophile)}[/], "
            f"{escape(c.scale)}, {escape(c.conc)}, at most {c.max_substrate_eq:g} eq diamine and "
            f"{escape(c.max_time)}; ranked by mono yield on the {c.precious}"
        )
    )
    table = Table()
    rows = comparison.ranked
    others = [max(0.0, 1.0 - r.split().get("mono") - r.bis - r.sm_left) for r in rows]
    show_other = any(v > 5e-4 for v in others)
    cols = ("#", "protocol", "mono/A", "mono/E", "bis", *(("other",) if show_other else ()))
    for col in (*cols, "SM", "time", "recover"):
        table.add_column(col, justify="left" if col == "protocol" else "right")
    for i, (r, other) in enumerate(zip(rows, others, strict=True), 1):
        _row(
            table,
            str(i),
            r.label + (f" ({r.steps} steps)" if r.steps > 1 else ""),
            f"{r.mono_yield_on_substrate:.1%}",
            f"{r.mono_yield_on_electrophile:.1%}",
            f"{r.bis:.1%}",
            *((f"{other:.1%}",) if show_other else ()),
            f"{r.sm_left:.1%}",
            f"{r.time_s / 3600:.3g} h",
            f"{r.excess_to_recover_g:.3g} g" if r.excess_to_recover_g else "-",
        )
    out.append(table)
    out.append(
        Text(
            "mono/A and mono/E: mono product per diamine and per electrophile charged "
            "(overall over all steps for multi-step protocols); bis, other (linkers: bridged, "
            "rings, oligomer) and SM: of the diamine charged, in the run that decides selectivity; "
            "time: until mono is within 1 % of its final amount; recover: unreacted excess diamine",
            style="dim",
        )
    )
    for r in comparison.ranked:
        out.append(_markup(f"[bold]{escape(r.label)}[/]"))
        out += [Text(f"  - {n}") for n in r.notes]
        out += [Text.assemble("  ", ("warning: ", "yellow"), w) for w in r.warnings]
    for name, err in comparison.failed:
        out.append(Text.assemble((f"{name} could not run: ", "red"), err))
    return Group(*out)


def _feed_zone_table(result) -> Table:
    """The final split with the feed zone resolved, beside the ideal-mixing one above."""
    z, m = result.feed_zones, result.mixing
    table = Table(
        title=f"With the feed zone resolved (engulfment model: {m.eps:.3g} W/kg at the feed "
        f"point, Da = {m.damkohler:.2g}); the time course above is ideal mixing",
        title_justify="left",
    )
    ideal = result.ideal_split().fractions
    table.add_column("mixing")
    for name in ideal:
        table.add_column(name, justify="right")
    table.add_column("mono on electrophile", justify="right")
    _row(
        table,
        "ideal",
        *(f"{v:.1%}" for v in ideal.values()),
        f"{result.ideal_split().mono_yield_on_electrophile:.1%}",
    )
    _row(
        table,
        f"feed zones ({z.portions} portions)",
        *(f"{z.fractions.get(n, 0.0):.1%}" for n in ideal),
        f"{z.mono_yield_on_electrophile:.1%}",
    )
    return table


def linker(result) -> Group:
    """Where the diamine ended up with a bifunctional linker, and the species with m/z."""
    names = result.category_names
    s = result.scenario
    out = [
        _markup(
            f"[bold]{escape(s.substrate)}[/] ({s.substrate_eq:g} eq) + "
            f"[bold]{s.eq:g} eq {escape(s.electrophile)}[/] (linker), {s.concentration():g} M"
            + (f", fed over {s.addition_seconds() / 3600:g} h" if s.addition_seconds() else "")
            + (" (inverse)" if s.mode == "inverse" else "")
        )
    ]
    table = Table(title="Diamine units at the end", title_justify="left")
    table.add_column("what")
    table.add_column("fraction", justify="right")
    for name, value in result.split().fractions.items():
        _row(table, names[name], f"{value:.1%}")
    out.append(table)
    summary = Table(show_header=False)
    _row(summary, "oligomer/polymer, mass fraction", f"{result.oligomer_mass_fraction:.1%}")
    _row(summary, "linker left unreacted", f"{result.linker_left:.1%}")
    _row(summary, "A and L unit balance", f"{result.unit_residual:.1e}")
    out.append(summary)
    species = Table(title="Species (up to the cap)", title_justify="left")
    for col in ("species", "what", "formula", "MW", "[M+H]+", "ring atoms", "of diamine"):
        species.add_column(col, justify="right" if col in ("MW", "[M+H]+") else "left")
    for i, sp in enumerate(result.species):
        share = result.amounts[-1, i] * sp.n_a / result.diamine_charged
        _row(
            species,
            sp.name,
            names.get(sp.category, sp.category),
            sp.formula,
            f"{sp.mw:.2f}",
            f"{sp.mz_h:.4f}" + ("" if sp.ion == "[M+H]+" else f" {sp.ion}"),
            str(sp.ring_atoms or "-"),
            f"{share:.1%}" if sp.n_a else "-",
        )
    out.append(species)
    out.extend(_assumptions_and_warnings(result))
    return Group(*out)


def mixing(report) -> Group:
    """Da and the verdict, then mono yield with the feed zone vs stirring and vessel."""
    s = report.scenario
    out = [
        _markup(
            f"[bold]{escape(s.substrate)}[/] + [bold]{s.eq:g} eq {escape(s.electrophile)}[/], "
            f"{s.concentration():g} M, fed over {s.addition_seconds() / 3600:g} h at "
            f"{(s.feed_concentration() or s.concentration()):g} M"
        )
    ]
    head = Table(show_header=False)
    _row(head, "micromixing time 1/E", f"{report.t_mix:.3g} s")
    _row(head, "reaction time 1/(k1 c)", f"{report.t_reaction:.3g} s")
    _row(head, "Damkohler number", f"{report.damkohler:.3g}")
    _row(head, "ideal mixing", f"mono {report.ideal.mono:.1%}, bis {report.ideal.bis:.1%}")
    _row(
        head,
        f"your stirring ({report.eps:g} W/kg)",
        f"mono {report.actual.mono:.1%}, bis {report.actual.bis:.1%}",
    )
    out += [head, Text(report.verdict)]
    for title, points in (("stirring", report.stirring), ("vessel", report.scale)):
        if not points:
            continue
        table = Table(title=f"mono yield vs {title}", title_justify="left")
        for col in (title, "W/kg", "mono", "bis", "SM"):
            table.add_column(col, justify="left" if col == title else "right")
        for p in points:
            _row(table, p.label, f"{p.eps:g}", f"{p.mono:.1%}", f"{p.bis:.1%}", f"{p.sm:.1%}")
        out.append(table)
    out += [Text(f"  - {n}", style="dim") for n in report.assumptions]
    out += [Text.assemble(("warning: ", "yellow"), w) for w in report.warnings]
    return Group(*out)


def reductive(result) -> Group:
    """The split after workup, the aldehyde lost as alcohol, the products with m/z."""
    s = result.scenario
    out = [
        _markup(
            f"[bold]{escape(s.substrate)}[/] + [bold]{s.eq:g} eq {escape(s.electrophile)}[/], "
            f"{escape(result.hydride)}, {escape(result.mode)}"
        )
    ]
    table = Table()
    for col in ("mode", "SM", "mono", "bis", "aldehyde to alcohol", "mono / aldehyde"):
        table.add_column(col, justify="left" if col == "mode" else "right")
    split = result.split()
    _row(
        table,
        result.mode,
        f"{split['SM']:.1%}",
        f"{split['mono']:.1%}",
        f"{split['bis']:.1%}",
        f"{result.alcohol:.1%}",
        f"{split.mono_yield_on_electrophile:.1%}",
    )
    out += [table, _species_table(result.species)]
    out.extend(_assumptions_and_warnings(result))
    return Group(*out)


def resin(result) -> Group:
    """What the cleavage releases, and how resin loading trades purity for amount."""
    product = "A-L-X" if result.linker else "mono product"
    out = [
        _markup(
            f"[bold]{escape(result.substrate)}[/] on 2-chlorotrityl resin, then "
            f"[bold]{escape(result.electrophile)}[/]"
        )
    ]
    table = Table(title="Loading sweep (per gram of resin)", title_justify="left")
    for col in (
        "mmol/g",
        "sites in bead (M)",
        "loaded",
        "cross-linked",
        f"{product} mmol/g",
        "A-L-A mmol/g",
        "diamine back mmol/g",
        "purity",
    ):
        table.add_column(col, justify="right")
    grams = result.resin_g
    for p in result.sweep or (result.point,):
        mark = " <" if abs(p.loading - result.point.loading) < 1e-12 else ""
        _row(
            table,
            f"{p.loading * 1:g}{mark}",
            f"{p.site_conc:.3g}",
            f"{p.loaded:.1%}",
            f"{p.cross_linked:.1%}",
            f"{p.product / grams:.3g}",
            f"{p.bridged / grams:.3g}",
            f"{p.diamine_back / grams:.3g}",
            f"{p.purity:.1%}",
        )
    out.append(table)
    split = result.split()
    out.append(
        Text(
            f"at {result.point.loading:g} mmol/g: {split['mono']:.1%} of the diamine charged "
            f"comes off as {product}; diamine left in the loading solution (recoverable): "
            f"{result.diamine_recoverable_mmol:.3g} mmol"
        )
    )
    out.extend(_assumptions_and_warnings(result))
    return Group(*out)


RENDERERS = {
    "site": site,
    "linker": linker,
    "resin": resin,
    "reductive": reductive,
    "mixing": mixing,
}
