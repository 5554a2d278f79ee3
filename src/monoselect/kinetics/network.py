"""Species as substitution patterns up to symmetry, and the reactions between them.

A species is an orbit of patterns over the reactive sites under the molecule's
automorphisms; a site's state counts the groups the reagent has put on that N. Acylation,
Boc and sulfonylation stop at one (the amide N is no nucleophile), so patterns are 0/1.
Alkylation counts N-H, not N (SCIENCE.md section 11): a site's ``capacity`` is its N-H
count plus one, because NH2 -> NHR -> NR2 and a tertiary N is quaternised (NR3+), which
releases no proton. Rates are mass action per free site, so statistical factors (the 2 in
k1 = 2 k_site for a symmetric diamine) come out of the counting and are never typed in.

Each species also has protonation microstates (which of its basic sites carry a proton, with
the log formation constant of that state); a reaction's rate constant is given per microstate
of its reactant, so only unprotonated sites react and a site's rate can depend on the charge
next to it (SCIENCE.md section 4).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import product

import numpy as np

from monoselect.errors import InvalidInput

COUNT_WORDS = ("SM", "mono", "bis", "tris", "tetra", "penta", "hexa", "hepta", "octa")
# split categories of species with a site substituted more than once (SCIENCE.md section 11):
# "over" holds an N carrying two groups (NR2 from NH2), "quat" a quaternised N (NR3+ / NR2+
# of a ring N); "mono", "bis"... stay the products with at most one group per N
OVER = "over"
QUAT = "quat"


@dataclass(frozen=True)
class SiteModel:
    """Reactive sites: symmetry class of each, site permutations, chemist's locants."""

    classes: tuple[int, ...]
    automorphisms: tuple[tuple[int, ...], ...]
    locants: tuple[str, ...]
    # groups each site can take (1: acylation; N-H count + 1: alkylation); None = all 1
    capacity: tuple[int, ...] | None = None
    # N-H of each site: steps up to it release a proton, the one beyond quaternises
    hydrogens: tuple[int, ...] | None = None

    @property
    def n_sites(self) -> int:
        return len(self.classes)

    @property
    def caps(self) -> tuple[int, ...]:
        return self.capacity if self.capacity is not None else (1,) * self.n_sites

    @property
    def site_hydrogens(self) -> tuple[int, ...]:
        return self.hydrogens if self.hydrogens is not None else self.caps

    @property
    def n_classes(self) -> int:
        return max(self.classes) + 1


@dataclass(frozen=True)
class RateModel:
    """Per-site rate constants: k_fresh per site class, times rho per substituted site.

    rho is the per-site ratio k_site(after one substitution) / k_site(fresh); for a
    symmetric diamine the molecular ratio is kappa = k2/k1 = rho/2 (SCIENCE.md section 1).
    """

    k_fresh: tuple[float, ...]  # L/mol/s, one per site class
    rho: float = 1.0
    # a step at an N already carrying s groups runs at over^s x the fresh rate (alkylation)
    over: float = 1.0

    def site_rate(
        self, site: int, pattern: Sequence[int], model: SiteModel, protonated: Sequence[int] = ()
    ) -> float:
        own = pattern[site]
        k = self.k_fresh[model.classes[site]] * self.rho ** (sum(pattern) - own)
        return k * self.over**own if own else k


# one microstate per species: (protonated site indices, ln of its formation constant from the
# free base with [H+] in mol/L)
ProtonStates = Callable[[tuple[int, ...]], Sequence[tuple[tuple[int, ...], float]]]


def no_protons(pattern: tuple[int, ...]) -> list[tuple[tuple[int, ...], float]]:
    return [((), 0.0)]


