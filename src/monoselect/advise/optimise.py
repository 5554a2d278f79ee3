"""The best conditions for one protocol, within bounds and the chemist's limits.

A coarse grid over the chosen variables (every point simulated through the protocol itself,
so its base, caps and steps are the protocol's), then a bounded Powell search from the best
grid point (scipy.optimize.minimize). Variables are searched on [0, 1] and mapped onto their
bounds (log scale for times and concentrations), so no simulated point ever lies outside
them; limits the chemist sets (run time, bis, mono yield) are penalties, and the optimum is
reported feasible only when it meets every one.

Two goals: the best mono yield on the precious reagent, or, when a target is given (mono on
the electrophile >= x, bis <= y) and the diamine excess is a variable, the least diamine that
meets it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from monoselect.errors import InvalidInput, MonoselectError

# name -> (unit, where it goes, log scale?); "cond": a Conditions field, "param": the
# protocol's own parameter
VARIABLES = {
    "eq": ("eq", "cond", False),
    "substrate_eq": ("eq", "param", False),
    "addition_time": ("h", "param", True),
    "feed_conc": ("M", "param", True),
    "conc": ("M", "cond", True),
    "temperature": ("degC", "cond", False),
    "acid_eq": ("eq", "param", False),
}
# searched by default for each protocol: what changes its outcome under ideal mixing
DEFAULTS = {
    "direct": ("eq",),
    "inverse": ("eq",),
    "excess": ("substrate_eq",),
    "slow_addition": ("substrate_eq", "addition_time"),
    "hcl_salt": ("acid_eq", "eq"),
}
GRID = {1: 9, 2: 5, 3: 4}  # points per variable in the coarse grid
MAX_REFINE = 60  # Powell function evaluations after the grid
SENSITIVITY_STEP = 0.10  # +10 % of the optimum value


@dataclass(frozen=True)
class Point:
    """One simulated set of conditions."""

    values: dict[str, float]
    mono_yield_on_substrate: float
    mono_yield_on_electrophile: float
    bis: float
    time_s: float
    diamine_eq: float
    feasible: bool
    error: str | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Optimum:
    protocol: str
    precious: str
    goal: str
    variables: tuple[dict, ...]  # name, value, unit, low, high, sensitivity
    best: Point
    feasible: bool
    evaluations: int
    notes: tuple[str, ...] = ()
    points: tuple[Point, ...] = field(default=(), repr=False)

    @property
    def mono_yield_on_substrate(self) -> float:
        return self.best.mono_yield_on_substrate

    @property
    def mono_yield_on_electrophile(self) -> float:
        return self.best.mono_yield_on_electrophile

    @property
    def bis(self) -> float:
        return self.best.bis

    def value(self, name: str) -> float:
        return next(v["value"] for v in self.variables if v["name"] == name)

    def to_dict(self) -> dict:
        from monoselect.results import json_safe

        return json_safe(
            {
                "kind": "optimum",
                "protocol": self.protocol,
                "precious": self.precious,
                "goal": self.goal,
                "feasible": self.feasible,
                "variables": [dict(v) for v in self.variables],
                "best": self.best.to_dict(),
                "evaluations": self.evaluations,
                "notes": list(self.notes),
                "points": [p.to_dict() for p in self.points],
            }
        )

    def __rich__(self):
        from monoselect.advise.render import optimum

        return optimum(self)


def _bounds(name: str, cond, protocol: str) -> tuple[float, float]:
    """The searched range of a variable, from the chemist's limits where they apply."""
    max_h = cond.max_seconds() / 3600
    if name == "eq":
        return 0.2, 2.0
    if name == "substrate_eq":
        low = 1.05 if protocol == "excess" else 1.0
        if cond.max_substrate_eq <= low:
            raise InvalidInput(
                f"max_substrate_eq {cond.max_substrate_eq:g} leaves no room to search the "
                "diamine excess",
                field="max_substrate_eq",
                fix="allow more than 1 eq of diamine, or search other variables",
            )
        return low, float(cond.max_substrate_eq)
    if name == "addition_time":
        # the feed must end inside the run the chemist accepts
        return min(0.1, 0.5 * max_h), max(min(8.0, 0.8 * max_h), min(0.1, 0.5 * max_h))
    if name == "feed_conc":
        return 0.02, 2.0
    if name == "conc":
        return 0.02, 1.0
    if name == "temperature":
        return -20.0, 40.0  # a lab bath to a warm flask below the DCM bp; assumed range
    if name == "acid_eq":
        return 0.5, 1.5
    raise InvalidInput(f"unknown variable {name!r}", field="variables")


