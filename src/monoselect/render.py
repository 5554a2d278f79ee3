"""Rich renderings of results for the terminal (the core never prints)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def _species_table(species) -> Table:
    table = Table(title="Species", title_justify="left")
    for col in ("species", "SMILES", "formula", "MW", "[M+H]+", "[M+2H]2+", "Cl/Br pattern"):
        table.add_column(col, justify="right" if col in ("MW", "[M+H]+", "[M+2H]2+") else "left")
    for s in species:
        iso = " ".join(f"M+{o}:{p:.2f}" for o, p in s.isotopes) or "-"
        table.add_row(
            s.label, s.smiles, s.formula, f"{s.mw:.2f}", f"{s.mz_h:.4f}", f"{s.mz_2h:.4f}", iso
        )
    return table


def print_species(table, svg=None) -> None:
    console = Console()
    console.print(
        f"[bold]{table.substrate.name}[/] + [bold]{table.electrophile.name}[/] "
        f"({table.electrophile.class_label}); sites: {', '.join(table.substrate.sites.locants)}"
    )
    console.print(_species_table(table.species))
    if svg:
        console.print(f"structures written to {svg}")


def print_simulation(result, plot=None) -> None:
    console = Console()
    o = result.outcome
    s = result.scenario
    console.print(
        f"[bold]{s.substrate}[/] + [bold]{s.eq:g} eq {s.electrophile}[/], "
        f"{s.substrate_eq:g} eq substrate, {s.concentration():g} M, "
        + (
            "one portion"
            if not result.problem.stages
            else f"fed over {result.problem.feed_end / 3600:g} h"
        )
        + (" (inverse addition)" if s.mode == "inverse" else "")
        + (f", {s.acid_eq:g} eq {s.acid}" if s.acid else "")
        + (f", {s.base_eq:g} eq {s.base}" if s.base else "")
        + f", {s.temperature_c():g} degC"
    )
    console.print("[bold]Fraction of substrate units over time[/]")
    table = Table()
    table.add_column("time", justify="right")
    for label in o.labels:
        table.add_column(label, justify="right")
    import numpy as np

    end = float(o.time[-1])
    marks = (
        sorted({*np.geomspace(max(end, 1.0) / 1000, end, 7).tolist(), end}) if end > 0 else [0.0]
    )
    for mark in marks:
        i = min(int(np.searchsorted(o.time, mark)), len(o.time) - 1)
        t = o.time[i]
        when = (
            f"{t / 3600:.3g} h" if t >= 3600 else f"{t / 60:.3g} min" if t >= 60 else f"{t:.3g} s"
        )
        table.add_row(when, *(f"{v:.3f}" for v in o.fractions[i]))
    console.print(table)
    summary = Table(show_header=False)
    summary.add_row("mono yield on substrate", f"{o.mono_yield_on_substrate:.1%}")
    summary.add_row("mono yield on electrophile", f"{o.mono_yield_on_electrophile:.1%}")
    summary.add_row("substrate conversion", f"{o.conversion:.1%}")
    summary.add_row("electrophile left", f"{o.electrophile_left:.2e}")
    bal = result.balance()
    summary.add_row(
        "balance residuals",
        f"substrate {bal['substrate_units']:.1e}, electrophile {bal['electrophile_units']:.1e}"
        + (f", protons {bal['protons']:.1e}" if result.problem.protons.active else ""),
    )
    console.print(summary)
    if result.problem.protons.active:
        console.print(_protonation_table(o))
    console.print(_species_table(result.table.species))
    _assumptions_and_warnings(console, result, plot)


def _assumptions_and_warnings(console, result, plot=None) -> None:
    console.print("[bold]Assumptions[/]")
    for a in result.assumptions:
        console.print(f"  - {a}", highlight=False)
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
    if plot:
        console.print(f"plot written to {plot}")


def _protonation_table(o) -> Table:
    table = Table(title="Protonation at the end (fraction of each species)", title_justify="left")
    table.add_column("species")
    width = max(o.protonation(s).shape[1] for s in range(len(o.labels)))
    for n in range(width):
        table.add_column("free base" if n == 0 else f"{n} H+", justify="right")
    for s, label in enumerate(o.labels):
        p = o.protonation(s)[-1]
        table.add_row(label, *(f"{v:.3f}" for v in p), *([""] * (width - p.size)))
    for name, nu in zip(o.binder_names, o.binder_protons[-1], strict=True):
        table.add_row(f"{name} (mean H+)", f"{nu:.3f}", *([""] * (width - 1)))
    return table


def print_provenance(result) -> None:
    """Where every number came from: measured (source), estimated (method), user-given."""
    console = Console()
    console.print("[bold]Where the numbers come from[/]")
    for p in result.provenance:
        console.print(f"  [bold]{p.quantity}[/]: {p.value}", highlight=False)
        console.print(f"      {p.origin}", highlight=False, style="dim")


def print_comparison(comparison, plot=None) -> None:
    """Ranked protocols with the numbers that decide between them, then each one's notes."""
    console = Console()
    c = comparison.conditions
    console.print(
        f"[bold]{c.substrate}[/] + [bold]{c.eq:g} eq {c.electrophile}[/], {c.scale}, {c.conc}, "
        f"at most {c.max_substrate_eq:g} eq diamine and {c.max_time}; ranked by mono yield on "
        f"the {c.precious}"
    )
    table = Table()
    for col in ("#", "protocol", "mono/diamine", "mono/E", "bis", "SM", "time", "recover", "steps"):
        table.add_column(col, justify="left" if col == "protocol" else "right")
    for i, r in enumerate(comparison.ranked, 1):
        mono_sub = f"{r.mono_yield_on_substrate:.1%}"
        hours = r.time_s / 3600
        table.add_row(
            str(i),
            r.label,
            mono_sub,
            f"{r.mono_yield_on_electrophile:.1%}",
            f"{r.bis:.1%}",
            f"{r.sm_left:.1%}",
            f"{hours:.3g} h",
            f"{r.excess_to_recover_g:.3g} g" if r.excess_to_recover_g else "-",
            str(r.steps),
        )
    console.print(table)
    console.print(
        "mono/diamine and mono/E: mono product per diamine and per electrophile charged "
        "(overall over all steps for 'protect first'); bis and SM: of the diamine charged; "
        "time: until mono is within 1 % of its final amount; recover: unreacted excess diamine",
        style="dim",
    )
    for r in comparison.ranked:
        console.print(f"[bold]{r.label}[/]")
        for n in r.notes:
            console.print(f"  - {n}", highlight=False)
        for w in r.warnings:
            console.print(f"  [yellow]warning:[/] {w}", highlight=False)
    for name, err in comparison.failed:
        console.print(f"[red]{name} could not run:[/] {err}", highlight=False)
    if plot:
        console.print(f"plot written to {plot}")


