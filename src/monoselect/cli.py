"""Command line: parses, builds one Scenario, calls the public API, prints the Result (it
renders itself). No physics here.

Every simulation command takes a scenario file (YAML or JSON) and the same core flags; a
flag overrides the file. Output paths are checked before anything runs, results are
printed before a plot is written, and errors are one line naming the field (tracebacks
only with ``--debug``).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Predict SM / mono / bis for mono-functionalisation of diamines.",
    pretty_exceptions_enable=False,
)

# the core flags every simulation command shares: name -> (type, help). Numbers are taken as
# text and read by the Scenario, so "fast" for --eq is the same one-line error naming the
# field as any other bad value (click would print a usage box).
CORE: dict[str, tuple[type, str]] = {
    "substrate": (str, "name or SMILES, e.g. 1,4-diazepane"),
    "electrophile": (str, "name or SMILES, e.g. Boc2O"),
    "eq": (str, "electrophile equivalents"),
    "substrate_eq": (str, "substrate equivalents"),
    "scale": (str, "amount of 1 eq, e.g. '10 mmol'"),
    "conc": (str, "concentration in the flask, e.g. '0.2 M'"),
    "addition_time": (str, "feed time, e.g. '4 h' (0 = one portion)"),
    "feed_conc": (str, "concentration of the fed solution, e.g. '1 M'"),
    "time": (str, "total time, e.g. '5 h' (default: until spent, or 24 h)"),
    "stop_conversion": (str, "stop at this substrate conversion (0-1)"),
    "acid": (str, "acid charged with the substrate, e.g. HCl, AcOH"),
    "acid_eq": (str, "acid equivalents per substrate"),
    "base": (str, "base charged with the substrate, e.g. Et3N, K2CO3"),
    "base_eq": (str, "base equivalents per substrate"),
    "temperature": (str, "reaction temperature, e.g. '0 degC' (default 25 degC)"),
    "solvent": (str, "reaction solvent, e.g. DCM, THF, MeCN, MeOH (default DCM)"),
    "kappa": (str, "k2/k1 (molecular ratio)"),
    "rho": (str, "per-site ratio after one substitution"),
    "k": (str, "per-site rate constant, e.g. '0.05 L/mol/s'"),
    "steric": (
        str,
        "steric factor (0-1]: per alpha substituent, e.g. 0.1, or per site, e.g. 'N1=0.1'",
    ),
    "over_alkylation": (
        str,
        "multiplier on further alkylation of an alkylated N (NHR -> NR2 -> NR3+, a linker end "
        "closing on its own N); 0 = off",
    ),
}
# a flag from one of these groups drops the file's value of the others
EXCLUSIVE = (("kappa", "rho"),)


def _with_core(func):
    """Give a command the scenario argument, the core flags, ``--inverse`` and ``--json``;
    the command receives ``flags`` (the core values given) and ``path``."""
    own = list(inspect.signature(func, eval_str=True).parameters.values())
    own = [p for p in own if p.name not in ("flags", "path")]
    kw = inspect.Parameter.KEYWORD_ONLY
    added = [
        inspect.Parameter(
            "scenario",
            kw,
            default=None,
            annotation=Annotated[
                Path | None, typer.Argument(help="scenario file (YAML or JSON); flags override")
            ],
        ),
        *(
            inspect.Parameter(
                name, kw, default=None, annotation=Annotated[kind | None, typer.Option(help=text)]
            )
            for name, (kind, text) in CORE.items()
        ),
        inspect.Parameter(
            "inverse",
            kw,
            default=False,
            annotation=Annotated[
                bool, typer.Option("--inverse", help="feed the substrate into the electrophile")
            ],
        ),
    ]

    @functools.wraps(func)
    def command(**kwargs):
        path = kwargs.pop("scenario")
        flags = {name: kwargs.pop(name) for name in CORE}
        if kwargs.pop("inverse"):
            flags["mode"] = "inverse"
        return func(flags=flags, path=path, **kwargs)

    params = [*added, *(p.replace(kind=kw) for p in own)]
    command.__signature__ = inspect.Signature(params)
    command.__annotations__ = {p.name: p.annotation for p in params}
    del command.__wrapped__  # typer must read the signature above, not the function's
    return command


AsJson = Annotated[bool, typer.Option("--json", help="print JSON instead of tables")]
PlotPath = Annotated[
    Path | None, typer.Option(help="write a picture of the run (.png, .svg or .html)")
]


def _error_line(message: str) -> None:
    """One line on stderr; the message is shown as it is (what the user typed may hold
    brackets that rich would take for markup)."""
    from rich.console import Console
    from rich.text import Text

    line = Text.assemble(("error: ", "bold red"), message)
    Console(stderr=True).print(line, highlight=False, soft_wrap=True)


def _fail(exc) -> None:
    _error_line(str(exc))
    raise typer.Exit(getattr(exc, "exit_code", 2))


def _scenario(path: Path | None, flags: dict, parts: dict | None = None, defaults=None):
    """The Scenario: ``defaults`` under the file under the flags; ``parts`` are the
    family options given as flags (merged into the file's options of that family)."""
    from monoselect.scenario import make_scenario, read_mapping

    data = dict(defaults or {})
    if path is not None:
        data.update(read_mapping(path))
    given = {k: v for k, v in flags.items() if v is not None}
    for group in EXCLUSIVE:
        if any(k in given for k in group):
            for k in group:
                data.pop(k, None)
    data.update(given)
    for part, options in (parts or {}).items():
        chosen = {k: v for k, v in options.items() if v is not None}
        if chosen or part in data:
            old = data.get(part) or {}
            if not isinstance(old, dict):
                from monoselect.errors import InvalidInput

                raise InvalidInput(f"{part} must be a mapping of options", field=part)
            data[part] = {**old, **chosen}
    return make_scenario(**data)


def _run(spec, *, as_json: bool, plot: Path | None, explain: bool = False, progress=None):
    """Simulate, print (JSON or tables), then write the plot: a failed plot loses nothing."""
    from monoselect import simulate
    from monoselect.models import family

    if plot is not None:
        from monoselect import plots

        plots.check_path(plot)
        if not plots.can_plot(family(spec)):
            from monoselect.errors import InvalidInput

            raise InvalidInput(
                f"there is no plot for a {family(spec)} run yet", field="plot", fix="leave it out"
            )
    if progress is None:
        result = simulate(spec)
    else:
        with _progress(as_json, *progress) as bar:
            result = simulate(spec, on_progress=bar)
    _emit(result, as_json, explain)
    if plot is not None:
        from monoselect import plots

        plots.write(result, plot)
        _note(as_json, f"plot written to {plot}")


def _emit(result, as_json: bool, explain: bool = False) -> None:
    """JSON (strict: no NaN or Infinity) or the result's own rendering."""
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n")
        return
    from rich.console import Console

    console = Console()
    console.print(result)
    if explain:
        from monoselect.render import provenance

        console.print(provenance(result))


def _note(as_json: bool, text: str) -> None:
    """A line for the person (stderr with --json: stdout is the data)."""
    from rich.console import Console

    Console(stderr=as_json).print(text, highlight=False, soft_wrap=True, markup=False)


def _progress(as_json: bool, total: int, label: str):
    """A progress bar that shows after a second (none with --json: stdout is the data)."""
    from contextlib import nullcontext

    from monoselect.comparison import DelayedProgress

    return nullcontext(None) if as_json else DelayedProgress(total, label=label)


def _guarded(body):
    """Run ``body()``; a MonoselectError becomes one line and its exit code."""
    from monoselect.errors import MonoselectError

    try:
        body()
    except MonoselectError as exc:
        _fail(exc)


@app.command()
@_with_core
def simulate(
    flags: dict,
    path: Path | None,
    as_json: AsJson = False,
    plot: PlotPath = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="also print where every number came from")
    ] = False,
    cap: Annotated[
        str | None, typer.Option(help="linkers: longest chain kept explicit (units)")
    ] = None,
    em: Annotated[
        list[str] | None,
        typer.Option(help="linkers: effective molarity by ring size, e.g. '8=0.01' (repeat)"),
    ] = None,
) -> None:
    """Simulate one scenario: SM / mono / bis over time and at the end.

    The family follows from the scenario: a bifunctional electrophile (X-L-X) runs as step
    growth, an aldehyde as reductive amination, resin or mixing options as those models.
    """

    def body():
        linker = {"cap": cap, "em": _parse_em(em)}
        spec = _scenario(path, flags, {"linker": linker} if cap is not None or em else None)
        _run(spec, as_json=as_json, plot=plot, explain=explain)

    _guarded(body)


