"""What a simulated reaction leaves in the flask, as workup components: every species of the
run with its protonation states, the unreacted electrophile, byproducts, the acids and bases
charged (from the run's own proton pool), and the spectator ions the charge balance needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from monoselect.chem.partition import LogP, boiling_point, logp, workup_data
from monoselect.errors import InvalidInput
from monoselect.results import Provenance, Result


@dataclass(frozen=True)
class Component:
    """One thing that partitions (or not) between the phases."""

    key: str  # label in tables: SM, mono, bis, Boc2O (unreacted), tBuOH, Et3N, citric acid...
    name: str
    smiles: str | None
    mw: float | None  # g/mol; None for lumped inorganic ions (carbonate)
    base_charge: int  # charge of the most deprotonated form
    nprot: tuple[float, ...]  # protons of each state, the most deprotonated first
    lnk: tuple[float, ...]  # ln formation constant of each state from that form
    logp: LogP | None  # None: stays in the water in every form (an inorganic ion)
    bp: tuple[float, str] | None  # normal boiling point (degC) and source
    role: str  # "substrate" (a species of the run), "reagent", "byproduct", "added"
    degree: int | None = None  # substitutions, for the substrate species

    def stepwise_pka(self) -> tuple[float, ...]:
        """Macroscopic stepwise pKa values implied by the states, ascending."""
        beta: dict[int, float] = {}
        for n, k in zip(self.nprot, self.lnk, strict=True):
            beta[int(n)] = beta.get(int(n), 0.0) + math.exp(k)
        top = max(beta)
        return tuple(math.log10(beta[j] / beta[j - 1]) for j in range(top, 0, -1) if j - 1 in beta)


@dataclass(frozen=True)
class Crude:
    """The reaction mixture at the end of the run."""

    components: tuple[Component, ...]
    amounts: np.ndarray  # mol per component
    volume: float  # L
    solvent: str  # key of data/solvents.yaml
    spectator: float  # mol of net spectator charge (Na+, K+ minus Cl-, Br-...)
    salt_fraction: np.ndarray  # fraction of each component present as a salt (aprotic crude)
    salt_charge: np.ndarray  # mean charge of the component's ions in that salt
    substrate_charged: float
    electrophile_charged: float
    notes: tuple[str, ...]
    provenance: tuple[Provenance, ...]
    # True when salt_fraction is what the run precipitated (solubilities given), not every
    # salt of the final speciation
    precipitated: bool = False


def _neutral(key, name, smiles, mw, role, note_logp=True) -> Component:
    return Component(key, name, smiles, mw, 0, (0.0,), (0.0,), logp(smiles), _bp(smiles), role)


def _bp(smiles: str | None):
    return boiling_point(smiles) if smiles else None


def _mw(smiles: str) -> float:
    from monoselect.models.reagents import molar_mass

    return molar_mass(smiles)


def acid_base_component(name: str, amount_role: str, pka, protons: int) -> tuple[Component, int]:
    """A charged acid or base of the run as a component, and the spectator charge per mole."""
    data = workup_data()
    for row in data["reagents"]:
        names = [row["name"], *(row.get("aliases") or [])]
        if row.get("species") == "carbonate" and name in names:
            return carbonate_component(), int(row["spectator"])
    smiles = data["structures"].get(name)
    n = np.arange(len(pka) + 1, dtype=float)
    lnk = np.concatenate([[0.0], np.cumsum(sorted(pka, reverse=True))]) * math.log(10.0)
    comp = Component(
        name,
        name,
        smiles,
        _mw(smiles) if smiles else None,
        -protons,
        tuple(n.tolist()),
        tuple(lnk.tolist()),
        logp(smiles) if smiles else None,
        _bp(smiles),
        amount_role,
    )
    return comp, 0


def carbonate_component() -> Component:
    """Carbonate as one lumped ion (CO3 2-, HCO3-, H2CO3); stays in the water, CO2 loss not
    modelled. pKa 6.35 and 10.33 from acids_bases.yaml (K2CO3 row, CRC values)."""
    from monoselect.chem.tables import acids_bases, lookup_key

    pka = acids_bases()[lookup_key("K2CO3")].pka
    lnk = np.concatenate([[0.0], np.cumsum(sorted(pka, reverse=True))]) * math.log(10.0)
    return Component(
        "carbonate",
        "carbonate (CO3 2- / HCO3- / H2CO3)",
        None,
        None,
        -2,
        tuple(float(i) for i in range(len(pka) + 1)),
        tuple(lnk.tolist()),
        None,
        None,
        "added",
    )


def crude_from_result(result: Result) -> Crude:
    """The crude of a site-family run (one-ended electrophile in solution)."""
    if getattr(result, "kind", None) != "site":
        raise InvalidInput(
            f"workup runs on a site-family simulation (one-ended electrophile in solution); "
            f"this scenario runs as the {getattr(result, 'kind', type(result).__name__)} family",
            field="scenario",
            fix="use a one-ended electrophile such as Boc2O, AcCl or BnBr without resin, "
            "linker or mixing options",
        )
    sc = result.scenario
    o = result.outcome
    net = result.table.network
    problem = result.problem
    el = result.table.electrophile
    pool = problem.protons
    comps: list[Component] = []
    amounts: list[float] = []
    salt: list[float] = []
    salt_charge: list[float] = []
    notes: list[str] = []
    prov: list[Provenance] = []
    final = o.amounts[-1]
    for s, info in enumerate(result.table.species):
        lo, hi = int(net.state_start[s]), int(net.state_start[s + 1])
        nprot = tuple(float(v) for v in net.state_nprot[lo:hi])
        lnk = tuple(float(v) for v in net.state_logw[lo:hi])
        name = result.table.substrate.name if net.degree[s] == 0 else f"{net.labels[s]} product"
        comp = Component(
            net.labels[s],
            name,
            info.smiles,
            info.mw,
            0,
            nprot,
            lnk,
            logp(info.smiles),
            _bp(info.smiles),
            "substrate",
            int(net.degree[s]),
        )
        comps.append(comp)
        amounts.append(max(float(final[s]), 0.0))
        p = o.protonation(s)[-1] if o.state_fractions is not None else np.array([1.0])
        salt.append(float(1.0 - p[0]))
        charged = float(p[1:] @ np.arange(1, p.size)) / salt[-1] if salt[-1] > 1e-15 else 1.0
        salt_charge.append(charged)
        if o.solids is not None:  # the run says what is solid: that, and only that, filters
            gone = max(float(o.solids[-1, s]), 0.0)
            salt[-1] = min(gone / amounts[-1], 1.0) if amounts[-1] > 0 else 0.0
            salt_charge[-1] = float(o.solid_protons[s])
    events = float(final @ np.asarray(o.degree, dtype=float))
    left = max(float(o.electrophile[-1]), 0.0)
    if left > 1e-6 * problem.substrate_charged:
        comps.append(_neutral(f"{el.name} (unreacted)", el.name, el.smiles, el.mw, "reagent"))
        amounts.append(left)
        salt.append(0.0)
        salt_charge.append(0.0)
        notes.append(
            f"unreacted {el.name} ({left * 1e3:.3g} mmol) is carried as a neutral species; "
            "its hydrolysis in the aqueous steps is not modelled"
        )
    if el.byproduct and "tBuOH" in el.byproduct and events > 0:
        smiles = workup_data()["structures"]["tBuOH"]
        comps.append(_neutral("tBuOH", "tert-butanol", smiles, _mw(smiles), "byproduct"))
        amounts.append(events)
        salt.append(0.0)
        salt_charge.append(0.0)
        notes.append("each Boc transferred releases tBuOH and CO2; the CO2 leaves as gas")
    spectator = -float(pool.strong_acid)
    if pool.release and pool.released is None:
        spectator -= pool.release * events  # HX: its anion is a spectator in the water
        notes.append(f"the {el.releases_acid or 'acid'} released ends as salts of the amines")
    binders = list(pool.binders) + ([pool.released] if pool.released is not None else [])
    for g, b in enumerate(binders):
        amount = b.amount if b is not pool.released else events
        comp, cation = acid_base_component(b.name, "reagent", b.pka, b.protons)
        if comp.key in [c.key for c in comps]:
            i = [c.key for c in comps].index(comp.key)
            amounts[i] += amount
        else:
            comps.append(comp)
            amounts.append(amount)
            mean = float(o.binder_protons[-1, g]) if o.binder_protons is not None else 0.0
            top = len(comp.nprot) - 1
            # a base is a salt when it carries a proton, an acid when it has lost one; a
            # lumped inorganic base is a solid in any organic solvent
            if comp.logp is None:
                frac, charge = 1.0, comp.base_charge + mean
            elif b.protons == 0:
                frac, charge = mean / top, 1.0
            else:
                frac, charge = 1 - mean / top, -1.0
            if o.solids is not None:
                gone = max(float(o.solids[-1, len(net.labels) + g]), 0.0)
                frac = gone / amount if amount > 0 else 0.0
                charge = comp.base_charge + float(o.solid_protons[len(net.labels) + g])
            salt.append(min(max(frac, 0.0), 1.0))
            salt_charge.append(charge)
        spectator += cation * amount
    for c in comps:
        if c.logp is not None:
            prov.append(Provenance(f"logP {c.key}", f"{c.logp.value:.2f}", c.logp.origin))
    return Crude(
        components=tuple(comps),
        amounts=np.array(amounts, dtype=float),
        volume=float(o.volume[-1]),
        solvent=sc.solvent_properties().key,
        spectator=spectator,
        salt_fraction=np.array(salt, dtype=float),
        salt_charge=np.array(salt_charge, dtype=float),
        substrate_charged=float(problem.substrate_charged),
        electrophile_charged=float(problem.electrophile_charged),
        notes=tuple(notes),
        provenance=tuple(prov),
        precipitated=o.solids is not None,
    )
