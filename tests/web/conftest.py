"""A real ``monoselect serve`` on 127.0.0.1 (a subprocess on a free port) for the page tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``monoselect serve`` with the given flags, stopped by ``stop()``."""

    def __init__(self, *flags: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "monoselect", "serve", "--port", str(self.port), *flags],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=os.environ.copy(),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stdout.read().decode()}")
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError("server did not start in 60 s")
        # the first job waits for a worker's warm-up; pay it here, not in a timed test
        httpx.post(self.url + "/api/simulate", json={}, timeout=240)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The default server (limits as shipped, except a rate limit the suite cannot hit),
    keeping saved runs in a SQLite store of its own (``server.db``)."""
    db = f"sqlite:///{tmp_path_factory.mktemp('store') / 'runs.db'}"
    s = Server("--rate-limit", "100000", "--db", db)
    s.db = db
    yield s
    s.stop()


# the distribution's Chromium, driven by Playwright (no browser is downloaded)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_CHROMIUM = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="no chromium: run scripts/system-packages.sh (installs the distribution's)",
)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (each test opens its own context, so no cookie
    or cache is shared). Not per session: Playwright's sync API keeps an event loop running
    in this thread while it is open, and the asyncio tests of other modules need it gone."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=120) as c:
        yield c


def first_difference(a, b, path="") -> str | None:
    """Where two JSON values first differ beyond ``same_json``'s tolerance (for messages)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(set(a) ^ set(b))}"
        return next((d for k in a if (d := first_difference(a[k], b[k], f"{path}.{k}"))), None)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        pairs = enumerate(zip(a, b, strict=True))
        return next(
            (d for i, (x, y) in pairs if (d := first_difference(x, y, f"{path}[{i}]"))), None
        )
    return None if same_json(a, b) else f"{path}: {a!r} != {b!r}"


def same_json(a, b, rel=1e-6) -> bool:
    """Equal JSON, numbers to ``rel``: two processes sum some floats in a different order
    (string hashing orders sets differently per process), which moves the last digits, and an
    adaptive integrator turns that into ~1e-9 in a recorded time."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k], rel) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y, rel) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return a == pytest.approx(b, rel=rel, abs=1e-9)  # fractions: solver noise near 0
    return a == b
