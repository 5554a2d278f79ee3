"""Per-site rate constants from pKa (Bronsted) and temperature (Arrhenius), with provenance.

log10 k_site = log10 k_ref + beta_nuc (pKa_site - pKa_ref), times exp(-Ea/R (1/T - 1/T_ref)),
where pKa_site is that N's pKa in that species *and protonation state* (SCIENCE.md section 3):
a free N next to a protonated one is less basic, so it reacts more slowly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from monoselect.chem.pka import Basicity
from monoselect.results import Provenance

__all__ = ["Provenance", "Reactivity", "arrhenius", "site_rate_constant"]

R_KJ = 8.314462618e-3  # kJ/mol/K
T_REF_K = 298.15


def arrhenius(ea_kj: float, temp_c: float) -> float:
    """k(T)/k(25 degC) for activation energy ``ea_kj``."""
    return math.exp(-ea_kj / R_KJ * (1.0 / (temp_c + 273.15) - 1.0 / T_REF_K))


@dataclass(frozen=True)
class Reactivity:
    """Rate constant of any free site in any species and protonation state.

    ``basicity`` maps each species (orbit-representative pattern) to its basic sites. With a
    user ``rho`` the free-base rates are k_fresh * rho^n (the pKa shift of substitution is
    replaced), while protonation of a neighbour still slows a site through beta_nuc.
    ``steric`` multiplies each site's rate by its steric factor (alpha substituents).
    """

    k_ref: float  # L/mol/s at pKa_ref and 25 degC
    pka_ref: float
    beta: float
    temperature_factor: float
    basicity: dict[tuple[int, ...], Basicity]
    rho: float | None = None
    # per site (site order): steric factor of that N (chem/sterics.py); None = all 1
    steric: tuple[float, ...] | None = None
    # per site, per groups already on it: factor of the next alkylation step at that N
    # relative to its first (chem/alkylation.py, over-alkylation); None = one group per N
    over: tuple[tuple[float, ...], ...] | None = None

    def bronsted(self, pka: float) -> float:
        return self.k_ref * 10.0 ** (self.beta * (pka - self.pka_ref)) * self.temperature_factor

    def site_rate(
        self, site: int, pattern: Sequence[int], model, protonated: Sequence[int] = ()
    ) -> float:
        b = self.basicity[tuple(pattern)]
        hindrance = 1.0 if self.steric is None else self.steric[site]
        own = pattern[site]
        if own:  # a further group on an alkylated N: its own pKa, its N-class factor
            k = self.bronsted(b.site_pka(site, protonated)) * hindrance
            if self.rho is not None:  # the user's ratio for groups on the other N
                k *= self.rho ** (sum(pattern) - own)
            return k * (self.over[site][own] if self.over is not None else 1.0)
        if self.rho is None:
            return self.bronsted(b.site_pka(site, protonated)) * hindrance
        fresh = self.basicity[(0,) * len(pattern)]
        k0 = self.bronsted(fresh.site_pka(site, ()))
        charge = 10.0 ** (self.beta * (b.site_pka(site, protonated) - b.site_pka(site, ())))
        return k0 * self.rho ** sum(pattern) * charge * hindrance

    def states(self, pattern: tuple[int, ...]):
        return self.basicity[tuple(pattern)].microstates()


def site_rate_constant(
    electrophile, pka: float, temp_c: float, *, k_ref: float | None = None
) -> float:
    """k (L/mol/s) of a free N of ``pka`` with ``electrophile`` at ``temp_c``.

    ``k_ref``: the rate constant at the reference pKa and 25 degC, by default the reagent's
    own (``electrophile.k_default``: class value x per-reagent factors).
    """
    return (
        (electrophile.k_default if k_ref is None else k_ref)
        * 10.0 ** (electrophile.beta_nuc * (pka - electrophile.pka_ref))
        * arrhenius(electrophile.ea_kj, temp_c)
    )
