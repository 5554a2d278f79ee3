"""The mass-action families (linkers, reductive amination) on the compiled RODAS4 against
the SciPy Radau path they ran on before, and the whole `monoselect compare` command per
family, warm.

    python benchmarks/families.py

1. one simulate, 1,4-diazepane + 1 eq 1,4-dibromobutane fed over 2 h, and 1,4-diazepane +
   benzaldehyde then NaBH(OAc)3 (one portion): compiled kernel vs the same stages through
   SciPy's Radau (``staged.radau_only()``), median of three warm runs in this
   process, one core each; the largest difference in the final fractions;
2. `monoselect compare` as a chemist types it (a new process each time, after one warm-up
   run that fills the caches), for the site family (Boc2O, AcCl in THF), a linker and an
   aldehyde: median of three wall times; target < 1 s each. The compare runs its protocols
   serially on one core.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from monoselect import make_scenario, simulate
from monoselect.kinetics import staged


def _median(fn, runs: int = 3) -> float:
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _integrator_rows() -> list[tuple[str, float, float, float]]:
    cases = {
        "linker, fed 2 h": make_scenario(electrophile="1,4-dibromobutane", addition_time="2 h"),
        "reductive amination": make_scenario(electrophile="benzaldehyde"),
    }
    rows = []
    for name, scenario in cases.items():
        fast = simulate(scenario).split().fractions
        compiled = _median(lambda s=scenario: simulate(s))
        with staged.radau_only():
            slow = simulate(scenario).split().fractions
            radau = _median(lambda s=scenario: simulate(s))
        diff = max(abs(fast[k] - slow[k]) for k in fast)
        rows.append((name, compiled, radau, diff))
    return rows


def _command_rows() -> list[tuple[str, float]]:
    commands = {
        "compare": [],
        "compare --substrate piperazine --electrophile AcCl --solvent THF": [
            "--substrate", "piperazine", "--electrophile", "AcCl", "--solvent", "THF"],
        "compare --electrophile 1,4-dibromobutane": ["--electrophile", "1,4-dibromobutane"],
        "compare --electrophile benzaldehyde": ["--electrophile", "benzaldehyde"],
    }  # fmt: skip
    rows = []
    for name, flags in commands.items():
        argv = [sys.executable, "-m", "monoselect", "compare", *flags]
        rows.append(
            (name, _median(lambda a=argv: subprocess.run(a, check=True, capture_output=True)))
        )
    return rows


def main() -> None:
    print("| case | compiled RODAS4 | SciPy Radau | ratio | max diff |")
    print("|---|---|---|---|---|")
    for name, compiled, radau, diff in _integrator_rows():
        print(
            f"| simulate, {name}, 1 core | {compiled * 1e3:.1f} ms | {radau * 1e3:.1f} ms "
            f"| {radau / compiled:.0f} | {diff:.1e} |"
        )
    print()
    print("| whole command, warm | time | target |")
    print("|---|---|---|")
    for name, seconds in _command_rows():
        verdict = "met" if seconds < 1 else "missed"
        print(f"| `monoselect {name}` | {seconds:.2f} s | < 1 s: {verdict} |")


if __name__ == "__main__":
    main()