@app.command()
@_with_core
def mixing(
    flags: dict,
    path: Path | None,
    power: Annotated[str | None, typer.Option(help="power per mass at the feed point")] = None,
    viscosity: Annotated[str | None, typer.Option(help="kinematic viscosity, '0.6 cSt'")] = None,
    stirrer_rpm: Annotated[
        str | None, typer.Option(help="stirrer speed; replaces --power by Np N^3 D^5 / V")
    ] = None,
    impeller_diameter: Annotated[str | None, typer.Option(help="e.g. '3 cm'")] = None,
    power_number: Annotated[str | None, typer.Option(help="impeller power number Np")] = None,
    feed_point: Annotated[
        str | None, typer.Option(help="average, surface (0.3x) or impeller (5x) dissipation")
    ] = None,
    blobs: Annotated[str | None, typer.Option(help="feed portions in the engulfment model")] = None,
    as_json: AsJson = False,
    plot: PlotPath = None,
) -> None:
    """Is ideal mixing valid for this feed? If not, mono yield vs stirring and scale."""

    def body():
        from monoselect.models.mixing import STIRRING, VESSELS

        options = dict(
            power=power,
            viscosity=viscosity,
            stirrer_rpm=stirrer_rpm,
            impeller_diameter=impeller_diameter,
            power_number=power_number,
            feed_point=feed_point,
            blobs=blobs,
        )
        spec = _scenario(path, flags, {"mixing": options}, defaults={"mixing": {}})
        total = 1 + len(STIRRING) + len(VESSELS)
        _run(
            spec,
            as_json=as_json,
            plot=plot,
            progress=(total, "simulating feed zones"),
        )

    _guarded(body)


