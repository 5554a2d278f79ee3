"""One staged integrator for the networks the compiled site kernel does not run.

State: amounts (mol) and, optionally, the volume (L) in one slot of its own. Reaction r
with reactants i_1..i_o (order o, repeats allowed: A + A is [A, A]) fires at

    rate_r = k_r V prod_j c_{i_j} = k_r prod_j n_{i_j} / V^(o - 1)      (mol/s)

with k_r in concentration units (L/mol/s for o = 2, 1/s for o = 1, mol/L/s for o = 0). Amounts
and volume are the states, so a feed that adds liquid dilutes every concentration exactly:
semi-batch with volume change has no constant-volume error.

A run is a sequence of stages, each with a constant feed (mol/s per amount, L/s for the
volume), an optional dose charged at its start and optional terminal events ("electrophile
spent", "conversion reached"). Within a stage the system is autonomous, so the integrator
never steps across a discontinuity. Stiff integration by SciPy's Radau (L-stable, order 5)
with the analytic Jacobian; one place holds the stage loop, events, tolerances and the
``SolverFailure`` every family raises. A family whose rates are not plain mass action passes
its own ``rhs``/``jacobian`` pair (anything shaped like ``RateLaw``) and keeps the rest.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from monoselect.errors import InvalidInput, SolverFailure


class RateLaw(Protocol):
    """d(state)/dt from reactions alone (the stage feed is added by the integrator)."""

    def rhs(self, y: np.ndarray) -> np.ndarray: ...

    def jacobian(self, y: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True, eq=False)
class MassAction:
    """A mass-action network: who reacts, what each event changes, how fast, in what volume.

    ``reactants`` is [reaction, slot] of state indices, -1 for an empty slot (a first-order
    step in a two-slot table is [a, -1]). ``stoich`` is [state, reaction], the net change per
    event. The volume is the state ``volume_index``, or the constant ``volume`` (L) without
    one.
    """

    reactants: np.ndarray
    stoich: np.ndarray
    k: np.ndarray
    volume_index: int | None = None
    volume: float = 1.0
    _order: np.ndarray = field(init=False, repr=False)  # reactants per reaction
    _slots: np.ndarray = field(init=False, repr=False)  # reactants, an empty slot -> n (= 1)
    _flat: np.ndarray = field(init=False, repr=False)  # [slot, reaction] in [reaction, n + 1]
    _k_volume: np.ndarray = field(init=False, repr=False)  # k V^(1 - o) at constant volume

    def __post_init__(self):
        reactants = np.atleast_2d(np.asarray(self.reactants, dtype=np.int64))
        stoich = np.asarray(self.stoich, dtype=float)
        k = np.asarray(self.k, dtype=float).ravel()
        if stoich.ndim != 2 or reactants.shape[0] != k.size or stoich.shape[1] != k.size:
            raise InvalidInput(
                f"a network of {k.size} reactions needs reactants [{k.size}, slots] and "
                f"stoich [states, {k.size}]; got {reactants.shape} and {stoich.shape}",
                field="network",
            )
        n = stoich.shape[0]
        if np.any(reactants >= n) or np.any(reactants < -1):
            raise InvalidInput(f"reactant index outside 0..{n - 1}", field="network")
        if not np.all(np.isfinite(k)) or np.any(k < 0):
            raise InvalidInput("rate constants must be finite and >= 0", field="k")
        if self.volume_index is not None and not 0 <= self.volume_index < n:
            raise InvalidInput(f"volume index outside 0..{n - 1}", field="network")
        if self.volume_index is None and not (self.volume > 0 and math.isfinite(self.volume)):
            raise InvalidInput(f"volume must be > 0, got {self.volume} L", field="volume")
        order = (reactants >= 0).sum(axis=1)
        # an empty slot reads an extra state fixed at 1, so every rate is one product
        slots = np.where(reactants >= 0, reactants, n)
        flat = (np.arange(k.size)[:, None] * (n + 1) + slots).T.copy()
        object.__setattr__(self, "reactants", reactants)
        object.__setattr__(self, "stoich", stoich)
        object.__setattr__(self, "k", k)
        object.__setattr__(self, "_order", order)
        object.__setattr__(self, "_slots", slots)
        object.__setattr__(self, "_flat", flat)
        object.__setattr__(self, "_k_volume", k * float(self.volume) ** (1.0 - order))

    @classmethod
    def from_pairs(cls, first, second, stoich, k, **volume) -> MassAction:
        """Reactions of order 1 or 2: ``first`` + ``second`` (-1 for a first-order step)."""
        return cls(np.stack([np.asarray(first), np.asarray(second)], axis=1), stoich, k, **volume)

    def by_reaction(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The stoichiometry by reaction (ptr, state, change), the compiled kernel's sparse
        form: a linker network's 171 reactions change 4 of its 31 states each."""
        cols = self.stoich.T
        nz = cols != 0.0
        ptr = np.zeros(self.k.size + 1, dtype=np.int64)
        ptr[1:] = np.cumsum(nz.sum(axis=1))
        idx = np.nonzero(nz)[1].astype(np.int64)
        return ptr, np.ascontiguousarray(idx), np.ascontiguousarray(cols[nz], dtype=float)

    @property
    def n_states(self) -> int:
        return self.stoich.shape[0]

    def _factors(self, y: np.ndarray):
        """Reactant amounts [reaction, slot] and k V^(1 - o) [reaction]."""
        ext = np.empty(y.size + 1)
        ext[:-1] = y
        ext[-1] = 1.0
        amounts = ext[self._slots]
        if self.volume_index is None:
            return amounts, self._k_volume
        return amounts, self.k * y[self.volume_index] ** (1.0 - self._order)

    def rates(self, y: np.ndarray) -> np.ndarray:
        """Events per second of every reaction (mol/s)."""
        amounts, scale = self._factors(y)
        rate = scale.copy()
        for j in range(amounts.shape[1]):
            rate *= amounts[:, j]
        return rate

    def rhs(self, y: np.ndarray) -> np.ndarray:
        return self.stoich @ self.rates(y)

    def jacobian(self, y: np.ndarray) -> np.ndarray:
        """d rhs / d y, exact: product rule over the slots, and -(o - 1) rate / V on V."""
        amounts, scale = self._factors(y)
        n_r, n_slot = amounts.shape
        n = y.size
        d_rate = np.zeros(n_r * (n + 1))
        for j in range(n_slot):
            partial = scale.copy()
            for m in range(n_slot):
                if m != j:
                    partial *= amounts[:, m]
            d_rate += np.bincount(self._flat[j], partial, minlength=n_r * (n + 1))
        d_rate = d_rate.reshape(n_r, n + 1)[:, :n]
        if self.volume_index is not None:
            rate = scale * amounts.prod(axis=1)
            d_rate[:, self.volume_index] -= (self._order - 1) * rate / y[self.volume_index]
        return self.stoich @ d_rate


