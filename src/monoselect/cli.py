"""Command line: parses, calls the public API, prints with rich. No physics here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Predict SM / mono / bis for mono-functionalisation of diamines.",
)


def _fail(exc) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False)
    raise typer.Exit(getattr(exc, "exit_code", 2))


def _emit(as_json: bool, to_json, render) -> None:
    """Print ``to_json()`` as JSON, or call ``render()`` for the rich tables."""
    if as_json:
        sys.stdout.write(json.dumps(to_json(), indent=2) + "\n")
    else:
        render()


def _scenario(path: Path | None, flags: dict, exclusive: tuple[str, ...] = ()):
    """The scenario file's fields (if any) overridden by the flags that were given; a flag
    from ``exclusive`` drops the file's value of every field in that group."""
    from monoselect import load_scenario, make_scenario

    base = load_scenario(path).model_dump(exclude_none=True) if path else {}
    given = {k: v for k, v in flags.items() if v is not None}
    if any(k in given for k in exclusive):
        for k in exclusive:
            base.pop(k, None)
    return make_scenario(**{**base, **given})


def _progress(as_json: bool, total: int, label: str):
    """A progress bar that shows after a second (none with --json: stdout is the data)."""
    from contextlib import nullcontext

    from monoselect.comparison import DelayedProgress

    return nullcontext(None) if as_json else DelayedProgress(total, label=label)


@app.command()
def simulate(
    scenario: Annotated[Path | None, typer.Argument(help="scenario file (YAML or JSON)")] = None,
    substrate: Annotated[
        str | None, typer.Option(help="name or SMILES, e.g. 1,4-diazepane")
    ] = None,
    electrophile: Annotated[str | None, typer.Option(help="name or SMILES, e.g. Boc2O")] = None,
    eq: Annotated[float | None, typer.Option(help="electrophile equivalents")] = None,
    substrate_eq: Annotated[float | None, typer.Option(help="substrate equivalents")] = None,
    scale: Annotated[str | None, typer.Option(help="amount of 1 eq, e.g. '10 mmol'")] = None,
    conc: Annotated[
        str | None, typer.Option(help="concentration in the flask, e.g. '0.2 M'")
    ] = None,
    addition_time: Annotated[
        str | None, typer.Option(help="feed time, e.g. '4 h' (0 = one portion)")
    ] = None,
    feed_conc: Annotated[
        str | None, typer.Option(help="concentration of the fed solution, e.g. '1 M'")
    ] = None,
    inverse: Annotated[
        bool, typer.Option("--inverse", help="feed the substrate into the electrophile")
    ] = False,
    time: Annotated[
        str | None, typer.Option(help="total time, e.g. '5 h' (default: until spent)")
    ] = None,
    stop_conversion: Annotated[
        float | None, typer.Option(help="stop at this substrate conversion (0-1)")
    ] = None,
    acid: Annotated[
        str | None, typer.Option(help="acid charged with the substrate, e.g. HCl, AcOH")
    ] = None,
    acid_eq: Annotated[float | None, typer.Option(help="acid equivalents per substrate")] = None,
    base: Annotated[
        str | None, typer.Option(help="base charged with the substrate, e.g. Et3N, K2CO3")
    ] = None,
    base_eq: Annotated[float | None, typer.Option(help="base equivalents per substrate")] = None,
    temperature: Annotated[
        str | None, typer.Option(help="reaction temperature, e.g. '0 degC' (default 25 degC)")
    ] = None,
    kappa: Annotated[float | None, typer.Option(help="k2/k1 (molecular ratio)")] = None,
    rho: Annotated[float | None, typer.Option(help="per-site ratio after one substitution")] = None,
    k: Annotated[
        str | None, typer.Option(help="per-site rate constant, e.g. '0.05 L/mol/s'")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="write fractions over time (.png, .svg, .html)")
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="also print where every number came from")
    ] = False,
    cap: Annotated[int, typer.Option(help="linkers: longest chain kept explicit (units)")] = 8,
    em: Annotated[
        list[str] | None,
        typer.Option(help="linkers: effective molarity by ring size, e.g. '8=0.01' (repeat)"),
    ] = None,
) -> None:
    """Simulate one scenario: SM / mono / bis over time and at the end.

    With a bifunctional electrophile (X-L-X) it runs the step-growth network instead and
    reports mono-adduct, bridged dimer, bis-adduct, rings and oligomer.
    """
    from monoselect import MonoselectError
    from monoselect import simulate as run

    flags = dict(
        substrate=substrate,
        electrophile=electrophile,
        eq=eq,
        substrate_eq=substrate_eq,
        scale=scale,
        conc=conc,
        addition_time=addition_time,
        feed_conc=feed_conc,
        mode="inverse" if inverse else None,
        time=time,
        stop_conversion=stop_conversion,
        acid=acid,
        acid_eq=acid_eq,
        base=base,
        base_eq=base_eq,
        temperature=temperature,
        kappa=kappa,
        rho=rho,
        k=k,
    )
    try:
        spec = _scenario(scenario, flags, exclusive=("kappa", "rho"))
        linker = _is_linker(spec.electrophile)
        if linker:
            from monoselect.linker import simulate_linker

            linked = simulate_linker(spec, cap=cap, em=_parse_em(em))
            if plot:
                from monoselect.plots import write_linker

                write_linker(linked, plot)
        else:
            result = run(spec)
            if plot:
                from monoselect.plots import write_time_course

                write_time_course(result, plot)
    except MonoselectError as exc:
        _fail(exc)
    from monoselect import render

    if linker:
        _emit(as_json, linked.to_dict, lambda: render.print_linker(linked, plot))
        return

    def tables() -> None:
        render.print_simulation(result, plot)
        if explain:
            render.print_provenance(result)

    _emit(as_json, result.to_dict, tables)


