"""Species as substitution patterns up to symmetry, and the reactions between them.

A species is an orbit of 0/1 patterns over the reactive sites under the molecule's
automorphisms. Rates are mass action per free site, so statistical factors (the 2 in
k1 = 2 k_site for a symmetric diamine) come out of the counting and are never typed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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

    def site_rate(self, site: int, pattern: Sequence[int], model: SiteModel) -> float:
        return self.k_fresh[model.classes[site]] * self.rho ** sum(pattern)


@dataclass(frozen=True)
class Network:
    """Species (orbit representatives) and their reactions with the electrophile."""

    patterns: tuple[tuple[int, ...], ...]
    labels: tuple[str, ...]
    reactant: np.ndarray  # species index per reaction
    product: np.ndarray
    k: np.ndarray  # L/mol/s, summed over the equivalent free sites of the reactant

    @property
    def n_species(self) -> int:
        return len(self.patterns)

    @property
    def free_sites(self) -> np.ndarray:
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
    rates: RateModel | Callable[[int, Sequence[int], SiteModel], float],
) -> Network:
    """Enumerate species and reactions; ``rates`` gives k_site for (site, pattern)."""
    site_rate = rates.site_rate if isinstance(rates, RateModel) else rates
    patterns = enumerate_species(model)
    index = {p: i for i, p in enumerate(patterns)}
    summed: dict[tuple[int, int], float] = {}
    for i, p in enumerate(patterns):
        for site, state in enumerate(p):
            if state:
                continue
            k = float(site_rate(site, p, model))
            if not np.isfinite(k) or k < 0:
                raise InvalidInput(
                    f"rate constant for site {model.locants[site]} is {k}", field="k"
                )
            child = list(p)
            child[site] = 1
            j = index[canonical_pattern(child, model)]
            summed[(i, j)] = summed.get((i, j), 0.0) + k
    pairs = sorted(summed)
    return Network(
        patterns=tuple(patterns),
        labels=tuple(species_labels(patterns, model)),
        reactant=np.array([i for i, _ in pairs], dtype=np.int64),
        product=np.array([j for _, j in pairs], dtype=np.int64),
        k=np.array([summed[pair] for pair in pairs], dtype=float),
    )


def symmetric_diamine() -> SiteModel:
    """Two equivalent sites (piperazine, 1,4-diazepane, ethylenediamine)."""
    return SiteModel(classes=(0, 0), automorphisms=((0, 1), (1, 0)), locants=("N1", "N4"))
