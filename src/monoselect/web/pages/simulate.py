"""Simulate one scenario: the structure as typed, the split, the time course, the notes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse

from monoselect.web.common import JOB_PATTERN, ErrorBody, fields_doc, render, run_job, stored

SAVE_DOC = "keep the run in the store (its id comes back in the X-Run-Id header)"

router = APIRouter()

EXAMPLE = {
    "substrate": "piperazine",
    "electrophile": "Boc2O",
    "eq": 1.0,
    "conc": "0.2 M",
    "addition_time": "1 h",
}


def _scenario_doc() -> str:
    from monoselect import Scenario

    return fields_doc(
        Scenario.model_fields,
        "The body is a scenario, as in a scenario file (YAML or JSON) for "
        "`monoselect simulate`; quantities may carry units ('4 h', '0 degC'). The answer is "
        "`Result.to_dict()`, identical to `monoselect simulate --json`. Pass `job` to follow "
        "progress at `/api/progress/{job}`.",
    )


ERRORS = {
    422: {"model": ErrorBody, "description": "invalid input: the field and the fix"},
    413: {"model": ErrorBody, "description": "body too large"},
    429: {"model": ErrorBody, "description": "too many requests from this client"},
    504: {"model": ErrorBody, "description": "over the compute time per request"},
}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def simulate_page(request: Request):
    return render(request, "simulate.html", page="/", example=EXAMPLE)


@router.post(
    "/api/simulate",
    summary="Simulate one scenario",
    description=_scenario_doc(),
    responses=ERRORS,
    tags=["simulate"],
)
async def simulate_api(
    request: Request,
    response: Response,
    scenario: Annotated[dict[str, Any], Body(examples=[EXAMPLE])],
    job: Annotated[str | None, Query(pattern=JOB_PATTERN)] = None,
    save: Annotated[bool, Query(description=SAVE_DOC)] = False,
) -> dict:
    data = await run_job(request, "simulate", scenario, job)
    if save:
        response.headers["X-Run-Id"] = str(await stored(request, "save_run", data))
    return data


@router.post(
    "/api/structure",
    summary="Draw the substrate as typed and its products (SVG)",
    description="Body: `substrate` and `electrophile` (names or SMILES). Returns `svg` (drawn "
    "by RDKit on the server) and the species with formula, MW and [M+H]+.",
    responses=ERRORS,
    tags=["simulate"],
)
async def structure_api(
    request: Request,
    body: Annotated[
        dict[str, Any], Body(examples=[{"substrate": "C1CNCCN1", "electrophile": "Boc2O"}])
    ],
) -> dict:
    return await run_job(request, "structure", body, None)


@router.post(
    "/api/scenario-file",
    summary="Read an uploaded scenario file",
    description="Multipart upload `file` (.yaml, .yml or .json, as for `monoselect simulate "
    "FILE`), validated exactly as the command line does. Returns the fields the file sets, "
    "as written, ready to send to `/api/simulate`.",
    responses=ERRORS,
    tags=["simulate"],
)
async def scenario_file_api(request: Request, file: UploadFile) -> dict:
    content = await file.read()
    payload = {"name": file.filename or "scenario.yaml", "content": content}
    return await run_job(request, "scenario_file", payload, None)
