"""Step growth of a diamine (A, two N-H ends) with a bifunctional linker (L, two X ends).

Species are linear chains of alternating A and L units, named by their composition and their
two end groups (N: a free N-H on an end A; X, Y: an unreacted linker end), plus rings
cyclo(A-L)n. Chains up to ``cap`` units are explicit; bigger ones go into one lumped
oligomer pool that keeps its A units, L units and free ends, so every unit is conserved and
the pool's ends keep reacting. A chain with one N end and one linker end can close on itself
at k x EM (effective molarity, mol/L, by ring size; SCIENCE.md section 5).

A linker end can also close on its OWN N, the N its linker unit is bonded to (intramolecular
alkylation, SCIENCE.md section 11): first order at k x EM(1 + linker carbons). On a ring N
(piperazine, 1,4-diazepane) that N is tertiary and the product a spiro quaternary ammonium
salt (end ``+X``); on a primary N it is a neutral pyrrolidine / piperidine (end ``*X``,
HX lost). A closed end reacts no further; the pool's linker ends close the same way.

Isomers with the same composition and ends are lumped: under independent end reactivity
they react alike. Rates are mass action per end; with EM = 0 and equal end reactivities the
distribution is Flory's most probable one (tests hold it exactly), and with no own-N
closure the network is the one without it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from monoselect.errors import InvalidInput
from monoselect.kinetics.simulate import FeedStage
from monoselect.kinetics.staged import MassAction, Stage, integrate_staged

N_END = "N"
SPIRO = "+"  # prefix of a linker end closed on its own tertiary N: quaternary (spiro) salt
RING = "*"  # prefix of a linker end closed on its own N-H: neutral ring, HX released


def closed_end(end: str, charged: bool) -> str:
    """The end ``end`` (Br, Cl...) after closing on its own N."""
    return (SPIRO if charged else RING) + end


def is_closed(end: str) -> bool:
    return end[:1] in (SPIRO, RING)


def _shown(end: str) -> str:
    return "(+)" if end[:1] == SPIRO else "(ring)" if end[:1] == RING else end


@dataclass(frozen=True)
class Chain:
    """A species: A and L units, its free ends (sorted; empty for a ring)."""

    n_a: int
    n_l: int
    ends: tuple[str, ...]

    @property
    def cyclic(self) -> bool:
        return not self.ends

    @property
    def size(self) -> int:
        return self.n_a + self.n_l

    @property
    def name(self) -> str:
        if self.cyclic:
            return "cyclo(A-L)" if self.n_a == 1 else f"cyclo(A-L){self.n_a}"
        if self.size == 1:
            return "A" if self.n_a else "L"
        left, right = self.ends
        if right == N_END:  # write an A end first: A-L-Br, not Br-L-A
            left, right = right, left
        units = []
        # write the chain from its left end: alternate units starting with that end's unit
        unit = "A" if left == N_END else "L"
        for _ in range(self.size):
            units.append(unit)
            unit = "L" if unit == "A" else "A"
        text = "-".join(units)
        # an end closed on its own N is written next to its L: (+)L-A-L(+), A-L(ring)
        if left != N_END:
            text = _shown(left) + ("" if is_closed(left) else "-") + text
        if right != N_END:
            text += ("" if is_closed(right) else "-") + _shown(right)
        ions = sorted(e[1:] for e in self.ends if e[:1] == SPIRO)
        if ions:  # the counter-ion of each quaternary N
            text += " " + " ".join(
                f"{ions.count(x) if ions.count(x) > 1 else ''}{x}-" for x in sorted(set(ions))
            )
        return text

    @property
    def charge(self) -> int:
        """Permanent charge: one per end closed on its own tertiary N."""
        return sum(1 for e in self.ends if e[:1] == SPIRO)


@dataclass(frozen=True)
class Linker:
    """The linker's two end types and their rate constants (L/mol/s, per end pair).

    ``own``: first-order rate constant (1/s) of each end type closing on its own N
    (k_inter of that N x EM); empty or 0 = no such closure. ``charged``: the closed N is
    quaternary (a ring N: spiro salt) rather than a neutral ring (a primary N).
    """

    ends: tuple[str, str]  # e.g. ("Br", "Br") or ("Br", "Cl")
    k: dict[str, float]  # N end + this linker end, per pair of ends
    own: dict[str, float] = field(default_factory=dict)
    charged: bool = True

    def __post_init__(self):
        for e in self.ends:
            if e == N_END or e not in self.k or not (self.k[e] >= 0 and math.isfinite(self.k[e])):
                raise InvalidInput(f"linker end {e!r} needs a rate constant >= 0", field="k")
        for e, v in self.own.items():
            if e not in self.ends or not (v >= 0 and math.isfinite(v)):
                raise InvalidInput(
                    f"own-N ring closure of end {e!r} needs a rate constant >= 0 (1/s)",
                    field="k",
                )

    def closes(self, end: str) -> bool:
        """True when ``end`` (an open linker end) can close on its own N."""
        return self.own.get(end, 0.0) > 0


def enumerate_chains(linker: Linker, cap: int) -> list[Chain]:
    """Every linear chain and ring of at most ``cap`` units, small ones first."""
    if cap < 3:
        raise InvalidInput(f"cap must be >= 3 units, got {cap}", field="cap")
    x_types = sorted(set(linker.ends))
    chains: set[Chain] = {Chain(1, 0, (N_END, N_END)), Chain(0, 1, tuple(sorted(linker.ends)))}
    for size in range(2, cap + 1):
        for n_a in range(0, size + 1):
            n_l = size - n_a
            if n_a == n_l + 1:  # both ends A
                chains.add(Chain(n_a, n_l, (N_END, N_END)))
            elif n_a == n_l:  # one A end, one L end
                for x in x_types:
                    chains.add(Chain(n_a, n_l, tuple(sorted((N_END, x)))))
                if 2 * n_a <= cap:
                    chains.add(Chain(n_a, n_l, ()))
            elif n_l == n_a + 1 and n_a >= 1:  # both ends L
                for i, x in enumerate(x_types):
                    for y in x_types[i:]:
                        chains.add(Chain(n_a, n_l, (x, y)))
    for c in list(chains):  # every linker end of a chain with an A may close on its own N
        if c.n_a:
            for ends in _closings(c.ends, linker):
                chains.add(Chain(c.n_a, c.n_l, ends))
    return sorted(chains, key=lambda c: (c.size, c.cyclic, c.n_a < c.n_l, c.ends))


def _closings(ends: tuple[str, ...], linker: Linker) -> list[tuple[str, ...]]:
    """Every end set with one or more of the open linker ends of ``ends`` closed."""
    options = [(e, closed_end(e, linker.charged)) if linker.closes(e) else (e,) for e in ends]
    return sorted({tuple(sorted(p)) for p in itertools.product(*options)} - {tuple(sorted(ends))})


@dataclass(frozen=True)
class StepGrowthNetwork:
    """Species, the lumped pool's state slots, and every reaction as (a, b, k, effect)."""

    chains: tuple[Chain, ...]
    end_types: tuple[str, ...]  # N first, then the linker's end types
    cap: int
    a: np.ndarray  # state index of the first reactant
    b: np.ndarray  # second reactant, -1 for a ring closure (first order)
    k: np.ndarray  # L/mol/s, or 1/s for ring closure (k x EM)
    stoich: np.ndarray  # [state, reaction]
    ring_sizes: dict[int, int] = field(default_factory=dict)  # ring closure -> ring atoms

    @property
    def n_species(self) -> int:
        return len(self.chains)

    @property
    def n_states(self) -> int:
        # species, pool A units, pool L units, pool ends (one per end type), volume
        return self.n_species + 2 + len(self.end_types) + 1

    def pool_index(self, what: str) -> int:
        base = self.n_species
        if what == "A":
            return base
        if what == "L":
            return base + 1
        return base + 2 + self.end_types.index(what)

    @property
    def volume_index(self) -> int:
        return self.n_states - 1

    def units(self) -> np.ndarray:
        """[state, 2]: A and L units each state slot carries (pool slots count units)."""
        u = np.zeros((self.n_states, 2))
        for i, c in enumerate(self.chains):
            u[i] = (c.n_a, c.n_l)
        u[self.pool_index("A"), 0] = 1.0
        u[self.pool_index("L"), 1] = 1.0
        return u