@dataclass(frozen=True, eq=False)
class Event:
    """Stop the run where ``value(t, y)`` crosses zero (``direction`` as in SciPy: -1 falling).

    ``t`` is the time since the start of the run (s), ``y`` the unscaled state.
    """

    name: str
    value: Callable[[float, np.ndarray], float]
    direction: float = 0.0


def falls_to(name: str, index: int, level: float) -> Event:
    """The amount in slot ``index`` falls to ``level`` (a reagent is spent)."""
    return Event(name, lambda _t, y: y[index] - level, -1.0)


def reaches(name: str, quantity: Callable[[np.ndarray], float], target: float) -> Event:
    """``quantity(y)`` rises to ``target`` (a conversion is reached)."""
    return Event(name, lambda _t, y: quantity(y) - target, 1.0)


@dataclass(frozen=True, eq=False)
class Stage:
    """A stretch of constant feed: ``duration`` s, ``feed`` per state per s, ``dose`` charged
    at its start, and the events that may end the run inside it."""

    duration: float
    feed: np.ndarray | None = None
    dose: np.ndarray | None = None
    events: tuple[Event, ...] = ()

    def __post_init__(self):
        if math.isnan(self.duration) or self.duration < 0:
            raise InvalidInput(f"stage duration must be >= 0, got {self.duration}", field="stage")
        for name in ("feed", "dose"):
            value = getattr(self, name)
            if value is not None:
                value = np.asarray(value, dtype=float)
                if not np.all(np.isfinite(value)):
                    raise InvalidInput(f"stage {name} must be finite", field="stage")
                object.__setattr__(self, name, value)


