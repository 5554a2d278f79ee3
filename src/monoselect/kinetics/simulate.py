"""Batch and semi-batch runs of a site network: one condition, or many in one call.

Engine units: mol, L, s, L/mol/s. Amounts and volume are scaled to O(1) before the compiled
integrator sees them, so one absolute tolerance fits every scale from 50 mL to 100 L.

Acids and bases (a ``ProtonPool``) share one proton balance with every amine species; it is
solved as a fast equilibrium inside each right-hand-side call (SCIENCE.md section 4), with one
effective aqueous pKa scale for the solvent and activities taken as 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from monoselect.errors import InvalidInput
from monoselect.kinetics import aot, system as ks
from monoselect.kinetics.network import Network
from monoselect.kinetics.staged import Event, Stage, integrate_staged, reaches

SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True)
class FeedStage:
    """A stretch of constant feed: mol/s of electrophile and substrate, L/s of liquid."""

    duration: float
    electrophile_rate: float = 0.0
    substrate_rate: float = 0.0
    volume_rate: float = 0.0

    def __post_init__(self):
        for name in ("duration", "electrophile_rate", "substrate_rate", "volume_rate"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise InvalidInput(
                    f"feed {name.replace('_', ' ')} must be >= 0, got {value}", field=name
                )


@dataclass(frozen=True)
class Binder:
    """An added base or weak acid in the proton pool (anything that is not an amine species)."""

    name: str
    amount: float  # mol
    pka: tuple[float, ...]  # stepwise pKa values, ascending
    protons: int = 0  # protons it brings when charged: 0 for a base, len(pka) for an acid

    def __post_init__(self):
        if not math.isfinite(self.amount) or self.amount < 0:
            raise InvalidInput(
                f"amount of {self.name} must be >= 0, got {self.amount}", field=self.name
            )
        if not 0 <= self.protons <= len(self.pka):
            raise InvalidInput(f"{self.name} cannot carry {self.protons} protons", field=self.name)

    def states(self) -> tuple[np.ndarray, np.ndarray]:
        """Protons bound and ln formation constant of each state (macroscopic, from the base)."""
        top = sorted(self.pka, reverse=True)
        n = np.arange(len(top) + 1, dtype=float)
        logw = np.concatenate([[0.0], np.cumsum(top)]) * math.log(10.0)
        return n, logw


@dataclass(frozen=True)
class ProtonPool:
    """Every proton source and sink besides the amines: charged at t = 0 or made by reaction."""

    strong_acid: float = 0.0  # mol H+ from fully dissociated acids (HCl)
    binders: tuple[Binder, ...] = ()
    release: float = 0.0  # H+ released per substitution: 1 for HX or a carboxylic acid
    released: Binder | None = None  # the weak acid released (its amount follows the reaction)
    # weight of free solvated H+ in the balance: 1 on the aqueous scale (water, alcohols); in
    # an aprotic solvent there is no reservoir of free protons, so a released strong acid ends
    # on the most basic N or base, and acid beyond the bases stays as HX
    free_weight: float = 1.0

    def __post_init__(self):
        if not math.isfinite(self.strong_acid) or self.strong_acid < 0:
            raise InvalidInput("strong acid charge must be >= 0", field="acid_eq")
        if not 0 < self.free_weight <= 1:
            raise InvalidInput("free-proton weight must be in (0, 1]", field="solvent")

    @property
    def charged_protons(self) -> float:
        return self.strong_acid + sum(b.amount * b.protons for b in self.binders)

    @property
    def active(self) -> bool:
        return self.charged_protons > 0 or self.release > 0

    def signature(self) -> tuple:
        """What must match between conditions of one sweep (amounts may differ)."""
        return (
            tuple((b.name, b.pka, b.protons) for b in self.binders),
            self.release,
            None if self.released is None else (self.released.name, self.released.pka),
        )


_NO_POOL = ((), 0.0, None)  # ProtonPool().signature(), without building it per condition


@dataclass(frozen=True)
class Solvolysis:
    """A protic solvent consuming the electrophile: E + ROH -> product + the agent's acid.

    Rate = ``k2`` [ROH] [E] (L/mol/s), [ROH] the protic solvent's concentration. The kernel
    carries the solvent and the solvolysed electrophile as two extra bookkeeping species
    (no basic site): the solvent is fed with the volume its solutions bring, and each
    solvolysed electrophile releases the same acid as an amine substitution, so units and
    protons balance exactly."""

    k2: float  # L/mol/s at the run temperature
    solvent: float  # mol of protic solvent in the flask at t = 0
    feed_conc: float = 0.0  # mol/L of protic solvent in the fed solution
    name: str = "MeOH"

    def __post_init__(self):
        if not (self.k2 >= 0 and math.isfinite(self.k2)):
            raise InvalidInput(f"solvolysis rate must be >= 0, got {self.k2}", field="solvolysis")
        if self.solvent < 0 or self.feed_conc < 0:
            raise InvalidInput("solvent amounts must be >= 0", field="solvolysis")


@dataclass(frozen=True)
class Solid:
    """A salt that leaves the solution above its saturation concentration: the state of a
    network species (``species``) or of a binder (``binder``, its index in the pool with the
    released acid last) carrying ``protons`` protons. Saturation is an equilibrium (fast
    precipitation and redissolution); the counter-ion is not tracked."""

    name: str  # e.g. "SM.2HCl", "Et3N.HCl"
    protons: int
    solubility: float  # mol/L of the salt in the reaction mixture
    species: int | None = None
    binder: int | None = None

    def __post_init__(self):
        if (self.species is None) == (self.binder is None):
            raise InvalidInput(
                f"{self.name}: a solid is one species or one binder", field="solubility"
            )
        if not (self.solubility >= 0 and math.isfinite(self.solubility)):
            raise InvalidInput(
                f"solubility of {self.name} must be finite and >= 0 mol/L, got {self.solubility}",
                field="solubility",
            )


@dataclass(frozen=True)
class Problem:
    """One run: what is in the flask at t = 0, the feed plan, and when to stop."""

    network: Network
    substrate: float  # mol of SM in the flask at t = 0
    electrophile: float  # mol of electrophile in the flask at t = 0
    volume: float  # L at t = 0
    stages: tuple[FeedStage, ...] = ()
    protons: ProtonPool = ProtonPool()
    t_end: float = math.inf  # s; inf = until the limiting reagent is spent
    stop_conversion: float | None = None  # stop when substrate conversion reaches this
    time_cap: float = 7 * SECONDS_PER_DAY  # s, bounds the run only when t_end is inf
    spent_tol: float = 1e-9
    # final splits agree with the closed form to <= 6e-8 at this setting (worst of 60 checked
    # batch and fed runs, rho 0.02-8); conservation does not depend on it (Rosenbrock keeps
    # linear invariants to round-off)
    rtol: float = 1e-6
    atol: float = 1e-10  # in units of the substrate charge
    max_steps: int = 200_000
    solvolysis: Solvolysis | None = None  # a protic solvent consuming the electrophile
    feed_conc: float | None = None  # mol/L of the fed solution (the engulfment model's zones)
    solids: tuple[Solid, ...] = ()  # salts that can precipitate

    def __post_init__(self):
        if not self.volume > 0:
            raise InvalidInput(f"starting volume must be > 0, got {self.volume} L", field="volume")
        if self.substrate < 0 or self.electrophile < 0:
            raise InvalidInput("starting amounts must be >= 0", field="amount")
        if self.substrate_charged <= 0:
            raise InvalidInput("no substrate is charged or fed", field="substrate")
        if self.solvolysis is not None and self.stop_conversion is not None:
            raise InvalidInput(
                "a conversion stop cannot be combined with solvolysis of the electrophile",
                field="stop_conversion",
                fix="give a time instead, or run in an aprotic solvent",
            )
        if self.stop_conversion is not None and not 0 < self.stop_conversion <= 1:
            raise InvalidInput(
                f"stop conversion must be in (0, 1], got {self.stop_conversion}",
                field="stop_conversion",
            )

    @property
    def substrate_charged(self) -> float:
        return self.substrate + sum(s.substrate_rate * s.duration for s in self.stages)

    @property
    def electrophile_charged(self) -> float:
        return self.electrophile + sum(s.electrophile_rate * s.duration for s in self.stages)

    @property
    def feed_end(self) -> float:
        return sum(s.duration for s in self.stages)


@dataclass(frozen=True)
class Trajectory:
    """Accepted integrator steps (times in s; amounts in mol; volume in L)."""

    time: np.ndarray
    species: np.ndarray  # [time, species]
    electrophile: np.ndarray
    volume: np.ndarray
    status: int
    steps: int
    method: str = "RODAS4 (compiled)"
    notes: tuple[str, ...] = field(default=())
    log_h: np.ndarray | None = None  # ln [H+] (mol/L) per record; -inf with no protons
    state_fractions: np.ndarray | None = None  # [time, microstate] within each species
    binder_protons: np.ndarray | None = None  # [time, binder] mean protons bound
    solvolysed: np.ndarray | None = None  # mol of electrophile consumed by the solvent
    solids: np.ndarray | None = None  # [time, species then binders] mol precipitated


# sweeps up to this many conditions run in the serial kernel (compiled ahead of time where it
# is built): a thread pool pays off only above it
SERIAL_SWEEP = 32


def _jit():
    """The JIT-compiled kernels (imports numba: half a second the first time)."""
    from monoselect.kinetics import rosenbrock

    return rosenbrock


def _kernel(name: str, sysm: ks.SiteSystem, *arrays: np.ndarray):
    """The kernel ``name`` compiled ahead of time when it is built and the arguments are of
    the types it was built for, else the JIT one (the same function, the same numbers)."""
    if aot.conforms(sysm, *arrays):
        compiled = aot.kernel(name)
        if compiled is not None:
            return compiled
    jit_name = name.removesuffix("_p").removesuffix("_n")
    return getattr(_jit(), jit_name)


def _binder_tables(pool: ProtonPool):
    """Flattened state tables of the added binders, the released acid last."""
    binders = list(pool.binders) + ([pool.released] if pool.released is not None else [])
    start, nprot, logw = [0], [], []
    for b in binders:
        n, w = b.states()
        nprot += n.tolist()
        logw += w.tolist()
        start.append(len(nprot))
    rel = np.array([0.0] * len(pool.binders) + ([1.0] if pool.released is not None else []))
    return (
        np.array(start, dtype=np.int64),
        np.array(nprot, dtype=float),
        np.array(logw, dtype=float),
        rel,
    )


def _released_binders(pool: ProtonPool) -> int:
    """1 if the reaction releases a weak acid (it is the last binder), else 0."""
    return int(pool.released is not None)


def _structure(problem: Problem, rows: _Rows, kms_scale: float = 1.0) -> ks.SiteSystem:
    """The kernel's system: network and binder tables, with ``rows``' first condition.

    The tables are shared by every condition of a sweep; the per-condition parts (binder
    amounts, proton scales) come from row 0. Rate constants are multiplied by ``kms_scale``
    (a sweep scales them per condition itself).
    """
    net = problem.network
    g_start, g_nprot, g_logw, g_rel = _binder_tables(problem.protons)
    return ks.SiteSystem(
        reactant=net.reactant,
        product=net.product,
        kms=net.kms * kms_scale if kms_scale != 1.0 else net.kms,
        state_start=net.state_start,
        state_nprot=net.state_nprot,
        state_weight=np.exp(net.state_logw),
        state_free=net.state_free,
        degree=net.released,  # protons released per molecule (none by quaternisation)
        binder_start=g_start,
        binder_nprot=g_nprot,
        binder_weight=np.exp(g_logw),
        binder_amount=rows.g_amt[0],
        binder_released=g_rel,
        proton_scales=rows.scal[0],
        **_solid_tables(problem, g_rel.size),
    )


def _solid_tables(problem: Problem, n_binders: int) -> dict:
    """The kernel's solid arrays: protons of the salt that precipitates (-1: none) and its
    solubility (mol/L), per species and per binder."""
    ns = problem.network.n_species
    out = {
        "solid_nprot": np.full(ns, -1.0),
        "solid_cap": np.zeros(ns),
        "binder_solid_nprot": np.full(n_binders, -1.0),
        "binder_solid_cap": np.zeros(n_binders),
    }
    for solid in problem.solids:
        kind, i = ("", solid.species) if solid.species is not None else ("binder_", solid.binder)
        out[f"{kind}solid_nprot"][i] = solid.protons
        out[f"{kind}solid_cap"][i] = solid.solubility
    return out


@dataclass(frozen=True)
class _Rows:
    """Per-condition arrays for the compiled integrator, one row per problem (scaled)."""

    y0: np.ndarray  # [m, n]
    g_amt: np.ndarray  # [m, binders]
    scal: np.ndarray  # [m, 5]: SiteSystem.proton_scales (ks.CHARGED, RELEASE, C_REF, ACTIVE, FREE)
    ends: np.ndarray  # [m, stages], padded with zero-length stages
    feeds: np.ndarray  # [m, stages, n]
    e_total: np.ndarray
    t_end: np.ndarray
    conversion: np.ndarray  # 2.0 = no conversion stop
    n_ref: np.ndarray
    v_ref: np.ndarray


def _rows(problems: list[Problem], n_released: int) -> _Rows:
    """Fill every condition's row in one plain loop (sweeps of 10,000 spend real time here)."""
    m = len(problems)
    ns = problems[0].network.n_species
    n_stages = max(len(p.stages) for p in problems)
    n_binders = len(problems[0].protons.binders)
    y0 = np.zeros((m, ns + 2))
    g_amt = np.zeros((m, n_binders + n_released))
    scal = np.zeros((m, 5))
    ends = np.zeros((m, n_stages))
    feeds = np.zeros((m, n_stages, ns + 2))
    e_total, t_end, conv, n_refs, v_refs = (np.zeros(m) for _ in range(5))
    for c, p in enumerate(problems):
        n_ref = p.substrate_charged
        v_ref = p.volume
        y0[c, 0] = p.substrate / n_ref
        y0[c, ns] = p.electrophile / n_ref
        y0[c, ns + 1] = 1.0
        pool = p.protons
        for g, b in enumerate(pool.binders):
            g_amt[c, g] = b.amount / n_ref
        charged = pool.charged_protons
        scal[c] = (
            charged / n_ref,
            pool.release,
            n_ref / v_ref,
            charged > 0 or pool.release > 0,
            pool.free_weight,
        )
        elapsed = 0.0
        fed = p.electrophile
        for i, st in enumerate(p.stages):
            elapsed += st.duration
            fed += st.electrophile_rate * st.duration
            ends[c, i] = elapsed
            feeds[c, i, 0] = st.substrate_rate / n_ref
            feeds[c, i, ns] = st.electrophile_rate / n_ref
            feeds[c, i, ns + 1] = st.volume_rate / v_ref
        ends[c, len(p.stages) :] = elapsed
        e_total[c] = fed / n_ref
        t_end[c] = p.t_end
        conv[c] = p.stop_conversion if p.stop_conversion is not None else 2.0
        n_refs[c], v_refs[c] = n_ref, v_ref
    return _Rows(y0, g_amt, scal, ends, feeds, e_total, t_end, conv, n_refs, v_refs)


