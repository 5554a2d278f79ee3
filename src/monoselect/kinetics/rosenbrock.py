"""Compiled RODAS4 integrator for bilinear site networks with piecewise-constant feeds.

State: amounts of every species, the electrophile, then the volume (mol, mol, L; scaled by
the caller so that the charges are O(1)). Reaction r consumes one reactant species and one
electrophile at rate k_r * n_a * n_E / V and makes one product species. With a proton
pool, k_r is averaged over the reactant's protonation microstates at the [H+] that solves
the proton balance of the current state (``_speciate``: an algebraic equilibrium, not an
ODE state). Feeds add constant mol/s (and L/s for the volume) within a stage, so each stage
is an autonomous system and the integrator never steps across a discontinuity.

RODAS4 (Hairer & Wanner, Solving ODEs II, 2nd ed., section IV.7; coefficients of their
rodas.f, METH=1) is L-stable with an embedded error estimate and a dense output, so fast
acyl chlorides under a slow feed (a stiff quasi-steady electrophile) cost no more than Boc2O.
The Jacobian is analytic. Rosenbrock stages are linear combinations of f and J-solves, so
linear invariants (substrate units, electrophile units) are kept to round-off.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from monoselect.kinetics.rodas4 import (  # the RODAS4 tableau, read by the compiled code
    A21 as _A21,
    A31 as _A31,
    A32 as _A32,
    A41 as _A41,
    A42 as _A42,
    A43 as _A43,
    A51 as _A51,
    A52 as _A52,
    A53 as _A53,
    A54 as _A54,
    C21 as _C21,
    C31 as _C31,
    C32 as _C32,
    C41 as _C41,
    C42 as _C42,
    C43 as _C43,
    C51 as _C51,
    C52 as _C52,
    C53 as _C53,
    C54 as _C54,
    C61 as _C61,
    C62 as _C62,
    C63 as _C63,
    C64 as _C64,
    C65 as _C65,
    D21 as _D21,
    D22 as _D22,
    D23 as _D23,
    D24 as _D24,
    D25 as _D25,
    D31 as _D31,
    D32 as _D32,
    D33 as _D33,
    D34 as _D34,
    D35 as _D35,
    GAMMA as _GAMMA,
)
from monoselect.kinetics.system import (
    ACTIVE,
    C_REF,
    CAP_REACHED,
    CHARGED,
    FREE,
    NOT_FINITE,
    OK,
    RELEASE,
    STEP_UNDERFLOW,
    TOO_MANY_STEPS,
    SiteSystem,
    Work,
)

# fast-math without "no NaN / no inf" assumptions: infinity is a legal end time here
_FAST = {"contract", "arcp", "reassoc", "nsz", "afn"}
# The hot helpers that never allocate (speciation, Jacobian, progress) are compiled with
# numba's _nrt=False: they take tuples of ~20 arrays, and the reference counting of each on
# every call cost more than the arithmetic (HCl-salt run 0.29 -> 0.19 ms).


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _states(hpow, start, stop, nprot, weight, alpha):
    """Fill ``alpha`` with the protonation-state fractions of one binder.

    ``weight`` is each state's formation constant, ``hpow[n]`` = [H+]^n. Returns the mean
    number of bound protons and its variance (= d mean / d ln[H+]).
    """
    z = 0.0
    s1 = 0.0
    s2 = 0.0
    for m in range(start, stop):
        n = nprot[m]
        e = weight[m] * hpow[int(n)]
        alpha[m] = e
        z += e
        s1 += n * e
        s2 += n * n * e
    inv = 1.0 / z
    for m in range(start, stop):
        alpha[m] *= inv
    nu = s1 * inv
    return nu, max(s2 * inv - nu * nu, 0.0)


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _saturate(amount, mean, var, start, stop, nprot, alpha, n_star, room):
    """(dissolved amount, protons bound, their d/d ln[H+]) of a species or binder whose
    ``n_star``-proton salt saturates at ``room`` (scaled amount the volume holds; n* < 0:
    never).

    Above saturation the salt's state is pinned at ``room``: dissolved = room / alpha_n*, the
    rest is solid carrying n* protons each, and d(bound)/dx = dissolved ((n* - mean)^2 + var)
    (>= 0: the balance stays monotone, so its root stays unique).
    """
    if n_star >= 0.0:
        a_n = 0.0
        for m in range(start, stop):
            if nprot[m] == n_star:
                a_n += alpha[m]
        if amount * a_n > room:
            dis = room / a_n
            g = n_star - mean
            return dis, dis * mean + (amount - dis) * n_star, dis * (g * g + var)
    return amount, amount * mean, amount * var


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _balance(x, y, sysm, work, events, total):
    """Proton balance F(x) = free + bound - total (scaled mol) and dF/dx at ln[H+] = x;
    fills the state fractions and what stays dissolved."""
    st_start, st_nprot, st_w = sysm.state_start, sysm.state_nprot, sysm.state_weight
    g_start, g_nprot, g_w = sysm.binder_start, sysm.binder_nprot, sysm.binder_weight
    g_amt, g_rel = sysm.binder_amount, sysm.binder_released
    c_ref = sysm.proton_scales[C_REF]
    alpha, galpha, nu, var = work.alpha, work.binder_alpha, work.mean_protons, work.variance
    gnu, hpow = work.binder_protons, work.h_powers
    ns = y.size - 2
    h = math.exp(x)
    hpow[0] = 1.0
    for i in range(1, hpow.size):
        hpow[i] = hpow[i - 1] * h
    free = sysm.proton_scales[FREE] * h * y[ns + 1] / c_ref
    per_volume = y[ns + 1] / c_ref  # mol/L -> scaled amount in this volume
    f = free - total
    d = free
    for s in range(ns):
        a, v = _states(hpow, st_start[s], st_start[s + 1], st_nprot, st_w, alpha)
        nu[s] = a
        var[s] = v
        dis, bound, slope = _saturate(
            y[s],
            a,
            v,
            st_start[s],
            st_start[s + 1],
            st_nprot,
            alpha,
            sysm.solid_nprot[s],
            sysm.solid_cap[s] * per_volume,
        )
        work.dissolved[s] = dis
        f += bound
        d += slope
    for g in range(g_amt.size):
        a, v = _states(hpow, g_start[g], g_start[g + 1], g_nprot, g_w, galpha)
        gnu[g] = a
        amount = g_amt[g] + g_rel[g] * events
        dis, bound, slope = _saturate(
            amount,
            a,
            v,
            g_start[g],
            g_start[g + 1],
            g_nprot,
            galpha,
            sysm.binder_solid_nprot[g],
            sysm.binder_solid_cap[g] * per_volume,
        )
        work.binder_dissolved[g] = dis
        f += bound
        d += slope
    return f, d


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _any_solid(sysm):
    for v in sysm.solid_nprot:
        if v >= 0.0:
            return True
    for v in sysm.binder_solid_nprot:  # noqa: SIM110 (numba: no generator in any())
        if v >= 0.0:
            return True
    return False


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _shift_states(step, y, sysm, work):
    """First-order update of every state fraction and mean for ln[H+] moved by ``step``."""
    st_start, st_nprot = sysm.state_start, sysm.state_nprot
    g_start, g_nprot = sysm.binder_start, sysm.binder_nprot
    alpha, galpha, nu, var = work.alpha, work.binder_alpha, work.mean_protons, work.variance
    gnu = work.binder_protons
    for s in range(y.size - 2):
        for m in range(st_start[s], st_start[s + 1]):
            alpha[m] *= 1.0 + (st_nprot[m] - nu[s]) * step
        nu[s] += var[s] * step
    for g in range(g_start.size - 1):
        mean = 0.0
        for m in range(g_start[g], g_start[g + 1]):
            galpha[m] *= 1.0 + (g_nprot[m] - gnu[g]) * step
            mean += g_nprot[m] * galpha[m]
        gnu[g] = mean


@njit(cache=True, error_model="numpy", fastmath=_FAST, _nrt=False)
def _speciate(y, sysm, work, shortcut=1e-4):
    """Solve the proton balance for ln[H+] (mol/L); fills the state fractions in ``work``.

    Safeguarded Newton inside a bracket that always holds the root (the balance is monotone
    in x), warm-started from the previous solution kept in ``work.warm``. Returns (x, dF/dx);
    x = -inf when there are no protons to place (every site is free), or fewer than 1e-15
    of the substrate charge.
    """
    st_start, deg = sysm.state_start, sysm.degree
    scal = sysm.proton_scales
    alpha, nu, var, xw = work.alpha, work.mean_protons, work.variance, work.warm
    ns = y.size - 2
    events = 0.0
    for s in range(ns):
        events += deg[s] * y[s]
    total = scal[CHARGED] + scal[RELEASE] * events
    # below 1e-15 of the substrate charge the protons change nothing measurable, and a
    # denormal total would underflow [H+] to 0 (ln -> -inf, then NaN)
    if scal[ACTIVE] == 0.0 or total <= 1e-15:
        per_volume = y[ns + 1] / scal[C_REF]
        for s in range(ns):
            alpha[st_start[s]] = 1.0
            for m in range(st_start[s] + 1, st_start[s + 1]):
                alpha[m] = 0.0
            nu[s] = 0.0
            var[s] = 0.0
            work.dissolved[s] = _saturate(
                y[s],
                0.0,
                0.0,
                st_start[s],
                st_start[s + 1],
                sysm.state_nprot,
                alpha,
                sysm.solid_nprot[s],
                sysm.solid_cap[s] * per_volume,
            )[0]
        g_start, galpha = sysm.binder_start, work.binder_alpha
        for g in range(sysm.binder_amount.size):
            work.binder_protons[g] = 0.0
            galpha[g_start[g]] = 1.0
            for m in range(g_start[g] + 1, g_start[g + 1]):
                galpha[m] = 0.0
            work.binder_dissolved[g] = _saturate(
                sysm.binder_amount[g] + sysm.binder_released[g] * events,
                0.0,
                0.0,
                g_start[g],
                g_start[g + 1],
                sysm.binder_nprot,
                galpha,
                sysm.binder_solid_nprot[g],
                sysm.binder_solid_cap[g] * per_volume,
            )[0]
        xw[1] = 0.0
        return -math.inf, 0.0
    # the root lies below "every proton free" (hi); lo is far below any amine's reach.
    # Neither end is evaluated up front: warm-started Newton needs 2-3 evaluations.
    hi = math.log(total * scal[C_REF] / (y[ns + 1] * scal[FREE])) + 1e-9
    lo = hi - 460.0
    x = xw[0]
    if not (lo < x < hi):
        x = hi - 23.0
    tol = 1e-13 * total
    # with salts that can precipitate, the dissolved amounts move with x too: no shortcut
    solids = _any_solid(sysm)
    for _ in range(200):
        f, d = _balance(x, y, sysm, work, events, total)
        if abs(f) <= tol:
            break
        step = -f / d if d > 0.0 else math.inf
        if abs(step) <= shortcut and not solids:
            # one Newton step from a warm start: move the fractions to x + step to first
            # order instead of evaluating again; the error is O(step^2) <= 1e-8 in ln[H+],
            # far inside the integrator's tolerance (recorded states use shortcut = 0)
            _shift_states(step, y, sysm, work)
            x += step
            break
        if f > 0.0:
            hi = x
        else:
            lo = x
            if hi - x < 1e-9:  # tiny negative amounts in a stage: the root is higher still
                hi += 2.0
        xn = x + step
        if not (lo < xn < hi):
            xn = 0.5 * (lo + hi)
        if abs(xn - x) <= 1e-15 * max(1.0, abs(x)):
            x = xn
            f, d = _balance(x, y, sysm, work, events, total)
            break
        x = xn
    xw[0] = x
    xw[1] = d
    return x, d


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _rate_constant(r, a, sysm, work, active):
    """k of reaction r averaged over its reactant's protonation states (free sites only)."""
    kms, st_start = sysm.kms, sysm.state_start
    if not active:
        return kms[r, 0]
    alpha = work.alpha
    base = st_start[a]
    kr = 0.0
    for m in range(st_start[a + 1] - base):
        kr += alpha[base + m] * kms[r, m]
    return kr


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _rhs(y, sysm, feed, out, work, protons):
    """dy/dt. With protons, ``_speciate(y, ...)`` must have filled ``work`` first.

    ``protons`` is None for a run without a proton pool: numba then compiles a separate
    version with every proton branch pruned (a mere call site costs the plain path 3x).
    """
    reactant, product = sysm.reactant, sysm.product
    ns = y.size - 2
    e = ns
    inv_v = 1.0 / y[ns + 1]
    active = protons is not None
    for i in range(y.size):
        out[i] = feed[i]
    for r in range(reactant.size):
        a = reactant[r]
        amount = work.dissolved[a] if active else y[a]
        rate = _rate_constant(r, a, sysm, work, active) * amount * y[e] * inv_v
        out[a] -= rate
        out[product[r]] += rate
        out[e] -= rate