def build_step_growth(linker: Linker, cap: int, em, a_path: int, l_path: int) -> StepGrowthNetwork:
    """The network for ``linker`` up to ``cap`` units.

    ``em(ring_atoms)`` gives the effective molarity (mol/L) of a ring closure; ``a_path`` and
    ``l_path`` are the atoms (inclusive) on the shortest N...N path of A and between the two
    reactive atoms of L, so a ring cyclo(A-L)n has n (a_path + l_path) atoms.
    """
    chains = enumerate_chains(linker, cap)
    index = {c: i for i, c in enumerate(chains)}
    end_types = (N_END, *sorted(set(linker.ends)))
    net0 = StepGrowthNetwork(tuple(chains), end_types, cap, *(np.zeros(0),) * 4)
    n_states = net0.n_states
    a_idx, b_idx, ks, effects = [], [], [], []
    ring_sizes: dict[int, int] = {}

    def counts(c: Chain) -> dict[str, int]:
        return {e: c.ends.count(e) for e in end_types}

    def join(ci: Chain, cj: Chain, x: str) -> np.ndarray:
        """Effect of N end of ci + x end of cj (two different molecules)."""
        eff = np.zeros(n_states)
        left = list(ci.ends)
        left.remove(N_END)
        right = list(cj.ends)
        right.remove(x)
        product = Chain(ci.n_a + cj.n_a, ci.n_l + cj.n_l, tuple(sorted(left + right)))
        eff[index[ci]] -= 1
        eff[index[cj]] -= 1
        if product.size <= cap:
            eff[index[product]] += 1
        else:
            to_pool(eff, product.n_a, product.n_l, product.ends)
        return eff

    def to_pool(eff: np.ndarray, n_a: int, n_l: int, ends) -> None:
        eff[net0.pool_index("A")] += n_a
        eff[net0.pool_index("L")] += n_l
        for e in ends:
            if not is_closed(e):  # the pool keeps reactive ends only
                eff[net0.pool_index(e)] += 1

    def joins_pool(ci: Chain, own_end: str, pool_end: str) -> np.ndarray:
        """Effect of ci's ``own_end`` reacting with a ``pool_end`` of a pooled chain."""
        eff = np.zeros(n_states)
        eff[index[ci]] -= 1
        eff[net0.pool_index(pool_end)] -= 1
        rest = list(ci.ends)
        rest.remove(own_end)
        to_pool(eff, ci.n_a, ci.n_l, rest)
        return eff

    linear = [c for c in chains if not c.cyclic]
    for ci in linear:
        ni = counts(ci)
        for cj in linear:
            nj = counts(cj)
            for x in end_types[1:]:
                if ni[N_END] and nj[x]:
                    a_idx.append(index[ci])
                    b_idx.append(index[cj])
                    ks.append(linker.k[x] * ni[N_END] * nj[x])
                    effects.append(join(ci, cj, x))
        for x in end_types[1:]:
            # chain N end + pool x end, and pool N end + chain x end: the product is in the pool
            if ni[N_END]:
                a_idx.append(index[ci])
                b_idx.append(net0.pool_index(x))
                ks.append(linker.k[x] * ni[N_END])
                effects.append(joins_pool(ci, N_END, x))
            if ni[x]:
                a_idx.append(net0.pool_index(N_END))
                b_idx.append(index[ci])
                ks.append(linker.k[x] * ni[x])
                effects.append(joins_pool(ci, x, N_END))
        # a linker end closing on its own N: the same composition, that end made inert
        for x in end_types[1:]:
            if ni[x] and ci.n_a and linker.closes(x):
                ends = list(ci.ends)
                ends.remove(x)
                eff = np.zeros(n_states)
                eff[index[ci]] -= 1
                eff[
                    index[
                        Chain(ci.n_a, ci.n_l, tuple(sorted([*ends, closed_end(x, linker.charged)])))
                    ]
                ] += 1
                a_idx.append(index[ci])
                b_idx.append(-1)
                ks.append(linker.own[x] * ni[x])
                effects.append(eff)
        # ring closure of a chain with one N end and one (open) linker end
        other = [e for e in ci.ends if e != N_END]
        if ni[N_END] == 1 and ci.n_a == ci.n_l and not is_closed(other[0]):
            x = other[0]
            atoms = ci.n_a * (a_path + l_path)
            k_ring = linker.k[x] * float(em(atoms))
            if k_ring > 0:
                eff = np.zeros(n_states)
                eff[index[ci]] -= 1
                eff[index[Chain(ci.n_a, ci.n_l, ())]] += 1
                ring_sizes[len(ks)] = atoms
                a_idx.append(index[ci])
                b_idx.append(-1)
                ks.append(k_ring)
                effects.append(eff)
    for x in end_types[1:]:  # pool N end + pool x end: stays in the pool
        eff = np.zeros(n_states)
        eff[net0.pool_index(N_END)] -= 1
        eff[net0.pool_index(x)] -= 1
        a_idx.append(net0.pool_index(N_END))
        b_idx.append(net0.pool_index(x))
        ks.append(linker.k[x])
        effects.append(eff)
        if linker.closes(x):  # a pooled chain's x end closing on its own N
            eff = np.zeros(n_states)
            eff[net0.pool_index(x)] -= 1
            a_idx.append(net0.pool_index(x))
            b_idx.append(-1)
            ks.append(linker.own[x])
            effects.append(eff)
    return StepGrowthNetwork(
        tuple(chains),
        end_types,
        cap,
        np.array(a_idx, dtype=np.int64),
        np.array(b_idx, dtype=np.int64),
        np.array(ks, dtype=float),
        np.array(effects, dtype=float).T,
        ring_sizes,
    )