@dataclass(frozen=True)
class Network:
    """Species (orbit representatives) and their reactions with the electrophile."""

    patterns: tuple[tuple[int, ...], ...]
    labels: tuple[str, ...]
    reactant: np.ndarray  # species index per reaction
    product: np.ndarray
    # L/mol/s per reaction and reactant microstate, summed over the equivalent free sites
    # that are unprotonated in that state; column 0 is the free base
    kms: np.ndarray
    state_start: np.ndarray  # microstates of species s: state_start[s]:state_start[s + 1]
    state_sites: tuple[tuple[int, ...], ...]  # protonated sites of each microstate
    state_logw: np.ndarray  # ln formation constant of each microstate ([H+] in mol/L)
    capacity: tuple[int, ...] = ()  # per site; () = one group per site (0/1 patterns)
    hydrogens: tuple[int, ...] = ()  # N-H per site; () = the capacity

    @property
    def k(self) -> np.ndarray:
        """Rate constants of the free bases (L/mol/s)."""
        return self.kms[:, 0]

    @property
    def n_species(self) -> int:
        return len(self.patterns)

    @cached_property
    def state_nprot(self) -> np.ndarray:
        return np.array([len(s) for s in self.state_sites], dtype=float)

    def _caps(self) -> tuple[int, ...]:
        return self.capacity or (1,) * len(self.patterns[0])

    @cached_property
    def state_free(self) -> np.ndarray:
        """Sites that can still react (below their capacity), unprotonated, per microstate."""
        caps = self._caps()
        out = np.zeros(len(self.state_sites))
        for s, p in enumerate(self.patterns):
            for m in range(self.state_start[s], self.state_start[s + 1]):
                out[m] = sum(
                    1 for i, v in enumerate(p) if v < caps[i] and i not in self.state_sites[m]
                )
        return out

    @cached_property
    def degree(self) -> np.ndarray:
        """Groups from the reagent per molecule: electrophile units in each species."""
        return np.array([sum(p) for p in self.patterns], dtype=float)

    @cached_property
    def released(self) -> np.ndarray:
        """Protons released per molecule: every step at an N-H, none for a quaternisation."""
        hyd = self.hydrogens or self._caps()
        return np.array(
            [sum(min(v, h) for v, h in zip(p, hyd, strict=True)) for p in self.patterns],
            dtype=float,
        )

    @cached_property
    def categories(self) -> tuple[str, ...]:
        """Split category of every species: SM / mono / bis ... by groups when no N carries
        more than one, else ``over`` (an N with two or more) or ``quat`` (a quaternised N)."""
        hyd = self.hydrogens or self._caps()
        return tuple(species_category(p, hyd) for p in self.patterns)

    @property
    def protonatable(self) -> bool:
        return len(self.state_sites) > self.n_species

    @cached_property
    def free_sites(self) -> np.ndarray:
        """Sites of each species that can still react (below their capacity)."""
        caps = self._caps()
        return np.array(
            [sum(1 for v, c in zip(p, caps, strict=True) if v < c) for p in self.patterns],
            dtype=float,
        )


def count_word(n: int) -> str:
    """SM, mono, bis ... for ``n`` groups (``12x`` past the named words)."""
    return COUNT_WORDS[n] if n < len(COUNT_WORDS) else f"{n}x"


def species_category(pattern: Sequence[int], hydrogens: Sequence[int]) -> str:
    """Split category of one pattern (see ``Network.categories``)."""
    if any(v > h for v, h in zip(pattern, hydrogens, strict=True)):
        return QUAT
    if any(v > 1 for v in pattern):
        return OVER
    return count_word(sum(pattern))


def canonical_pattern(pattern: Sequence[int], model: SiteModel) -> tuple[int, ...]:
    """Orbit representative: the image whose substituted sites come first in locant order."""
    images = [
        tuple(pattern[perm.index(i)] for i in range(len(pattern))) for perm in model.automorphisms
    ]
    return max(images)


def enumerate_species(model: SiteModel) -> list[tuple[int, ...]]:
    """All substitution patterns up to symmetry: those with at most one group per N first
    (ordered by degree then representative, as for a 0/1 network), then the over-alkylated
    ones in the same order, so SM, mono and bis keep their indices."""
    states = [range(c + 1) for c in model.caps]
    seen = {canonical_pattern(p, model) for p in product(*states)}
    return sorted(seen, key=lambda p: (max(p, default=0) > 1, sum(p), tuple(-x for x in p)))


