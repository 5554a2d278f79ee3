"""Apply a workup plan to a crude: phases, washes, pH adjustments, evaporation, distillation.

Every quantity carries a leading batch axis b (rows: the logP corners of the interval, or the
pH grid of a search), so one pass through the steps gives the central answer and its spread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from monoselect.chem.partition import workup_data
from monoselect.chem.tables import acids_bases, lookup_key
from monoselect.errors import InvalidInput
from monoselect.scenario import solvent as solvent_row
from monoselect.workup import plan as ops
from monoselect.workup.crude import Component, Crude, acid_base_component, carbonate_component
from monoselect.workup.equilibrium import (
    LN10,
    States,
    distribute,
    make_states,
    mean_charge,
    solve_lnh,
)
from monoselect.workup.reagents import AqueousReagent, adds_amount, reagent

# a pH adjustment needing more than this many moles of reagent per mole of everything in the
# water (plus the spectator charge) cannot be reached with that reagent (e.g. pH 13 with
# NaHCO3): said, not silently dosed
UNREACHABLE_RATIO = 100.0
ADJUST_ITERATIONS = 8  # fixed-point passes for the volume the reagent solution adds


@dataclass
class Phase:
    """One phase: amounts [b, c] (mol), volume [b] (L), spectator charge [b] (mol)."""

    kind: str  # organic, aqueous, neat
    amounts: np.ndarray
    volume: np.ndarray
    spectator: np.ndarray
    solvent: str | None
    ph: np.ndarray | None = None
    crude: bool = False
    salt_fraction: np.ndarray | None = None

    def copy(self) -> Phase:
        return replace(
            self,
            amounts=self.amounts.copy(),
            volume=self.volume.copy(),
            spectator=self.spectator.copy(),
            ph=None if self.ph is None else self.ph.copy(),
        )


@dataclass(frozen=True)
class Stream:
    """A phase that left the workup: a discarded wash, the aqueous after extraction, the
    distillate, what evaporated, the filter cake."""

    step: int
    name: str
    kind: str
    fate: str  # discarded / recovered
    amounts: np.ndarray  # [b, c]
    volume: np.ndarray  # [b]
    ph: np.ndarray | None


@dataclass
class StepRecord:
    """What one step did: contacts' pH [b] each, notes, and where everything is after it."""

    index: int
    text: str
    ph: list[np.ndarray] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept: np.ndarray | None = None  # [b, c] in the phase going on
    funnel: np.ndarray | None = None  # [b, c] in the other phase still in the funnel
    removed: np.ndarray | None = None  # [b, c] removed so far (all streams)
    kept_kind: str = ""


@dataclass(frozen=True)
class Trace:
    """The whole workup: streams, the isolated phase and the per-step records."""

    components: tuple[Component, ...]
    crude: np.ndarray  # [c] mol in the crude
    added: np.ndarray  # [b, c] mol added by the workup (acids, bases)
    streams: tuple[Stream, ...]
    isolated: Phase
    records: tuple[StepRecord, ...]
    notes: tuple[str, ...]
    warnings: tuple[str, ...]


def components_for(crude: Crude, plan: ops.WorkupPlan) -> tuple[Component, ...]:
    """The crude's components and the species the plan's reagents add (citric acid...)."""
    comps = list(crude.components)
    keys = {c.key for c in comps}
    for i, step in enumerate(plan.steps):
        text = getattr(step, "with_", None)
        if text is None or (isinstance(step, ops.Wash) and step.ph is not None):
            continue
        r = reagent(text, f"steps[{i}].{step.op}.with")
        if r.species is None or r.species in keys:
            continue
        if r.species == "carbonate":
            comps.append(carbonate_component())
        else:
            entry = acids_bases()[lookup_key(r.species)]
            comp, _ = acid_base_component(entry.name, "added", entry.pka, entry.protons)
            comps.append(comp)
        keys.add(comps[-1].key)
    return tuple(comps)


def states_of(components) -> States:
    return make_states([(c.base_charge, list(c.nprot), list(c.lnk)) for c in components])


