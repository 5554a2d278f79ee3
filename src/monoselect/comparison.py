"""Every applicable protocol on the same footing, ranked (``monoselect compare``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from monoselect.errors import InvalidInput, MonoselectError
from monoselect.protocols.base import Conditions, ProtocolResult


@dataclass(frozen=True)
class Comparison:
    conditions: Conditions
    ranked: tuple[ProtocolResult, ...]  # best first by yield on the precious reagent
    failed: tuple[tuple[str, str], ...] = ()  # (protocol, message) for any that could not run

    def to_dict(self) -> dict:
        from monoselect.results import json_safe

        return json_safe(
            {
                "conditions": self.conditions.model_dump(),
                "ranked_by": f"mono yield on {self.conditions.precious}"
                " (overall yield for multi-step protocols)",
                "ranking": [r.to_dict() for r in self.ranked],
                "failed": [{"protocol": n, "error": m} for n, m in self.failed],
            }
        )

    def __rich__(self):
        from monoselect.render import comparison

        return comparison(self)


def _run_one(name: str, cond: Conditions, params: dict | None):
    """Worker: one protocol; errors come back as text so one bad protocol fails alone."""
    from monoselect.protocols import PROTOCOLS

    try:
        return name, PROTOCOLS[name].run(cond, params), None
    except MonoselectError as exc:
        return name, None, str(exc)


def compare(
    cond: Conditions,
    protocols: list[str] | None = None,
    params: dict[str, dict] | None = None,
    *,
    processes: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Run ``protocols`` (default: all that apply) and rank them.

    A bifunctional electrophile (X-L-X) gets the linker variants, ranked by the mono-adduct
    A-L-X. ``processes``: worker processes (default 1: the runs share cached molecules and
    compiled code, which a new process must load again).
    """
    from monoselect.models import reagents
    from monoselect.protocols import PROTOCOLS, applicable

    el = reagents.electrophile(cond.electrophile)
    known = applicable(el)
    if protocols is not None and (
        not isinstance(protocols, list | tuple) or not all(isinstance(n, str) for n in protocols)
    ):
        raise InvalidInput(
            f"protocols must be a list of names, got {protocols!r}",
            field="protocols",
            fix=f"e.g. [{', '.join(known[:2])}]",
        )
    names = list(protocols or known)
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise InvalidInput(f"{twice} is listed twice", field="protocols", fix="list it once")
    reagents.substrate(cond.substrate)  # a bad substrate is one error, not one per protocol
    unknown = [n for n in names if n not in PROTOCOLS]
    if unknown:
        raise InvalidInput(
            f"unknown protocol {unknown[0]!r}",
            field="protocols",
            fix=f"choose from {', '.join(known)}",
        )
    misplaced = [n for n in names if n not in known]
    if misplaced:
        raise InvalidInput(
            f"{misplaced[0]} does not apply to {el.name}",
            field="protocols",
            fix=f"for this electrophile choose from {', '.join(known)}",
        )
    params = params or {}
    if not isinstance(params, dict):
        raise InvalidInput("params must map protocol names to their settings", field="params")
    for key, value in params.items():
        if key not in names:
            raise InvalidInput(f"parameters given for {key!r}, which is not run", field="params")
        # a parameter typo or a wrong type fails here, for the whole comparison
        PROTOCOLS[key].check(value)
    cond.max_seconds()  # a bad limit fails here, not in a worker
    if processes is not None and not 1 <= processes <= (os.cpu_count() or 1) * 4:
        raise InvalidInput(
            f"processes must be 1-{(os.cpu_count() or 1) * 4}, got {processes}",
            field="processes",
            fix="1 runs in this process (fastest for one comparison)",
        )
    workers = min(processes or 1, len(names))
    done: list[tuple[str, ProtocolResult | None, str | None]] = []
    if workers <= 1:
        for i, n in enumerate(names):
            done.append(_run_one(n, cond, params.get(n)))
            if on_progress:
                on_progress(i + 1, len(names))
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # spawn, not fork: the compiled sweeps start threads, and a forked copy of a
        # threaded process can deadlock
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
            futures = [pool.submit(_run_one, n, cond, params.get(n)) for n in names]
            for i, fut in enumerate(as_completed(futures)):
                done.append(fut.result())
                if on_progress:
                    on_progress(i + 1, len(names))
    ok = [r for _, r, _ in done if r is not None]
    failed = tuple((n, e) for n, r, e in done if r is None)
    if not ok:
        raise InvalidInput(
            "no protocol could be simulated: " + "; ".join(f"{n}: {e}" for n, e in failed),
            field="protocols",
        )
    order = {n: i for i, n in enumerate(names)}
    ranked = sorted(ok, key=lambda r: (-r.ranking_yield(cond.precious), order[r.name]))
    return Comparison(cond, tuple(ranked), failed)


class DelayedProgress:
    """A progress bar that appears only once a run has taken more than ``delay`` seconds."""

    def __init__(self, total: int, delay: float = 1.0, label: str = "simulating protocols"):
        import threading

        self.done = 0
        self.total = total
        self.label = label
        self.bar = None  # made when shown: a fast run never imports rich.progress
        self.lock = threading.Lock()
        self.shown = False
        self.timer = threading.Timer(delay, self._show)
        self.timer.daemon = True
        self.timer.start()

    def _show(self) -> None:
        from rich.progress import Progress

        with self.lock:
            if self.done < self.total:
                self.bar = Progress(transient=True)
                self.task = self.bar.add_task(self.label, total=self.total, completed=self.done)
                self.bar.start()
                self.shown = True

    def __call__(self, done: int, total: int) -> None:
        with self.lock:
            self.done, self.total = done, total
            if self.bar is not None:
                self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        self.timer.cancel()
        with self.lock:
            if self.shown:
                self.bar.stop()

    def __enter__(self) -> DelayedProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