def print_linker(result, plot=None) -> None:
    """Where the diamine ended up with a bifunctional linker, and the species with m/z."""
    console = Console()
    s = result.scenario
    console.print(
        f"[bold]{s.substrate}[/] ({s.substrate_eq:g} eq) + [bold]{s.eq:g} eq {s.electrophile}[/]"
        f" (linker), {s.concentration():g} M"
        + (f", fed over {s.addition_seconds() / 3600:g} h" if s.addition_seconds() else "")
        + (" (inverse)" if s.mode == "inverse" else "")
    )
    table = Table(title="Diamine units at the end", title_justify="left")
    table.add_column("what")
    table.add_column("fraction", justify="right")
    for name, value in result.by_category().items():
        table.add_row(name, f"{value:.1%}")
    console.print(table)
    summary = Table(show_header=False)
    summary.add_row("oligomer/polymer, mass fraction", f"{result.oligomer_mass_fraction:.1%}")
    summary.add_row("linker left unreacted", f"{result.linker_left:.1%}")
    summary.add_row("A and L unit balance", f"{result.unit_residual:.1e}")
    console.print(summary)
    species = Table(title="Species (up to the cap)", title_justify="left")
    for col in ("species", "what", "formula", "MW", "[M+H]+", "ring atoms", "of diamine"):
        species.add_column(col, justify="right" if col in ("MW", "[M+H]+") else "left")
    for i, sp in enumerate(result.species):
        share = result.amounts[-1, i] * sp.n_a / result.diamine_charged
        species.add_row(
            sp.name,
            sp.category,
            sp.formula,
            f"{sp.mw:.2f}",
            f"{sp.mz_h:.4f}",
            str(sp.ring_atoms or "-"),
            f"{share:.1%}" if sp.n_a else "-",
        )
    console.print(species)
    _assumptions_and_warnings(console, result, plot)