class Runner:
    """Carries the phases through the steps (internal; ``run`` is the entry point)."""

    def __init__(self, comps, crude: Crude, log_p: np.ndarray, ph_override=None):
        self.comps = comps
        self.states = states_of(comps)
        self.log_p = log_p
        self.b = log_p.shape[0]
        self.kw = 10.0 ** -float(workup_data()["water"]["pkw"])
        self.ph_override = ph_override or {}
        nc = len(comps)
        amounts = np.zeros((self.b, nc))
        amounts[:, : len(crude.amounts)] = crude.amounts
        salt = np.zeros(nc)
        salt[: len(crude.salt_fraction)] = crude.salt_fraction
        self.salt_charge = np.zeros(nc)
        self.salt_charge[: len(crude.salt_charge)] = crude.salt_charge
        self.crude_amounts = amounts[0].copy()
        self.precipitated = crude.precipitated
        self.added = np.zeros((self.b, nc))
        self.work = Phase(
            "organic",
            amounts,
            np.full(self.b, crude.volume),
            np.full(self.b, crude.spectator),
            crude.solvent,
            crude=True,
            salt_fraction=salt,
        )
        self.other: Phase | None = None
        self.streams: list[Stream] = []
        self.records: list[StepRecord] = []
        self.notes: list[str] = []
        self.warnings: list[str] = []
        self.index = {c.key: i for i, c in enumerate(comps)}

    # --- helpers -----------------------------------------------------------------------------

    def _full(self, value: float) -> np.ndarray:
        return np.full(self.b, float(value))

    def _where(self, i: int, step) -> str:
        return f"steps[{i}].{step.op}"

    def _check_extraction_solvent(self, key: str, field_: str) -> str:
        row = solvent_row(key)
        if row.water == "miscible":
            raise InvalidInput(
                f"{row.name} mixes with water: it cannot form the organic phase of an extraction",
                field=field_,
                fix="evaporate it and take the residue up in DCM, EtOAc or toluene "
                "(steps: evaporate, then dissolve)",
            )
        return row.key

    def _organic_for_contact(self, i: int, step) -> Phase:
        """The organic phase an aqueous contact needs: the working phase, separated first
        when the funnel still holds an aqueous phase."""
        if self.other is not None:
            org, aq = (
                (self.work, self.other) if self.work.kind == "organic" else (self.other, self.work)
            )
            self._discard(i, aq, "aqueous phase (separated)")
            self.work, self.other = org, None
            self.records[-1].notes.append("separated first: the organic phase goes on")
        if self.work.kind != "organic":
            raise InvalidInput(
                f"{step.op} needs an organic phase, but the workup holds the {self.work.kind} "
                "phase here",
                field=self._where(i, step),
                fix="dissolve a residue first, or extract an aqueous phase",
            )
        self._check_extraction_solvent(self.work.solvent, self._where(i, step))
        return self.work

    def _aqueous(self, volume: np.ndarray, r: AqueousReagent | None, litres: float) -> Phase:
        """Fresh aqueous solution of ``r`` (its spectator ions and species)."""
        amounts = np.zeros((self.b, len(self.comps)))
        spectator = np.zeros(self.b)
        if r is not None and adds_amount(r):
            if r.concentration is None:
                raise InvalidInput(
                    f"give the concentration of the {r.name} solution",
                    field="with",
                    fix=f"write it like '0.5 M {r.name}'",
                )
            mol = r.concentration * litres
            spectator += r.spectator * mol
            if r.species is not None:
                amounts[:, self.index[self._species_key(r)]] += mol
                self.added[:, self.index[self._species_key(r)]] += mol
        return Phase("aqueous", amounts, volume.copy(), spectator, "water")

    def _species_key(self, r: AqueousReagent) -> str:
        if r.species == "carbonate":
            return "carbonate"
        return acids_bases()[lookup_key(r.species)].name

    def _equilibrate(self, org: Phase, aq: Phase, ph: np.ndarray | None) -> np.ndarray:
        """Bring ``org`` and ``aq`` to equilibrium in place; returns the pH [b]."""
        total = org.amounts + aq.amounts
        spectator = org.spectator + aq.spectator
        if ph is None:
            lnh, outside = solve_lnh(
                self.states, total, aq.volume, org.volume, self.log_p, spectator, self.kw
            )
            if outside.any():
                self.warnings.append(
                    "a wash holds more acid or base than pH -1..16 covers; its pH is pinned at "
                    "the edge"
                )
        else:
            lnh = -ph * LN10
        aq_states, org_amounts = distribute(
            self.states, total, lnh, aq.volume, org.volume, self.log_p
        )
        aq.amounts = np.add.reduceat(aq_states, self.states.start[:-1], axis=1)
        org.amounts = org_amounts
        if ph is None:
            aq.spectator = spectator
        else:  # a buffer supplies whatever charge holds the pH: it becomes the spectator
            h = np.exp(lnh)
            aq.spectator = -(aq_states @ self.states.charge + (h - self.kw / h) * aq.volume)
        org.spectator = np.zeros(self.b)
        org.crude = aq.crude = False
        aq.ph = -lnh / LN10
        org.ph = None
        return aq.ph

    def _single_ph(self, aq: Phase) -> np.ndarray:
        lnh, _ = solve_lnh(
            self.states, aq.amounts, aq.volume, np.zeros(self.b), self.log_p, aq.spectator, self.kw
        )
        aq.ph = -lnh / LN10
        return aq.ph

    def _discard(self, i: int, phase: Phase, name: str, fate: str = "discarded") -> None:
        self.streams.append(
            Stream(i, name, phase.kind, fate, phase.amounts.copy(), phase.volume.copy(), phase.ph)
        )

    # --- operations --------------------------------------------------------------------------

    def quench(self, i: int, step: ops.Quench) -> None:
        if self.other is not None or self.work.kind == "aqueous":
            raise InvalidInput(
                "quench adds water to the reaction mixture; here the workup already has an "
                "aqueous phase",
                field=self._where(i, step),
                fix="use wash for a further aqueous contact",
            )
        if self.work.kind == "neat":
            raise InvalidInput(
                "quench needs the reaction mixture in solution; the workup holds a residue here",
                field=self._where(i, step),
                fix="dissolve the residue first",
            )
        org = self.work
        self._check_extraction_solvent(org.solvent, self._where(i, step))
        r = reagent(step.with_, f"{self._where(i, step)}.with")
        aq = self._aqueous(self._full(step.litres), r, step.litres)
        ph = self._equilibrate(org, aq, None)
        self.records[-1].ph.append(ph)
        self.work, self.other = org, aq

    def separate(self, i: int, step: ops.Separate) -> None:
        if self.other is None:
            raise InvalidInput(
                "there is only one phase to separate here",
                field=self._where(i, step),
                fix="separate follows a quench (wash and extract separate by themselves)",
            )
        phases = {self.work.kind: self.work, self.other.kind: self.other}
        keep = phases[step.keep]
        drop = phases["aqueous" if step.keep == "organic" else "organic"]
        self._discard(i, drop, f"{drop.kind} phase (separated)")
        self.work, self.other = keep, None

    def wash(self, i: int, step: ops.Wash) -> None:
        org = self._organic_for_contact(i, step)
        ph_given = self.ph_override.get(i, None if step.ph is None else self._full(step.ph))
        r = None if ph_given is not None else reagent(step.with_, f"{self._where(i, step)}.with")
        washes: list[Phase] = []
        for _ in range(step.n):
            aq = self._aqueous(self._full(step.litres), r, step.litres)
            ph = self._equilibrate(org, aq, ph_given)
            self.records[-1].ph.append(ph)
            washes.append(aq)
        if step.keep == "organic":
            for k, aq in enumerate(washes):
                self._discard(i, aq, f"aqueous wash {k + 1}" if step.n > 1 else "aqueous wash")
            self.work = org
        else:
            combined = Phase(
                "aqueous",
                sum(w.amounts for w in washes),
                sum(w.volume for w in washes),
                sum(w.spectator for w in washes),
                "water",
            )
            self._single_ph(combined)
            self.records[-1].notes.append(
                f"combined aqueous washes: pH {float(combined.ph[0]):.2f}"
            )
            self._discard(i, org, "organic phase (after the washes)")
            self.work = combined

    def extract(self, i: int, step: ops.Extract) -> None:
        where = self._where(i, step)
        if self.other is not None:
            aq = self.work if self.work.kind == "aqueous" else self.other
            org = self.other if aq is self.work else self.work
            self._discard(i, org, "organic phase (separated)")
            self.work, self.other = aq, None
            self.records[-1].notes.append("separated first: the aqueous phase goes on")
        if self.work.kind != "aqueous":
            raise InvalidInput(
                f"extract needs an aqueous phase, but the workup holds the {self.work.kind} phase",
                field=where,
                fix="use wash to contact an organic phase with water",
            )
        solvent = self._check_extraction_solvent(step.solvent, f"{where}.solvent")
        aq = self.work
        extracts: list[Phase] = []
        for _ in range(step.n):
            org = Phase(
                "organic",
                np.zeros_like(aq.amounts),
                self._full(step.litres),
                np.zeros(self.b),
                solvent,
            )
            ph = self._equilibrate(org, aq, None)
            self.records[-1].ph.append(ph)
            extracts.append(org)
        if step.keep == "organic":
            combined = Phase(
                "organic",
                sum(e.amounts for e in extracts),
                sum(e.volume for e in extracts),
                np.zeros(self.b),
                solvent,
            )
            self._discard(i, aq, "aqueous phase (after extraction)")
            self.work = combined
        else:
            for k, e in enumerate(extracts):
                self._discard(i, e, f"organic extract {k + 1}" if step.n > 1 else "organic extract")
            self.work = aq

    def adjust(self, i: int, step: ops.Adjust) -> None:
        where = self._where(i, step)
        if self.work.kind != "aqueous" and (self.other is None or self.other.kind != "aqueous"):
            raise InvalidInput(
                f"{step.op} needs an aqueous phase here",
                field=where,
                fix="quench or wash first, or keep the aqueous phase",
            )
        aq = self.work if self.work.kind == "aqueous" else self.other
        org = self.other if aq is self.work else self.work
        r = reagent(step.with_, f"{where}.with")
        if not adds_amount(r):
            raise InvalidInput(
                f"{r.name} does not change the pH", field=f"{where}.with", fix="use NaOH or HCl"
            )
        if step.litres is not None:
            if r.concentration is None:
                raise InvalidInput(
                    f"give the concentration of the {r.name} solution",
                    field=f"{where}.with",
                    fix=f"write it like '2 M {r.name}'",
                )
            mol = self._full(r.concentration * step.litres)
        else:
            mol = self._dose(aq, org, r, step.to_ph, where)
        self._add(aq, r, mol)
        ph = self._equilibrate(org, aq, None) if org is not None else self._single_ph(aq)
        self.records[-1].ph.append(ph)
        unit = "mL" if r.concentration else "mmol"
        shown = mol * (1e3 / r.concentration if r.concentration else 1e3)
        self.records[-1].notes.append(
            f"{r.name}: {float(shown[0]):.3g} {unit}"
            + (f" of {r.concentration:g} M" if r.concentration else " (solid)")
            + f" -> pH {float(ph[0]):.2f}"
        )

    def _add(self, aq: Phase, r: AqueousReagent, mol: np.ndarray) -> None:
        aq.spectator = aq.spectator + r.spectator * mol
        if r.concentration:
            aq.volume = aq.volume + mol / r.concentration
        if r.species is not None:
            j = self.index[self._species_key(r)]
            aq.amounts[:, j] += mol
            self.added[:, j] += mol

    def _dose(self, aq, org, r: AqueousReagent, to_ph: float, where: str) -> np.ndarray:
        """Moles of ``r`` that bring the water to ``to_ph``: the charge balance is linear in
        the dose at a fixed pH, apart from the volume it adds (fixed-point passes)."""
        lnh = self._full(-to_ph * LN10)
        h = np.exp(lnh)
        j = self.index[self._species_key(r)] if r.species is not None else None
        per_mol = r.spectator + (mean_charge(self.states, j, lnh) if j is not None else 0.0)
        mol = np.zeros(self.b)
        v_org = org.volume if org is not None else np.zeros(self.b)
        total0 = aq.amounts + (org.amounts if org is not None else 0.0)
        spect0 = aq.spectator + (org.spectator if org is not None else 0.0)
        for _ in range(ADJUST_ITERATIONS):
            v_aq = aq.volume + (mol / r.concentration if r.concentration else 0.0)
            aq_states, _ = distribute(self.states, total0, lnh, v_aq, v_org, self.log_p)
            rest = aq_states @ self.states.charge + (h - self.kw / h) * v_aq + spect0
            with np.errstate(divide="ignore", invalid="ignore"):
                mol = np.where(np.abs(per_mol) > 1e-12, -rest / per_mol, np.inf)
        scale = np.abs(total0).sum(axis=1) + np.abs(spect0) + 1e-12
        if np.any(~np.isfinite(mol)) or np.any(mol > UNREACHABLE_RATIO * scale):
            raise InvalidInput(
                f"{r.name} cannot bring the water to pH {to_ph:g}",
                field=f"{where}.to_ph",
                fix="use a stronger acid or base (NaOH, HCl) or a pH it can reach",
            )
        if np.any(mol < 0):
            self.records[-1].notes.append(f"already past pH {to_ph:g}: nothing added")
            mol = np.clip(mol, 0.0, None)
        return mol

    def dry(self, i: int, step: ops.Dry) -> None:
        if self.other is not None:
            self._organic_for_contact(i, step)
        if self.work.kind != "organic":
            raise InvalidInput(
                f"dry needs an organic phase, but the workup holds the {self.work.kind} phase",
                field=self._where(i, step),
                fix="extract into an organic solvent first",
            )
        self.records[-1].notes.append("removes dissolved water only")

    def _volatile(self, cut_c: float, phase: Phase) -> np.ndarray:
        """[c] 1 where the component boils (1 atm) below ``cut_c`` (sourced bp)."""
        return np.array([1.0 if c.bp is not None and c.bp[0] < cut_c else 0.0 for c in self.comps])

    def evaporate(self, i: int, step: ops.Evaporate) -> None:
        if self.other is not None:
            raise InvalidInput(
                "evaporate needs one phase; the funnel still holds two",
                field=self._where(i, step),
                fix="separate first",
            )
        phase = self.work
        cut = step.below_c
        if cut is None:
            cut = float(workup_data()["evaporate_below_C"])
        gone = self._volatile(cut, phase)[None, :] * phase.amounts
        if phase.kind == "aqueous":  # only the free (neutral) form leaves the water
            gone = gone * self._neutral_fraction(phase)
        self._stay_notes(cut, phase.amounts - gone, "evaporation")
        if np.any(gone > 0):
            self.streams.append(
                Stream(
                    i,
                    "evaporated with the solvent",
                    "vapour",
                    "discarded",
                    gone,
                    np.zeros(self.b),
                    None,
                )
            )
        phase.amounts = phase.amounts - gone
        phase.kind, phase.volume, phase.solvent, phase.ph = "neat", np.zeros(self.b), None, None

    def _neutral_fraction(self, phase: Phase) -> np.ndarray:
        lnh = -phase.ph * LN10
        aq_states, _ = distribute(
            self.states,
            np.ones_like(phase.amounts),
            lnh,
            np.ones(self.b),
            np.zeros(self.b),
            self.log_p,
        )
        frac = np.zeros_like(phase.amounts)
        has = self.states.neutral >= 0
        frac[:, has] = aq_states[:, self.states.neutral[has]]
        return frac

    def _stay_notes(self, cut: float, left: np.ndarray, what: str) -> None:
        unknown = [
            c.key
            for j, c in enumerate(self.comps)
            if c.bp is None and c.smiles is not None and left[0, j] > 1e-9 * self.scale
        ]
        if unknown:
            self.records[-1].notes.append(
                f"no sourced boiling point for {', '.join(unknown)}: assumed to stay through "
                f"the {what} (cut {cut:g} degC at 1 atm)"
            )

    @property
    def scale(self) -> float:
        return float(max(self.crude_amounts.sum(), 1e-30))

    def dissolve(self, i: int, step: ops.Dissolve) -> None:
        if self.work.kind != "neat" or self.other is not None:
            raise InvalidInput(
                f"dissolve takes up a residue; the workup holds the {self.work.kind} phase here",
                field=self._where(i, step),
                fix="evaporate first",
            )
        key = solvent_row(step.solvent).key
        self.work.kind, self.work.solvent = "organic", key
        self.work.volume = self._full(step.litres)

    def distil(self, i: int, step: ops.Distil) -> None:
        where = self._where(i, step)
        if self.other is not None or self.work.kind == "aqueous":
            raise InvalidInput(
                "distil the residue or an organic solution, not a funnel or an aqueous phase",
                field=where,
                fix="separate and evaporate first",
            )
        cut = step.below_c
        if cut is None:
            if step.species not in self.index:
                raise InvalidInput(
                    f"no species {step.species!r} in this workup",
                    field=f"{where}.species",
                    fix=f"one of: {', '.join(self.index)}",
                )
            comp = self.comps[self.index[step.species]]
            bp = step.bp_c if step.bp_c is not None else (comp.bp[0] if comp.bp else None)
            if bp is None:
                raise InvalidInput(
                    f"no sourced boiling point for {comp.name}",
                    field=f"{where}.bp",
                    fix="give it, e.g. bp: '169 degC'",
                )
            if step.bp_c is not None:
                self.comps = tuple(
                    replace(c, bp=(bp, "user-given")) if c is comp else c for c in self.comps
                )
            cut = bp + 1e-6
        volatile = self._volatile(cut, self.work)
        out = volatile[None, :] * self.work.amounts
        self._stay_notes(cut, self.work.amounts - out, "distillation")
        self.streams.append(
            Stream(
                i,
                f"distillate (up to {cut:.0f} degC)",
                "distillate",
                "recovered",
                out,
                np.zeros(self.b),
                None,
            )
        )
        self.work.amounts = self.work.amounts - out
        self.work.kind, self.work.volume, self.work.solvent = "neat", np.zeros(self.b), None
        self.records[-1].notes.append("ideal sharp cut: no azeotropes, no entrainment")

    def filter(self, i: int, step: ops.Filter) -> None:
        phase = self.work
        if not phase.crude or self.other is not None:
            self.records[-1].notes.append("nothing precipitated in the model here: no change")
            return
        solids = phase.amounts * phase.salt_fraction[None, :]
        # the solid is neutral: its counter-ions (Cl-, K+) leave with it
        charge = solids @ self.salt_charge
        self.streams.append(
            Stream(i, "filter cake (salts)", "solid", "discarded", solids, np.zeros(self.b), None)
        )
        phase.amounts = phase.amounts - solids
        phase.spectator = phase.spectator + charge
        phase.salt_fraction = np.zeros_like(phase.salt_fraction)
        self.records[-1].notes.append(
            "what the run precipitated (the solubilities given): the rest stays in solution"
            if self.precipitated
            else "every salt of the run's final speciation taken as insoluble in "
            f"{phase.solvent} (assumed; give solubility to the run to filter only what "
            "precipitates)"
        )

    # --- driver ------------------------------------------------------------------------------

    def step(self, i: int, step) -> None:
        self.records.append(StepRecord(i, step.describe()))
        getattr(self, {"basify": "adjust", "acidify": "adjust"}.get(step.op, step.op))(i, step)
        removed = sum((s.amounts for s in self.streams), np.zeros_like(self.work.amounts))
        rec = self.records[-1]
        rec.kept = self.work.amounts.copy()
        rec.kept_kind = self.work.kind
        rec.funnel = None if self.other is None else self.other.amounts.copy()
        rec.removed = removed


