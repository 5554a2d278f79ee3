"""Site family: a diamine (or any polyamine) and a one-ended electrophile.

Scenario -> species up to symmetry with site pKa and rates -> network -> compiled
integration (feeds, proton pool) -> SiteResult.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import ClassVar

import numpy as np

from monoselect.chem.molecules import Electrophile, Substrate
from monoselect.chem.pka import REFERENCE_C, increments, species_basicity, substrate_basicity
from monoselect.chem.products import SpeciesInfo
from monoselect.chem.reactivity import Reactivity, arrhenius
from monoselect.chem.sterics import alpha_branches, steric_default
from monoselect.errors import InvalidInput, SolverFailure
from monoselect.kinetics import system as ks
from monoselect.kinetics.network import Network, build_network
from monoselect.kinetics.outcome import Outcome, make_outcome
from monoselect.kinetics.simulate import (
    Problem,
    Solvolysis,
    integrate,
    integrate_feed_zones,
    integrate_many,
)
from monoselect.models import reagents
from monoselect.models.charges import feed_plan, proton_pool, solids
from monoselect.models.conditions import MixingCheck, mixing_check
from monoselect.results import Provenance, Result, Split, normalised
from monoselect.scenario import SPENT_TOL, TIME_CAP_S, Scenario


@dataclass(frozen=True)
class SpeciesTable:
    """Substrate, electrophile, the reaction network and every species' structure."""

    substrate: Substrate
    electrophile: Electrophile
    network: Network
    species: tuple[SpeciesInfo, ...]

    @property
    def masses(self) -> tuple[float, ...]:
        """g/mol of every species (free base), in network order."""
        return tuple(s.mw for s in self.species)


def category_fractions(network: Network, fractions) -> dict[str, float]:
    """Per-species fractions of substrate units summed into the split categories (SM, mono,
    bis, over, quat...; regioisomers together)."""
    parts: dict[str, float] = {}
    for frac, name in zip(fractions, network.categories, strict=True):
        parts[name] = parts.get(name, 0.0) + float(frac)
    return parts


@dataclass(frozen=True)
class FeedZones:
    """The run with its feed zone resolved (``mixing_model: engulfment``): each feed portion
    reacts while it engulfs the bulk, at the scenario's stirring (``SiteResult.mixing``: E,
    power, Da); the bulk is ideal."""

    portions: int
    fractions: dict[str, float]  # split categories, fractions of substrate units
    mono_yield_on_substrate: float
    mono_yield_on_electrophile: float
    electrophile_left: float  # fraction of the electrophile charged
    balance: dict[str, float]  # residuals of substrate and electrophile units

    def split(self) -> Split:
        return Split(
            normalised(self.fractions),
            self.mono_yield_on_substrate,
            self.mono_yield_on_electrophile,
        )

    def to_dict(self) -> dict:
        return {
            "portions": self.portions,
            "fractions": self.fractions,
            "mono_yield_on_substrate": self.mono_yield_on_substrate,
            "mono_yield_on_electrophile": self.mono_yield_on_electrophile,
            "electrophile_left": self.electrophile_left,
            "balance": self.balance,
        }


