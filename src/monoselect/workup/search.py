"""Search the pH and number of one wash for the purest product at a given recovery.

The wash is replaced by a buffered wash held at each pH of a grid (the pH grid is the batch
axis of one vectorised run per number of washes), with the central logP values; the best
condition is then run again with the logP intervals, so its purity and recovery carry their
ranges like any workup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from monoselect.errors import InvalidInput
from monoselect.results import Provenance, Result, Split
from monoselect.scenario import build
from monoselect.workup.api import assemble, crude_of, resolve_plan
from monoselect.workup.plan import MAX_WASHES, Wash
from monoselect.workup.result import WorkupResult
from monoselect.workup.run import components_for, logp_rows, run

# pH 1-13 in steps of 0.25: finer than a chemist sets a buffer, coarser than matters
DEFAULT_PH = tuple(round(1.0 + 0.25 * i, 2) for i in range(49))
DEFAULT_WASHES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class WorkupSearch(Result):
    """Purity and recovery over the grid (pH x number of washes) and the best condition."""

    kind: ClassVar[str] = "workup_search"
    scenario: object
    step: int  # index of the wash searched
    ph: np.ndarray  # [p]
    washes: tuple[int, ...]
    recovery: np.ndarray  # [n, p]
    purity: np.ndarray  # [n, p] by mass
    min_recovery: float
    best: WorkupResult | None  # the best condition, run with the logP intervals
    best_ph: float | None
    best_washes: int | None
    baseline: WorkupResult  # the plan as given
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]
    provenance: tuple[Provenance, ...] = ()

    def split(self) -> Split:
        return (self.best or self.baseline).split()

    def details(self) -> dict:
        best = None
        if self.best is not None:
            p = self.best.details()["workup"]["product"]
            best = {
                "pH": self.best_ph,
                "washes": self.best_washes,
                "purity_by_mass": p["purity_by_mass"],
                "recovery_from_crude": p["recovery_from_crude"],
                "amount_mmol": p["amount_mmol"],
            }
        base = self.baseline.details()["workup"]
        return {
            "search": {
                "step": self.step + 1,
                "operation": self.baseline.plan.steps[self.step].describe(),
                "min_recovery": self.min_recovery,
                "best": best,
                "as_given": {
                    "pH": base["steps"][self.step]["pH"],
                    "purity_by_mass": base["product"]["purity_by_mass"],
                    "recovery_from_crude": base["product"]["recovery_from_crude"],
                },
                "grid": {
                    "pH": self.ph.tolist(),
                    "washes": list(self.washes),
                    "recovery": self.recovery.tolist(),
                    "purity_by_mass": self.purity.tolist(),
                },
            }
        }

    def __rich__(self):
        from monoselect.workup.render import render_search

        return render_search(self)


def _wash_index(plan, step: int | None) -> int:
    if step is not None:
        if not 0 <= step < len(plan.steps) or not isinstance(plan.steps[step], Wash):
            raise InvalidInput(
                f"step {step + 1} is not a wash",
                field="search_step",
                fix="give the number of a wash step (1 = the first step)",
            )
        return step
    for i, s in enumerate(plan.steps):
        if isinstance(s, Wash):
            return i
    raise InvalidInput(
        "the workup has no wash to search",
        field="steps",
        fix="add a wash step, e.g. {wash: {with: water, volume: 20 mL}}",
    )


def search_workup(
    source=None,
    plan=None,
    *,
    step: int | None = None,
    ph=DEFAULT_PH,
    washes=DEFAULT_WASHES,
    min_recovery: float = 0.8,
) -> WorkupSearch:
    """The pH and number of washes of one wash (``step``, 0-based; default the first wash)
    that give the purest product (by mass) with at least ``min_recovery`` of it recovered."""
    if not (isinstance(min_recovery, int | float) and 0 <= min_recovery <= 1):
        raise InvalidInput(
            f"min_recovery must be a fraction 0-1, got {min_recovery!r}", field="min_recovery"
        )
    grid = np.asarray(ph, dtype=float)
    if grid.ndim != 1 or grid.size == 0 or np.any(~np.isfinite(grid)) or np.any(grid < -1):
        raise InvalidInput("the pH grid must be finite numbers from -1 to 15", field="ph")
    if np.any(grid > 15):
        raise InvalidInput("the pH grid must be finite numbers from -1 to 15", field="ph")
    counts = tuple(int(n) for n in washes)
    if not counts or any(not 1 <= n <= MAX_WASHES for n in counts):
        raise InvalidInput(f"numbers of washes must be 1-{MAX_WASHES}", field="washes")
    plan = resolve_plan(plan)
    idx = _wash_index(plan, step)
    scenario, result, crude = crude_of(source, plan)
    base_comps = components_for(crude, plan)
    base_rows, varied = logp_rows(base_comps)
    baseline = assemble(scenario, result, plan, crude, run(crude, plan, base_rows), tuple(varied))
    wash = plan.steps[idx]
    recovery = np.zeros((len(counts), grid.size))
    purity = np.zeros_like(recovery)
    plans = {}
    for a, n in enumerate(counts):
        fields = {"with": wash.with_, "volume": wash.volume, "times": n, "keep": wash.keep}
        p_n = plan.replace_step(idx, build(Wash, fields, where="search"))
        plans[n] = p_n
        comps = components_for(crude, p_n)
        rows, _ = logp_rows(comps)
        central = np.repeat(rows[:1], grid.size, axis=0)
        trace = run(crude, p_n, central, ph_override={idx: grid})
        r = assemble(scenario, result, p_n, crude, trace, tuple(varied))
        recovery[a] = r.recovery()
        purity[a] = r.purity_by_mass()
    ok = recovery >= min_recovery - 1e-12
    best = best_ph = best_n = None
    warnings = list(baseline.warnings)
    if ok.any():
        score = np.where(ok, purity, -1.0)
        top = score.max()
        # among conditions within 0.1 % purity of the best: fewest washes, then most recovered
        near = np.argwhere(score >= top - 1e-3)
        a, j = min(near, key=lambda aj: (counts[aj[0]], -recovery[aj[0], aj[1]]))
        best_ph, best_n = float(grid[j]), counts[a]
        fields = {
            "with": wash.with_,
            "volume": wash.volume,
            "times": best_n,
            "ph": best_ph,
            "keep": wash.keep,
        }
        best_plan = plan.replace_step(idx, build(Wash, fields, where="search"))
        comps = components_for(crude, best_plan)
        rows, varied_b = logp_rows(comps)
        trace = run(crude, best_plan, rows)
        best = assemble(scenario, result, best_plan, crude, trace, tuple(varied_b))
    else:
        warnings.append(
            f"no condition of the grid recovers {min_recovery:.0%} of the product "
            f"(best {recovery.max():.1%}); lower min_recovery or change the other steps"
        )
    assumptions = (
        f"step {idx + 1} searched as a buffered wash (the buffer holds the pH whatever the "
        "funnel holds) at each pH of the grid, with the central logP values; the best "
        "condition is then run with the logP intervals",
        *baseline.assumptions,
    )
    return WorkupSearch(
        scenario=scenario,
        step=idx,
        ph=grid,
        washes=counts,
        recovery=recovery,
        purity=purity,
        min_recovery=float(min_recovery),
        best=best,
        best_ph=best_ph,
        best_washes=best_n,
        baseline=baseline,
        assumptions=tuple(dict.fromkeys(assumptions)),
        warnings=tuple(dict.fromkeys(warnings)),
        provenance=baseline.provenance,
    )