@njit(cache=True, error_model="numpy", _nrt=False)
def _jacobian(y, sysm, jac, work, protons):
    """Analytic Jacobian, including the dependence of [H+] on every amount (implicit function).

    Uses the speciation left in ``work`` by ``_rhs`` at the same ``y``.
    """
    reactant, product, kms = sysm.reactant, sysm.product, sysm.kms
    st_start, st_nprot, deg = sysm.state_start, sysm.state_nprot, sysm.degree
    g_rel, scal = sysm.binder_released, sysm.proton_scales
    alpha, nu, gnu = work.alpha, work.mean_protons, work.binder_protons
    ns = y.size - 2
    e = ns
    vi = ns + 1
    inv_v = 1.0 / y[vi]
    jac[:, :] = 0.0
    active = protons is not None
    coupled = False
    x = -math.inf
    dfdx = 0.0
    if protons is not None:
        x, dfdx = work.warm[0], work.warm[1]
        coupled = dfdx > 0.0 and math.isfinite(x)
    dxdy = work.dx_dy
    dis = work.dissolved
    if coupled:
        # F(x, y) = 0  =>  dx/dy_j = -(dF/dy_j) / (dF/dx). A species or binder above its
        # saturation adds n* protons per extra molecule (it all precipitates), and its
        # pinned dissolved amount grows with the volume.
        dfdv = scal[FREE] * math.exp(x) / scal[C_REF]
        rel_nu = 0.0
        events = _events(y, deg)
        for g in range(g_rel.size):
            n_g = gnu[g]
            if work.binder_dissolved[g] < sysm.binder_amount[g] + g_rel[g] * events:
                n_g = sysm.binder_solid_nprot[g]
                dfdv -= work.binder_dissolved[g] / y[vi] * (n_g - gnu[g])
            rel_nu += g_rel[g] * n_g
        for j in range(ns):
            n_j = nu[j]
            if dis[j] < y[j]:
                n_j = sysm.solid_nprot[j]
                dfdv -= dis[j] / y[vi] * (n_j - nu[j])
            dxdy[j] = -(n_j - scal[RELEASE] * deg[j] + rel_nu * deg[j]) / dfdx
        dxdy[ns] = 0.0
        dxdy[vi] = -dfdv / dfdx
    for r in range(reactant.size):
        a = reactant[r]
        b = product[r]
        kr = _rate_constant(r, a, sysm, work, active)
        amount = dis[a] if active else y[a]
        pinned = amount < y[a]  # saturated: the rate follows the solubility, not y[a]
        d_a = 0.0 if pinned else kr * y[e] * inv_v  # d rate / d n_a at fixed [H+]
        d_e = kr * amount * inv_v
        d_v = 0.0 if pinned else -kr * amount * y[e] * inv_v * inv_v
        jac[a, a] -= d_a
        jac[a, e] -= d_e
        jac[a, vi] -= d_v
        jac[b, a] += d_a
        jac[b, e] += d_e
        jac[b, vi] += d_v
        jac[e, a] -= d_a
        jac[e, e] -= d_e
        jac[e, vi] -= d_v
        if coupled:
            base = st_start[a]
            dk = 0.0
            for m in range(st_start[a + 1] - base):
                dk += alpha[base + m] * (st_nprot[base + m] - nu[a]) * kms[r, m]
            if pinned:  # dissolved = room / alpha_n*: d ln(dissolved) / dx = -(n* - mean)
                dk -= kr * (sysm.solid_nprot[a] - nu[a])
            q = dk * amount * y[e] * inv_v
            for j in range(ns + 2):
                dj = q * dxdy[j]
                jac[a, j] -= dj
                jac[b, j] += dj
                jac[e, j] -= dj


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _events(y, deg):
    """Substitutions made (each may release a proton), scaled."""
    total = 0.0
    for s in range(deg.size):
        total += deg[s] * y[s]
    return total


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _lu(a, piv):
    """In-place LU with partial pivoting; returns False if singular."""
    n = a.shape[0]
    for c in range(n):
        p = c
        best = abs(a[c, c])
        for r in range(c + 1, n):
            if abs(a[r, c]) > best:
                best = abs(a[r, c])
                p = r
        piv[c] = p
        if best == 0.0:
            return False
        if p != c:
            for j in range(n):
                tmp = a[c, j]
                a[c, j] = a[p, j]
                a[p, j] = tmp
        inv = 1.0 / a[c, c]
        for r in range(c + 1, n):
            f = a[r, c] * inv
            if f != 0.0:
                a[r, c] = f
                for j in range(c + 1, n):
                    a[r, j] -= f * a[c, j]
            else:
                a[r, c] = 0.0
    return True


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _solve(a, piv, b):
    n = a.shape[0]
    for c in range(n):
        p = piv[c]
        if p != c:
            tmp = b[c]
            b[c] = b[p]
            b[p] = tmp
    for r in range(1, n):
        s = b[r]
        for j in range(r):
            s -= a[r, j] * b[j]
        b[r] = s
    for r in range(n - 1, -1, -1):
        s = b[r]
        for j in range(r + 1, n):
            s -= a[r, j] * b[j]
        b[r] = s / a[r, r]


