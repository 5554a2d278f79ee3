"""Compare every applicable protocol on the same conditions, ranked."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import HTMLResponse

from monoselect.web.common import JOB_PATTERN, fields_doc, render, run_job, stored
from monoselect.web.pages.simulate import ERRORS, SAVE_DOC

router = APIRouter()

EXAMPLE = {"substrate": "piperazine", "electrophile": "Boc2O", "eq": 1.0}


def _conditions_doc() -> str:
    from monoselect import make_conditions

    return fields_doc(
        type(make_conditions()).model_fields,
        "The body is a conditions file for `monoselect compare`, plus optional `protocols` "
        "(a list of names) and `params` (settings per protocol). The answer is identical to "
        "`monoselect compare --json`; protocols that could not run are listed in `failed`.",
    )


@router.get("/compare", response_class=HTMLResponse, include_in_schema=False)
async def compare_page(request: Request):
    return render(request, "compare.html", page="/compare", example=EXAMPLE)


@router.post(
    "/api/compare",
    summary="Compare protocols",
    description=_conditions_doc(),
    responses=ERRORS,
    tags=["compare"],
)
async def compare_api(
    request: Request,
    response: Response,
    conditions: Annotated[dict[str, Any], Body(examples=[EXAMPLE])],
    job: Annotated[str | None, Query(pattern=JOB_PATTERN)] = None,
    save: Annotated[bool, Query(description=SAVE_DOC)] = False,
) -> dict:
    data = await run_job(request, "compare", conditions, job)
    if save:
        response.headers["X-Run-Id"] = str(await stored(request, "save_run", data))
    return data
