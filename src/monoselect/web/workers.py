"""Simulations run in worker processes, one job at a time each.

Why processes: a run past the compute limit must be stopped, and a thread cannot be
killed; a process can, and is replaced by a fresh one. The event loop only waits, so pages,
static files and the structure preview stay quick while a long comparison runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import time
from collections.abc import Callable

READY_SECONDS = 180.0  # a cold worker compiles the integrator once (10-20 s, cached on disk)


class ComputeTimeout(Exception):
    """A job ran past the compute limit; its worker was stopped."""


class Busy(Exception):
    """No worker became free within the queue limit."""


class WorkerDied(Exception):
    """A worker process ended in the middle of a job (out of memory, a crash)."""


class JobBug(Exception):
    """A job raised something other than a MonoselectError: a bug, reported as text."""


def _serve(conn) -> None:
    """Worker loop: warm up, then (name, payload) in, ("ok"|"error"|"bug", ...) out."""
    from monoselect import MonoselectError
    from monoselect.web import jobs

    jobs.warm()
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if message is None:
            return
        name, payload = message

        def progress(done: int, total: int) -> None:
            conn.send(("progress", int(done), int(total)))

        try:
            conn.send(("ok", jobs.JOBS[name](payload, progress)))
        except MonoselectError as exc:  # pickles with its field and fix (errors.py)
            conn.send(("error", exc))
        except Exception as exc:  # a bug in monoselect: text only, the worker lives on
            conn.send(("bug", f"{type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, ctx) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self) -> None:
        if self.ready:
            return
        if not self.conn.poll(READY_SECONDS):
            raise WorkerDied("a worker did not start in time")
        self.conn.recv()
        self.ready = True

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """``size`` worker processes; ``run`` waits for a free one at most ``queue_seconds`` and
    lets the job compute at most ``compute_seconds``."""

    def __init__(self, size: int, compute_seconds: float, queue_seconds: float) -> None:
        self.size = size
        self.compute_seconds = compute_seconds
        self.queue_seconds = queue_seconds
        # spawn, not fork: the compiled code starts threads (see comparison.py)
        self._ctx = mp.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: list[_Worker] = []

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            worker = _Worker(self._ctx)
            self._all.append(worker)
            self._idle.put_nowait(worker)

    async def close(self) -> None:
        for worker in self._all:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
        for worker in self._all:
            worker.process.join(2)
            if worker.process.is_alive():
                worker.kill()
        self._all.clear()

    async def run(
        self, name: str, payload: dict, on_progress: Callable[[int, int], None] | None = None
    ) -> dict:
        """The job's JSON, or its MonoselectError raised here; ComputeTimeout, Busy."""
        assert self._idle is not None, "start() the pool first"
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.queue_seconds)
        except TimeoutError:
            raise Busy from None
        # shielded: a client that goes away must not hand the worker back mid-job
        task = asyncio.ensure_future(self._on(worker, name, payload, on_progress))
        return await asyncio.shield(task)

    async def _on(self, worker: _Worker, name, payload, on_progress) -> dict:
        assert self._idle is not None
        try:
            kind, value = await asyncio.to_thread(
                self._exchange, worker, name, payload, on_progress
            )
        except (ComputeTimeout, WorkerDied, OSError, EOFError) as exc:
            worker.kill()
            self._all.remove(worker)
            worker = _Worker(self._ctx)
            self._all.append(worker)
            if isinstance(exc, ComputeTimeout):
                raise
            raise WorkerDied(str(exc) or type(exc).__name__) from None
        finally:
            self._idle.put_nowait(worker)
        if kind == "ok":
            return value
        if kind == "error":
            raise value
        raise JobBug(value)

    def _exchange(self, worker: _Worker, name, payload, on_progress):
        """Blocking, in a thread: send the job, relay progress, return the answer."""
        worker.wait_ready()  # a cold start is not counted against the job
        worker.conn.send((name, payload))
        deadline = time.monotonic() + self.compute_seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not worker.conn.poll(left):
                raise ComputeTimeout
            message = worker.conn.recv()
            if message[0] == "progress":
                if on_progress is not None:
                    on_progress(message[1], message[2])
                continue
            return message