@dataclass(frozen=True)
class SiteResult(Result):
    """An Outcome together with what it was computed from and every assumption made."""

    kind: ClassVar[str] = "site"
    scenario: Scenario
    table: SpeciesTable
    problem: Problem
    outcome: Outcome
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]
    provenance: tuple[Provenance, ...] = ()
    mixing: MixingCheck | None = None  # Da at the scenario's stirring (ideal mixing valid?)
    feed_zones: FeedZones | None = None  # the engulfment model's run (mixing_model)

    def split(self) -> Split:
        """Species summed by the number of substitutions (regioisomers together); with
        ``mixing_model: engulfment``, the run with the feed zone resolved.

        With alkylating agents an N can take more than one group: ``mono``, ``bis``... stay
        the products with at most one group per N (mono is the one a chemist wants), ``over``
        collects species with an N carrying two groups (N,N-dialkyl), ``quat`` those with a
        quaternised N; the categories still sum to 1.
        """
        if self.feed_zones is not None:
            return self.feed_zones.split()
        return self.ideal_split()

    def ideal_split(self) -> Split:
        """The split under ideal mixing (the time course's end)."""
        o = self.outcome
        parts = category_fractions(self.table.network, o.fractions[-1])
        return Split(normalised(parts), o.mono_yield_on_substrate, o.mono_yield_on_electrophile)

    def balance(self) -> dict[str, float]:
        return self.outcome.balance_residuals(self.problem)

    def details(self, *, max_points: int = 200) -> dict:
        """Per-species results, rates, balances, speciation and the time course (fractions
        of substrate units; times in s)."""
        o = self.outcome
        net = self.table.network
        idx = _thin(len(o.time), max_points)
        return {
            "species": [_species_row(s) for s in self.table.species],
            "fractions": o.final_fractions,
            "conversion": o.conversion,
            "electrophile_left": o.electrophile_left,
            "electrophile_solvolysed": (
                0.0 if o.solvolysed is None else float(o.solvolysed[-1]) / o.electrophile_charged
            ),
            "end_time_s": float(o.time[-1]),
            "balance": self.balance(),
            "rate_constants": {
                f"{net.labels[a]}->{net.labels[b]}": float(k)
                for a, b, k in zip(net.reactant, net.product, net.k, strict=True)
            },
            "solver": {"method": o.method, "steps": o.steps, "status": o.status},
            "mixing": None if self.mixing is None else self.mixing.to_dict(),
            # with the engulfment model, ``split`` is this run's; ``fractions`` and the time
            # course stay the ideal-mixing run's, given beside it as ``ideal_split``
            "feed_zones": None if self.feed_zones is None else self.feed_zones.to_dict(),
            "ideal_split": self.ideal_split().to_dict(),
            "speciation": self._speciation(idx),
            "precipitate": self.precipitate(),
            "time_course": {
                "time_s": o.time[idx].tolist(),
                "fractions": {lab: o.fractions[idx, i].tolist() for i, lab in enumerate(o.labels)},
                "volume_mL": (o.volume[idx] * 1e3).tolist(),
            },
        }

    def precipitate(self) -> dict | None:
        """Each salt allowed to precipitate: mol in the solid at the end and at most, and
        the end amount per substrate charged (None: no solubility given)."""
        o = self.outcome
        if o.solids is None:
            return None
        n_sub = self.problem.substrate_charged
        out = {}
        for i, name in enumerate(o.solid_names):
            if name:
                end, peak = max(float(o.solids[-1, i]), 0.0), max(float(o.solids[:, i].max()), 0.0)
                out[name] = {"mol": end, "peak_mol": peak, "eq": end / n_sub}
        return out

    def _speciation(self, idx) -> dict:
        """Protonation of every species over time: fraction with 0, 1, 2 ... protons."""
        o = self.outcome
        aprotic = self.problem.protons.free_weight < 1.0
        return {
            "time_s": o.time[idx].tolist(),
            # the aqueous-scale pH means nothing in an aprotic solvent (no free protons)
            "pH_model": [
                None if not math.isfinite(v) or aprotic else round(float(v), 4) for v in o.ph[idx]
            ],
            "species": {
                lab: {f"{n}H+": col.tolist() for n, col in enumerate(o.protonation(s)[idx].T)}
                for s, lab in enumerate(o.labels)
            },
            "binders_mean_protons": {
                name: o.binder_protons[idx, g].tolist() for g, name in enumerate(o.binder_names)
            },
        }

    def time_to_99(self) -> float:
        """When the mono product first reaches 99 % of its final amount (s)."""
        o = self.outcome
        mono = o.amounts[:, np.asarray(o.degree) == 1].sum(axis=1)
        if mono[-1] <= 0:
            return float(o.time[-1])
        return float(o.time[np.argmax(mono >= 0.99 * mono[-1])])


def _species_row(s: SpeciesInfo) -> dict:
    return {
        "label": s.label,
        "smiles": s.smiles,
        "formula": s.formula,
        "mw": round(s.mw, 3),
        "monoisotopic": round(s.monoisotopic, 5),
        # singly and doubly charged ions: [M+H]+ / [M+2H]2+, or [M]+ / [M+H]2+ for a
        # quaternary cation (``ions`` says which)
        "mz_M_plus_H": round(s.mz_h, 4),
        "mz_M_plus_2H": round(s.mz_2h, 4),
        "charge": s.charge,
        "ions": list(s.ions),
        "isotopes": [list(p) for p in s.isotopes],
    }