def _arrays(problem: Problem):
    """Scaled initial state, system tuple and feed plan for one compiled run."""
    rows = _rows([problem], _released_binders(problem.protons))
    n_stages = len(problem.stages)
    sysm = _structure(problem, rows, rows.scal[0, ks.C_REF])
    sites_total = float(problem.network.free_sites[0])  # per unit of substrate charged
    y0, feeds = rows.y0[0], rows.feeds[0, :n_stages]
    if problem.solvolysis is not None:
        y0, sysm, feeds = _with_solvolysis(problem, rows, y0, sysm, feeds)
    return (
        y0,
        sysm,
        rows.ends[0, :n_stages],
        feeds,
        sites_total,
        float(rows.e_total[0]),
        float(rows.n_ref[0]),
        float(rows.v_ref[0]),
    )


def _with_solvolysis(problem: Problem, rows: _Rows, y0, sysm: ks.SiteSystem, feeds):
    """The system with two bookkeeping species after the network's: the protic solvent
    (reactant) and the solvolysed electrophile (product, releasing one acid). The state
    becomes [species..., solvent, solvolysed, electrophile, volume]."""
    sol = problem.solvolysis
    ns = problem.network.n_species
    n_ref, v_ref = float(rows.n_ref[0]), float(rows.v_ref[0])
    width = sysm.kms.shape[1]
    kms = np.vstack([sysm.kms, np.zeros((1, width))])
    kms[-1, 0] = sol.k2 * n_ref / v_ref  # scaled like every rate constant
    last = sysm.state_start[-1]
    sysm = sysm._replace(
        reactant=np.append(sysm.reactant, ns).astype(sysm.reactant.dtype),
        product=np.append(sysm.product, ns + 1).astype(sysm.product.dtype),
        kms=kms,
        state_start=np.append(sysm.state_start, [last + 1, last + 2]).astype(np.int64),
        state_nprot=np.append(sysm.state_nprot, [0.0, 0.0]),
        state_weight=np.append(sysm.state_weight, [1.0, 1.0]),
        state_free=np.append(sysm.state_free, [0.0, 0.0]),
        degree=np.append(sysm.degree, [0, 1]).astype(sysm.degree.dtype),
        solid_nprot=np.append(sysm.solid_nprot, [-1.0, -1.0]),
        solid_cap=np.append(sysm.solid_cap, [0.0, 0.0]),
    )
    y = np.zeros(ns + 4)
    y[:ns] = y0[:ns]
    y[ns] = sol.solvent / n_ref
    y[ns + 2 :] = y0[ns:]
    fed = np.zeros((feeds.shape[0], ns + 4))
    fed[:, :ns] = feeds[:, :ns]
    fed[:, ns + 2 :] = feeds[:, ns:]
    # the fed solution brings its solvent: volume rate (scaled) x v_ref x mol/L / n_ref
    fed[:, ns] = feeds[:, ns + 1] * v_ref * sol.feed_conc / n_ref
    return y, sysm, fed


