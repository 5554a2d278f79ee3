"""The app with a stand-in pool (injected, as ARCHITECTURE asks of executors): how each
failure of a job reaches the user."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from monoselect.web import Settings, create_app
from monoselect.web.workers import Busy, ComputeTimeout, JobBug


class FailingPool:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def run(self, name, payload, on_progress=None):
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "status", "says"),
    [
        (JobBug("ZeroDivisionError: division by zero"), 500, "bug in monoselect"),
        (Busy(), 503, "busy"),
        (ComputeTimeout(), 504, "was stopped"),
    ],
)
def test_a_failed_job_is_one_json_message_without_a_traceback(exc, status, says):
    app = create_app(Settings(requests_per_minute=0), pool=FailingPool(exc))

    async def post():
        # in process (the stand-in pool needs no lifespan); the real server is in test_api
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            return await c.post("/api/simulate", json={})

    r = asyncio.run(post())
    assert r.status_code == status
    assert says in r.json()["error"]
    assert "Traceback" not in r.text
    if status == 503:
        assert r.headers["retry-after"] == "5"