def _thin(n: int, max_points: int):
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


@lru_cache(maxsize=128)
def _basicities(sub: Substrate, el: Electrophile, over: bool, temp_c: float) -> tuple:
    """(pattern, Basicity) of every species at ``temp_c``: the same for every rate override,
    so a fit, an optimiser or a sweep over kappa works the pKa out once, not per run."""
    patterns, _, info = reagents.species(sub, el, over)
    parent = substrate_basicity(sub, temp_c)
    return tuple(
        (p, species_basicity(sub, p, el.substituent, s.smiles, parent, temp_c))
        for p, s in zip(patterns, info, strict=True)
    )


def reactivity_model(
    scenario: Scenario | None, sub: Substrate, el: Electrophile
) -> tuple[Reactivity, tuple[SpeciesInfo, ...], list[Provenance], list[str]]:
    """Site pKa of every species, Bronsted/Arrhenius rates, and where every number came from."""
    over = _over_alkylation(scenario, sub, el)
    model = reagents.site_model(sub, over)
    patterns, labels, info = reagents.species(sub, el, over is not None)
    temp_c = scenario.temperature_c() if scenario else REFERENCE_C
    basicity = dict(_basicities(sub, el, over is not None, temp_c))
    prov: list[Provenance] = []
    notes: list[str] = []
    over_estimated = []
    for lab, p in zip(labels, patterns, strict=True):
        b = basicity[p]
        if not b.sites:
            prov.append(Provenance(f"pKa {lab}", "no basic N", "every N is substituted"))
            continue
        sites = ", ".join(
            f"{model.locants[i]} {v:.2f}" for i, v in zip(b.sites, b.pka, strict=True)
        )
        macro = ", ".join(f"{v:.2f}" for v in b.macroscopic())
        prov.append(Provenance(f"pKa {lab}", f"site {sites}; stepwise {macro}", b.origin))
        if b.estimated and max(p) > 1:
            over_estimated.append(lab)
        elif b.estimated:
            notes.append(f"pKa of {lab} is an estimate ({macro}); see --explain")
    if over_estimated:
        notes.append(
            f"pKa of the over-alkylated species ({', '.join(over_estimated)}) are estimates; "
            "see --explain"
        )
    k_user = scenario.rate_constant() if scenario else None
    factor = arrhenius(el.ea_kj, temp_c)
    rho = None
    if scenario is not None and scenario.kappa is not None:
        if model.n_sites != 2:
            raise InvalidInput(
                f"kappa = k2/k1 is the ratio of a two-site substrate; {sub.name} has "
                f"{model.n_sites} reactive sites",
                field="kappa",
                fix="give rho, the per-site rate ratio after one substitution",
            )
        rho = 2.0 * scenario.kappa
        prov.append(
            Provenance("kappa", f"{scenario.kappa:g} (rho = {rho:g} per site)", "user-given")
        )
    elif scenario is not None and scenario.rho is not None:
        rho = scenario.rho
        prov.append(Provenance("rho", f"{rho:g} per site", "user-given"))
    react = Reactivity(el.k_default, el.pka_ref, el.beta_nuc, factor, basicity, rho)
    if k_user is not None:
        fresh = react.site_rate(0, patterns[0], model)
        react = Reactivity(
            el.k_default * k_user / fresh, el.pka_ref, el.beta_nuc, factor, basicity, rho
        )
        prov.append(
            Provenance(
                "k_site (fresh site, free base)",
                f"{k_user:g} L/mol/s at the run temperature",
                "user-given",
            )
        )
    else:
        prov.extend(reagent_provenance(el))
        if el.k_estimated:
            terms = ", ".join(f"{t.what} {t.name} x{t.factor:g}" for t in el.k_terms)
            notes.append(
                f"k of {el.name} estimated: {el.class_label} class value x per-reagent factors "
                f"({terms}; approximate or assumed, see --explain); give --k if measured"
            )
    steric, steric_prov, steric_notes = steric_factors(scenario, sub, el)
    if steric is not None:
        react = replace(react, steric=steric)
    prov.extend(steric_prov)
    notes.extend(steric_notes)
    if over is not None:
        react = replace(react, over=over.factors)
        more_prov, more_notes = _over_provenance(scenario, sub, el, over)
        prov.extend(more_prov)
        notes.extend(more_notes)
    prov.append(Provenance("beta_nuc", f"{el.beta_nuc:g}", el.beta_source))
    prov.append(
        Provenance(
            "temperature",
            f"{temp_c:g} degC: k x {factor:.3g} vs 25 degC (Ea {el.ea_kj:g} kJ/mol)",
            el.ea_source + "; pKa values interpolated between measured temperatures, van 't Hoff "
            "outside them and for estimates (see the pKa rows)",
        )
    )
    for key in ("w", el.substituent) + (("own_alkyl",) if el.substituent == "alkyl" else ()):
        prov.append(Provenance(f"increment: {key}", "", increments().notes[key]))
    return react, info, prov, notes