def _speciation(sysm, rows: np.ndarray, active: bool):
    """ln [H+], microstate fractions, binder protonation and the solid amounts (scaled;
    species then binders) at recorded (scaled) states."""
    m = rows.shape[0]
    nb = sysm.binder_amount.size
    if not active:  # every species is all free base, nothing precipitates
        alpha = np.zeros((m, sysm.state_nprot.size))
        alpha[:, sysm.state_start[:-1]] = 1.0
        solid = np.zeros((m, rows.shape[1] - 2 + nb))
        return np.full(m, -np.inf), alpha, np.zeros((m, nb)), solid
    alpha = np.empty((m, sysm.state_nprot.size))
    gnu = np.empty((m, nb))
    x = np.empty(m)
    solid = np.empty((m, rows.shape[1] - 2 + nb))
    rows = np.ascontiguousarray(rows)
    _kernel("speciate_rows", sysm, rows)(rows, sysm, alpha, gnu, x, solid)
    return x, alpha, gnu, solid


def integrate(problem: Problem, *, record: int = 20_000) -> Trajectory:
    """Run one problem; retry a failed compiled run with SciPy's Radau, else SolverFailure."""
    net = problem.network
    y0, sysm, ends, feeds, sites_total, e_total, n_ref, v_ref = _arrays(problem)
    ns = net.n_species
    extra = 2 if problem.solvolysis is not None else 0  # solvent, solvolysed
    rec_t = np.empty(record)
    rec_y = np.empty((record, ns + extra + 2))
    y_out = np.empty(ns + extra + 2)
    conv = problem.stop_conversion if problem.stop_conversion is not None else 2.0
    # salts that can precipitate need the speciation even with no proton in the pool
    protons = True if problem.protons.active or problem.solids else None
    run = _kernel("solve_network_p" if protons else "solve_network_n", sysm, y0, ends, feeds)
    status, t_final, n_rec, steps = run(
        y0,
        sysm,
        protons,
        ends,
        feeds,
        float(problem.t_end),
        problem.spent_tol,
        float(conv),
        float(problem.time_cap),
        sites_total,
        e_total,
        problem.rtol,
        problem.atol,
        problem.max_steps,
        rec_t,
        rec_y,
        y_out,
    )
    notes: tuple[str, ...] = ()
    method = "RODAS4 (compiled)"
    if status in (ks.STEP_UNDERFLOW, ks.NOT_FINITE, ks.TOO_MANY_STEPS):
        rec_t, rec_y, status, steps = _radau_fallback(
            problem, y0, sysm, ends, feeds, sites_total, e_total, t_final
        )
        n_rec = rec_t.size
        method = "Radau (SciPy, after a failed RODAS4 run)"
        notes = ("the compiled integrator failed a step; the run was repeated with Radau",)
    else:
        if rec_t[n_rec - 1] < t_final:  # recording buffer full: keep the end
            rec_t[n_rec - 1] = t_final
            rec_y[n_rec - 1] = y_out
        rec_t, rec_y = rec_t[:n_rec], rec_y[:n_rec]
    log_h, alpha, gnu, solid = _speciation(sysm, rec_y, protons is not None)
    if extra:  # the bookkeeping species are not part of the network: off the record
        alpha = alpha[:, : problem.network.state_start[-1]]
        solid = np.delete(solid, [ns, ns + 1], axis=1)
    return Trajectory(
        time=rec_t.copy(),
        species=rec_y[:, :ns] * n_ref,
        electrophile=rec_y[:, ns + extra] * n_ref,
        volume=rec_y[:, ns + extra + 1] * v_ref,
        solvolysed=rec_y[:, ns + 1] * n_ref if extra else None,
        status=int(status),
        steps=int(steps),
        method=method,
        notes=notes,
        log_h=log_h,
        state_fractions=alpha,
        binder_protons=gnu,
        solids=solid * n_ref if problem.solids else None,
    )