def optimise(
    cond,
    protocol: str = "excess",
    variables: list[str] | tuple[str, ...] | None = None,
    *,
    min_mono_on_electrophile: float | None = None,
    max_bis: float | None = None,
    max_evaluations: int = 200,
) -> Optimum:
    """The best conditions for ``protocol`` under ``cond``'s limits (max diamine eq and run
    time) and the optional targets; see the module docstring for the method."""
    import numpy as np
    from scipy.optimize import minimize

    from monoselect.protocols import PROTOCOLS

    if protocol not in PROTOCOLS:
        raise InvalidInput(
            f"unknown protocol {protocol!r}",
            field="protocol",
            fix=f"choose from {', '.join(DEFAULTS)}",
        )
    if protocol not in DEFAULTS:
        raise InvalidInput(
            f"the optimiser does not search {protocol} yet",
            field="protocol",
            fix=f"choose from {', '.join(DEFAULTS)}",
        )
    for name, value in (
        ("min_mono_on_electrophile", min_mono_on_electrophile),
        ("max_bis", max_bis),
    ):
        if value is not None and (
            isinstance(value, bool) or not (math.isfinite(value) and 0 <= value <= 1)
        ):
            raise InvalidInput(f"{name} must be a fraction 0-1, got {value}", field=name)
    if not isinstance(max_evaluations, int) or not 10 <= max_evaluations <= 2000:
        raise InvalidInput("max_evaluations must be 10-2000", field="max_evaluations")
    proto = PROTOCOLS[protocol]
    names = tuple(variables) if variables else DEFAULTS[protocol]
    if not names or len(names) > 3 or len(set(names)) != len(names):
        raise InvalidInput(
            "give one to three different variables", field="variables", fix="e.g. substrate_eq"
        )
    params_known = set(proto.params.model_fields)
    for n in names:
        if n not in VARIABLES:
            raise InvalidInput(
                f"unknown variable {n!r}",
                field="variables",
                fix=f"choose from {', '.join(VARIABLES)}",
            )
        if VARIABLES[n][1] == "param" and n not in params_known:
            raise InvalidInput(
                f"{protocol} has no setting {n!r}",
                field="variables",
                fix=f"{protocol} takes {', '.join(sorted(params_known)) or 'no settings'}",
            )
    bounds = {n: _bounds(n, cond, protocol) for n in names}
    max_s = cond.max_seconds()
    targeted = min_mono_on_electrophile is not None or max_bis is not None
    goal = (
        "least diamine meeting the target"
        if targeted and "substrate_eq" in names
        else f"most mono on the {cond.precious}" + (" meeting the target" if targeted else "")
    )
    points: list[Point] = []
    cache: dict[tuple, Point] = {}

    def to_values(u) -> dict[str, float]:
        out = {}
        for n, x in zip(names, u, strict=True):
            lo, hi = bounds[n]
            x = min(1.0, max(0.0, float(x)))  # never outside the bounds
            if VARIABLES[n][2]:
                v = math.exp(math.log(lo) + x * (math.log(hi) - math.log(lo)))
            else:
                v = lo + x * (hi - lo)
            out[n] = float(min(hi, max(lo, v)))  # exp(log) may round past a bound
        return out

    def simulate_at(values: dict[str, float]) -> Point:
        key = tuple(round(values[n], 10) for n in names)
        if key in cache:
            return cache[key]
        cond_fields, params = {}, {}
        for n, v in values.items():
            unit, where, _ = VARIABLES[n]
            text = v if unit == "eq" else f"{v:.10g} {unit}"
            (cond_fields if where == "cond" else params)[n] = text
        try:
            c = _evolve(cond, cond_fields) if cond_fields else cond
            r = proto.run(c, params or None)
            diamine = float(r.scenario.substrate_eq)
            ok = (
                r.time_s <= max_s * 1.0001
                and diamine <= cond.max_substrate_eq * 1.0001
                and (
                    min_mono_on_electrophile is None
                    or r.mono_yield_on_electrophile >= min_mono_on_electrophile
                )
                and (max_bis is None or r.bis <= max_bis)
            )
            p = Point(
                values,
                r.mono_yield_on_substrate,
                r.mono_yield_on_electrophile,
                r.bis,
                r.time_s,
                diamine,
                ok,
            )
        except MonoselectError as exc:
            p = Point(values, 0.0, 0.0, 1.0, math.inf, 0.0, False, str(exc))
        cache[key] = p
        points.append(p)
        return p

    def objective(u) -> float:
        p = simulate_at(to_values(u))
        if p.error:
            return 10.0
        y = (
            p.mono_yield_on_electrophile
            if cond.precious == "electrophile"
            else p.mono_yield_on_substrate
        )
        miss = 0.0
        if min_mono_on_electrophile is not None:
            miss += max(0.0, min_mono_on_electrophile - p.mono_yield_on_electrophile)
        if max_bis is not None:
            miss += max(0.0, p.bis - max_bis)
        miss += max(0.0, p.time_s / max_s - 1.0)
        if goal.startswith("least diamine"):
            lo, hi = bounds["substrate_eq"]
            return (p.diamine_eq - lo) / (hi - lo) + 10.0 * miss - 1e-3 * y
        return -y + 10.0 * miss

    n = len(names)
    axes = [np.linspace(0.0, 1.0, GRID[n])] * n
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, n)
    scores = [objective(u) for u in grid]
    start = grid[int(np.argmin(scores))]
    budget = max(0, min(MAX_REFINE, max_evaluations - len(points)))
    if budget > 0:
        res = minimize(
            objective,
            start,
            method="Powell",
            bounds=[(0.0, 1.0)] * n,
            options={"maxfev": budget, "xtol": 1e-3, "ftol": 1e-5},
        )
        u_best = res.x if objective(res.x) <= objective(start) else start
    else:
        u_best = start
    best = simulate_at(to_values(u_best))
    feasible_points = [p for p in points if p.feasible and not p.error]
    if not best.feasible and feasible_points:  # the search may end on a penalised edge
        best = min(feasible_points, key=lambda p: objective(_to_unit(p.values, names, bounds)))
    notes = []
    if not best.feasible:
        notes.append(
            "no searched point meets every limit: the best compromise is shown; relax a target "
            "or allow more diamine or time"
        )
    variables = []
    for name in names:
        lo, hi = bounds[name]
        v = best.values[name]
        sens = None
        up = min(hi, v * (1 + SENSITIVITY_STEP)) if v > 0 else min(hi, v + 0.1 * (hi - lo))
        down = max(lo, v * (1 - SENSITIVITY_STEP)) if v > 0 else max(lo, v - 0.1 * (hi - lo))
        # a forward step, or a backward one when the optimum sits on the upper bound
        other = up if up != v else down
        if other != v:
            stepped = {**best.values, name: other}
            q = simulate_at(stepped)
            if not q.error:
                scale = (SENSITIVITY_STEP * v if v > 0 else 0.1 * (hi - lo)) / (other - v)
                sens = (_yield(q, cond.precious) - _yield(best, cond.precious)) * scale
        at_bound = abs(v - lo) < 1e-3 * (hi - lo) or abs(v - hi) < 1e-3 * (hi - lo)
        if at_bound:
            notes.append(
                f"{name} sits at its bound ({v:.3g} {VARIABLES[name][0]}): the limit decides"
            )
        variables.append(
            {
                "name": name,
                "value": v,
                "unit": VARIABLES[name][0],
                "low": lo,
                "high": hi,
                "sensitivity": sens,
                "at_bound": at_bound,
            }
        )
    if "addition_time" in names or "feed_conc" in names:
        notes.append(
            "under ideal mixing the feed time and feed concentration do not move the split "
            "(time elimination); a flat sensitivity says so"
        )
    return Optimum(
        protocol,
        cond.precious,
        goal,
        tuple(variables),
        best,
        best.feasible,
        len(points),
        tuple(notes),
        tuple(points),
    )


def _yield(p: Point, precious: str) -> float:
    return p.mono_yield_on_electrophile if precious == "electrophile" else p.mono_yield_on_substrate


def _to_unit(values: dict, names, bounds) -> list[float]:
    out = []
    for n in names:
        lo, hi = bounds[n]
        v = values[n]
        if VARIABLES[n][2]:
            out.append((math.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo)))
        else:
            out.append((v - lo) / (hi - lo))
    return out


def _evolve(cond, fields: dict):
    """``cond`` with ``fields`` changed, validated again."""
    from monoselect.protocols.base import make_conditions

    data = cond.model_dump()
    data.update(fields)
    return make_conditions(**data)