def species_labels(patterns: Sequence[tuple[int, ...]], model: SiteModel) -> list[str]:
    """SM / mono / bis ...; locants are added only where a degree has several regioisomers.

    A species with an N carrying more than one group names every group by its N, as a
    chemist writes N,N-dibenzyl: ``bis-N1,N1``; a quaternised N ends with ``+``
    (``tris-N1,N1,N1+,N2``... ``bis-N1,N1+`` for a ring N).
    """
    plain = [p for p in patterns if max(p, default=0) <= 1]
    degree_count: dict[int, int] = {}
    for p in plain:
        degree_count[sum(p)] = degree_count.get(sum(p), 0) + 1
    hyd = model.site_hydrogens
    labels = []
    for p in patterns:
        word = count_word(sum(p))
        if max(p, default=0) > 1:
            groups = []
            for i, s in enumerate(p):
                if s:
                    groups.append(",".join([model.locants[i]] * s) + ("+" if s > hyd[i] else ""))
            word += "-" + ",".join(groups)
        elif degree_count[sum(p)] > 1:
            word += "-" + ",".join(model.locants[i] for i, s in enumerate(p) if s)
        labels.append(word)
    return labels


def build_network(
    model: SiteModel,
    rates: RateModel | Callable[..., float],
    states: ProtonStates = no_protons,
) -> Network:
    """Enumerate species, microstates and reactions.

    ``rates(site, pattern, model, protonated)`` gives k_site of a free, unprotonated site;
    ``states(pattern)`` lists the species' protonation microstates, the free base first.
    """
    site_rate = rates.site_rate if isinstance(rates, RateModel) else rates
    caps = model.caps
    patterns = enumerate_species(model)
    index = {p: i for i, p in enumerate(patterns)}
    start = [0]
    sites: list[tuple[int, ...]] = []
    logw: list[float] = []
    per_species = []
    for p in patterns:
        listed = list(states(p))
        if not listed or listed[0][0]:
            raise ValueError("the first microstate of every species must be the free base")
        per_species.append(listed)
        sites += [tuple(s) for s, _ in listed]
        logw += [float(w) for _, w in listed]
        start.append(len(sites))
    n_states = max(len(ls) for ls in per_species)
    summed: dict[tuple[int, int], np.ndarray] = {}
    for i, p in enumerate(patterns):
        for site, state in enumerate(p):
            if state >= caps[site]:
                continue
            child = list(p)
            child[site] = state + 1
            j = index[canonical_pattern(child, model)]
            row = summed.setdefault((i, j), np.zeros(n_states))
            for m, (protonated, _) in enumerate(per_species[i]):
                if site in protonated:
                    continue
                k = float(site_rate(site, p, model, protonated))
                if not np.isfinite(k) or k < 0:
                    raise InvalidInput(
                        f"rate constant for site {model.locants[site]} is {k}", field="k"
                    )
                row[m] += k
    pairs = sorted(summed)
    return Network(
        patterns=tuple(patterns),
        labels=tuple(species_labels(patterns, model)),
        reactant=np.array([i for i, _ in pairs], dtype=np.int64),
        product=np.array([j for _, j in pairs], dtype=np.int64),
        kms=np.array([summed[pair] for pair in pairs], dtype=float).reshape(len(pairs), n_states),
        state_start=np.array(start, dtype=np.int64),
        state_sites=tuple(sites),
        state_logw=np.array(logw, dtype=float),
        capacity=tuple(model.capacity or ()),
        hydrogens=tuple(model.hydrogens or ()),
    )


def symmetric_diamine() -> SiteModel:
    """Two equivalent sites (piperazine, 1,4-diazepane, ethylenediamine)."""
    return SiteModel(classes=(0, 0), automorphisms=((0, 1), (1, 0)), locants=("N1", "N4"))
