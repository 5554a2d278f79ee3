"""What a run produced: amounts over time, final split, yields, conversion and balances."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from monoselect.kinetics.network import Network
from monoselect.kinetics.simulate import Problem, Trajectory


@dataclass(frozen=True)
class Outcome:
    """Amounts (mol) and fractions of substrate units per species over time, and summaries.

    Fractions are of the substrate units present at that time (charged so far), so they sum
    to 1 during a substrate feed too. Balances are relative residuals of substrate units and
    electrophile units against what was charged up to that time.
    """

    labels: tuple[str, ...]
    degree: tuple[int, ...]  # electrophile units per molecule of each species
    time: np.ndarray  # s
    amounts: np.ndarray  # [time, species], mol
    electrophile: np.ndarray  # mol left
    volume: np.ndarray  # L
    substrate_charged: float  # mol, whole run
    electrophile_charged: float
    status: int
    steps: int
    method: str
    notes: tuple[str, ...]
    # speciation (SCIENCE.md section 4); log_h is ln [H+] in mol/L, -inf with no protons
    log_h: np.ndarray | None = None
    state_fractions: np.ndarray | None = None  # [time, microstate], within each species
    state_start: np.ndarray | None = None
    state_nprot: np.ndarray | None = None
    state_free: np.ndarray | None = None  # free sites left unprotonated in each microstate
    binder_names: tuple[str, ...] = ()
    binder_protons: np.ndarray | None = None  # [time, binder], mean protons bound
    # protons released per molecule of each species (a quaternisation releases none);
    # None = one per group, as for acylation
    released: tuple[int, ...] | None = None
    solvolysed: np.ndarray | None = None  # [time] mol of electrophile consumed by the solvent
    # salts that precipitated: mol in the solid per time, species then binders (None: no
    # solubility given), the protons each solid form carries (0 where none can form), names
    solids: np.ndarray | None = None
    solid_protons: np.ndarray | None = None
    solid_names: tuple[str, ...] = ()

    def dissolved(self) -> np.ndarray:
        """[time, species] mol in solution (all of it unless a salt precipitated)."""
        if self.solids is None:
            return self.amounts
        return self.amounts - self.solids[:, : len(self.labels)]

    def precipitate(self) -> dict[str, float]:
        """Final mol in the solid of every salt allowed to precipitate, by salt name."""
        if self.solids is None:
            return {}
        return {
            name: max(float(self.solids[-1, i]), 0.0)
            for i, name in enumerate(self.solid_names)
            if name
        }

    def protonation(self, species: int) -> np.ndarray:
        """[time, n] fraction of ``species`` carrying n protons (n = 0 .. basic sites)."""
        lo, hi = self.state_start[species], self.state_start[species + 1]
        nprot = self.state_nprot[lo:hi].astype(int)
        out = np.zeros((self.time.size, nprot.max() + 1))
        for j, n in enumerate(nprot):
            out[:, n] += self.state_fractions[:, lo + j]
        return out

    @property
    def free_sites_unprotonated(self) -> float:
        """Final fraction of the remaining free (unsubstituted) sites that carry no proton."""
        a = self.amounts[-1]
        d = self.dissolved()[-1]  # a precipitated salt offers no site
        free = unprot = 0.0
        for s in range(len(self.labels)):
            lo, hi = self.state_start[s], self.state_start[s + 1]
            unprot += d[s] * float(self.state_fractions[-1, lo:hi] @ self.state_free[lo:hi])
            free += a[s] * float(self.state_free[lo])
        return unprot / free if free > 0 else 0.0

    @property
    def ph(self) -> np.ndarray:
        """-log10 [H+] on the one aqueous scale of the model (inf with no protons)."""
        return -self.log_h / np.log(10.0)

    @property
    def bound_protons(self) -> np.ndarray:
        """mol of protons on amine species and added/released binders, per time."""
        total = np.zeros(self.time.size)
        d = self.dissolved()
        for s in range(len(self.labels)):
            p = self.protonation(s)
            total += d[:, s] * (p @ np.arange(p.shape[1]))
        if self.solids is not None:  # each solid carries its salt's protons
            ns = len(self.labels)
            total += self.solids[:, :ns] @ self.solid_protons[:ns]
            total += self.solids[:, ns:] @ self.solid_protons[ns:]
        return total

    @property
    def fractions(self) -> np.ndarray:
        """[time, species] fraction of substrate units, clipped at solver noise below 0."""
        a = np.clip(self.amounts, 0.0, None)
        total = a.sum(axis=1, keepdims=True)
        # before any substrate is in the flask (inverse addition at t = 0) every fraction is 0
        return np.divide(a, total, out=np.zeros_like(a), where=total > 0)

    @property
    def final_fractions(self) -> dict[str, float]:
        return dict(zip(self.labels, map(float, self.fractions[-1]), strict=True))

    def by_degree(self, degree: int) -> float:
        """Final amount (mol) of all species with ``degree`` substitutions (regioisomers summed)."""
        pick = [i for i, d in enumerate(self.degree) if d == degree]
        return float(self.amounts[-1, pick].sum())

    @property
    def mono_yield_on_substrate(self) -> float:
        return self.by_degree(1) / self.substrate_charged

    @property
    def mono_yield_on_electrophile(self) -> float:
        if self.electrophile_charged <= 0:
            return 0.0
        return self.by_degree(1) / self.electrophile_charged

    @property
    def conversion(self) -> float:
        """Substrate conversion: fraction of substrate units no longer starting material."""
        return 1.0 - float(self.fractions[-1, 0])

    @property
    def conversion_curve(self) -> np.ndarray:
        """Substrate conversion at every recorded time."""
        return 1.0 - self.fractions[:, 0]

    @property
    def electrophile_left(self) -> float:
        return (
            float(self.electrophile[-1]) / self.electrophile_charged
            if self.electrophile_charged
            else 0.0
        )

    def balance_residuals(self, problem: Problem) -> dict[str, float]:
        """Largest relative residual over the run for substrate and electrophile units."""
        charged_s = np.full(self.time.shape, problem.substrate)
        charged_e = np.full(self.time.shape, problem.electrophile)
        start = 0.0
        for stage in problem.stages:
            fed = np.clip(self.time - start, 0.0, stage.duration)
            charged_s = charged_s + stage.substrate_rate * fed
            charged_e = charged_e + stage.electrophile_rate * fed
            start += stage.duration
        units_s = self.amounts.sum(axis=1)
        units_e = self.electrophile + self.amounts @ np.asarray(self.degree, dtype=float)
        lost = self.solvolysed if self.solvolysed is not None else 0.0
        units_e = units_e + lost
        out = {}
        if self.log_h is not None:
            pool = problem.protons
            per = self.degree if self.released is None else self.released
            # each solvolysed electrophile releases the same acid as a substitution
            events = self.amounts @ np.asarray(per, dtype=float) + lost
            amounts = [b.amount for b in pool.binders]
            bound = self.bound_protons
            ns = len(self.labels)
            gone = self.solids[:, ns:] if self.solids is not None else 0.0 * self.binder_protons
            for g, amount in enumerate(amounts):  # a binder's solid is in bound_protons
                bound = bound + (amount - gone[:, g]) * self.binder_protons[:, g]
            if pool.released is not None:
                g = len(amounts)
                bound = bound + (events - gone[:, g]) * self.binder_protons[:, g]
            free = pool.free_weight * np.exp(self.log_h) * self.volume
            total = pool.charged_protons + pool.release * events
            out["protons"] = float(
                np.max(np.abs(bound + free - total))
                / max(float(np.max(total)), self.substrate_charged)
            )
        return out | {
            "substrate_units": float(np.max(np.abs(units_s - charged_s)) / self.substrate_charged),
            "electrophile_units": float(
                np.max(np.abs(units_e - charged_e))
                / max(self.electrophile_charged, self.substrate_charged)
            ),
        }


def make_outcome(problem: Problem, network: Network, traj: Trajectory) -> Outcome:
    return Outcome(
        labels=network.labels,
        degree=tuple(int(sum(p)) for p in network.patterns),
        time=traj.time,
        amounts=traj.species,
        electrophile=traj.electrophile,
        volume=traj.volume,
        substrate_charged=problem.substrate_charged,
        electrophile_charged=problem.electrophile_charged,
        status=traj.status,
        steps=traj.steps,
        method=traj.method,
        notes=traj.notes,
        log_h=traj.log_h,
        state_fractions=traj.state_fractions,
        state_start=network.state_start,
        state_nprot=network.state_nprot,
        state_free=network.state_free,
        binder_names=tuple(b.name for b in problem.protons.binders)
        + ((problem.protons.released.name,) if problem.protons.released else ()),
        binder_protons=traj.binder_protons,
        released=tuple(int(v) for v in network.released),
        solvolysed=traj.solvolysed,
        **_solid_fields(problem, network, traj),
    )


def _solid_fields(problem: Problem, network: Network, traj: Trajectory) -> dict:
    if traj.solids is None:
        return {}
    ns = network.n_species
    width = traj.solids.shape[1]
    protons = np.zeros(width)
    names = [""] * width
    for solid in problem.solids:
        i = solid.species if solid.species is not None else ns + solid.binder
        protons[i] = solid.protons
        names[i] = solid.name
    return {"solids": traj.solids, "solid_protons": protons, "solid_names": tuple(names)}