@njit(cache=True, error_model="numpy", fastmath=_FAST, _nrt=False)
def _progress(y, sysm, work, sites_total, e_total, protons):
    """Fraction of the limiting reagent still able to react (free unprotonated sites, or
    electrophile)."""
    st_start, st_free = sysm.state_start, sysm.state_free
    alpha = work.alpha
    ns = y.size - 2
    free = 0.0
    if protons is not None:
        _speciate(y, sysm, work)
        for s in range(ns):
            for m in range(st_start[s], st_start[s + 1]):
                free += st_free[m] * alpha[m] * y[s]
    else:
        for s in range(ns):
            free += st_free[st_start[s]] * y[s]
    fs = free / sites_total if sites_total > 0 else 0.0
    fe = y[ns] / e_total if e_total > 0 else 0.0
    return min(fs, fe)


@njit(cache=True)
def max_protons(sysm):
    """Most protons any binder can carry (sizes the [H+]^n table)."""
    top = 0.0
    for v in sysm.state_nprot:
        top = max(top, v)
    for v in sysm.binder_nprot:
        top = max(top, v)
    return int(top)


@njit(cache=True)
def new_work(sysm, n):
    """Scratch arrays for one integration (see ``Work``)."""
    ns = n - 2
    return Work(
        np.zeros(sysm.state_nprot.size),
        np.zeros(max(sysm.binder_nprot.size, 1)),
        np.zeros(ns),
        np.zeros(ns),
        np.zeros(max(sysm.binder_amount.size, 1)),
        np.array([-math.inf, 0.0]),
        np.zeros(n),
        np.zeros(max_protons(sysm) + 1),
        np.zeros(ns),
        np.zeros(max(sysm.binder_amount.size, 1)),
    )


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _conversion(y, ns):
    total = 0.0
    for i in range(ns):
        total += y[i]
    return 1.0 - y[0] / total if total > 0 else 0.0


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def solve_network(
    y0,
    sysm,
    protons,
    stage_end,
    stage_feed,
    t_end,
    spent_tol,
    conversion_stop,
    t_cap,
    sites_total,
    e_total,
    rtol,
    atol,
    max_steps,
    rec_t,
    rec_y,
    y_out,
):
    """Integrate one condition; returns (status, t_final, n_recorded, n_steps).

    Stages run back to back from t = 0, each with a constant feed; after the last stage the
    system is held with no feed. It stops at ``t_end`` if finite, else when the limiting
    reagent is spent to ``spent_tol`` of its charge after all feeds (or at ``t_cap``, status
    CAP_REACHED); or earlier when substrate conversion reaches ``conversion_stop`` (<= 1).
    Accepted steps are written to ``rec_t``/``rec_y`` while there is room.
    """
    n = y0.size
    ns = n - 2
    y = y0.copy()
    ynew = np.empty(n)
    f0 = np.empty(n)
    fs = np.empty(n)
    tmp = np.empty(n)
    k1 = np.empty(n)
    k2 = np.empty(n)
    k3 = np.empty(n)
    k4 = np.empty(n)
    k5 = np.empty(n)
    k6 = np.empty(n)
    jac = np.empty((n, n))
    w = np.empty((n, n))
    piv = np.empty(n, dtype=np.int64)
    work = new_work(sysm, n)
    no_feed = np.zeros(n)
    n_stages = stage_end.size
    rec_cap = rec_t.size
    n_rec = 0
    if rec_cap > 0:
        rec_t[0] = 0.0
        rec_y[0, :] = y
        n_rec = 1
    t = 0.0
    # the cap bounds only the open-ended "until spent" run; a time the user gives is kept
    stop_time = t_end if t_end < math.inf else t_cap
    h = 0.0
    n_steps = 0
    stage = 0
    err_old = 1e-2
    h_old = 0.0
    status = OK
    while True:
        # which stage are we in, and where does it end
        while stage < n_stages and t >= stage_end[stage]:
            stage += 1
        feeding = stage < n_stages
        feed = stage_feed[stage] if feeding else no_feed
        seg_end = stage_end[stage] if feeding else math.inf
        if seg_end > stop_time:
            seg_end = stop_time
        if (
            not feeding
            and t_end == math.inf
            and _progress(y, sysm, work, sites_total, e_total, protons) <= spent_tol
        ):
            break
        if t >= stop_time:
            if t_end == math.inf:
                status = CAP_REACHED
            break
        if protons is not None:
            _speciate(y, sysm, work)
        _rhs(y, sysm, feed, f0, work, protons)
        _jacobian(y, sysm, jac, work, protons)
        if h <= 0.0:
            # initial step from the scale of the derivative
            d = 0.0
            for i in range(n):
                sc = atol + rtol * abs(y[i])
                d = max(d, abs(f0[i]) / sc)
            h = 1e-2 / d if d > 0 else 1.0
            h = min(h, 1.0)
        rejected = False
        while True:
            if n_steps >= max_steps:
                y_out[:] = y
                return TOO_MANY_STEPS, t, n_rec, n_steps
            last = False
            if t + h >= seg_end:
                h = seg_end - t
                last = True
            # relative to t only (as in zones.py): a fast first reaction asks for a first
            # step far below a second, which is not an underflow
            if h <= 1e-14 * t or h <= 0.0:
                y_out[:] = y
                return STEP_UNDERFLOW, t, n_rec, n_steps
            n_steps += 1
            inv_gh = 1.0 / (_GAMMA * h)
            for i in range(n):
                for j in range(n):
                    w[i, j] = -jac[i, j]
                w[i, i] += inv_gh
            if not _lu(w, piv):
                h *= 0.25
                continue
            inv_h = 1.0 / h
            k1[:] = f0
            _solve(w, piv, k1)
            for i in range(n):
                tmp[i] = y[i] + _A21 * k1[i]
            if protons is not None:
                _speciate(tmp, sysm, work)
            _rhs(tmp, sysm, feed, fs, work, protons)
            for i in range(n):
                k2[i] = fs[i] + _C21 * k1[i] * inv_h
            _solve(w, piv, k2)
            for i in range(n):
                tmp[i] = y[i] + _A31 * k1[i] + _A32 * k2[i]
            if protons is not None:
                _speciate(tmp, sysm, work)
            _rhs(tmp, sysm, feed, fs, work, protons)
            for i in range(n):
                k3[i] = fs[i] + (_C31 * k1[i] + _C32 * k2[i]) * inv_h
            _solve(w, piv, k3)
            for i in range(n):
                tmp[i] = y[i] + _A41 * k1[i] + _A42 * k2[i] + _A43 * k3[i]
            if protons is not None:
                _speciate(tmp, sysm, work)
            _rhs(tmp, sysm, feed, fs, work, protons)
            for i in range(n):
                k4[i] = fs[i] + (_C41 * k1[i] + _C42 * k2[i] + _C43 * k3[i]) * inv_h
            _solve(w, piv, k4)
            for i in range(n):
                tmp[i] = y[i] + _A51 * k1[i] + _A52 * k2[i] + _A53 * k3[i] + _A54 * k4[i]
            if protons is not None:
                _speciate(tmp, sysm, work)
            _rhs(tmp, sysm, feed, fs, work, protons)
            for i in range(n):
                k5[i] = fs[i] + (_C51 * k1[i] + _C52 * k2[i] + _C53 * k3[i] + _C54 * k4[i]) * inv_h
            _solve(w, piv, k5)
            for i in range(n):
                tmp[i] += k5[i]
            if protons is not None:
                _speciate(tmp, sysm, work)
            _rhs(tmp, sysm, feed, fs, work, protons)
            for i in range(n):
                k6[i] = (
                    fs[i]
                    + (_C61 * k1[i] + _C62 * k2[i] + _C63 * k3[i] + _C64 * k4[i] + _C65 * k5[i])
                    * inv_h
                )
            _solve(w, piv, k6)
            err = 0.0
            finite = True
            for i in range(n):
                ynew[i] = tmp[i] + k6[i]
                if not math.isfinite(ynew[i]):
                    finite = False
                sc = atol + rtol * max(abs(y[i]), abs(ynew[i]))
                err += (k6[i] / sc) ** 2
            err = math.sqrt(err / n)
            if not finite:
                h *= 0.25
                rejected = True
                if h < 1e-300:
                    y_out[:] = y
                    return NOT_FINITE, t, n_rec, n_steps
                continue
            fac = max(1.0 / 6.0, min(5.0, math.sqrt(math.sqrt(err)) / 0.9))
            if err <= 1.0:
                if h_old > 0.0:  # Gustafsson predictive controller
                    pred = max(
                        1.0 / 6.0,
                        min(5.0, (h_old / h) * math.sqrt(math.sqrt(err * err / err_old)) / 0.9),
                    )
                    fac = max(fac, pred)
                h_next = h / fac
                if rejected:
                    h_next = min(h_next, h)
                h_old = h
                err_old = max(1e-2, err)
                break
            h = h / fac
            rejected = True
        # accepted: event location on substrate conversion via the dense output
        if conversion_stop <= 1.0:
            c_old = _conversion(y, ns)
            c_new = _conversion(ynew, ns)
            if c_old < conversion_stop <= c_new:
                lo_s = 0.0
                hi_s = 1.0
                for _ in range(60):
                    s = 0.5 * (lo_s + hi_s)
                    for i in range(n):
                        c3 = (
                            _D21 * k1[i] + _D22 * k2[i] + _D23 * k3[i] + _D24 * k4[i] + _D25 * k5[i]
                        )
                        c4 = (
                            _D31 * k1[i] + _D32 * k2[i] + _D33 * k3[i] + _D34 * k4[i] + _D35 * k5[i]
                        )
                        tmp[i] = (1.0 - s) * y[i] + s * (ynew[i] + (1.0 - s) * (c3 + s * c4))
                    if _conversion(tmp, ns) < conversion_stop:
                        lo_s = s
                    else:
                        hi_s = s
                t = t + hi_s * h
                y[:] = tmp
                if n_rec < rec_cap:
                    rec_t[n_rec] = t
                    rec_y[n_rec, :] = y
                    n_rec += 1
                break
        t = seg_end if last else t + h
        y[:] = ynew
        if n_rec < rec_cap:
            rec_t[n_rec] = t
            rec_y[n_rec, :] = y
            n_rec += 1
        h = h_next
    y_out[:] = y
    return status, t, n_rec, n_steps