def print_mixing(report, plot=None) -> None:
    """Da and the verdict, then mono yield with the feed zone vs stirring and vessel."""
    console = Console()
    s = report.scenario
    console.print(
        f"[bold]{s.substrate}[/] + [bold]{s.eq:g} eq {s.electrophile}[/], "
        f"{s.concentration():g} M, fed over {s.addition_seconds() / 3600:g} h at "
        f"{(s.feed_concentration() or s.concentration()):g} M"
    )
    head = Table(show_header=False)
    head.add_row("micromixing time 1/E", f"{report.t_mix:.3g} s")
    head.add_row("reaction time 1/(k1 c)", f"{report.t_reaction:.3g} s")
    head.add_row("Damkohler number", f"{report.damkohler:.3g}")
    head.add_row("ideal mixing", f"mono {report.ideal.mono:.1%}, bis {report.ideal.bis:.1%}")
    head.add_row(
        f"your stirring ({report.eps:g} W/kg)",
        f"mono {report.actual.mono:.1%}, bis {report.actual.bis:.1%}",
    )
    console.print(head)
    console.print(report.verdict, highlight=False)
    for title, points in (("stirring", report.stirring), ("vessel", report.scale)):
        if not points:
            continue
        table = Table(title=f"mono yield vs {title}", title_justify="left")
        for col in (title, "W/kg", "mono", "bis", "SM"):
            table.add_column(col, justify="left" if col == title else "right")
        for p in points:
            table.add_row(p.label, f"{p.eps:g}", f"{p.mono:.1%}", f"{p.bis:.1%}", f"{p.sm:.1%}")
        console.print(table)
    for n in report.notes:
        console.print(f"  - {n}", highlight=False, style="dim")
    if plot:
        console.print(f"plot written to {plot}")


def print_reductive(result) -> None:
    """Both modes side by side, then the products with m/z."""
    console = Console()
    console.print(
        f"[bold]{result.substrate}[/] + [bold]{result.eq:g} eq {result.aldehyde}[/], "
        f"{result.hydride}"
    )
    table = Table()
    for col in ("mode", "SM", "mono", "bis", "aldehyde to alcohol", "mono / aldehyde"):
        table.add_column(col, justify="left" if col == "mode" else "right")
    for m in (result.one_pot, result.preformed):
        table.add_row(
            m.mode,
            f"{m.split['SM']:.1%}",
            f"{m.split['mono']:.1%}",
            f"{m.split['bis']:.1%}",
            f"{m.alcohol:.1%}",
            f"{m.mono_yield_on_aldehyde:.1%}",
        )
    console.print(table)
    console.print(_species_table(result.species))
    for a in result.assumptions:
        console.print(f"  - {a}", highlight=False)


def print_resin(result) -> None:
    """What the cleavage releases, and how resin loading trades purity for amount."""
    console = Console()
    product = "A-L-X" if result.linker else "mono product"
    console.print(
        f"[bold]{result.substrate}[/] on 2-chlorotrityl resin, then [bold]{result.electrophile}[/]"
    )
    table = Table(title="Loading sweep (per gram of resin)", title_justify="left")
    for col in (
        "mmol/g",
        "sites in bead (M)",
        "loaded",
        "cross-linked",
        f"{product} mmol",
        "A-L-A mmol",
        "diamine back mmol",
        "purity",
    ):
        table.add_column(col, justify="right")
    rows = result.sweep or (result.point,)
    for p in rows:
        mark = " <" if abs(p.loading - result.point.loading) < 1e-12 else ""
        table.add_row(
            f"{p.loading * 1:g}{mark}",
            f"{p.site_conc:.3g}",
            f"{p.loaded:.1%}",
            f"{p.cross_linked:.1%}",
            f"{p.product:.3g}",
            f"{p.bridged:.3g}",
            f"{p.diamine_back:.3g}",
            f"{p.purity:.1%}",
        )
    console.print(table)
    console.print(
        f"diamine left in the loading solution (recoverable): "
        f"{result.diamine_recoverable_mmol:.3g} mmol"
    )
    for a in result.assumptions:
        console.print(f"  - {a}", highlight=False)