class _KernelRates:
    """The compiled kernel's rates and analytic Jacobian as a ``staged.RateLaw``.

    Not plain mass action: with a proton pool every call first solves the proton balance at
    ``y`` (``rosenbrock._speciate``), and the Jacobian carries d[H+]/dy.
    """

    def __init__(self, sysm: ks.SiteSystem, n: int, protons: bool | None):
        self.sysm = sysm
        self.rb = _jit()
        self.work = self.rb.new_work(sysm, n)
        self.protons = protons
        self.no_feed = np.zeros(n)

    def rhs(self, y: np.ndarray) -> np.ndarray:
        if self.protons:
            self.rb._speciate(y, self.sysm, self.work)
        out = np.empty(y.size)
        self.rb._rhs(y, self.sysm, self.no_feed, out, self.work, self.protons)
        return out

    def jacobian(self, y: np.ndarray) -> np.ndarray:
        if self.protons:
            self.rb._speciate(y, self.sysm, self.work)  # the Jacobian reads the speciation at y
        jac = np.empty((y.size, y.size))
        self.rb._jacobian(y, self.sysm, jac, self.work, self.protons)
        return jac

    def progress(self, y: np.ndarray, sites_total: float, e_total: float) -> float:
        return self.rb._progress(y, self.sysm, self.work, sites_total, e_total, self.protons)