@dataclass(frozen=True)
class StagedRun:
    """Accepted steps of every stage (s; states unscaled) and what ended the run."""

    time: np.ndarray
    states: np.ndarray  # [time, state]
    steps: int
    stopped_by: str | None  # the event that ended the run; None when every stage ran out

    @property
    def final(self) -> np.ndarray:
        return self.states[-1]


def integrate_staged(
    law: RateLaw,
    y0: Sequence[float] | np.ndarray,
    stages: Sequence[Stage],
    *,
    rtol: float,
    atol: float,
    amount_scale: float = 1.0,
    volume_index: int | None = None,
    t_end: float = math.inf,
    what: str = "the integration",
    field: str = "conditions",
    fix: str | None = "check for extreme rate constants or concentrations, or the time",
) -> StagedRun:
    """Run ``stages`` back to back from ``y0`` (until ``t_end`` if that comes first).

    Amounts are divided by ``amount_scale`` inside (the volume slot ``volume_index`` is
    not), so ``atol`` is in units of that scale and one tolerance fits 1 mmol and 10 mol.
    Records the start (before any first-stage dose) and every accepted step after it.
    A ``MassAction`` law without stop events runs on the compiled RODAS4 (``_compiled_run``);
    any other law, a stage with events, and a compiled run that fails a step run on SciPy's
    Radau. Raises ``SolverFailure`` naming ``what`` when Radau gives up or leaves finite
    numbers.
    """
    y = np.array(y0, dtype=float)
    n = y.size
    if not np.all(np.isfinite(y)):
        raise InvalidInput(f"{what}: starting state must be finite", field=field)
    if not (amount_scale > 0 and math.isfinite(amount_scale)):
        raise InvalidInput(f"amount scale must be > 0, got {amount_scale}", field=field)
    scale = np.full(n, float(amount_scale))
    if volume_index is not None:
        scale[volume_index] = 1.0
    inv_scale = 1.0 / scale
    unscaled = bool(np.all(scale == 1.0))
    zero = np.zeros(n)

    def scaled(fn):
        def wrapped(t, z):
            return fn(t, z * scale)

        return wrapped

    for stage in stages:
        for part in (stage.feed, stage.dose):
            if part is not None and part.shape != (n,):
                raise InvalidInput(
                    f"{what}: a stage feed or dose must have {n} entries", field=field
                )
    if _use_compiled and isinstance(law, MassAction) and not any(s.events for s in stages):
        run = _compiled_run(law, y, stages, scale, rtol, atol, t_end, what, field)
        if run is not None:
            return run
    from scipy.integrate import solve_ivp  # 0.4 s to import: only when Radau runs

    times, states, steps = [np.array([0.0])], [y[None, :].copy()], 0
    t = 0.0
    stopped_by = None
    for i, stage in enumerate(stages):
        if t >= t_end:
            break
        if stage.dose is not None:
            y = y + stage.dose
        t1 = min(t + stage.duration, t_end)
        if not t1 > t:
            continue
        if not math.isfinite(t1):
            raise InvalidInput(
                f"{what}: the last stage is open-ended and no end time is given", field=field
            )
        feed = (stage.feed if stage.feed is not None else zero) * inv_scale

        if unscaled:

            def f(_t, z, feed=feed):
                return law.rhs(z) + feed

            def jac(_t, z):
                return law.jacobian(z)

        else:

            def f(_t, z, feed=feed):
                return law.rhs(z * scale) * inv_scale + feed

            def jac(_t, z):
                return law.jacobian(z * scale) * scale[None, :] * inv_scale[:, None]

        events = []
        for ev in stage.events:
            g = scaled(ev.value)
            g.terminal = True
            g.direction = ev.direction
            events.append(g)
        sol = solve_ivp(
            f,
            (t, t1),
            y * inv_scale,
            method="Radau",
            jac=jac,
            events=events or None,
            rtol=rtol,
            atol=atol,
        )
        if not sol.success or not np.all(np.isfinite(sol.y)):
            message = sol.message if not sol.success else "the state is no longer finite"
            raise SolverFailure(
                f"{what} failed at t = {sol.t[-1]:.4g} s in stage {i + 1} of {len(stages)} "
                f"(Radau: {message})",
                field=field,
                fix=fix,
            )
        times.append(sol.t[1:])
        states.append(sol.y.T[1:] * scale)
        steps += sol.t.size - 1
        y = sol.y[:, -1] * scale
        t = float(sol.t[-1])
        if sol.status == 1:  # a terminal event fired
            fired = next(j for j, te in enumerate(sol.t_events) if te.size)
            stopped_by = stage.events[fired].name
            break
    return StagedRun(np.concatenate(times), np.concatenate(states), steps, stopped_by)


