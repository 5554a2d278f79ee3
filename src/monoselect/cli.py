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
    "mixing_model": (str, "'engulfment' resolves the feed zone at your stirring (default ideal)"),
    "kappa": (str, "k2/k1 (molecular ratio)"),
    "rho": (str, "per-site ratio after one substitution"),
    "k": (str, "per-site rate constant, e.g. '0.05 L/mol/s'"),
    "steric": (
        str,
        "steric factor (0-1]: per alpha substituent, e.g. 0.1, or per site, e.g. 'N1=0.1'",
    ),
    "solubility": (
        str,
        "saturation concentration of a salt in the mixture, e.g. 'SM.2HCl=1 mM,Et3N.HCl=5 "
        "g/L': above it the salt precipitates (default: every salt stays dissolved)",
    ),
    "over_alkylation": (
        str,
        "multiplier on further alkylation of an alkylated N (NHR -> NR2 -> NR3+, a linker end "
        "closing on its own N); 0 = off",
    ),
}
# a flag from one of these groups drops the file's value of the others
EXCLUSIVE = (("kappa", "rho"),)


def _with_flags(func, *, receives: str, file_help: str, flags: dict, extra=(), take=None):
    """Give a command a file argument and ``flags`` (name -> (type, help)) as options, plus
    the ``extra`` parameters; the command receives the flags as ``receives`` and the file as
    ``path``. ``take(given, kwargs)`` may move extra options into the flags."""
    own = list(inspect.signature(func, eval_str=True).parameters.values())
    own = [p for p in own if p.name not in (receives, "path")]
    kw = inspect.Parameter.KEYWORD_ONLY
    added = [
        inspect.Parameter(
            "scenario",
            kw,
            default=None,
            annotation=Annotated[Path | None, typer.Argument(help=file_help)],
        ),
        *(
            inspect.Parameter(
                name, kw, default=None, annotation=Annotated[kind | None, typer.Option(help=text)]
            )
            for name, (kind, text) in flags.items()
        ),
        *extra,
    ]

    @functools.wraps(func)
    def command(**kwargs):
        path = kwargs.pop("scenario")
        given = {name: kwargs.pop(name) for name in flags}
        if take is not None:
            take(given, kwargs)
        return func(**{receives: given}, path=path, **kwargs)

    params = [*added, *(p.replace(kind=kw) for p in own)]
    command.__signature__ = inspect.Signature(params)
    command.__annotations__ = {p.name: p.annotation for p in params}
    del command.__wrapped__  # typer must read the signature above, not the function's
    return command


def _with_core(func):
    """The scenario argument, the core flags and ``--inverse``; the command receives
    ``flags`` (the core values given) and ``path``."""
    inverse = inspect.Parameter(
        "inverse",
        inspect.Parameter.KEYWORD_ONLY,
        default=False,
        annotation=Annotated[
            bool, typer.Option("--inverse", help="feed the substrate into the electrophile")
        ],
    )

    def take(given: dict, kwargs: dict) -> None:
        if kwargs.pop("inverse"):
            given["mode"] = "inverse"

    return _with_flags(
        func,
        receives="flags",
        file_help="scenario file (YAML or JSON); flags override",
        flags=CORE,
        extra=(inverse,),
        take=take,
    )


# the flags of compare's conditions file, which advise and optimise take too
CONDITIONS = {
    "substrate": "name or SMILES",
    "electrophile": "name or SMILES",
    "eq": "electrophile eq per diamine",
    "scale": "diamine for 1 eq, e.g. '10 mmol'",
    "conc": "concentration in the flask",
    "temperature": "e.g. '0 degC'",
    "solvent": "e.g. DCM, THF, MeOH (default DCM)",
    "mixing_model": "'engulfment' resolves the feed zone (default ideal)",
    "base": "'auto' (Et3N for acid-releasing electrophiles), a name, or 'none'",
    "base_eq": "base eq per diamine",
    "max_substrate_eq": "most diamine equivalents you accept",
    "max_time": "longest run you accept, e.g. '24 h'",
    "precious": "'substrate' or 'electrophile' (ranks by its yield)",
    "kappa": "k2/k1 per molecule, e.g. from `monoselect fit` (default: from pKa)",
    "k": "per-site rate constant of a fresh site, e.g. '0.01 L/mol/s'",
    "solubility": "salts that precipitate, e.g. 'SM.HCl=1 mM,Et3N.HCl=5 mM' (default none)",
}