def _radau_fallback(problem, y0, sysm, ends, feeds, sites_total, e_total, t_reached):
    """Stiffer, slower second attempt with the same stop rules; SolverFailure if it fails too."""
    ns = problem.network.n_species
    law = _KernelRates(sysm, y0.size, True if problem.protons.active or problem.solids else None)
    feeding: tuple[Event, ...] = ()
    if problem.stop_conversion is not None:
        feeding = (
            reaches(
                "conversion reached", lambda y: law.rb._conversion(y, ns), problem.stop_conversion
            ),
        )
    holding = feeding
    if not math.isfinite(problem.t_end):
        spent = Event(
            "limiting reagent spent",
            lambda _t, y: law.progress(y, sites_total, e_total) - problem.spent_tol,
            -1.0,
        )
        holding = (*feeding, spent)
    starts = np.concatenate([[0.0], ends])[:-1]
    stages = [
        Stage(end - start, feed=feed, events=feeding)
        for start, end, feed in zip(starts, ends, feeds, strict=True)
    ]
    stages.append(Stage(math.inf, events=holding))  # after the feeds: until t_end, or spent
    run = integrate_staged(
        law,
        y0,
        stages,
        rtol=max(problem.rtol, 1e-10),
        atol=problem.atol,
        t_end=problem.t_end if math.isfinite(problem.t_end) else problem.time_cap,
        what=f"the site network (after RODAS4 failed at t = {t_reached:.4g} s)",
        fix="check for extreme rate constants or concentrations, or give --time",
    )
    capped = run.stopped_by is None and not math.isfinite(problem.t_end)
    return run.time, run.states, ks.CAP_REACHED if capped else ks.OK, run.steps