@njit(cache=True, parallel=True, error_model="numpy", fastmath=_FAST)
def solve_many(
    y0,
    sysm,
    protons,
    kms,
    g_amt,
    scal,
    stage_end,
    stage_feed,
    t_end,
    spent_tol,
    conversion_stop,
    t_cap,
    sites_total,
    e_total,
    rtol,
    atol,
    max_steps,
    y_out,
    t_out,
    status_out,
    steps_out,
):
    """``solve_network`` over many conditions (rows), in parallel; one status per row.

    ``sysm`` is shared; its rate constants, added binder amounts and proton totals are
    replaced per row by ``kms[c]``, ``g_amt[c]`` and ``scal[c]``.
    """
    m = y0.shape[0]
    for c in prange(m):
        rec_t = np.empty(0)
        rec_y = np.empty((0, y0.shape[1]))
        row = np.empty(y0.shape[1])
        own = SiteSystem(
            sysm.reactant,
            sysm.product,
            kms[c],
            sysm.state_start,
            sysm.state_nprot,
            sysm.state_weight,
            sysm.state_free,
            sysm.degree,
            sysm.binder_start,
            sysm.binder_nprot,
            sysm.binder_weight,
            g_amt[c],
            sysm.binder_released,
            scal[c],
            sysm.solid_nprot,
            sysm.solid_cap,
            sysm.binder_solid_nprot,
            sysm.binder_solid_cap,
        )
        status, t, _, steps = solve_network(
            y0[c],
            own,
            protons,
            stage_end[c],
            stage_feed[c],
            t_end[c],
            spent_tol,
            conversion_stop[c],
            t_cap,
            sites_total[c],
            e_total[c],
            rtol,
            atol,
            max_steps,
            rec_t,
            rec_y,
            row,
        )
        y_out[c, :] = row
        t_out[c] = t
        status_out[c] = status
        steps_out[c] = steps


@njit(cache=True, error_model="numpy")
def speciate_rows(rows, sysm, alpha_out, gnu_out, x_out, solid_out):
    """Speciation at recorded states: state fractions, mean protons per binder, ln[H+], and
    the amount of each species, then each binder, that is solid (scaled)."""
    work = new_work(sysm, rows.shape[1])
    ns = rows.shape[1] - 2
    nb = gnu_out.shape[1]
    for i in range(rows.shape[0]):
        y = rows[i]
        x, _ = _speciate(y, sysm, work, 0.0)
        x_out[i] = x
        alpha_out[i, :] = work.alpha
        gnu_out[i, :] = work.binder_protons[:nb]
        events = _events(y, sysm.degree)
        for s in range(ns):
            solid_out[i, s] = y[s] - work.dissolved[s]
        for g in range(nb):
            amount = sysm.binder_amount[g] + sysm.binder_released[g] * events
            solid_out[i, ns + g] = amount - work.binder_dissolved[g]
