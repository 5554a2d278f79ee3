"""What a worker process runs: JSON in, JSON out, through the public API only.

Each job takes the request body (a dict, exactly what a scenario or conditions file holds)
and a progress callback, and returns strict-JSON data. Validation is the CLI's: the same
``make_scenario`` / ``make_conditions`` and the same errors naming the field.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]


def simulate(payload: dict, progress: Progress) -> dict:
    """One scenario: ``Result.to_dict()`` (identical to ``monoselect simulate --json``)."""
    from monoselect import make_scenario, simulate

    return simulate(make_scenario(**payload), on_progress=progress).to_dict()


def compare(payload: dict, progress: Progress) -> dict:
    """Every applicable protocol, ranked (identical to ``monoselect compare --json``)."""
    from monoselect import compare, make_conditions

    data = dict(payload)
    names = data.pop("protocols", None)
    params = data.pop("params", None)
    return compare(make_conditions(**data), names, params, on_progress=progress).to_dict()


def structure(payload: dict, progress: Progress) -> dict:
    """The substrate as typed, with its products by this electrophile, as one SVG grid.

    Drawn by RDKit on the server (no drawing code in the browser); the same species table
    as ``monoselect species`` so a SMILES the simulation would refuse is refused here too.
    """
    from monoselect import InvalidInput, depict_svg, species_table

    data = dict(payload)
    substrate = data.pop("substrate", None) or "1,4-diazepane"
    electrophile = data.pop("electrophile", None) or "Boc2O"
    if data:
        key = next(iter(data))
        raise InvalidInput(
            f"{key!r} is not a structure field",
            field=key,
            fix="give substrate and electrophile only",
        )
    for field, value in (("substrate", substrate), ("electrophile", electrophile)):
        if not isinstance(value, str):
            raise InvalidInput(f"{field} must be text, got {value!r}", field=field)
    table = species_table(substrate, electrophile)
    rows = [
        {
            "label": s.label,
            "smiles": s.smiles,
            "formula": s.formula,
            "mw": s.mw,
            "mz_M_plus_H": s.mz_h,
        }
        for s in table.species
    ]
    return {"svg": depict_svg(table.species), "species": rows}


def scenario_file(payload: dict, progress: Progress) -> dict:
    """An uploaded scenario file read exactly as ``monoselect simulate FILE`` reads it.

    The text goes to a private temporary file (users never name a path on the server); only
    the upload's suffix picks JSON or YAML. Messages name the upload, not the temporary path.
    The answer holds the fields the file set, as written, for the form.
    """
    import re
    import tempfile
    from pathlib import Path

    from monoselect import InvalidInput, MonoselectError, load_scenario

    name = Path(str(payload.get("name") or "scenario.yaml")).name
    shown = re.sub(r"[^\w.,+ -]", "_", name)[:80] or "scenario.yaml"
    suffix = Path(shown).suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise InvalidInput(
            f"{shown} is not a scenario file", field="file", fix="upload a .yaml or .json file"
        )
    with tempfile.TemporaryDirectory(prefix="monoselect-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(payload.get("content", b""))
        try:
            scenario = load_scenario(path)
        except MonoselectError as exc:
            message = exc.message.replace(str(path), shown)
            raise type(exc)(message, field=exc.field, fix=exc.fix) from None
    return {"name": shown, "scenario": scenario.model_dump(mode="json", exclude_unset=True)}


# -- the help desk and the bench: one job per command, the CLI's file format in --------------


def _split(payload: dict, keys: tuple[str, ...]) -> tuple[dict, dict]:
    data = dict(payload)
    return {k: data.pop(k) for k in keys if k in data}, data


def _advise(payload: dict):
    from monoselect import make_conditions, make_constraints, recommend

    own, data = _split(payload, ("max_steps", "equipment", "target_purity"))
    return recommend(make_conditions(**data), make_constraints(**own))


def _troubleshoot(payload: dict):
    from monoselect import InvalidInput, make_scenario, make_symptom, troubleshoot

    symptom, data = _split(payload, ("symptom",))
    block = symptom.get("symptom") or {}
    if not isinstance(block, dict) or not block:
        raise InvalidInput(
            "say what you saw", field="symptom", fix="give symptom: {observed: 'bis 40 %'}"
        )
    return troubleshoot(make_scenario(**data), make_symptom(**block))


def _optimise(payload: dict):
    from monoselect import make_conditions, optimise

    own, data = _split(payload, ("protocol", "variables", "min_mono", "max_bis"))
    return optimise(
        make_conditions(**data),
        own.get("protocol", "excess"),
        own.get("variables"),
        min_mono_on_electrophile=own.get("min_mono"),
        max_bis=own.get("max_bis"),
    )


def _workup(payload: dict):
    from monoselect import InvalidInput, make_scenario, workup

    own, data = _split(payload, ("scenario",))
    spec = own.get("scenario") or {}
    if not isinstance(spec, dict):
        raise InvalidInput("scenario must be a mapping of scenario fields", field="scenario")
    return workup(make_scenario(**spec), data)


def _procedure(payload: dict):
    from monoselect import InvalidInput, compare, make_conditions, make_scenario, procedure

    own, data = _split(payload, ("protocol", "workup"))
    plan = own.get("workup")
    if plan is not None and not isinstance(plan, dict | list):  # never a path on the server
        raise InvalidInput(
            "workup must be the steps themselves, not a file name",
            field="workup",
            fix="give workup: {steps: [...], product: mono}",
        )
    if own.get("protocol"):
        done = compare(make_conditions(**data), [own["protocol"]])
        if not done.ranked:
            name, message = done.failed[0]
            raise InvalidInput(f"{name} could not run: {message}", field="protocol")
        return procedure(done.ranked[0], workup=own.get("workup"))
    return procedure(make_scenario(**data), workup=own.get("workup"))


def _fit(payload: dict):
    from monoselect import fit

    own, data = _split(payload, ("param", "per_run"))
    return fit(data, tuple(own.get("param") or ("kappa",)), tuple(own.get("per_run") or ()))


DESK = {
    "advise": _advise,
    "troubleshoot": _troubleshoot,
    "optimise": _optimise,
    "workup": _workup,
    "procedure": _procedure,
    "fit": _fit,
}


def desk(payload: dict, progress: Progress) -> dict:
    """One help-desk or bench command on its file's mapping: ``to_dict()``, identical to the
    command's ``--json``. With ``view``, also the command's own rendering as HTML."""
    import io

    from monoselect import InvalidInput, parse_mapping

    command = payload.get("command")
    if command not in DESK:
        raise InvalidInput(f"no command {command!r}", field="command", fix=", ".join(DESK))
    body = payload.get("input")
    if isinstance(body, str):  # the page's text box: the command's file, read as a file is
        body = parse_mapping(body, "input")
    if not isinstance(body, dict):
        raise InvalidInput("the input must be a mapping", field="input")
    result = DESK[command](body)
    out = {"result": result.to_dict()}
    if payload.get("view"):
        from rich.console import Console

        console = Console(record=True, width=110, file=io.StringIO())
        console.print(result)
        out["html"] = console.export_html(inline_styles=True, code_format="<pre>{code}</pre>")
        out["svg"] = _picture(result)
    if payload.get("report"):
        out["report"] = _report(result, payload["report"])
    return out if payload.get("view") or payload.get("report") else out["result"]


def _picture(result) -> str | None:
    """The command's picture as inline SVG (drawn into a private temporary file), or None
    when it has none."""
    import tempfile
    from pathlib import Path

    from monoselect import InvalidInput, write_picture

    with tempfile.TemporaryDirectory(prefix="monoselect-picture-") as folder:
        try:
            path = write_picture(result, Path(folder) / "picture.svg")
        except InvalidInput:
            return None
        text = path.read_text(encoding="utf-8")
    return text[text.index("<svg") :]


def _report(result, kind: str) -> dict:
    """The procedure as a document: HTML or Markdown text, or PDF as base64."""
    import base64
    import tempfile
    from pathlib import Path

    from monoselect import InvalidInput, write_report

    if getattr(result, "kind", "") != "procedure":
        raise InvalidInput("a report is written for a procedure", field="report")
    if kind not in ("html", "md", "pdf"):
        raise InvalidInput(f"no report format {kind!r}", field="report", fix="html, md or pdf")
    with tempfile.TemporaryDirectory(prefix="monoselect-report-") as folder:
        path = write_report(result, Path(folder) / f"plan.{kind}")
        data = path.read_bytes()
    if kind == "pdf":
        return {"format": kind, "base64": base64.b64encode(data).decode("ascii")}
    return {"format": kind, "text": data.decode("utf-8")}


def warm() -> None:
    """Load RDKit, SciPy and the compiled integrator before the first request needs them."""
    simulate({}, lambda done, total: None)


JOBS: dict[str, Callable[[dict, Progress], dict]] = {
    "simulate": simulate,
    "compare": compare,
    "structure": structure,
    "scenario_file": scenario_file,
    "desk": desk,
}