def reagent_provenance(el: Electrophile) -> list[Provenance]:
    """Where the reagent's k_ref came from: the class value, or class value x per-reagent
    factors (leaving group, carbon), or a measured rate constant."""
    head = f"{el.k_default:g} L/mol/s at pKa {el.pka_ref:g}, 25 degC"
    if not el.k_terms:
        return [
            Provenance(
                "k_ref",
                head,
                f"{el.class_label}: {el.k_status}; sets the time scale, not the split",
            )
        ]
    if not el.k_estimated:
        t = el.k_terms[0]
        return [Provenance("k_ref", head, f"measured ({t.name}): {t.source}")]
    terms = " x ".join(f"{t.factor:g} ({t.what} {t.name})" for t in el.k_terms)
    rows = [
        Provenance(
            "k_ref",
            head,
            f"estimated: {el.class_label} class value {el.k_class:g} ({el.k_status}) x {terms}; "
            "sets the time scale, not the split",
        )
    ]
    rows += [
        Provenance(f"{t.what}: {t.name}", f"x{t.factor:g}", f"{t.status}: {t.source}")
        for t in el.k_terms
    ]
    return rows


def steric_factors(
    scenario: Scenario | None, sub: Substrate, el: Electrophile
) -> tuple[tuple[float, ...] | None, list[Provenance], list[str]]:
    """Steric factor of every site (site order), where it came from, and what was assumed.

    Default: the class's factor per alpha substituent (data/sterics.yaml) to the power of
    the site's alpha-branches. The scenario's ``steric`` replaces the factor per alpha
    substituent (a number) or gives a site's factor outright (a mapping of locants; sites
    not named keep the default). None when every site is unhindered and nothing is given.
    """
    branches = alpha_branches(sub)
    locants = sub.sites.locants
    user = scenario.steric if scenario is not None else None
    per_branch, status, source = steric_default(el.class_name)
    if isinstance(user, float):
        per_branch, status, source = user, "user-given", "scenario steric (per alpha substituent)"
    if user is None and not any(branches):
        return None, [], []
    factors = [per_branch**n for n in branches]
    given: set[str] = set()
    if isinstance(user, dict):
        unknown = sorted(set(user) - set(locants))
        if unknown:
            raise InvalidInput(
                f"steric names {', '.join(unknown)}, not a site of {sub.name}",
                field="steric",
                fix=f"the sites of {sub.name} are {', '.join(locants)}",
            )
        for i, loc in enumerate(locants):
            if loc in user:
                factors[i] = user[loc]
                given.add(loc)
    classes = sub.sites.classes
    for i in range(len(locants)):
        for j in range(i):
            if classes[i] == classes[j] and factors[i] != factors[j]:
                raise InvalidInput(
                    f"{locants[j]} and {locants[i]} of {sub.name} are equivalent by symmetry "
                    f"but were given steric factors {factors[j]:g} and {factors[i]:g}",
                    field="steric",
                    fix=f"give {locants[j]} and {locants[i]} the same factor",
                )
    value = ", ".join(
        f"{loc} x{f:.3g} ({n} alpha substituent{'s' if n != 1 else ''}"
        + (", user-given)" if loc in given else ")")
        for loc, f, n in zip(locants, factors, branches, strict=True)
    )
    origin = (
        f"{per_branch:g} per alpha substituent ({el.class_label}): {status}; {source}"
        if status != "user-given"
        else f"user-given: {per_branch:g} per alpha substituent"
    )
    if given and len(given) == len(locants):
        origin = "user-given per site"
    prov = [Provenance("steric factor", value, origin + "; counted by RDKit (chem/sterics.py)")]
    notes = []
    hindered = [loc for loc, n in zip(locants, branches, strict=True) if n and loc not in given]
    if status == "assumed" and hindered:
        notes.append(
            f"steric factors ({value}) use an assumed {per_branch:g} per alpha substituent "
            "for this class; override with steric (see --explain)"
        )
    return tuple(factors), prov, notes