def _with_conditions(func):
    """The conditions-file argument and the conditions flags; the command receives
    ``given`` (the flags given) and ``path``."""
    return _with_flags(
        func,
        receives="given",
        file_help="conditions file (YAML or JSON), flags override",
        flags={name: (str, text) for name, text in CONDITIONS.items()},
    )


AsJson = Annotated[bool, typer.Option("--json", help="print JSON instead of tables")]
PlotPath = Annotated[
    Path | None, typer.Option(help="write a picture of the run (.png, .svg or .html)")
]
Save = Annotated[bool, typer.Option("--save", help="keep the run in the store; prints its id")]
StoreUrl = Annotated[
    str | None,
    typer.Option("--db", help="store URL (default: MONOSELECT_DB, else a file in your data dir)"),
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


def _run(
    spec, *, as_json: bool, plot: Path | None, explain: bool = False, progress=None, store=None
):
    """Simulate, print (JSON or tables), save to ``store`` if given, then write the plot: a
    failed plot loses nothing."""
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
    _saved(store, result, as_json)
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
    save: Save = False,
    db: StoreUrl = None,
) -> None:
    """Simulate one scenario: SM / mono / bis over time and at the end.

    The family follows from the scenario: a bifunctional electrophile (X-L-X) runs as step
    growth, an aldehyde as reductive amination, resin or mixing options as those models.
    """

    def body():
        linker = {"cap": cap, "em": _parse_em(em)}
        spec = _scenario(path, flags, {"linker": linker} if cap is not None or em else None)
        store = _open_store(db, save)
        _run(spec, as_json=as_json, plot=plot, explain=explain, store=store)

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
@_with_conditions
def compare(
    given: dict,
    path: Path | None,
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
    save: Save = False,
    db: StoreUrl = None,
) -> None:
    """Simulate every applicable protocol on the same footing and rank them.

    Exits 2 when a protocol could not run on this input (the others are still shown).
    """
    failed: list = []

    def body():
        from monoselect.comparison import compare as run_compare

        if plot is not None:
            from monoselect import plots

            plots.check_path(plot)
        cond, own = _conditions(path, given, ("protocols", "params"))
        names = protocol or own.get("protocols")
        params = own.get("params")
        store = _open_store(db, save)
        # the total is corrected by the first progress report
        total = len(names) if isinstance(names, list) else 7
        with _progress(as_json, total, "simulating protocols") as bar:
            result = run_compare(
                cond, names, params, processes=_whole(processes, "processes"), on_progress=bar
            )
        _emit(result, as_json)
        _saved(store, result, as_json)
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


# -- help desk: troubleshoot, advise, optimise (monoselect.advise) ---------------------------


def _conditions(path: Path | None, given: dict, drop: tuple[str, ...] = ()):
    """Conditions from a conditions file under the flags (keys in ``drop`` are read by the
    command itself and returned separately)."""
    from monoselect.protocols.base import make_conditions
    from monoselect.scenario import read_mapping

    data = read_mapping(path, "conditions") if path else {}
    own = {k: data.pop(k) for k in drop if k in data}
    data.pop("protocols", None)
    data.pop("params", None)
    return make_conditions(**{**data, **{k: v for k, v in given.items() if v is not None}}), own


def _fraction_text(text: str | None, field: str) -> float | None:
    """'90 %' or 0.9 -> 0.9; one InvalidInput naming the field otherwise."""
    from monoselect.errors import InvalidInput

    if text is None:
        return None
    t = text.strip()
    try:
        x = float(t.rstrip("%").strip())
    except ValueError:
        raise InvalidInput(f"cannot read {text!r}", field=field, fix="e.g. '90 %' or 0.9") from None
    return x / 100 if t.endswith("%") or x > 1 else x


def _emit_data(obj, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(obj.to_dict(), indent=2, allow_nan=False) + "\n")
    else:
        from rich.console import Console

        Console().print(obj)


def _picture(result, plot: Path | None, as_json: bool) -> None:
    """The result's picture at ``plot`` (checked before the run), through the one entry
    point every result shares."""
    if plot is not None:
        from monoselect.pictures import write_picture

        write_picture(result, plot)
        _note(as_json, f"plot written to {plot}")


HelpPlot = Annotated[Path | None, typer.Option(help="write a picture (.png or .svg)")]


