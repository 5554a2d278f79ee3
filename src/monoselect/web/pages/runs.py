"""The runs kept in the store: the same records as `monoselect runs list / show`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from monoselect.web.common import render, stored
from monoselect.web.pages.simulate import ERRORS

router = APIRouter()


@router.get("/runs", response_class=HTMLResponse, include_in_schema=False)
async def runs_page(request: Request):
    runs = await stored(request, "list_runs", limit=200)
    store = request.app.state.store
    return render(request, "runs.html", page="/runs", runs=runs, url=store.url)


@router.get("/api/runs", summary="Runs kept in the store", responses=ERRORS, tags=["runs"])
async def runs_api(request: Request) -> list[dict]:
    """Newest first, without their results: `monoselect runs list --json`."""
    return [r.to_dict() for r in await stored(request, "list_runs", limit=200)]


@router.get("/api/runs/{run_id}", summary="One kept run", responses=ERRORS, tags=["runs"])
async def run_api(request: Request, run_id: Annotated[int, Path(ge=1)]) -> dict:
    """The run with its scenario and result exactly as saved: `monoselect runs show ID --json`."""
    return (await stored(request, "get_run", run_id)).to_dict()
