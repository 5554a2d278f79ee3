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


def warm() -> None:
    """Load RDKit, SciPy and the compiled integrator before the first request needs them."""
    simulate({}, lambda done, total: None)


JOBS: dict[str, Callable[[dict, Progress], dict]] = {
    "simulate": simulate,
    "compare": compare,
    "structure": structure,
    "scenario_file": scenario_file,
}