@app.command()
@_with_core
def troubleshoot(
    flags: dict,
    path: Path | None,
    observed: Annotated[
        str | None, typer.Option(help="what you saw, e.g. 'bis 40 %' or 'mono 50 %, bis 40 %'")
    ] = None,
    measured_by: Annotated[
        str | None,
        typer.Option(help="isolated, nmr, gc, hplc-uv, lcms or unknown (default unknown)"),
    ] = None,
    stalled: Annotated[
        str | None, typer.Option(help="electrophile consumed when it stopped, e.g. '50 %'")
    ] = None,
    gum: Annotated[bool, typer.Option("--gum", help="an insoluble gum formed")] = False,
    two_products: Annotated[
        bool, typer.Option("--two-products", help="two products on a linker")
    ] = False,
    peaks: Annotated[str | None, typer.Option(help="LC-MS m/z seen, e.g. '201.16, 301.21'")] = None,
    as_json: AsJson = False,
    plot: HelpPlot = None,
) -> None:
    """Why did my run give this? Causes ranked, each with its fix simulated.

    Each cause comes with the model's evidence; LC-MS peaks are assigned to species
    (ambiguous ones said).

    The scenario file or flags describe the run as done; a file may hold a `symptom:` block
    with the same keys as the options.
    """

    def body():
        from monoselect.advise import make_symptom, troubleshoot as run_troubleshoot
        from monoselect.scenario import make_scenario, read_mapping

        if plot is not None:
            from monoselect.advise import plots

            plots.check(plot)
        data = read_mapping(path) if path is not None else {}
        symptom_data = data.pop("symptom", None) or {}
        if not isinstance(symptom_data, dict):
            from monoselect.errors import InvalidInput

            raise InvalidInput("symptom must be a mapping", field="symptom")
        given = {k: v for k, v in flags.items() if v is not None}
        spec = make_scenario(**{**data, **given})
        symptom = make_symptom(
            **{
                **symptom_data,
                **{
                    k: v
                    for k, v in dict(
                        observed=observed,
                        measured_by=measured_by,
                        stalled=stalled,
                        gum=gum or None,
                        two_products=two_products or None,
                        peaks=peaks,
                    ).items()
                    if v is not None
                },
            }
        )
        result = run_troubleshoot(spec, symptom)
        _emit_data(result, as_json)
        _picture(result, plot, as_json)

    _guarded(body)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    host: Annotated[
        str, typer.Option(help="address to listen on (default: this machine only)")
    ] = "127.0.0.1",
    workers: Annotated[
        int | None, typer.Option(help="simulation worker processes (default: up to 2)")
    ] = None,
    rate_limit: Annotated[
        int, typer.Option(help="API requests per minute per client (0: no limit)")
    ] = 120,
    compute_seconds: Annotated[
        float, typer.Option(help="longest computation per request, seconds")
    ] = 60.0,
    db: StoreUrl = None,
) -> None:
    """Open the page in a browser: every command, with a JSON API (docs at /docs).

    Listens on 127.0.0.1 only unless --host says otherwise; nothing is fetched from the
    network (plotly.js, the API docs and the structures are served from this machine).
    """
    from monoselect.errors import InvalidInput

    def body():
        from monoselect.web import Settings, serve as run_server

        if not 0 < port < 65536:
            raise InvalidInput(f"port must be 1-65535, got {port}", field="port")
        if workers is not None and not 1 <= workers <= 64:
            raise InvalidInput(f"workers must be 1-64, got {workers}", field="workers")
        if rate_limit < 0 or not compute_seconds > 0:
            field = "rate_limit" if rate_limit < 0 else "compute_seconds"
            raise InvalidInput(f"{field} must be positive", field=field)
        options = dict(requests_per_minute=rate_limit, compute_seconds=compute_seconds, db=db)
        if workers is not None:
            options["workers"] = workers
        _note(False, f"monoselect on http://{host}:{port}/ (Ctrl-C stops it)")
        if host not in ("127.0.0.1", "localhost", "::1"):
            _note(False, f"note: listening on {host}: other machines can reach this page")
        run_server(host=host, port=port, settings=Settings(**options))

    _guarded(body)


# --- the store: `--save` on simulate/compare, and `monoselect runs list/show/export` --------


def _group(name: str, text: str) -> typer.Typer:
    """A command group (``monoselect NAME ...``) that shows its help when called bare."""
    group = typer.Typer(help=text)
    app.add_typer(group, name=name)

    @group.callback(invoke_without_command=True)
    def _root(ctx: typer.Context) -> None:
        if ctx.invoked_subcommand is None:
            typer.echo(ctx.get_help())
            raise typer.Exit(0)

    _root.__doc__ = text
    return group


runs_app = _group("runs", "Runs kept with --save: list them, show one, export them.")


