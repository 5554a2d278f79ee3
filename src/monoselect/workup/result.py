"""WorkupResult: recovery and purity of every species in every phase and in the isolated
product, each with its interval over the logP uncertainty, following the Result interface."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from monoselect.kinetics.network import COUNT_WORDS
from monoselect.results import Provenance, Result, Split, normalised
from monoselect.workup.plan import WorkupPlan
from monoselect.workup.run import Trace


def interval(values: np.ndarray) -> dict:
    """Central value (row 0) and the range over the rows."""
    v = np.asarray(values, dtype=float)
    return {"value": float(v[0]), "low": float(np.min(v)), "high": float(np.max(v))}


@dataclass(frozen=True)
class WorkupResult(Result):
    """A workup applied to a simulated crude.

    Row 0 of every batch array is the central estimate; the other rows are the corners of
    the logP intervals, so low/high of any number are its range over them.
    """

    kind: ClassVar[str] = "workup"
    scenario: object
    reaction: Result
    plan: WorkupPlan
    trace: Trace
    substrate_charged: float
    electrophile_charged: float
    varied: tuple[str, ...]  # components whose logP is an interval, and how corners were taken
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]
    provenance: tuple[Provenance, ...] = ()

    # --- what the isolated product holds ------------------------------------------------------

    @property
    def components(self):
        return self.trace.components

    def keys(self) -> list[str]:
        return [c.key for c in self.components]

    def product_columns(self) -> list[int]:
        """Columns of the product: its label, or every species of that degree (mono...)."""
        name = self.plan.product
        cols = [j for j, c in enumerate(self.components) if c.key == name]
        if not cols and name in COUNT_WORDS:
            d = COUNT_WORDS.index(name)
            cols = [j for j, c in enumerate(self.components) if c.degree == d]
        return cols

    def isolated(self) -> np.ndarray:
        """[b, c] mol in the isolated phase."""
        return self.trace.isolated.amounts

    def _mass(self, amounts: np.ndarray) -> np.ndarray:
        mw = np.array([c.mw if c.mw is not None else 0.0 for c in self.components])
        return amounts * mw[None, :]

    def product_amount(self) -> np.ndarray:
        return self.isolated()[:, self.product_columns()].sum(axis=1)

    def recovery(self) -> np.ndarray:
        """[b] product isolated / product in the crude."""
        cols = self.product_columns()
        crude = self.trace.crude[cols].sum()
        return self.product_amount() / crude if crude > 0 else np.zeros(self.isolated().shape[0])

    def purity_by_mass(self) -> np.ndarray:
        """[b] product mass / mass of every organic species isolated (inorganic ions and
        counter-ions not counted; salts counted as their free base)."""
        mass = self._mass(self.isolated())
        total = mass.sum(axis=1)
        prod = mass[:, self.product_columns()].sum(axis=1)
        return np.divide(prod, total, out=np.zeros_like(total), where=total > 0)

    def purity_by_mol(self) -> np.ndarray:
        iso = self.isolated()
        organic = [j for j, c in enumerate(self.components) if c.mw is not None]
        total = iso[:, organic].sum(axis=1)
        prod = self.product_amount()
        return np.divide(prod, total, out=np.zeros_like(total), where=total > 0)

    def diamine_recovered(self) -> list[dict]:
        """Where the unreacted diamine (SM) ends: every stream holding more than 0.1 % of it."""
        j = next((j for j, c in enumerate(self.components) if c.degree == 0), None)
        if j is None or self.trace.crude[j] <= 0:
            return []
        crude = self.trace.crude[j]
        rows = []
        for s in self.trace.streams:
            frac = s.amounts[:, j] / crude
            if frac[0] > 1e-3:
                rows.append(
                    {
                        "phase": f"step {s.step + 1}: {s.name}",
                        "fate": s.fate,
                        "amount_mmol": interval(s.amounts[:, j] * 1e3),
                        "fraction_of_crude": interval(frac),
                    }
                )
        iso = self.isolated()[:, j] / crude
        if iso[0] > 1e-3:
            rows.append(
                {
                    "phase": "isolated product",
                    "fate": "impurity",
                    "amount_mmol": interval(self.isolated()[:, j] * 1e3),
                    "fraction_of_crude": interval(iso),
                }
            )
        return rows

    def balance_residual(self) -> float:
        """Largest relative residual of crude + added = streams + isolated, per species."""
        t = self.trace
        out = sum((s.amounts for s in t.streams), np.zeros_like(t.isolated.amounts))
        out = out + t.isolated.amounts
        into = t.crude[None, :] + t.added
        scale = np.maximum(np.abs(into), 1e-300)
        res = np.abs(out - into) / np.maximum(scale, np.abs(into).sum(axis=1, keepdims=True))
        return float(res.max()) if res.size else 0.0

    # --- the Result interface ----------------------------------------------------------------

    def split(self) -> Split:
        """The isolated product as fractions of diamine units by substitutions; yields are
        isolated yields (on the diamine and on the electrophile charged)."""
        iso = self.isolated()[0]
        parts: dict[str, float] = {}
        for j, c in enumerate(self.components):
            if c.degree is not None and iso[j] > 0:
                word = COUNT_WORDS[c.degree]
                parts[word] = parts.get(word, 0.0) + float(iso[j])
        mono = sum(float(iso[j]) for j, c in enumerate(self.components) if c.degree == 1)
        fractions = normalised(parts) if sum(parts.values()) > 0 else {}
        on_el = mono / self.electrophile_charged if self.electrophile_charged > 0 else 0.0
        return Split(fractions, mono / self.substrate_charged, on_el)

    def details(self) -> dict:
        t = self.trace
        keys = self.keys()
        comps = []
        for c in self.components:
            comps.append(
                {
                    "species": c.key,
                    "name": c.name,
                    "smiles": c.smiles,
                    "mw": None if c.mw is None else round(c.mw, 3),
                    "role": c.role,
                    "pKa": [round(v, 2) for v in c.stepwise_pka()],
                    "logP": None
                    if c.logp is None
                    else {
                        "value": round(c.logp.value, 3),
                        "low": round(c.logp.low, 3),
                        "high": round(c.logp.high, 3),
                        "measured": c.logp.measured,
                        "origin": c.logp.origin,
                    },
                    "stays_in_water": c.logp is None,
                    "bp_C": None if c.bp is None else c.bp[0],
                    "crude_mmol": float(t.crude[keys.index(c.key)] * 1e3),
                }
            )
        phases = [
            {
                "step": s.step + 1,
                "phase": s.name,
                "kind": s.kind,
                "fate": s.fate,
                "volume_mL": interval(s.volume * 1e3),
                "pH": None if s.ph is None else interval(s.ph),
                "amounts_mmol": {
                    k: interval(s.amounts[:, j] * 1e3)
                    for j, k in enumerate(keys)
                    if np.any(s.amounts[:, j] > 0)
                },
            }
            for s in t.streams
        ]
        iso = t.isolated
        phases.append(
            {
                "step": len(self.plan.steps),
                "phase": "isolated product",
                "kind": iso.kind,
                "fate": "product",
                "volume_mL": interval(iso.volume * 1e3),
                "pH": None if iso.ph is None else interval(iso.ph),
                "amounts_mmol": {
                    k: interval(iso.amounts[:, j] * 1e3)
                    for j, k in enumerate(keys)
                    if np.any(iso.amounts[:, j] > 0)
                },
            }
        )
        recovery = {}
        for j, k in enumerate(keys):
            start = t.crude[j] + t.added[0, j]
            if start <= 0:
                continue
            into = t.crude[j] + t.added[:, j]
            where = {
                f"step {s.step + 1}: {s.name}": interval(s.amounts[:, j] / into)
                for s in t.streams
                if s.amounts[0, j] / start > 1e-4
            }
            recovery[k] = {
                "isolated": interval(iso.amounts[:, j] / into),
                "elsewhere": where,
            }
        mass = self._mass(iso.amounts)
        total = mass.sum(axis=1)
        composition = {
            k: interval(np.divide(mass[:, j], total, out=np.zeros_like(total), where=total > 0))
            for j, k in enumerate(keys)
            if mass[0, j] > 0
        }
        cols = self.product_columns()
        mw = sum(self.components[j].mw or 0.0 for j in cols[:1])
        return {
            "workup": {
                "steps": [
                    {
                        "step": r.index + 1,
                        "operation": r.text,
                        "pH": [interval(p) for p in r.ph],
                        "notes": list(r.notes),
                        "holds": r.kept_kind,
                    }
                    for r in t.records
                ],
                "product": {
                    "species": self.plan.product,
                    "amount_mmol": interval(self.product_amount() * 1e3),
                    "mass_mg": interval(self.product_amount() * mw * 1e3),
                    "recovery_from_crude": interval(self.recovery()),
                    "isolated_yield_on_substrate": interval(
                        self.product_amount() / self.substrate_charged
                    ),
                    "purity_by_mass": interval(self.purity_by_mass()),
                    "purity_by_mol": interval(self.purity_by_mol()),
                    "composition_by_mass": composition,
                },
                "diamine_recovered": self.diamine_recovered(),
                "components": comps,
                "phases": phases,
                "recovery": recovery,
                "logp_interval": {
                    "estimated": list(self.varied[:-1]),
                    "corners": self.varied[-1] if self.varied else "",
                    "rows": int(iso.amounts.shape[0]),
                },
                "mass_balance_residual": self.balance_residual(),
            }
        }

    def __rich__(self):
        from monoselect.workup.render import render

        return render(self)