@app.command()
def compare(
    scenario: Annotated[
        Path | None, typer.Argument(help="conditions file (YAML or JSON), flags override")
    ] = None,
    substrate: Annotated[str | None, typer.Option(help="name or SMILES")] = None,
    electrophile: Annotated[str | None, typer.Option(help="name or SMILES")] = None,
    eq: Annotated[float | None, typer.Option(help="electrophile eq per diamine")] = None,
    scale: Annotated[str | None, typer.Option(help="diamine for 1 eq, e.g. '10 mmol'")] = None,
    conc: Annotated[str | None, typer.Option(help="concentration in the flask")] = None,
    temperature: Annotated[str | None, typer.Option(help="e.g. '0 degC'")] = None,
    base: Annotated[
        str | None,
        typer.Option(help="'auto' (Et3N for acid-releasing electrophiles), a name, 'none'"),
    ] = None,
    base_eq: Annotated[float | None, typer.Option(help="base eq per diamine")] = None,
    max_substrate_eq: Annotated[
        float | None, typer.Option(help="most diamine equivalents you accept")
    ] = None,
    max_time: Annotated[
        str | None, typer.Option(help="longest run you accept, e.g. '24 h'")
    ] = None,
    precious: Annotated[
        str | None, typer.Option(help="rank by yield on 'substrate' or 'electrophile'")
    ] = None,
    protocol: Annotated[
        list[str] | None, typer.Option(help="run only these (repeat the option)")
    ] = None,
    processes: Annotated[
        int | None, typer.Option(help="worker processes (default: one per core; 1 = serial)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="final split per protocol and mono yield vs eq")
    ] = None,
) -> None:
    """Simulate every applicable protocol on the same footing and rank them."""
    from monoselect import InvalidInput, MonoselectError
    from monoselect.comparison import compare as run_compare
    from monoselect.protocols.base import make_conditions
    from monoselect.scenario import read_mapping

    flags = dict(
        substrate=substrate,
        electrophile=electrophile,
        eq=eq,
        scale=scale,
        conc=conc,
        temperature=temperature,
        base=base,
        base_eq=base_eq,
        max_substrate_eq=max_substrate_eq,
        max_time=max_time,
        precious=precious,
    )
    try:
        data = read_mapping(scenario) if scenario else {}
        names = protocol or data.pop("protocols", None)
        params = data.pop("params", None)
        if params is not None and not isinstance(params, dict):
            raise InvalidInput("params must map protocol names to their settings", field="params")
        cond = make_conditions(**{**data, **{k: v for k, v in flags.items() if v is not None}})
        # the total is corrected by the first progress report
        with _progress(as_json, len(names) if names else 7, "simulating protocols") as bar:
            result = run_compare(cond, names, params, processes=processes, on_progress=bar)
        if plot:
            from monoselect.plots import write_comparison

            write_comparison(result, plot)
    except MonoselectError as exc:
        _fail(exc)
    from monoselect.render import print_comparison

    _emit(as_json, result.to_dict, lambda: print_comparison(result, plot))


@app.command()
def mixing(
    scenario: Annotated[Path | None, typer.Argument(help="scenario file (YAML or JSON)")] = None,
    substrate: Annotated[str | None, typer.Option(help="name or SMILES")] = None,
    electrophile: Annotated[str | None, typer.Option(help="name or SMILES")] = None,
    eq: Annotated[float | None, typer.Option(help="electrophile equivalents")] = None,
    substrate_eq: Annotated[float | None, typer.Option(help="substrate equivalents")] = None,
    scale: Annotated[str | None, typer.Option(help="amount of 1 eq, e.g. '10 mmol'")] = None,
    conc: Annotated[str | None, typer.Option(help="concentration in the flask")] = None,
    addition_time: Annotated[str | None, typer.Option(help="feed time, e.g. '1 h'")] = None,
    feed_conc: Annotated[str | None, typer.Option(help="fed solution, e.g. '1 M'")] = None,
    power: Annotated[str, typer.Option(help="stirring power per mass at the feed point")] = (
        "0.3 W/kg"
    ),
    viscosity: Annotated[str, typer.Option(help="kinematic viscosity, e.g. '0.6 cSt'")] = (
        "0.6 cSt"
    ),
    stirrer_rpm: Annotated[
        float | None, typer.Option(help="stirrer speed; replaces --power by Np N^3 D^5 / V")
    ] = None,
    impeller_diameter: Annotated[str, typer.Option(help="e.g. '3 cm'")] = "3 cm",
    power_number: Annotated[float, typer.Option(help="impeller power number Np")] = 1.0,
    feed_point: Annotated[
        str, typer.Option(help="average, surface (0.3x) or impeller (5x) dissipation")
    ] = "average",
    blobs: Annotated[int, typer.Option(help="feed portions in the engulfment model")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="mono yield vs stirring and vs vessel (.png/.svg/.html)")
    ] = None,
) -> None:
    """Is ideal mixing valid for this feed? If not, mono yield vs stirring and scale."""
    from monoselect import MonoselectError
    from monoselect.mixing import STIRRING, VESSELS, mixing_report

    flags = dict(
        substrate=substrate,
        electrophile=electrophile,
        eq=eq,
        substrate_eq=substrate_eq,
        scale=scale,
        conc=conc,
        addition_time=addition_time,
        feed_conc=feed_conc,
    )
    try:
        spec = _scenario(scenario, flags)
        total = 1 + len(STIRRING) + len(VESSELS)
        with _progress(as_json, total, "simulating feed zones") as bar:
            report = mixing_report(
                spec,
                power=power,
                viscosity=viscosity,
                stirrer_rpm=stirrer_rpm,
                impeller_diameter=impeller_diameter,
                power_number=power_number,
                feed_point=feed_point,
                blobs=blobs,
                on_progress=bar,
            )
        if plot:
            from monoselect.plots import write_mixing

            write_mixing(report, plot)
    except MonoselectError as exc:
        _fail(exc)
    from monoselect.render import print_mixing

    _emit(as_json, report.to_dict, lambda: print_mixing(report, plot))