def _open_store(db: str | None, save: bool = True):
    """The store, checked before any work (a bad URL must not cost a long run); None when
    nothing is to be saved."""
    if not save:
        if db is not None:
            from monoselect.errors import InvalidInput

            raise InvalidInput("--db says where to keep the run", field="db", fix="add --save")
        return None
    from monoselect import Store

    store = Store(db)
    store.check()
    return store


def _saved(store, result, as_json: bool) -> None:
    if store is not None:
        run_id = store.save_run(result)
        _note(as_json, f"saved as run {run_id} in {store.url} (monoselect runs show {run_id})")


def _percent(value) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


@runs_app.command("list")
def runs_list(
    db: StoreUrl = None,
    kind: Annotated[str | None, typer.Option(help="site, linker, compare, ...")] = None,
    substrate: Annotated[str | None, typer.Option(help="as written in the run")] = None,
    electrophile: Annotated[str | None, typer.Option(help="as written in the run")] = None,
    since: Annotated[str | None, typer.Option(help="saved on or after, e.g. 2026-11-01")] = None,
    limit: Annotated[str, typer.Option(help="show at most this many (newest first)")] = "20",
    as_json: AsJson = False,
) -> None:
    """The runs in the store, newest first: id, when, what, and the final split."""

    def body():
        store = _open_store(db)
        runs = store.list_runs(
            kind=kind,
            substrate=substrate,
            electrophile=electrophile,
            since=since,
            limit=_whole(limit, "limit"),
        )
        if as_json:
            rows = [r.to_dict() for r in runs]
            sys.stdout.write(json.dumps(rows, indent=2, allow_nan=False) + "\n")
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{len(runs)} of {store.count_runs()} runs in {store.url}")
        table.add_column("id", justify="right")
        table.add_column("saved (UTC)", no_wrap=True)
        table.add_column("run", overflow="fold")
        for name in ("SM", "mono", "bis"):  # the yields: runs show, runs export
            table.add_column(name, justify="right")
        for r in runs:
            eq = "" if r.eq is None else f"{r.eq:g} eq "
            what = f"{r.substrate or '?'} + {eq}{r.electrophile or '?'}"
            what += f" ({r.kind})" if r.protocol is None else f" (compare: {r.protocol} best)"
            table.add_row(
                str(r.id),
                r.created_at.strftime("%Y-%m-%d %H:%M"),
                what,
                *(
                    f"{r.fractions[k]:.3f}" if k in r.fractions else ""
                    for k in ("SM", "mono", "bis")
                ),
            )
        Console().print(table)

    _guarded(body)


@app.command()
@_with_core
def workup(
    flags: dict,
    path: Path | None,
    steps_file: Annotated[
        Path | None,
        typer.Option("--workup", help="workup file (steps, product); or give it as SCENARIO"),
    ] = None,
    step: Annotated[
        list[str] | None,
        typer.Option(help="one operation as YAML, e.g. '{wash: {with: water, volume: 20 mL}}'"),
    ] = None,
    product: Annotated[str | None, typer.Option(help="species to isolate (default mono)")] = None,
    search: Annotated[
        bool, typer.Option("--search", help="search the wash pH and number of washes")
    ] = False,
    search_step: Annotated[
        str | None, typer.Option(help="the wash to search (1 = first step; default first wash)")
    ] = None,
    min_recovery: Annotated[
        str | None, typer.Option(help="product to recover at least, e.g. 0.8 or '80 %'")
    ] = None,
    as_json: AsJson = False,
    plot: Annotated[
        Path | None,
        typer.Option(
            help="where every species is after each step (.png, .svg); with --search the purity map"
        ),
    ] = None,
) -> None:
    """Work up the simulated crude: recovery and purity of every species in every phase.

    Washes (their pH from the charge balance), extractions, evaporation, distillation.

    SCENARIO may be a workup file (with steps and, optionally, its scenario) or a scenario
    file with --workup FILE or --step options.
    """

    def body():
        import yaml

        from monoselect import (
            load_workup,
            make_workup,
            search_workup,
            workup as run_workup,  # the function (the package is callable)
        )
        from monoselect.errors import InvalidInput
        from monoselect.scenario import read_mapping
        from monoselect.workup.api import scenario_mapping
        from monoselect.workup.plot import FORMATS

        if plot is not None:
            from monoselect import plots

            plots.check_path(plot, FORMATS)
        scenario_path, defaults, plan = path, None, None
        for candidate in (path, steps_file):
            if candidate is None:
                continue
            data = read_mapping(candidate, "workup")
            if "steps" in data:
                plan = load_workup(candidate)
                if candidate == path:
                    scenario_path, defaults = None, scenario_mapping(candidate, data)
        if step:
            parsed = []
            for i, text in enumerate(step):
                try:
                    parsed.append(yaml.safe_load(text))
                except yaml.YAMLError:
                    raise InvalidInput(
                        f"cannot read step {i + 1} {text[:60]!r}",
                        field="step",
                        fix="write it like '{wash: {with: water, volume: 20 mL}}'",
                    ) from None
            plan = make_workup(parsed, plan.product if plan else "mono")
        if plan is None:
            raise InvalidInput(
                "no workup steps given",
                field="steps",
                fix="give --step once per operation, e.g. --step '{wash: {with: 0.5 M citric "
                "acid, volume: 2 x 20 mL, keep: aqueous}}' --step '{basify: {with: 2 M NaOH, "
                "to_ph: 12}}' --step '{extract: {solvent: DCM, volume: 3 x 20 mL}}', or a "
                "workup file with a steps: list (the repository's examples/workup_citric.yaml)",
            )
        if product is not None:
            plan = make_workup(plan.steps, product)
        spec = _scenario(scenario_path, flags, defaults=defaults)
        if search:
            fraction = 0.8 if min_recovery is None else _fraction(min_recovery, "min_recovery")
            index = None if search_step is None else _whole(search_step, "search_step") - 1
            result = search_workup(spec, plan, step=index, min_recovery=fraction)
        else:
            result = run_workup(spec, plan)
        _emit(result, as_json)
        _picture(result, plot, as_json)

    _guarded(body)