def _over_alkylation(scenario: Scenario | None, sub: Substrate, el: Electrophile):
    """How far the electrophile alkylates each N (None: one group per N), with the
    scenario's ``over_alkylation`` multiplier (0 turns it off)."""
    multiplier = 1.0
    if scenario is not None and scenario.over_alkylation is not None:
        multiplier = scenario.over_alkylation
    return reagents.over_alkylation(sub, el, multiplier)


def _over_provenance(
    scenario: Scenario | None, sub: Substrate, el: Electrophile, over
) -> tuple[list[Provenance], list[str]]:
    """Where the factors of every further alkylation step came from, and the note saying
    they are assumed."""
    given = scenario is not None and scenario.over_alkylation is not None
    steps = ", ".join(
        f"{loc}: " + " / ".join(f"x{f:.3g}" for f in row[1:])
        for loc, row in zip(sub.sites.locants, over.factors, strict=True)
    )
    prov = [
        Provenance(
            "over-alkylation",
            f"NH2 -> NHR -> NR2 -> NR3+ counted per N-H; further steps per site {steps} "
            "(relative to the first, at that N's own pKa)",
            "data/alkylation.yaml over_alkylation (assumed)"
            + (f"; user multiplier {scenario.over_alkylation:g}" if given else ""),
        )
    ]
    prov += [
        Provenance(f"N class: {t.name}", f"x{t.factor:g}", f"{t.status}: {t.source}")
        for t in over.terms
    ]
    notes = [
        f"{el.name} alkylates each N up to its N-H count and then quaternises it; the steps "
        "after the first run at that N's own pKa times assumed N-class factors "
        "(data/alkylation.yaml; over_alkylation to scale them, 0 to turn them off)"
    ]
    return prov, notes


def species_table(substrate: str, electrophile: str) -> SpeciesTable:
    """Species (up to symmetry) of ``substrate`` with ``electrophile``: structures, masses, m/z."""
    sub, el = reagents.substrate(substrate), reagents.electrophile(electrophile)
    react, info, _, _ = reactivity_model(None, sub, el)
    return _table(sub, el, react, info, _over_alkylation(None, sub, el))


def _table(
    sub: Substrate, el: Electrophile, react: Reactivity, info: tuple[SpeciesInfo, ...], over
) -> SpeciesTable:
    net = build_network(reagents.site_model(sub, over), react.site_rate, react.states)
    return SpeciesTable(sub, el, net, info)


def scenario_table(scenario: Scenario) -> tuple[SpeciesTable, list[Provenance], list[str]]:
    """The species table with the scenario's temperature and rate overrides."""
    sub = reagents.substrate(scenario.substrate)
    el = reagents.electrophile(scenario.electrophile)
    react, info, provenance, notes = reactivity_model(scenario, sub, el)
    over = _over_alkylation(scenario, sub, el)
    return _table(sub, el, react, info, over), provenance, notes


def build_problem(
    scenario: Scenario,
    network: Network,
    electrophile: Electrophile | None = None,
    masses: tuple[float, ...] | None = None,
) -> tuple[Problem, list[str]]:
    """The kinetics problem for ``scenario`` and the assumptions it made (``masses``: g/mol
    of each species, to read a solubility given in g/L)."""
    plan = feed_plan(scenario)
    pool, added_volume, notes = proton_pool(scenario, electrophile, plan.substrate_charged)
    salts, more = solids(scenario, network, pool, masses)
    notes = [*notes, *more]
    solvolysis, more = solvolysis_for(scenario, electrophile, plan.volume, plan.substrate_charged)
    notes = [*notes, *more]
    problem = Problem(
        network=network,
        substrate=plan.substrate,
        electrophile=plan.electrophile,
        volume=plan.volume + added_volume,
        stages=plan.stages,
        protons=pool,
        t_end=scenario.total_seconds(),
        stop_conversion=scenario.stop_conversion,
        time_cap=TIME_CAP_S,
        spent_tol=SPENT_TOL,
        solvolysis=solvolysis,
        feed_conc=plan.feed_conc,
        solids=salts,
    )
    return problem, [*notes, *plan.notes]