@dataclass(frozen=True)
class SweepResult:
    """Final state of many conditions, with a status per condition (never a silent NaN)."""

    species: np.ndarray  # [condition, species], mol
    electrophile: np.ndarray
    volume: np.ndarray
    time: np.ndarray
    status: np.ndarray
    steps: np.ndarray


def integrate_many(problems: list[Problem], *, rates: np.ndarray | None = None) -> SweepResult:
    """Run many problems on one network in parallel compiled code (no Python loop per run).

    ``rates`` ([condition, reaction], L/mol/s) replaces the free-base rate constants per
    condition (every protonation state of a reaction is scaled by the same factor), so a sweep
    over kappa needs no network per value. Acid and base amounts may differ per condition; the
    kind of acids and bases may not.
    """
    if not problems:
        raise InvalidInput("no conditions to run", field="conditions")
    if rates is None and any(p.solvolysis is not None for p in problems):
        return _one_by_one(problems)
    net = problems[0].network
    p0 = problems[0]
    shared = ("spent_tol", "time_cap", "rtol", "atol", "max_steps", "solids")
    key0 = tuple(getattr(p0, name) for name in shared)
    sig0 = p0.protons.signature()
    for p in problems:  # one pass: sweeps of 10,000 conditions spend real time here
        if p.network is not net:
            raise InvalidInput(
                "a sweep runs one network; build one per substrate/electrophile", field="network"
            )
        key = tuple(getattr(p, name) for name in shared)
        if key != key0:
            name = next(n for n, a, b in zip(shared, key, key0, strict=True) if a != b)
            raise InvalidInput(
                f"every condition of a sweep must share {name}",
                field=name,
                fix="run conditions with different solver settings as separate sweeps",
            )
        pool = p.protons
        sig = pool.signature() if pool.binders or pool.release or pool.released else _NO_POOL
        if sig != sig0:
            raise InvalidInput(
                "every condition of a sweep must use the same acids and bases (amounts may differ)",
                field="protons",
                fix="give an absent acid or base as 0 eq rather than leaving it out",
            )
    m, n = len(problems), net.n_species + 2
    factor = None
    if rates is not None:
        rates = np.asarray(rates, dtype=float)
        if rates.shape != (m, net.k.size) or not np.all(np.isfinite(rates)) or np.any(rates < 0):
            raise InvalidInput(
                f"rates must be finite, >= 0 and of shape {(m, net.k.size)}", field="rates"
            )
        if np.any(net.k == 0):
            raise InvalidInput("rates can only rescale reactions with k > 0", field="rates")
        factor = rates / net.k
    rows = _rows(problems, _released_binders(p0.protons))
    kms = net.kms[None, :, :] * rows.scal[:, ks.C_REF, None, None]
    if factor is not None:
        kms = kms * factor[:, :, None]
    sites = np.full(m, float(net.free_sites[0]))
    y_out = np.empty((m, n))
    t_out = np.empty(m)
    status = np.empty(m, dtype=np.int64)
    steps = np.empty(m, dtype=np.int64)
    shared_sysm = _structure(p0, rows)
    protons = True if rows.scal[:, ks.ACTIVE].any() or p0.solids else None
    kms = np.ascontiguousarray(kms)
    if m <= SERIAL_SWEEP:  # a few conditions: the compiled serial loop, no thread pool
        run = _kernel(f"solve_many_{'p' if protons else 'n'}", shared_sysm, rows.y0, kms)
    else:
        run = _jit().solve_many
    run(
        rows.y0,
        shared_sysm,
        protons,
        kms,
        rows.g_amt,
        rows.scal,
        rows.ends,
        rows.feeds,
        rows.t_end,
        p0.spent_tol,
        rows.conversion,
        p0.time_cap,
        sites,
        rows.e_total,
        p0.rtol,
        p0.atol,
        p0.max_steps,
        y_out,
        t_out,
        status,
        steps,
    )
    ns = net.n_species
    return SweepResult(
        species=y_out[:, :ns] * rows.n_ref[:, None],
        electrophile=y_out[:, ns] * rows.n_ref,
        volume=y_out[:, ns + 1] * rows.v_ref,
        time=t_out,
        status=status,
        steps=steps,
    )