@runs_app.command("show")
def runs_show(
    run_id: Annotated[str, typer.Argument(help="the id shown by `monoselect runs list`")],
    db: StoreUrl = None,
    as_json: AsJson = False,
) -> None:
    """One run: its scenario and split (--json: the result exactly as it was saved)."""

    def body():
        run = _open_store(db).get_run(run_id)
        if as_json:
            sys.stdout.write(json.dumps(run.result, indent=2, allow_nan=False) + "\n")
            return
        from rich.console import Console
        from rich.table import Table

        console = Console()
        head = f"run {run.id}: {run.kind}, saved {run.created_at:%Y-%m-%d %H:%M} UTC"
        console.print(head + f" by monoselect {run.monoselect_version}", markup=False)
        scenario = Table("scenario", "value", title="Scenario")
        for key, value in run.scenario.items():
            if value is not None:
                scenario.add_row(
                    key, json.dumps(value) if isinstance(value, dict | list) else str(value)
                )
        console.print(scenario)
        split = Table(
            "",
            "fraction",
            title="Final split" + (f" ({run.protocol}, best ranked)" if run.protocol else ""),
        )
        for key, value in run.fractions.items():
            split.add_row(key, f"{value:.3f}")
        split.add_row("mono yield on substrate", _percent(run.mono_yield_on_substrate))
        split.add_row("mono yield on electrophile", _percent(run.mono_yield_on_electrophile))
        console.print(split)
        for title in ("assumptions", "warnings"):
            if run.result.get(title):
                console.print(title.capitalize(), style="bold")
                for line in run.result[title]:
                    console.print(f"  - {line}", markup=False, highlight=False)

    _guarded(body)


@runs_app.command("export")
def runs_export(
    db: StoreUrl = None,
    format: Annotated[str, typer.Option("--format", help="json (full records) or csv")] = "json",
    out: Annotated[Path | None, typer.Option(help="write to this file (default: print)")] = None,
    run_id: Annotated[
        list[str] | None, typer.Option("--id", help="only this run (repeat the option)")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="site, linker, compare, ...")] = None,
    substrate: Annotated[str | None, typer.Option(help="as written in the run")] = None,
    electrophile: Annotated[str | None, typer.Option(help="as written in the run")] = None,
    since: Annotated[str | None, typer.Option(help="saved on or after, e.g. 2026-11-01")] = None,
    until: Annotated[str | None, typer.Option(help="saved on or before")] = None,
) -> None:
    """Runs as JSON or CSV, newest first.

    JSON: each run's result as it was saved. CSV: one row per run, the split as columns.
    """

    def body():
        store = _open_store(db)
        filters = dict(kind=kind, substrate=substrate, electrophile=electrophile)
        filters.update(since=since, until=until)
        text = store.export(
            "runs", format, ids=run_id or None, out=out, **({} if run_id else filters)
        )
        if out is None:
            sys.stdout.write(text)
        else:
            count = len(run_id) if run_id else len(store.list_runs(**filters))
            _note(False, f"{count} runs written to {out}")

    _guarded(body)