@dataclass(frozen=True)
class LinkerProblem:
    network: StepGrowthNetwork
    diamine: float  # mol in the flask at t = 0
    linker: float
    volume: float  # L
    stages: tuple[FeedStage, ...] = ()  # substrate = diamine, electrophile = linker
    t_end: float = 24 * 3600.0
    rtol: float = 1e-8
    atol: float = 1e-12  # in units of the diamine charge

    def __post_init__(self):
        if not self.volume > 0:
            raise InvalidInput("starting volume must be > 0", field="volume")
        if self.diamine < 0 or self.linker < 0:
            raise InvalidInput("amounts must be >= 0", field="amount")
        if not (self.t_end > 0 and math.isfinite(self.t_end)):
            raise InvalidInput("a linker run needs a finite time > 0", field="time")


@dataclass(frozen=True)
class LinkerTrajectory:
    time: np.ndarray
    states: np.ndarray  # [time, state] in mol (volume in L)
    steps: int


def integrate_linker(problem: LinkerProblem) -> LinkerTrajectory:
    """Stage by stage on the staged mass-action integrator (volume a state, exact dilution)."""
    net = problem.network
    n = net.n_states
    vi = net.volume_index
    scale = max(problem.diamine + sum(s.substrate_rate * s.duration for s in problem.stages), 1e-30)
    linker_index = net.chains.index(Chain(0, 1, tuple(sorted(_linker_ends(net)))))
    y0 = np.zeros(n)
    y0[0] = problem.diamine  # chains[0] is the free diamine
    y0[linker_index] = problem.linker
    y0[vi] = problem.volume
    stages = []
    for s in problem.stages:
        feed = np.zeros(n)
        feed[0] = s.substrate_rate
        feed[linker_index] = s.electrophile_rate
        feed[vi] = s.volume_rate
        stages.append(Stage(s.duration, feed=feed))
    stages.append(Stage(math.inf))  # held without feed until t_end
    run = integrate_staged(
        MassAction.from_pairs(net.a, net.b, net.stoich, net.k, volume_index=vi),
        y0,
        stages,
        rtol=problem.rtol,
        atol=problem.atol,
        amount_scale=scale,
        volume_index=vi,
        t_end=problem.t_end,
        what="the linker network",
        fix="check the rate constants and the time",
    )
    return LinkerTrajectory(run.time, run.states, run.steps)