# the protic solvent an acid solution brings (data/acids_bases.yaml names the solution)
ACID_SOLVENT = {"HCl in MeOH": "MeOH"}


def solvolysis_for(
    scenario: Scenario, electrophile: Electrophile | None, flask_l: float, n_sub: float
) -> tuple[Solvolysis | None, list[str]]:
    """The protic solvent's attack on the electrophile, if the run has both: the reaction
    solvent when protic, or the alcohol an acid solution brings (HCl in MeOH)."""
    from monoselect.chem.reactivity import arrhenius
    from monoselect.data import load_yaml

    if electrophile is None or scenario.solvolysis == 0:
        return None, []
    data = load_yaml("solvolysis.yaml")
    k1_meoh = data["k1_methanol"].get(electrophile.class_name)
    if k1_meoh is None:
        return None, []
    sol = scenario.solvent_properties()
    entry = reagents.acid_base(scenario.acid, "acid", "acid") if scenario.acid else None
    acid = entry.name if entry is not None else None
    sources = []
    if sol.protic and sol.key in data["molar_mass"]:
        sources.append((sol.key, flask_l, True))
    if acid in ACID_SOLVENT and scenario.acid_eq > 0 and entry.concentration:
        # the acid solution's own volume (a base's solution adds none of its alcohol)
        sources.append((ACID_SOLVENT[acid], scenario.acid_eq * n_sub / entry.concentration, False))
    if not sources:
        return None, []
    key = sources[0][0]  # the rate of the first protic component serves the mixture
    solvents = load_yaml("solvents.yaml")["solvents"]

    def neat(k: str) -> float:  # mol/L of the neat solvent
        return solvents[k]["density"]["value"] * 1000.0 / data["molar_mass"][k]

    mol = sum(volume * neat(k) for k, volume, _ in sources)
    feed_conc = neat(key) if sources[0][2] else 0.0  # a protic reaction solvent is fed too
    k1 = (
        scenario.solvolysis
        if scenario.solvolysis is not None
        else k1_meoh * data["solvent_factor"][key]
    )
    t_c = scenario.temperature_c()
    k2 = k1 / neat(key) * arrhenius(electrophile.ea_kj, t_c)
    origin = "given" if scenario.solvolysis is not None else "assumed (data/solvolysis.yaml)"
    what = " + ".join(
        f"{k} ({'solvent' if reaction else 'from the ' + str(acid) + ' solution'})"
        for k, _, reaction in sources
    )
    note = (
        f"solvolysis: {what} consumes {electrophile.name} at k1 = {k1:.2g} /s in neat {key} "
        f"at 25 degC, first order in {key} ({origin})"
    )
    return Solvolysis(k2, mol, feed_conc, key), [note]