@app.command()
@_with_core
def reductive(
    flags: dict,
    path: Path | None,
    hydride: Annotated[str | None, typer.Option(help="NaBH(OAc)3, NaBH3CN or NaBH4")] = None,
    hydride_eq: Annotated[str | None, typer.Option(help="hydride equivalents")] = None,
    pre_time: Annotated[
        str | None, typer.Option(help="imine pre-formation before the hydride (0 = one pot)")
    ] = None,
    dehydrating: Annotated[
        bool, typer.Option("--dehydrating", help="sieves / MgSO4 during pre-formation")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Reductive amination of the diamine with a mono-aldehyde (default benzaldehyde)."""

    def body():
        options = dict(
            hydride=hydride,
            hydride_eq=hydride_eq,
            pre_time=pre_time,
            dehydrating=dehydrating or None,
        )
        spec = _scenario(
            path,
            flags,
            {"reductive": options},
            defaults={"electrophile": "benzaldehyde", "reductive": {}},
        )
        _run(spec, as_json=as_json, plot=None)

    _guarded(body)


@app.command()
@_with_core
def resin(
    flags: dict,
    path: Path | None,
    resin_mass: Annotated[
        str | None, typer.Option("--resin", help="resin mass, e.g. '1 g' (sites = mass x loading)")
    ] = None,
    loading: Annotated[str | None, typer.Option(help="e.g. '1.2 mmol/g'")] = None,
    swelling: Annotated[str | None, typer.Option(help="e.g. '5 mL/g'")] = None,
    loading_conc: Annotated[str | None, typer.Option(help="diamine in the loading step")] = None,
    load_time: Annotated[str | None, typer.Option(help="loading time, e.g. '2 h'")] = None,
    as_json: AsJson = False,
) -> None:
    """Solid phase on 2-chlorotrityl resin: load, react, cleave; purity vs resin loading.

    Here --eq is the electrophile and --substrate-eq the diamine per resin site (default 3
    each), --conc the electrophile solution (default 0.3 M) and --time the on-bead reaction.
    """

    def body():
        options = dict(
            mass=resin_mass,
            loading=loading,
            swelling=swelling,
            loading_conc=loading_conc,
            load_time=load_time,
        )
        defaults = {"eq": 3.0, "substrate_eq": 3.0, "conc": "0.3 M", "resin": {}}
        probe = _scenario(path, flags, {"resin": options}, defaults=defaults)
        if probe.resin.mass is None and "scale" not in probe.model_fields_set:
            options["mass"] = "1 g"  # a chemist weighs resin: 1 g unless told otherwise
        spec = _scenario(path, flags, {"resin": options}, defaults=defaults)
        _run(spec, as_json=as_json, plot=None)

    _guarded(body)


@app.command()
def compare(
    scenario: Annotated[
        Path | None, typer.Argument(help="conditions file (YAML or JSON), flags override")
    ] = None,
    substrate: Annotated[str | None, typer.Option(help="name or SMILES")] = None,
    electrophile: Annotated[str | None, typer.Option(help="name or SMILES")] = None,
    eq: Annotated[str | None, typer.Option(help="electrophile eq per diamine")] = None,
    scale: Annotated[str | None, typer.Option(help="diamine for 1 eq, e.g. '10 mmol'")] = None,
    conc: Annotated[str | None, typer.Option(help="concentration in the flask")] = None,
    temperature: Annotated[str | None, typer.Option(help="e.g. '0 degC'")] = None,
    solvent: Annotated[str | None, typer.Option(help="e.g. DCM, THF, MeOH (default DCM)")] = None,
    base: Annotated[
        str | None,
        typer.Option(help="'auto' (Et3N for acid-releasing electrophiles), a name, 'none'"),
    ] = None,
    base_eq: Annotated[str | None, typer.Option(help="base eq per diamine")] = None,
    max_substrate_eq: Annotated[
        str | None, typer.Option(help="most diamine equivalents you accept")
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
        str | None, typer.Option(help="worker processes (default 1; more pays for long runs)")
    ] = None,
    as_json: AsJson = False,
    plot: Annotated[
        Path | None, typer.Option(help="final split per protocol and mono yield vs eq")
    ] = None,
) -> None:
    """Simulate every applicable protocol on the same footing and rank them.

    Exits 2 when a protocol could not run on this input (the others are still shown).
    """
    flags = dict(
        substrate=substrate,
        electrophile=electrophile,
        eq=eq,
        scale=scale,
        conc=conc,
        temperature=temperature,
        solvent=solvent,
        base=base,
        base_eq=base_eq,
        max_substrate_eq=max_substrate_eq,
        max_time=max_time,
        precious=precious,
    )
    failed: list = []

    def body():
        from monoselect.comparison import compare as run_compare
        from monoselect.protocols.base import make_conditions
        from monoselect.scenario import read_mapping

        if plot is not None:
            from monoselect import plots

            plots.check_path(plot)
        data = read_mapping(scenario, "conditions") if scenario else {}
        names = protocol or data.pop("protocols", None)
        params = data.pop("params", None)
        cond = make_conditions(**{**data, **{k: v for k, v in flags.items() if v is not None}})
        # the total is corrected by the first progress report
        total = len(names) if isinstance(names, list) else 7
        with _progress(as_json, total, "simulating protocols") as bar:
            result = run_compare(
                cond, names, params, processes=_whole(processes, "processes"), on_progress=bar
            )
        _emit(result, as_json)
        failed.extend(result.failed)
        if plot is not None:
            from monoselect import plots

            plots.write_comparison(result, plot)
            _note(as_json, f"plot written to {plot}")

    _guarded(body)
    if failed:
        _error_line("; ".join(f"{n} could not run: {e}" for n, e in failed) + " (field: protocols)")
        raise typer.Exit(2)


def _whole(text: str | None, field: str) -> int | None:
    """A whole number given as text, or one InvalidInput naming the field."""
    from monoselect.errors import InvalidInput

    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a whole number", field=field, fix="e.g. 2") from None


def _parse_em(values: list[str] | None) -> dict[int, float] | None:
    """'8=0.01' -> {8: 0.01}; one InvalidInput naming the field otherwise."""
    from monoselect.errors import InvalidInput

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
    as_json: AsJson = False,
) -> None:
    """Every species up to symmetry: SMILES, formula, MW, m/z ([M+H]+, [M+2H]2+), isotopes."""

    def body():
        from monoselect import plots, species_table

        if svg is not None:
            plots.check_path(svg, (".svg",), "svg")
        table = species_table(substrate, electrophile)
        if as_json:
            rows = [s.__dict__ for s in table.species]
            sys.stdout.write(json.dumps(rows, indent=2, allow_nan=False) + "\n")
        else:
            from rich.console import Console

            from monoselect.render import species as render_species

            Console().print(render_species(table))
        if svg is not None:
            from monoselect.chem.products import depict_svg

            text = depict_svg(table.species)
            plots.commit(lambda tmp: tmp.write_text(text, encoding="utf-8"), svg, "svg")
            _note(as_json, f"structures written to {svg}")

    _guarded(body)


def _version(value: bool) -> None:
    if value:
        from monoselect import __version__

        typer.echo(f"monoselect {__version__}")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="print the version"),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="show the traceback of an unexpected error")
    ] = False,
) -> None:
    """Predict SM / mono / bis for mono-functionalisation of diamines."""
    ctx.obj = {"debug": debug}
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def main(argv: list[str] | None = None) -> None:
    """Entry point: an unexpected error is one line (its traceback with --debug)."""
    # typer's bundled click: UsageError is the base of an unknown option, a missing value...
    usage_error = typer.BadParameter.__mro__[1]

    args = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a C/ASCII locale must not break the tables
        if (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(errors="replace")
    try:
        code = app(args=args, prog_name="monoselect", standalone_mode=False)
    except usage_error as exc:
        ctx = getattr(exc, "ctx", None)
        sub = f" {ctx.info_name}" if ctx is not None and ctx.parent is not None else ""
        where = f"monoselect{sub} --help"
        sys.stderr.write(f"error: {exc.format_message()} - see {where}\n")
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("aborted\n")
        sys.exit(1)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except Exception as exc:
        if "--debug" in args:
            raise
        sys.stderr.write(
            f"error: unexpected {type(exc).__name__}: {exc} - this is a bug in monoselect; "
            "rerun with --debug for the traceback and report it\n"
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