@contextlib.contextmanager
def radau_only():
    """Every staged run inside the block on SciPy's Radau, as before the compiled kernel:
    the baseline the benchmarks time it against, and the reference the tests compare to."""
    global _use_compiled
    saved, _use_compiled = _use_compiled, False
    try:
        yield
    finally:
        _use_compiled = saved


_use_compiled = True
RECORD = 20_000  # accepted steps kept by the compiled run (then the last slot moves on)
MAX_STEPS = 500_000


def _compiled_run(law, y, stages, scale, rtol, atol, t_end, what, field) -> StagedRun | None:
    """A mass-action run without events on the compiled RODAS4 (``staged_kernel``): the
    same stages, tolerances and record, 5-40x faster than SciPy's Radau; None when it
    fails a step (the caller then runs Radau, which says why if it fails too)."""
    from monoselect.kinetics import aot

    n = y.size
    durations, t = [], 0.0
    for stage in stages:
        if t >= t_end:
            break
        t1 = min(t + stage.duration, t_end)
        if t1 > t and not math.isfinite(t1):
            raise InvalidInput(
                f"{what}: the last stage is open-ended and no end time is given", field=field
            )
        durations.append(stage.duration)
        t = max(t, t1)
    m = len(durations)
    feeds = np.zeros((m, n))
    doses = np.zeros((m, n))
    for i, stage in enumerate(stages[:m]):
        if stage.feed is not None:
            feeds[i] = stage.feed / scale
        if stage.dose is not None:
            doses[i] = stage.dose / scale
    rec_t = np.empty(RECORD)
    rec_z = np.empty((RECORD, n))
    solve = aot.kernel("solve_staged")
    if solve is None:
        from monoselect.kinetics.staged_kernel import solve_staged as solve
    status, n_rec, steps, _ = solve(
        np.ascontiguousarray(y / scale),
        np.ascontiguousarray(scale, dtype=float),
        np.ascontiguousarray(law._slots, dtype=np.int64),
        np.ascontiguousarray(law._order, dtype=float),
        np.ascontiguousarray(law.k, dtype=float),
        *law.by_reaction(),
        -1 if law.volume_index is None else int(law.volume_index),
        float(law.volume),
        np.asarray(durations, dtype=float),
        feeds,
        doses,
        float(t_end),
        float(rtol),
        float(atol),
        MAX_STEPS,
        rec_t,
        rec_z,
    )
    if status != 0:
        return None
    states = rec_z[:n_rec] * scale
    if not np.all(np.isfinite(states)):
        return None
    return StagedRun(rec_t[:n_rec].copy(), states, int(steps), None)