def simulate(scenario: Scenario, table: SpeciesTable | None = None) -> SiteResult:
    """Simulate ``scenario``; pure apart from the compiled-code and reagent caches.

    ``table``: the species table of an earlier run at the same temperature and rate
    overrides (``result.table``), so the molecules and rates are not worked out again.
    """
    if table is None:
        table, provenance, assumptions = scenario_table(scenario)
    else:
        provenance, assumptions = [], []
    el = table.electrophile
    problem, more = build_problem(scenario, table.network, el, table.masses)
    assumptions = [*assumptions, *more]
    net = table.network
    plain = sum(1 for p in net.patterns if max(p) <= 1)  # SM, mono, bis of a symmetric diamine
    if plain == 3 and len(net.patterns[0]) == 2 and net.k[0] > 0:
        kappa = net.k[1] / net.k[0]  # SM -> mono, mono -> bis: the first two reactions
        provenance.append(
            Provenance("kappa = k2/k1 (free bases)", f"{kappa:.3g}", "from the rates above")
        )
    for what in ("acid", "base"):
        name = getattr(scenario, what)
        if name:
            entry = reagents.acid_base(name, what, what)
            pka = ", ".join(f"{v:g}" for v in entry.pka) or "strong (fully dissociated)"
            provenance.append(Provenance(f"pKa {entry.name}", pka, entry.source))
    traj = integrate(problem)
    outcome = make_outcome(problem, net, traj)
    warnings = []
    if el.other_groups:
        warnings.append(
            f"{el.name} has a second electrophilic group ({', '.join(el.other_groups)}) that "
            f"this model does not react (only its {el.class_label}): the products keep it and "
            "can go on to react with a second amine (bridging) or close a ring, which is not "
            "simulated"
        )
    if traj.status == ks.CAP_REACHED:
        warnings.append(
            f"stopped at the time cap of {problem.time_cap / 86400:g} days "
            "before the limiting reagent "
            f"was spent ({outcome.electrophile_left:.2e} of the electrophile left); give --time"
        )
    left = outcome.electrophile_left
    stalled = problem.protons.active and outcome.free_sites_unprotonated < 0.01
    if math.isfinite(problem.t_end) and left > 0.01 and not stalled and outcome.conversion < 1:
        warnings.append(
            f"the run stops at the time given ({problem.t_end / 3600:.3g} h) with {left:.1%} "
            "of the electrophile unreacted: the split is not final; give a longer time"
        )
    if problem.t_end < problem.feed_end:
        fed = problem.t_end / problem.feed_end if problem.feed_end else 1.0
        warnings.append(
            f"the run ends at {problem.t_end / 3600:.3g} h, before the feed does "
            f"({problem.feed_end / 3600:.3g} h): part of the fed reagent (about "
            f"{1 - fed:.0%} at a constant rate) was never added; give a longer time"
        )
    if math.isinf(problem.t_end):
        assumptions.append(
            f"run until the limiting reagent is spent to {SPENT_TOL:.0e}".replace("e-0", "e-")
            + " of its charge"
        )
    if outcome.solvolysed is not None:
        lost = float(outcome.solvolysed[-1]) / problem.electrophile_charged
        acid = f", releasing its {el.releases_acid}" if el.releases_acid else ""
        text = f"{lost:.1%} of the {el.name} was consumed by {problem.solvolysis.name}{acid}"
        (warnings if lost > 0.05 else assumptions).append(text)
    residual = max(outcome.balance_residuals(problem).values())
    if not residual < 1e-9:  # the conservation bound of SCIENCE.md section 2
        raise SolverFailure(
            f"mass balance residual {residual:.2e} after integration", field="conditions"
        )
    available = outcome.free_sites_unprotonated
    if problem.protons.active and outcome.electrophile_left > 1e-3 and available < 0.01:
        source = (
            f"the {el.releases_acid or 'acid'} the reaction releases"
            if problem.protons.release
            else "the acid charged"
        )
        warnings.append(
            f"the amine is protonated: {outcome.electrophile_left:.1%} of the electrophile is "
            f"left but only {available:.1e} of the free N sites are unprotonated ({source}); "
            "what still reacts goes through the small free-base fraction. Add a base "
            "(e.g. --base Et3N --base-eq 1.2 per eq of electrophile) for full conversion"
        )
    mixing = None
    if net.k[0] > 0:  # Da of the fastest step: fresh diamine, free base
        mixing = mixing_check(scenario, float(net.k[0]), problem.volume)
        assumptions.append(
            f"mixing: Da = {mixing.damkohler:.2g} at {mixing.eps:.3g} W/kg at the feed point "
            f"({mixing.stirring_origin}) and {mixing.nu * 1e6:.3g} cSt ({mixing.viscosity_origin})"
        )
        if scenario.mixing_model == "ideal" and (note := mixing.warning()) is not None:
            warnings.append(note)
    zones = None
    if scenario.mixing_model == "engulfment":
        zones = _feed_zones(scenario, problem, net, outcome, mixing, assumptions, warnings)
    return SiteResult(
        scenario,
        table,
        problem,
        outcome,
        tuple(assumptions),
        tuple(warnings),
        tuple(provenance),
        mixing,
        zones,
    )