@app.command()
@_with_conditions
def advise(
    given: dict,
    path: Path | None,
    max_steps: Annotated[str | None, typer.Option(help="most steps you accept (default 3)")] = None,
    equipment: Annotated[
        list[str] | None,
        typer.Option(help="what you have: syringe_pump, resin, flow (repeat; default all)"),
    ] = None,
    target_purity: Annotated[
        str | None, typer.Option(help="least mono among the products, e.g. '90 %'")
    ] = None,
    as_json: AsJson = False,
    plot: HelpPlot = None,
) -> None:
    """Which protocol, given your constraints? Protocols ranked, with the decision path.

    Constraints: what is precious, how much diamine, time, steps and equipment. The rules of
    thumb are checked for this case."""

    def body():
        from monoselect.advise import make_constraints, recommend

        if plot is not None:
            from monoselect.advise import plots

            plots.check(plot)
        cond, own = _conditions(path, given, ("max_steps", "equipment", "target_purity"))
        constraints = make_constraints(
            **{
                **own,
                **{
                    k: v
                    for k, v in dict(
                        max_steps=_whole(max_steps, "max_steps"),
                        equipment=[p for e in equipment for p in e.split(",")]
                        if equipment
                        else None,
                        target_purity=_fraction_text(target_purity, "target_purity"),
                    ).items()
                    if v is not None
                },
            }
        )
        result = recommend(cond, constraints)
        _emit_data(result, as_json)
        _picture(result, plot, as_json)

    _guarded(body)


@app.command()
@_with_conditions
def optimise(
    given: dict,
    path: Path | None,
    protocol: Annotated[
        str, typer.Option(help="direct, inverse, excess, slow_addition or hcl_salt")
    ] = "excess",
    variable: Annotated[
        list[str] | None,
        typer.Option(
            help="searched: eq, substrate_eq, addition_time, feed_conc, conc, temperature, "
            "acid_eq (repeat; default per protocol)"
        ),
    ] = None,
    min_mono: Annotated[
        str | None, typer.Option(help="target: mono on the electrophile at least, e.g. '90 %'")
    ] = None,
    max_bis: Annotated[str | None, typer.Option(help="target: bis at most, e.g. '5 %'")] = None,
    as_json: AsJson = False,
    plot: Annotated[
        Path | None, typer.Option(help="mono yield vs diamine used, the front (.png or .svg)")
    ] = None,
) -> None:
    """Best conditions for one protocol, or the least diamine that meets a target.

    A bounded search within your limits; the optimum's sensitivity to each variable."""

    def body():
        from monoselect.advise import optimise as run_optimise

        if plot is not None:
            from monoselect.advise import plots

            plots.check(plot)
        cond, _ = _conditions(path, given)
        result = run_optimise(
            cond,
            protocol,
            variable or None,
            min_mono_on_electrophile=_fraction_text(min_mono, "min_mono"),
            max_bis=_fraction_text(max_bis, "max_bis"),
        )
        _emit_data(result, as_json)
        _picture(result, plot, as_json)

    _guarded(body)


def _fraction(text: str, field: str) -> float:
    """A fraction given as '0.8' or '80 %'; one InvalidInput naming the field otherwise."""
    from monoselect.errors import InvalidInput
    from monoselect.units import parse_quantity

    value = parse_quantity(text, "dimensionless", field)
    if not 0 <= value <= 1:
        raise InvalidInput(f"{field} must be 0-1 (or 0-100 %), got {text}", field=field)
    return value


# -- from plan to bench: procedure and report (monoselect.procedure) ----------------------------


def _fitted(fit_file: Path | None) -> tuple[dict, dict]:
    """(values, 95 % intervals) of kappa and k from a `monoselect fit --json` file."""
    from monoselect.errors import InvalidInput

    if fit_file is None:
        return {}, {}
    try:
        data = json.loads(fit_file.read_text(encoding="utf-8"))
        params = {p["name"]: p for p in data["fit"]["parameters"]}
    except (OSError, ValueError, KeyError, TypeError):
        raise InvalidInput(
            f"cannot read a fit from {fit_file}",
            field="fit",
            fix="give the output of `monoselect fit EXPERIMENTS --json > fit.json`",
        ) from None
    values, intervals = {}, {}
    for name in ("kappa", "k"):
        if name in params:
            v = params[name]["value"]
            values[name] = v if name == "kappa" else f"{v:.6g} L/mol/s"
            intervals[name] = tuple(params[name]["ci95"])
    return values, intervals


