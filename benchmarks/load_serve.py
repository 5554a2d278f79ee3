"""Load on ``monoselect serve``: N concurrent clients for T seconds of mixed requests.

Starts a server on 127.0.0.1 (a subprocess, its rate limit off: every client here shares
one address), runs the clients as asyncio tasks in this process, and reports errors and
latency percentiles per kind of request. Each simulation and comparison asks for a
different eq, so no answer comes from a cache.

    python benchmarks/load_serve.py [--clients 50] [--seconds 60] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import socket
import subprocess
import sys
import time
from collections import defaultdict

import httpx

SUBSTRATES = ("piperazine", "1,4-diazepane", "C1CNCCNC1", "ethylenediamine", "2-methylpiperazine")
ELECTROPHILES = ("Boc2O", "AcCl", "TsCl", "BnBr", "Cbz-Cl")


def _request(rng: random.Random) -> tuple[str, str, str, dict | None]:
    """(kind, method, path, body): pages and assets, previews, simulations, comparisons."""
    roll = rng.random()
    if roll < 0.15:
        return "page", "GET", rng.choice(("/", "/compare")), None
    if roll < 0.25:
        return "static", "GET", "/static/monoselect.js", None
    if roll < 0.45:
        body = {"substrate": rng.choice(SUBSTRATES), "electrophile": rng.choice(ELECTROPHILES)}
        return "structure", "POST", "/api/structure", body
    if roll < 0.92:
        body = {
            "substrate": rng.choice(SUBSTRATES),
            "electrophile": rng.choice(ELECTROPHILES),
            "eq": round(rng.uniform(0.5, 2.0), 4),
            "addition_time": rng.choice(("0", "30 min", "2 h", "4 h")),
        }
        return "simulate", "POST", "/api/simulate", body
    body = {"substrate": rng.choice(SUBSTRATES[:2]), "eq": round(rng.uniform(0.8, 1.5), 4)}
    return "compare", "POST", "/api/compare", body


async def _client(url: str, until: float, seed: int, record) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        while time.monotonic() < until:
            kind, method, path, body = _request(rng)
            start = time.perf_counter()
            try:
                r = await client.request(method, path, json=body)
                ok, status = r.status_code == 200, r.status_code
            except httpx.HTTPError as exc:
                ok, status = False, type(exc).__name__
            record(kind, time.perf_counter() - start, ok, status)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children so far (Linux /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            pids += [int(p) for p in f.read().split()]
    except OSError:
        pass
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return total


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2, help="server's simulation workers")
    args = parser.parse_args()

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "monoselect",
            "serve",
            "--port",
            str(port),
            "--rate-limit",
            "0",
            "--workers",
            str(args.workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/api/health", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("the server did not start")
                time.sleep(0.2)
        # warm every worker before the clock starts (first jobs load RDKit and compiled code)
        with httpx.Client(base_url=url, timeout=300) as c:
            for _ in range(args.workers * 2):
                c.post("/api/compare", json={"eq": 1.0})

        latencies: dict[str, list[float]] = defaultdict(list)
        failures: dict[str, int] = defaultdict(int)

        def record(kind: str, seconds: float, ok: bool, status) -> None:
            latencies[kind].append(seconds)
            if not ok:
                failures[f"{kind} {status}"] += 1

        server_cpu0 = _cpu_seconds(server.pid)
        client_cpu0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
        start = time.monotonic()

        async def run() -> None:
            until = time.monotonic() + args.seconds
            await asyncio.gather(*(_client(url, until, i, record) for i in range(args.clients)))

        asyncio.run(run())
        wall = time.monotonic() - start
        server_cpu = _cpu_seconds(server.pid) - server_cpu0
        client_cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - client_cpu0
    finally:
        server.terminate()
        server.wait(20)

    every = [x for v in latencies.values() for x in v]
    errors = sum(failures.values())
    print(
        f"{args.clients} clients, {wall:.1f} s on 127.0.0.1; machine: {os.cpu_count()} cores "
        f"shared by server and clients"
    )
    print(
        f"server: 1 event-loop process + {args.workers} worker processes, "
        f"{server_cpu:.1f} CPU-s ({server_cpu / wall:.2f} cores on average); "
        f"clients: 1 process (asyncio), {client_cpu:.1f} CPU-s ({client_cpu / wall:.2f} cores)"
    )
    print(f"requests: {len(every)} ({len(every) / wall:.1f}/s), errors: {errors}")
    print(f"{'kind':<10} {'n':>6} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    for kind in ("page", "static", "structure", "simulate", "compare"):
        v = latencies.get(kind, [])
        if v:
            print(
                f"{kind:<10} {len(v):>6} {1e3 * _pct(v, 0.5):>9.0f} {1e3 * _pct(v, 0.95):>9.0f} "
                f"{1e3 * max(v):>9.0f}"
            )
    print(
        f"{'all':<10} {len(every):>6} {1e3 * _pct(every, 0.5):>9.0f} "
        f"{1e3 * _pct(every, 0.95):>9.0f} {1e3 * max(every):>9.0f}"
    )
    for what, n in sorted(failures.items()):
        print(f"  failed: {what} x{n}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
