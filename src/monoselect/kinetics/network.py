"""Species as substitution patterns up to symmetry, and the reactions between them.

A species is an orbit of 0/1 patterns over the reactive sites under the molecule's
automorphisms. Rates are mass action per free site, so statistical factors (the 2 in
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


@dataclass(frozen=True)
class SiteModel:
    """Reactive sites: symmetry class of each, site permutations, chemist's locants."""

    classes: tuple[int, ...]
    automorphisms: tuple[tuple[int, ...], ...]
    locants: tuple[str, ...]

    @property
    def n_sites(self) -> int:
        return len(self.classes)

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

    def site_rate(
        self, site: int, pattern: Sequence[int], model: SiteModel, protonated: Sequence[int] = ()
    ) -> float:
        return self.k_fresh[model.classes[site]] * self.rho ** sum(pattern)


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

    @cached_property
    def state_free(self) -> np.ndarray:
        """Free (unsubstituted) sites left unprotonated in each microstate."""
        out = np.zeros(len(self.state_sites))
        for s, p in enumerate(self.patterns):
            for m in range(self.state_start[s], self.state_start[s + 1]):
                out[m] = sum(1 for i, v in enumerate(p) if not v and i not in self.state_sites[m])
        return out

    @cached_property
    def degree(self) -> np.ndarray:
        return np.array([sum(p) for p in self.patterns], dtype=float)

    @property
    def protonatable(self) -> bool:
        return len(self.state_sites) > self.n_species

    @cached_property
    def free_sites(self) -> np.ndarray:
        """Free (unsubstituted) sites of each species."""
        return np.array([len(p) - sum(p) for p in self.patterns], dtype=float)


def canonical_pattern(pattern: Sequence[int], model: SiteModel) -> tuple[int, ...]:
    """Orbit representative: the image whose substituted sites come first in locant order."""
    images = [
        tuple(pattern[perm.index(i)] for i in range(len(pattern))) for perm in model.automorphisms
    ]
    return max(images)


def enumerate_species(model: SiteModel) -> list[tuple[int, ...]]:
    """All substitution patterns up to symmetry, ordered by degree then representative."""
    seen = {canonical_pattern(p, model) for p in product((0, 1), repeat=model.n_sites)}
    return sorted(seen, key=lambda p: (sum(p), tuple(-x for x in p)))


def species_labels(patterns: Sequence[tuple[int, ...]], model: SiteModel) -> list[str]:
    """SM / mono / bis ...; locants are added only where a degree has several regioisomers."""
    degree_count: dict[int, int] = {}
    for p in patterns:
        degree_count[sum(p)] = degree_count.get(sum(p), 0) + 1
    labels = []
    for p in patterns:
        word = COUNT_WORDS[sum(p)]
        if degree_count[sum(p)] > 1:
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
            if state:
                continue
            child = list(p)
            child[site] = 1
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
    )


def symmetric_diamine() -> SiteModel:
    """Two equivalent sites (piperazine, 1,4-diazepane, ethylenediamine)."""
    return SiteModel(classes=(0, 0), automorphisms=((0, 1), (1, 0)), locants=("N1", "N4"))
