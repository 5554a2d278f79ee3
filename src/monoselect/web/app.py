"""The FastAPI app: pages, JSON API, limits, local static files and local API docs."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

HERE = Path(__file__).parent


def _default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class Settings:
    """The server's limits. Defaults suit one chemist's machine; the load test raises the
    rate limit because all its clients share one address."""

    max_body_bytes: int = 256 * 1024  # a scenario is < 2 kB; uploads of experiments fit too
    compute_seconds: float = 60.0  # a full comparison takes ~1-2 s warm
    queue_seconds: float = 60.0  # longest wait for a free worker before 503
    requests_per_minute: int = 120  # per client address, API calls only
    workers: int = field(default_factory=_default_workers)
    db: str | None = None  # store URL for saved runs (None: MONOSELECT_DB or the data folder)


def _docs_assets() -> Path:
    """Swagger UI shipped by the fastapi-offline package (FastAPI's default loads it from a
    CDN)."""
    return Path(str(resources.files("fastapi_offline") / "static"))


def _error(status: int, message: str, field=None, fix=None, kind=None):
    from fastapi.responses import JSONResponse

    text = message + (f" (field: {field})" if field else "") + (f" - {fix}" if fix else "")
    return JSONResponse(
        {"error": text, "message": message, "field": field, "fix": fix, "kind": kind},
        status_code=status,
    )


def create_app(settings: Settings | None = None, pool=None):
    """The app with its worker pool started and stopped by the server's lifespan.

    ``pool``: anything with ``start``, ``close`` and ``run(name, payload, on_progress)``
    (default: worker processes per ``settings``), so a test or another executor can stand in.
    """
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles
    from fastapi.templating import Jinja2Templates
    from starlette.exceptions import HTTPException

    from monoselect import MonoselectError, __version__
    from monoselect.web.limits import BodyLimit, RateLimit
    from monoselect.web.pages import routers
    from monoselect.web.workers import Busy, ComputeTimeout, JobBug, WorkerDied, WorkerPool

    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app):
        await app.state.pool.start()
        try:
            yield
        finally:
            await app.state.pool.close()

    app = FastAPI(
        title="monoselect",
        version=__version__,
        description="Mono- vs bis-functionalisation of symmetric diamines. Every page of "
        "`monoselect serve` calls these endpoints; answers are the same JSON as the command "
        "line's `--json`.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.pool = pool or WorkerPool(
        settings.workers, settings.compute_seconds, settings.queue_seconds
    )
    app.state.progress = {}
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))

    @app.exception_handler(MonoselectError)
    async def invalid(request: Request, exc: MonoselectError):
        return _error(422, exc.message, exc.field, exc.fix, type(exc).__name__)

    @app.exception_handler(RequestValidationError)
    async def unreadable(request: Request, exc: RequestValidationError):
        err = exc.errors()[0]
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        where = ".".join(loc) or "body"
        if err.get("type") == "json_invalid":
            return _error(422, "the body is not valid JSON", "body", "send a JSON object")
        if loc[:1] == ["query"]:
            where = ".".join(loc[1:])
        return _error(422, err.get("msg", "invalid request"), where, None, "InvalidInput")

    @app.exception_handler(ComputeTimeout)
    async def too_long(request: Request, exc: ComputeTimeout):
        return _error(
            504,
            f"the run took more than {settings.compute_seconds:g} s and was stopped",
            None,
            "run it with the command line (no time limit), or shorten it (fewer protocols, "
            "a shorter time)",
            "ComputeTimeout",
        )

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy):
        response = _error(503, "every worker is busy", None, "try again in a moment", "Busy")
        response.headers["retry-after"] = "5"
        return response

    @app.exception_handler(WorkerDied)
    async def died(request: Request, exc: WorkerDied):
        return _error(500, f"the worker running this ended: {exc}", None, "try again", "Bug")

    @app.exception_handler(JobBug)
    async def bug(request: Request, exc: JobBug):
        return _error(
            500, f"unexpected {exc} - this is a bug in monoselect; please report it", kind="Bug"
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if exc.status_code == 400:  # FastAPI could not parse the body (e.g. nested too deep)
            return _error(
                422, "the body could not be read", "body", "send one JSON object", "InvalidInput"
            )
        return _error(exc.status_code, str(exc.detail), kind="HTTPError")

    for router in routers():
        app.include_router(router)

    @app.get("/api/progress/{job}", tags=["progress"], summary="Progress of a running job")
    async def progress(job: str) -> dict:
        """``done`` of ``total`` steps (0 of 0 when the job reports none) and the seconds it
        has run; 404 once it has finished (or was never started)."""
        import time

        state = app.state.progress.get(job)
        if state is None:
            raise HTTPException(404, "no such running job")
        return {
            "done": state["done"],
            "total": state["total"],
            "elapsed_s": round(time.monotonic() - state["started"], 2),
        }

    @app.get("/api/health", tags=["progress"], summary="Is the server up")
    async def health() -> dict:
        return {"status": "ok", "version": __version__, "workers": settings.workers}

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.mount("/docs-assets", StaticFiles(directory=str(_docs_assets())), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs():
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="monoselect API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon.png",
        )

    app.add_middleware(
        RateLimit, per_minute=settings.requests_per_minute, exempt=("/api/progress", "/api/health")
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None) -> None:
    """Run the app with uvicorn until interrupted (one event loop; compute in workers)."""
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