def run(crude: Crude, plan: ops.WorkupPlan, log_p: np.ndarray, *, ph_override=None) -> Trace:
    """Apply ``plan`` to ``crude`` for every row of ``log_p`` [b, c]."""
    comps = components_for(crude, plan)
    if log_p.shape[1] != len(comps):
        raise ValueError("log_p must have one column per component")
    runner = Runner(comps, crude, log_p, ph_override)
    for i, step in enumerate(plan.steps):
        runner.step(i, step)
    if runner.other is not None:  # ends in the funnel: the organic phase is the product
        org = runner.work if runner.work.kind == "organic" else runner.other
        aq = runner.other if org is runner.work else runner.work
        runner._discard(len(plan.steps) - 1, aq, "aqueous phase (separated at the end)")
        runner.work, runner.other = org, None
        runner.notes.append("the workup ends with two phases: the organic phase is taken")
    return Trace(
        components=runner.comps,
        crude=runner.crude_amounts,
        added=runner.added,
        streams=tuple(runner.streams),
        isolated=runner.work,
        records=tuple(runner.records),
        notes=tuple(runner.notes),
        warnings=tuple(dict.fromkeys(runner.warnings)),
    )


def logp_rows(components, *, corners_max: int = 6) -> tuple[np.ndarray, list[str]]:
    """log P [b, c]: row 0 central, then the corners of the intervals of the estimated
    values (all 2^k when k <= ``corners_max``, else each one low and high alone, all low and
    all high). NaN for components that never partition (inorganic ions)."""
    central = np.array([c.logp.value if c.logp is not None else math.nan for c in components])
    varied = [j for j, c in enumerate(components) if c.logp is not None and not c.logp.measured]
    rows = [central]
    lows = {j: components[j].logp.low for j in varied}
    highs = {j: components[j].logp.high for j in varied}
    if len(varied) <= corners_max:
        for mask in range(1 << len(varied)):
            row = central.copy()
            for bit, j in enumerate(varied):
                row[j] = highs[j] if mask >> bit & 1 else lows[j]
            rows.append(row)
        how = f"all {1 << len(varied)} corners" if varied else "no estimated logP"
    else:
        for j in varied:
            for v in (lows[j], highs[j]):
                row = central.copy()
                row[j] = v
                rows.append(row)
        for pick in (lows, highs):
            row = central.copy()
            for j in varied:
                row[j] = pick[j]
            rows.append(row)
        how = "each estimate low and high alone, all low, all high"
    return np.array(rows), [components[j].key for j in varied] + [how]