def _procedure_for(
    flags: dict, path: Path | None, protocol: str | None, workup_file, fit_file=None
):
    """The ProcedureResult of a scenario (file and flags) or of a registered protocol run on
    the conditions those give; a fit's kappa and k are used unless given, and its intervals
    become ranges of the expected outcome."""
    from monoselect.procedure import procedure as build

    values, intervals = _fitted(fit_file)
    flags = {**flags, **{k: v for k, v in values.items() if flags.get(k) is None}}
    if protocol is None:
        return build(_scenario(path, flags), workup=workup_file, intervals=intervals)
    from monoselect.errors import InvalidInput
    from monoselect.protocols import PROTOCOLS
    from monoselect.protocols.base import Conditions, make_conditions
    from monoselect.scenario import read_mapping

    if protocol not in PROTOCOLS:
        raise InvalidInput(
            f"no protocol {protocol!r}",
            field="protocol",
            fix="one of " + ", ".join(PROTOCOLS),
        )
    data = read_mapping(path) if path is not None else {}
    given = {**data, **{k: v for k, v in flags.items() if v is not None}}
    unused = sorted(k for k in given if k not in Conditions.model_fields)
    if unused:
        raise InvalidInput(
            f"{', '.join(unused)} cannot be set with --protocol (the protocol sets them)",
            field=unused[0],
            fix="leave it out, or give a scenario without --protocol",
        )
    run = PROTOCOLS[protocol].run(make_conditions(**given))
    return build(run, workup=workup_file, intervals=intervals)


WorkupFile = Annotated[
    Path | None, typer.Option("--workup", help="workup file to simulate on the same crude")
]
FitFile = Annotated[
    Path | None,
    typer.Option(
        "--fit",
        help="a `monoselect fit --json` file: its kappa and k, and their intervals as ranges",
    ),
]
ProtocolName = Annotated[
    str | None,
    typer.Option(help="write a registered protocol (hcl_salt, slow_addition, excess...)"),
]


@app.command()
@_with_core
def procedure(
    flags: dict,
    path: Path | None,
    protocol: ProtocolName = None,
    workup_file: WorkupFile = None,
    fit_file: FitFile = None,
    as_json: AsJson = False,
) -> None:
    """What to weigh, what to pump, in which order, and what to expect.

    Reagent table (mass, volume, form as bought), pump rates, steps with times and
    temperatures, the simulated outcome along the way, LC-MS ions to watch, bench notes."""

    def body():
        _emit(_procedure_for(flags, path, protocol, workup_file, fit_file), as_json)

    _guarded(body)


@app.command()
@_with_core
def report(
    flags: dict,
    path: Path | None,
    out: Annotated[
        list[Path],
        typer.Option("--out", "-o", help="file to write: .html, .md or .pdf (repeat for several)"),
    ],
    protocol: ProtocolName = None,
    workup_file: WorkupFile = None,
    fit_file: FitFile = None,
    as_json: AsJson = False,
) -> None:
    """The plan as a document: HTML, Markdown for a lab notebook, or PDF.

    Self-contained: structures, plot, tables and sources; nothing is fetched."""

    def body():
        from monoselect.procedure.report import check_path, write_report

        for target in out:
            check_path(target)
        result = _procedure_for(flags, path, protocol, workup_file, fit_file)
        for target in out:
            write_report(result, target)
            _note(as_json, f"report written to {target}")
        if as_json:
            _emit(result, True)

    _guarded(body)


# -- learn from the flask: fit (monoselect.fit) --------------------------------------------------