@app.command()
def reductive(
    substrate: Annotated[str, typer.Option(help="symmetric diamine")] = "1,4-diazepane",
    aldehyde: Annotated[str, typer.Option(help="mono-aldehyde, name or SMILES")] = "benzaldehyde",
    eq: Annotated[float, typer.Option(help="aldehyde equivalents")] = 1.0,
    hydride: Annotated[str, typer.Option(help="NaBH(OAc)3, NaBH3CN or NaBH4")] = "NaBH(OAc)3",
    hydride_eq: Annotated[float, typer.Option(help="hydride equivalents")] = 1.5,
    scale: Annotated[str, typer.Option(help="diamine, e.g. '10 mmol'")] = "10 mmol",
    conc: Annotated[str, typer.Option(help="concentration, e.g. '0.2 M'")] = "0.2 M",
    pre_time: Annotated[str, typer.Option(help="imine pre-formation time")] = "2 h",
    dehydrating: Annotated[
        bool, typer.Option("--dehydrating", help="sieves / MgSO4 during pre-formation")
    ] = False,
    time: Annotated[str, typer.Option(help="time with the hydride")] = "24 h",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Reductive amination: one pot against a pre-formed imine, same charges."""
    from monoselect import MonoselectError
    from monoselect.reductive import reductive_amination

    try:
        result = reductive_amination(
            substrate,
            aldehyde,
            eq=eq,
            hydride=hydride,
            hydride_eq=hydride_eq,
            scale=scale,
            conc=conc,
            pre_time=pre_time,
            dehydrating=dehydrating,
            time=time,
        )
    except MonoselectError as exc:
        _fail(exc)
    from monoselect.render import print_reductive

    _emit(as_json, result.to_dict, lambda: print_reductive(result))


@app.command()
def resin(
    substrate: Annotated[str, typer.Option(help="diamine")] = "1,4-diazepane",
    electrophile: Annotated[str, typer.Option(help="electrophile or linker")] = "Boc2O",
    resin_mass: Annotated[str, typer.Option("--resin", help="resin mass, e.g. '1 g'")] = "1 g",
    loading: Annotated[str | None, typer.Option(help="e.g. '1.2 mmol/g'")] = None,
    swelling: Annotated[str | None, typer.Option(help="e.g. '5 mL/g'")] = None,
    diamine_eq: Annotated[float, typer.Option(help="diamine eq per site (loading)")] = 3.0,
    diamine_conc: Annotated[str, typer.Option(help="loading solution")] = "0.5 M",
    load_time: Annotated[str, typer.Option(help="loading time")] = "2 h",
    electrophile_eq: Annotated[float, typer.Option(help="eq per site")] = 3.0,
    electrophile_conc: Annotated[str, typer.Option(help="electrophile solution")] = "0.3 M",
    react_time: Annotated[str, typer.Option(help="on-bead reaction time")] = "24 h",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Solid phase on 2-chlorotrityl resin: load, react, cleave; purity vs resin loading."""
    from monoselect import MonoselectError
    from monoselect.resin import resin_run

    try:
        result = resin_run(
            substrate,
            electrophile,
            resin=resin_mass,
            loading=loading,
            swelling=swelling,
            diamine_eq=diamine_eq,
            diamine_conc=diamine_conc,
            load_time=load_time,
            electrophile_eq=electrophile_eq,
            electrophile_conc=electrophile_conc,
            react_time=react_time,
        )
    except MonoselectError as exc:
        _fail(exc)
    from monoselect.render import print_resin

    _emit(as_json, result.to_dict, lambda: print_resin(result))


def _is_linker(electrophile: str) -> bool:
    from monoselect.chem.molecules import resolve_electrophile

    return resolve_electrophile(electrophile).reactive_groups == 2


def _parse_em(values: list[str] | None) -> dict[int, float] | None:
    """'8=0.01' -> {8: 0.01}; one InvalidInput naming the field otherwise."""
    from monoselect import InvalidInput

    if not values:
        return None
    out = {}
    for v in values:
        try:
            size, value = v.split("=")
            out[int(size)] = float(value)
        except ValueError:
            raise InvalidInput(
                f"cannot read effective molarity {v!r}", field="em", fix="give it like '8=0.01'"
            ) from None
    return out


@app.command()
def species(
    substrate: Annotated[str, typer.Option(help="name or SMILES")] = "1,4-diazepane",
    electrophile: Annotated[str, typer.Option(help="name or SMILES")] = "Boc2O",
    svg: Annotated[Path | None, typer.Option(help="write the structures as an SVG grid")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Every species up to symmetry: SMILES, formula, MW, m/z ([M+H]+, [M+2H]2+), isotopes."""
    from monoselect import InvalidInput, MonoselectError, species_table

    try:
        table = species_table(substrate, electrophile)
        if svg:
            from monoselect.chem.products import depict_svg

            if svg.suffix.lower() != ".svg":
                raise InvalidInput(
                    "the picture is written as SVG", field="svg", fix="end the file name in .svg"
                )
            if not svg.parent.is_dir():
                raise InvalidInput(f"folder {svg.parent} does not exist", field="svg")
            tmp = svg.with_name(svg.name + ".part")
            tmp.write_text(depict_svg(table.species), encoding="utf-8")
            tmp.replace(svg)
    except MonoselectError as exc:
        _fail(exc)
    from monoselect.render import print_species

    _emit(as_json, lambda: [s.__dict__ for s in table.species], lambda: print_species(table, svg))


def main() -> None:
    app()
