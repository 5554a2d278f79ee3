"""A process that writes to a store until it is killed (run by test_kill.py, never by
pytest itself). It prints one line per committed write, so the test knows what must be
there after the kill.

usage: writer.py URL PAYLOAD.json loop|hold-run|hold-fit
  loop      runs, experiments (with many observations) and fits, one transaction each
  hold-run  one run of a large payload; stops inside its transaction (after the INSERT)
  hold-fit  one experiment, then one fit that stops between its row and its links
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sqlalchemy import event

from monoselect.store import Store

CONDITIONS = {"substrate": "piperazine", "electrophile": "Boc2O", "eq": 1.0}
OBSERVATIONS = [
    {"kind": "hplc_area", "time": f"{i} min", "values": {"SM": 1.0, "mono": float(i), "bis": 2.0}}
    for i in range(1, 301)
]


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def hold_after(store: Store, table: str) -> None:
    """Stop for good right after the INSERT into ``table``: the transaction stays open."""

    @event.listens_for(store._engine, "after_cursor_execute")
    def _stop(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
            say("inside")
            time.sleep(600)


def main(url: str, payload_path: str, mode: str) -> None:
    payload = json.loads(Path(payload_path).read_text(encoding="utf-8"))
    store = Store(url)
    if mode == "loop":
        experiments: list[int] = []
        for i in range(1_000_000):
            say(f"run {store.save_run(payload, label=f'loop {i}')}")
            if i % 3 == 0:
                experiments.append(store.save_experiment(f"E{i}", CONDITIONS, OBSERVATIONS))
                say(f"experiment {experiments[-1]}")
            if i % 4 == 0 and experiments:
                fit = store.save_fit({"kappa": 0.3}, {"kappa": [0.2, 0.4]}, experiments[-3:])
                say(f"fit {fit}")
    elif mode == "hold-run":
        say(f"run {store.save_run(payload, label='before')}")
        big = dict(payload)
        big["padding"] = ["x" * 1000] * 40_000  # about 40 MB: spills into the WAL
        hold_after(store, "runs")
        store.save_run(big, label="killed")
    elif mode == "hold-fit":
        eid = store.save_experiment("E", CONDITIONS, OBSERVATIONS)
        say(f"experiment {eid}")
        hold_after(store, "fit_experiments")
        store.save_fit({"kappa": 0.3}, {"kappa": [0.2, 0.4]}, [eid])
    say("done")


if __name__ == "__main__":
    main(*sys.argv[1:])