@app.command()
def fit(
    experiments: Annotated[
        Path | None, typer.Argument(help="experiments file (YAML, JSON or CSV)")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            help="parameter to fit: kappa, k (repeat; default kappa, and k when a "
            "sample was taken during a run)"
        ),
    ] = None,
    per_run: Annotated[
        list[str] | None, typer.Option(help="fit this parameter per experiment (repeat)")
    ] = None,
    save_params: Annotated[
        Path | None,
        typer.Option(
            help="write the fitted kappa and k as YAML: a scenario or conditions "
            "file that simulate, compare, advise, procedure... take"
        ),
    ] = None,
    stored: Annotated[
        list[int] | None,
        typer.Option(help="also fit experiments kept in the store, by id (repeat)"),
    ] = None,
    save: Annotated[
        bool, typer.Option("--save", help="keep the file's experiments and the fit in the store")
    ] = False,
    db: StoreUrl = None,
    as_json: AsJson = False,
    plot: Annotated[
        Path | None, typer.Option(help="observed against fitted and the profiles (.png, .svg)")
    ] = None,
) -> None:
    """Learn kappa (and the time scale k) from what your runs gave.

    Maximum likelihood on the full simulation of each run, 95 % intervals by profile
    likelihood, each parameter said identifiable, one-sided or flat."""

    def body():
        import yaml

        from monoselect.errors import InvalidInput
        from monoselect.fit import fit as run_fit
        from monoselect.fit.experiments import experiment, from_stored, raw_experiments

        if plot is not None:
            from monoselect.fit.plots import check

            check(plot)
        if experiments is None and not stored:
            raise InvalidInput(
                "no experiments", field="experiments", fix="give a file, or --stored ID"
            )
        store = _open_store(db, save or bool(stored))
        raws = raw_experiments(experiments) if experiments is not None else []
        exps = [experiment(raw, i) for i, raw in enumerate(raws)]  # the file is read once
        exps += [from_stored(store.get_experiment(i)) for i in stored or ()]
        names = param or (
            ["kappa", "k"]
            if any(o.time_s is not None for e in exps for o in e.observations)
            else ["kappa"]
        )
        result = run_fit(exps, tuple(names), tuple(per_run or ()))
        _emit(result, as_json)
        _picture(result, plot, as_json)
        if save_params is not None:
            from monoselect.plots import commit

            sources = [experiments.name] if experiments is not None else []
            sources += [f"stored experiment {i}" for i in stored or ()]
            text = (
                "# fitted by monoselect fit from "
                + ", ".join(sources)
                + "\n"
                + yaml.safe_dump(result.fitted_parameters(), sort_keys=False)
            )
            commit(lambda tmp: tmp.write_text(text, encoding="utf-8"), save_params, "save_params")
            _note(as_json, f"fitted parameters written to {save_params}")
        if save:
            ids = list(stored or ())
            # the file's experiments (first in ``exps``), named as parsed, kept as given
            for e, raw in zip(exps[: len(raws)], raws, strict=True):
                scenario, observations = raw.get("scenario") or {}, raw.get("observations")
                ids.append(store.save_experiment(e.name, scenario, observations))
            fit_id = store.save_fit(
                {p.name: result.values[p.name] for p in result.params},
                {k: list(v) for k, v in result.intervals.items()},
                ids,
                result=result.to_dict(),
            )
            _note(as_json, f"saved experiments {ids} and fit {fit_id} in {store.url}")

    _guarded(body)


experiments_app = _group("experiments", "Experiments and fits kept with `monoselect fit --save`.")


@experiments_app.command("list")
def experiments_list(
    db: StoreUrl = None,
    name: Annotated[str | None, typer.Option(help="part of the name")] = None,
    as_json: AsJson = False,
) -> None:
    """Stored experiments, newest first, with the fits that drew on them."""

    def body():
        store = _open_store(db)
        exps = store.list_experiments(name=name)
        fits = store.list_fits()
        if as_json:
            data = {
                "experiments": [e.to_dict() for e in exps],
                "fits": [f.to_dict() for f in fits],
            }
            sys.stdout.write(json.dumps(data, indent=2, allow_nan=False) + "\n")
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"Experiments in {store.url}", title_justify="left")
        for col in ("id", "name", "substrate", "electrophile", "observations", "saved"):
            table.add_column(col)
        for e in exps:
            table.add_row(
                str(e.id),
                e.name,
                e.substrate or "",
                e.electrophile or "",
                str(len(e.observations)),
                e.created_at.strftime("%Y-%m-%d %H:%M"),
            )
        fit_table = Table(title="Fits", title_justify="left")
        for col in ("id", "parameters", "experiments", "saved"):
            fit_table.add_column(col)
        for f in fits:
            fit_table.add_row(
                str(f.id),
                ", ".join(f"{k} {v:.3g}" for k, v in f.parameters.items()),
                ", ".join(str(i) for i in f.experiment_ids),
                f.created_at.strftime("%Y-%m-%d %H:%M"),
            )
        Console().print(table, fit_table)

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
    code = code if isinstance(code, int) else 0
    if code == 0:
        _compile_ahead()
    sys.exit(code)


def _compile_ahead() -> None:
    """After a command that loaded the JIT-compiled integrator at a terminal: compile it
    ahead of time once, so later commands start without numba (half a second each)."""
    if "monoselect.kinetics.rosenbrock" not in sys.modules or not sys.stderr.isatty():
        return
    from monoselect.kinetics import aot

    # the command has succeeded: nothing here may turn it into a failure
    with contextlib.suppress(Exception):
        if aot.missing():
            aot.build_once(lambda text: sys.stderr.write(f"monoselect: {text}\n"))