def _feed_zones(scenario, problem, net, outcome, mixing, assumptions, warnings):
    """The same problem through the engulfment model at the scenario's stirring, for as long
    as the ideal run ran; None (with a warning saying why) where the model does not apply."""
    if mixing is None:
        warnings.append("the engulfment model was not run: the first step has no rate")
        return None
    if len(problem.stages) > 1:
        warnings.append(
            "the engulfment model was not run (it feeds at one constant rate or all at once, "
            "not in stages): the split assumes ideal mixing"
        )
        return None
    if problem.solids:
        warnings.append(
            "the engulfment model keeps every salt dissolved in the feed zones and the bulk; "
            "the precipitate reported is the ideal-mixing run's"
        )
    portions = scenario.mixing.blobs if scenario.mixing is not None else 20
    hold = max(float(outcome.time[-1]) - problem.feed_end, 0.0)
    inverse = scenario.mode == "inverse"
    (run,) = integrate_feed_zones(
        problem, [mixing.e_rate], portions=portions, hold=hold, inverse=inverse
    )
    n_sub, n_el = problem.substrate_charged, problem.electrophile_charged
    parts = category_fractions(net, run.species / n_sub)
    mono = float(run.species[np.asarray(net.degree) == 1].sum())
    units_el = float(np.dot(net.degree, run.species)) + run.electrophile + run.solvolysed
    zones = FeedZones(
        portions=run.portions,
        fractions=parts,
        mono_yield_on_substrate=mono / n_sub,
        mono_yield_on_electrophile=mono / n_el,
        electrophile_left=run.electrophile / n_el,
        balance={
            "substrate_units": abs(float(run.species.sum()) - n_sub) / n_sub,
            "electrophile_units": abs(units_el - n_el) / n_el,
        },
    )
    if not max(zones.balance.values()) < 1e-9:  # the conservation bound of SCIENCE.md section 2
        raise SolverFailure(
            f"mass balance residual {max(zones.balance.values()):.2e} in the engulfment model",
            field="mixing_model",
        )
    ideal = outcome.mono_yield_on_substrate
    assumptions.append(
        f"engulfment model: E = {mixing.e_rate:.3g} 1/s at {mixing.eps:.3g} W/kg (Da = "
        f"{mixing.damkohler:.2g}), {run.portions} feed portion(s) each engulfing the bulk until "
        f"its electrophile is spent, with the proton pool in zone and bulk; mono "
        f"{zones.mono_yield_on_substrate:.1%} against {ideal:.1%} under ideal mixing; the "
        "time course shown is the ideal-mixing run's"
    )
    return zones


@dataclass(frozen=True)
class EquivalentsSweep:
    """Final amounts of one scenario at several electrophile equivalents (one network)."""

    eq: np.ndarray
    labels: tuple[str, ...]
    degree: np.ndarray
    species: np.ndarray  # [eq, species], mol
    substrate_charged: np.ndarray  # mol per condition
    electrophile_charged: np.ndarray
    status: np.ndarray

    @property
    def mono_yield_on_substrate(self) -> np.ndarray:
        return self.species[:, self.degree == 1].sum(axis=1) / self.substrate_charged

    @property
    def mono_yield_on_electrophile(self) -> np.ndarray:
        return self.species[:, self.degree == 1].sum(axis=1) / self.electrophile_charged


def _at_eq(scenario: Scenario, eq: float) -> Scenario:
    """``scenario`` with ``eq`` of electrophile; staged feeds of it scale along."""
    if scenario.feed and scenario.mode == "direct":
        factor = eq / scenario.eq
        feed = [{"eq": s.eq * factor, "time": s.time} for s in scenario.feed]
        return scenario.evolve(eq=eq, feed=feed)
    return scenario.evolve(eq=eq)


def sweep_equivalents(
    scenario: Scenario, eqs, *, table: SpeciesTable | None = None
) -> EquivalentsSweep:
    """``scenario`` at each electrophile equivalent in ``eqs``, in one compiled sweep.

    ``table``: the species table of a run of this scenario (``result.table``), so the
    molecules and rates are not worked out again.
    """
    eqs = np.asarray(eqs, dtype=float)
    if eqs.ndim != 1 or eqs.size == 0 or np.any(~np.isfinite(eqs)) or np.any(eqs <= 0):
        raise InvalidInput("equivalents to sweep must be finite and > 0", field="eq")
    if table is None:
        table, _, _ = scenario_table(scenario)
    net, el = table.network, table.electrophile
    problems = [build_problem(_at_eq(scenario, float(e)), net, el, table.masses)[0] for e in eqs]
    res = integrate_many(problems)
    return EquivalentsSweep(
        eq=eqs,
        labels=net.labels,
        degree=net.degree,
        species=res.species,
        substrate_charged=np.array([p.substrate_charged for p in problems]),
        electrophile_charged=np.array([p.electrophile_charged for p in problems]),
        status=res.status,
    )