def _one_by_one(problems: list[Problem]) -> SweepResult:
    """A sweep of runs with solvolysis (two more state variables than the compiled sweep
    carries): each run alone, their final states gathered."""
    runs = [integrate(p, record=2) for p in problems]
    return SweepResult(
        species=np.array([r.species[-1] for r in runs]),
        electrophile=np.array([r.electrophile[-1] for r in runs]),
        volume=np.array([r.volume[-1] for r in runs]),
        time=np.array([r.time[-1] for r in runs]),
        status=np.array([r.status for r in runs], dtype=np.int64),
        steps=np.array([r.steps for r in runs], dtype=np.int64),
    )


@dataclass(frozen=True)
class ZoneRun:
    """Final state of one run through the engulfment model (mol; kinetics/zones.py)."""

    e_rate: float  # 1/s
    species: np.ndarray  # [species], mol
    electrophile: float
    solvolysed: float  # mol of electrophile consumed by the solvent
    volume: float  # L at the end
    portions: int
    made_in_zones: np.ndarray  # [species], mol: net amounts the feed zones made


def integrate_feed_zones(
    problem: Problem,
    e_rates,
    *,
    portions: int = 20,
    hold: float = 0.0,
    rtol: float = 1e-7,
    inverse: bool = False,
) -> list[ZoneRun]:
    """``problem`` with the feed zone resolved: the engulfment model at each rate in
    ``e_rates`` (1/s), ``portions`` feed portions, then ``hold`` s of batch after the feed.
    ``rtol`` as the SciPy Radau path the free-base model was checked against (1e-6 on mono,
    tests/kinetics/test_mixing_kernel.py).

    The fed reagent (the electrophile; the diamine with ``inverse``) comes at one constant
    rate cut into ``portions``, or charged at once as one zone; acids and bases are in the
    flask. Each zone lives until it has used up what it brought (the electrophile, or the
    diamine's N-H) or has engulfed the whole bulk. Zone and bulk run this problem's network
    with its proton pool and solvolysis (compiled: kinetics/zones.py).
    """
    from monoselect.errors import SolverFailure
    from monoselect.kinetics import zones

    rates = np.ascontiguousarray(e_rates, dtype=float).ravel()
    if rates.size == 0 or not np.all(np.isfinite(rates)) or np.any(rates <= 0):
        raise InvalidInput("engulfment rates must be finite and > 0", field="mixing")
    if not (math.isfinite(hold) and hold >= 0):
        raise InvalidInput(f"hold time must be >= 0, got {hold}", field="time")
    if not (isinstance(portions, int) and portions >= 1):
        raise InvalidInput(f"need at least one feed portion, got {portions}", field="blobs")
    fed_other = any(
        (s.electrophile_rate if inverse else s.substrate_rate) > 0 for s in problem.stages
    )
    at_once = problem.substrate if inverse else problem.electrophile
    if fed_other or len(problem.stages) > 1 or (problem.stages and at_once > 0):
        raise InvalidInput(
            "the engulfment model feeds one reagent at one constant rate, or all at once",
            field="feed",
            fix="give addition_time instead of feed stages, or use mixing_model: ideal",
        )
    y0, sysm, _, feeds, _, _, n_ref, v_ref = _arrays(problem)
    nc = y0.size - 1  # species (with solvolysis bookkeeping), then the electrophile
    ns = problem.network.n_species
    fed = 0 if inverse else nc - 1  # the component the feed brings
    weights = np.zeros(nc)
    if inverse:
        weights[:ns] = problem.network.free_sites  # N-H a fed diamine's zone can still use
    else:
        weights[fed] = 1.0
    start = y0[:nc].copy()
    volume = 1.0  # scaled
    if problem.stages:
        st = problem.stages[0]
        v_blob = feeds[0, nc] * st.duration / portions
        feed = feeds[0, :nc] / feeds[0, nc]  # scaled mol per scaled volume of the feed
        interval = st.duration / portions
    else:  # all at once: one zone of what was charged, at the feed concentration
        if problem.feed_conc is None:
            raise InvalidInput(
                "the concentration of the reagent charged at once is unknown",
                field="feed_conc",
            )
        portions, interval = 1, 0.0
        v_blob = start[fed] / (problem.feed_conc * v_ref / n_ref)
        feed = np.zeros(nc)
        feed[fed] = start[fed] / v_blob
        if problem.solvolysis is not None:  # the fed solution's own protic solvent
            feed[ns] = problem.solvolysis.feed_conc * v_ref / n_ref
            start[ns] -= feed[ns] * v_blob
        start[fed] = 0.0
        volume -= v_blob
    if not (volume > 0 and v_blob > 0):
        raise InvalidInput("nothing is fed to a feed zone", field="feed")
    passive = np.append(sysm.binder_amount, sysm.proton_scales[ks.CHARGED])
    own = sysm._replace(  # the zones keep every salt dissolved (the model says so)
        binder_amount=sysm.binder_amount.copy(),
        proton_scales=sysm.proton_scales.copy(),
        solid_nprot=np.full(sysm.solid_nprot.size, -1.0),
        binder_solid_nprot=np.full(sysm.binder_solid_nprot.size, -1.0),
    )
    out = np.zeros((rates.size, nc))
    made = np.zeros((rates.size, nc))
    failed_in = np.zeros(rates.size, dtype=np.int64)
    status = zones.zone_runs(
        rates, start, passive, volume, np.ascontiguousarray(feed), weights, float(v_blob),
        int(portions), float(interval), float(hold), float(rtol), own,
        True if problem.protons.active else None, out, made, failed_in,
    )  # fmt: skip
    runs = []
    for e_rate, code, where, row, zone in zip(rates, status, failed_in, out, made, strict=True):
        if code != zones.OK:
            place = ("the feed zone", "the bulk between feed portions")[int(where)]
            why = {zones.STEP_UNDERFLOW: "the step size underflowed",
                   zones.NOT_FINITE: "the state is no longer finite",
                   zones.TOO_MANY_STEPS: "too many steps"}[int(code)]  # fmt: skip
            raise SolverFailure(f"{place} failed at E = {e_rate:.3g} 1/s ({why})", field="mixing")
        runs.append(
            ZoneRun(
                e_rate=float(e_rate),
                species=row[:ns] * n_ref,
                electrophile=float(row[nc - 1]) * n_ref,
                solvolysed=float(row[ns + 1]) * n_ref if problem.solvolysis is not None else 0.0,
                volume=(volume + portions * v_blob) * v_ref,
                portions=portions,
                made_in_zones=zone[:ns] * n_ref,
            )
        )
    return runs