def _linker_ends(net: StepGrowthNetwork) -> tuple[str, ...]:
    free = [c for c in net.chains if c.n_a == 0]
    return free[0].ends


def flory_chain_fractions(p_a: float, p_b: float, n_a2: float, n_b2: float, cap: int) -> dict:
    """Flory's most probable distribution for A2 + B2 with independent ends, no rings.

    Returns mol of each linear chain (n_a, n_l, ends) up to ``cap`` units, for A2 (diamine)
    and B2 (linker) charges n_a2, n_b2 with end conversions p_a, p_b.
    """
    out = {}
    q = p_a * p_b
    for k in range(0, cap):
        if 2 * k + 1 <= cap:
            out[("A", k)] = n_a2 * (1 - p_a) ** 2 * q**k  # A(LA)k: k+1 A, k L
            out[("L", k)] = n_b2 * (1 - p_b) ** 2 * q**k  # L(AL)k: k A, k+1 L
        if 2 * (k + 1) <= cap:
            out[("AL", k + 1)] = 2 * n_a2 * p_a * (1 - p_a) * (1 - p_b) * q**k  # (AL)k+1
    return out


def monoamine_with_linker(
    k_ends: tuple[float, float],
    amine: float,
    linker: float,
    volume: float,
    t_end: float,
    k_own: tuple[float, float] = (0.0, 0.0),
) -> dict[str, float]:
    """A mono-protected amine (one N-H) with an X-L-Y linker: the mono-adduct with a free end
    against the bridged A'-L-A'. ``k_ends`` are the rate constants of the X and Y ends;
    ``k_own`` (1/s) those of the adduct's free X or Y end closing on its own N (the spiro
    salt of a ring N; 0 = no closure, the network without it).

    Returns mol of: amine, linker, adduct (either end free), bridged, closed (own-N ring).
    """
    kx, ky = k_ends
    ox, oy = k_own
    if not (amine > 0 and linker >= 0 and volume > 0 and t_end > 0):
        raise InvalidInput("amounts, volume and time must be > 0", field="amount")
    # amine, linker, adduct with a free Y end (reacted at X), with a free X end, bridged,
    # adduct closed on its own N
    law = MassAction.from_pairs(
        [0, 0, 0, 0, 2, 3],
        [1, 1, 2, 3, -1, -1],
        [
            [-1, -1, -1, -1, 0, 0],
            [-1, -1, 0, 0, 0, 0],
            [1, 0, -1, 0, -1, 0],
            [0, 1, 0, -1, 0, -1],
            [0, 0, 1, 1, 0, 0],
            [0, 0, 0, 0, 1, 1],
        ],
        [kx, ky, ky, kx, oy, ox],
        volume=volume,
    )
    run = integrate_staged(
        law,
        [amine, linker, 0.0, 0.0, 0.0, 0.0],
        [Stage(t_end)],
        rtol=1e-9,
        atol=1e-15,
        what="protected amine + linker",
        fix=None,
    )
    a, lk, fy, fx, br, closed = run.final
    return {
        "amine": float(a),
        "linker": float(lk),
        "adduct": float(fy + fx),
        "bridged": float(br),
        "closed": float(closed),
    }
