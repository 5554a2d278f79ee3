"""What every page module shares: rendering a template, running a job in the worker pool
with progress, and the shape of an error."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import Request
from pydantic import BaseModel

JOB_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


class ErrorBody(BaseModel):
    """Every error the API returns: the whole message, the field at fault and what to do."""

    error: str
    message: str
    field: str | None = None
    fix: str | None = None
    kind: str | None = None


def render(request: Request, template: str, **context: Any):
    """A page from ``templates/``, with the navigation of every registered page."""
    from monoselect import __version__
    from monoselect.web.pages import NAV

    templates = request.app.state.templates
    return templates.TemplateResponse(
        request, template, {"nav": NAV, "version": __version__, **context}
    )


async def run_job(request: Request, name: str, payload: dict, job: str | None) -> dict:
    """Run ``name`` in a worker; while it runs, ``GET /api/progress/{job}`` reports it."""
    state = request.app.state
    if job is None:
        return await state.pool.run(name, payload)
    started = time.monotonic()
    state.progress[job] = {"done": 0, "total": 0, "started": started}

    def on_progress(done: int, total: int) -> None:
        state.progress[job] = {"done": done, "total": total, "started": started}

    try:
        return await state.pool.run(name, payload, on_progress)
    finally:
        state.progress.pop(job, None)


def fields_doc(model_fields: dict, heading: str) -> str:
    """The body's fields for the OpenAPI docs, read from the spec the CLI validates with."""
    lines = [heading, ""]
    for name, info in model_fields.items():
        text = info.description or ""
        default = info.default
        shown = "" if default is None else f" (default {default!r})"
        lines.append(f"- `{name}`{': ' + text if text else ''}{shown}")
    return "\n".join(lines)


def _store(request: Request):
    """The store the server keeps runs in, opened (and checked) on first use."""
    state = request.app.state
    if getattr(state, "store", None) is None:
        from monoselect import Store

        store = Store(state.settings.db)
        store.check()
        state.store = store
    return state.store


async def stored(request: Request, method: str, *args, **kwargs):
    """``Store.<method>(...)`` off the event loop: e.g. ``save_run`` (a result's
    ``to_dict()`` in, the run id ``runs show`` takes out) or ``list_runs``."""
    store = await asyncio.to_thread(_store, request)
    return await asyncio.to_thread(getattr(store, method), *args, **kwargs)
