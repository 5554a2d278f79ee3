"""What goes into the flask and when: the feed plan and the proton pool, built in one place
for every family (site, linker, mixing), so a staged or inverse feed means the same thing
everywhere."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from monoselect.chem.molecules import Electrophile
from monoselect.chem.tables import acids_bases, lookup_key
from monoselect.errors import InvalidInput
from monoselect.kinetics.network import Network
from monoselect.kinetics.simulate import Binder, FeedStage, ProtonPool, Solid
from monoselect.models import reagents
from monoselect.scenario import Scenario

# an anhydride whose acid is not in the acid table releases a carboxylic acid taken as
# acetic-like (the table's AcOH value)
CARBOXYLIC_PROXY = "AcOH"
# Aprotic solvents (DCM, THF, MeCN, toluene...) hold no solvated free protons: the free-H+
# term of the balance is weighted down by this factor instead of removed, so the balance
# keeps a root when acid exceeds the bases (then [H+] on the aqueous scale is only a
# bookkeeping number). 1e-9 makes a stalled acylation 1e9 times slower than on the aqueous
# scale: a stop, as chemists see it.
APROTIC_FREE_WEIGHT = 1e-9


@dataclass(frozen=True)
class FeedPlan:
    """Amounts (mol) in the flask at t = 0, the starting volume (L) and the feed stages."""

    substrate: float
    electrophile: float
    volume: float
    stages: tuple[FeedStage, ...]
    substrate_charged: float
    electrophile_charged: float
    feed_conc: float  # mol/L of the fed solution
    notes: tuple[str, ...]

    @property
    def feed_time(self) -> float:
        return sum(s.duration for s in self.stages)


def feed_plan(scenario: Scenario) -> FeedPlan:
    """The scenario's charges and feed: one portion, a constant-rate feed, or staged feeds,
    direct or inverse (the substrate fed into the electrophile)."""
    notes: list[str] = []
    scale = scenario.amount()
    n_sub = scenario.substrate_eq * scale
    n_el = scenario.eq * scale
    conc = scenario.concentration()
    inverse = scenario.mode == "inverse"
    in_flask, fed = (n_el, n_sub) if inverse else (n_sub, n_el)
    fed_eq = scenario.substrate_eq if inverse else scenario.eq
    volume = in_flask / conc
    feed_c = scenario.feed_concentration() or conc
    if scenario.feed:
        steps = [(s.eq / fed_eq, s.seconds) for s in scenario.feed]
        total = sum(f for f, _ in steps)
        if abs(total - 1.0) > 1e-9:
            raise InvalidInput(
                f"the feed stages add {total * fed_eq:g} eq but the scenario charges "
                f"{fed_eq:g} eq of the {'substrate' if inverse else 'electrophile'}",
                field="feed",
                fix=f"make the stages' eq add up to {fed_eq:g}, or change "
                + ("substrate_eq" if inverse else "eq"),
            )
    else:
        steps = [(1.0, scenario.addition_seconds())]
    stages: list[FeedStage] = []
    portion = 0.0  # fraction of the fed reagent added at t = 0 (zero-time stages)
    for fraction, seconds in steps:
        if seconds == 0:
            if stages and fraction > 0:
                # the engine has no mid-run impulse; moving the portion to t = 0 would be wrong
                raise InvalidInput(
                    "a portion with no addition time can only come first in the feed",
                    field="feed",
                    fix="give that stage a short time such as '1 min'",
                )
            portion += fraction
            continue
        rate = fraction * fed / seconds
        stages.append(
            FeedStage(
                duration=seconds,
                electrophile_rate=0.0 if inverse else rate,
                substrate_rate=rate if inverse else 0.0,
                volume_rate=rate / feed_c,
            )
        )
    at_once = portion * fed
    if at_once > 0:
        volume += at_once / feed_c
    if stages or at_once > 0:
        notes.append(
            f"fed solution at {feed_c:g} M"
            + (
                " (same as the flask; give feed_conc to change)"
                if scenario.feed_conc is None
                else ""
            )
        )
    return FeedPlan(
        substrate=at_once if inverse else n_sub,
        electrophile=n_el if inverse else at_once,
        volume=volume,
        stages=tuple(stages),
        substrate_charged=n_sub,
        electrophile_charged=n_el,
        feed_conc=feed_c,
        notes=tuple(notes),
    )


def proton_pool(
    scenario: Scenario, electrophile: Electrophile | None, n_sub: float
) -> tuple[ProtonPool, float, list[str]]:
    """Acid and base charged with the substrate, and the acid the reaction releases.

    Returns the pool, the volume (L) the acid and base solutions add, and assumptions.
    """
    notes: list[str] = []
    strong = 0.0
    binders: list[Binder] = []
    volume = 0.0
    _, salt_acid, per = reagents.salt(scenario.substrate)
    if salt_acid is not None:  # the substrate charged as its salt: a solid, no volume
        if scenario.mode == "inverse":
            raise InvalidInput(
                f"{scenario.substrate} is a salt fed into the electrophile; its acid would "
                "have to be fed with it",
                field="mode",
                fix="charge the salt in the flask (direct addition), or feed the free base",
            )
        entry = reagents.acid_base(salt_acid, "substrate", "acid")
        amount = per * n_sub
        if not entry.pka:
            strong += amount * entry.protons
        else:
            binders.append(Binder(entry.name, amount, entry.pka, entry.protons))
        notes.append(
            f"{scenario.substrate} charged as a solid: {per:g} {entry.name} per diamine, with "
            "no solvent volume"
        )
    for kind in ("acid", "base"):
        name = getattr(scenario, kind)
        eq = getattr(scenario, f"{kind}_eq")
        if not name:
            continue
        entry = reagents.acid_base(name, kind, kind)
        amount = eq * n_sub
        if entry.concentration:
            volume += amount / entry.concentration
        if kind == "acid" and not entry.pka:
            strong += amount * entry.protons
        else:
            binders.append(Binder(entry.name, amount, entry.pka, entry.protons))
        notes.append(
            f"{eq:g} eq {entry.name} charged with the substrate at t = 0"
            + (f" ({entry.concentration:g} M)" if entry.concentration else " (solid)")
            + f"; pKa {', '.join(f'{v:g}' for v in entry.pka) or 'strong'}: {entry.source}"
        )
    release, released = 0.0, None
    if electrophile is not None and electrophile.releases != "none":
        release = 1.0
        if electrophile.releases == "carboxylic":
            entry = acids_bases().get(lookup_key(electrophile.releases_acid or ""))
            pka = (entry or acids_bases()[lookup_key(CARBOXYLIC_PROXY)]).pka
            released = Binder(electrophile.releases_acid or "carboxylic acid", 0.0, pka, 1)
            notes.append(
                f"each substitution releases {released.name} (pKa {pka[0]:g}"
                + ("" if entry else f", assumed like {CARBOXYLIC_PROXY}")
                + "), which joins the proton pool"
            )
        else:
            notes.append(
                f"each substitution releases {electrophile.releases_acid or 'a strong acid'}, "
                "which protonates the most basic site present"
            )
    solvent = scenario.solvent_properties()
    pool = ProtonPool(
        strong_acid=strong,
        binders=tuple(binders),
        release=release,
        released=released,
        free_weight=1.0 if solvent.protic else APROTIC_FREE_WEIGHT,
    )
    if pool.active or binders:
        notes.append(
            "proton transfer as instant equilibrium, relative basicity on the aqueous pKa "
            "scale, activities = 1"
            + (
                ""
                if solvent.protic
                else f"; {solvent.key} is aprotic: no reservoir of free protons (a released "
                "acid ends on the most basic N or base, acid beyond them stays as HX)"
            )
        )
    return pool, volume, notes


def solids(
    scenario: Scenario,
    network: Network,
    pool: ProtonPool,
    masses: tuple[float, ...] | None = None,
) -> tuple[tuple[Solid, ...], list[str]]:
    """The salts the scenario lets precipitate (``solubility``), matched to the network's
    species (SM, mono, bis... or the substrate's name) and to the bases charged, with the
    assumptions they bring. Nothing precipitates unless named: no solubility of an amine
    salt in an organic solvent is sourced in the data."""
    given = scenario.solubilities()
    if not given:
        return (), []
    solvent = scenario.solvent_properties().key
    labels = {label.lower(): i for i, label in enumerate(network.labels)}
    labels.setdefault(lookup_key(scenario.substrate), 0)
    labels["sm"] = 0
    binders = list(pool.binders) + ([pool.released] if pool.released is not None else [])
    names = {lookup_key(b.name): g for g, b in enumerate(binders)}
    out: list[Solid] = []
    notes: list[str] = []
    seen: set[tuple[str, int]] = set()
    for name, (base, protons, acid, value, unit) in given.items():
        field = f"solubility.{name}"
        species = labels.get(base.lower(), labels.get(lookup_key(base)))
        binder = None
        top = 0
        if species is not None:
            lo, hi = network.state_start[species], network.state_start[species + 1]
            top = int(max(network.state_nprot[lo:hi]))
            what = network.labels[species]
            base_mw = masses[species] if masses is not None else None
        else:
            key = lookup_key(base)
            with contextlib.suppress(InvalidInput):  # an alias of a tabled base (TEA -> Et3N)
                key = lookup_key(reagents.acid_base(base, field, "base").name)
            binder = names.get(key)
            if binder is None:
                choices = ", ".join([*network.labels, *(b.name for b in binders)])
                raise InvalidInput(
                    f"{base} in {name} is neither a species of this run nor a base charged",
                    field=field,
                    fix=f"name one of {choices}",
                )
            top = len(binders[binder].pka)
            what = binders[binder].name
            base_mw = _molar_masses().get(what)
        if protons > top:
            raise InvalidInput(
                f"{what} carries at most {top} proton{'s' * (top != 1)}: {name} cannot form",
                field=field,
                fix=f"give {what}.HCl" if top else f"give the free base as {what}",
            )
        if (what, species is None) in seen:
            raise InvalidInput(
                f"{what} is given two solid forms", field=field, fix="give one salt per species"
            )
        seen.add((what, species is None))
        given_as = ""
        mol_l = value
        if unit == "g/L":  # a mass per volume: the salt's own molar mass converts it
            mw = _salt_mass(base_mw, protons, acid, name, field)
            mol_l = value / mw
            given_as = f"{value:.4g} g/L, MW {mw:.2f}, = "
        out.append(Solid(name, protons, mol_l, species=species, binder=binder))
        notes.append(
            f"{name} precipitates above {given_as}{mol_l * 1e3:.4g} mM in {solvent} "
            "(user-given solubility; equilibrium with the solid, counter-ion not tracked)"
        )
    return tuple(out), notes


def _molar_masses() -> dict[str, float]:
    """g/mol of the tabled acids and bases (the table the procedure weighs them by)."""
    from monoselect.data import load_yaml

    return load_yaml("procedure.yaml")["molar_mass"]


def _salt_mass(base_mw: float | None, protons: int, acid: str | None, name: str, field: str):
    """Molar mass of ``name``: the free base plus its acid, each from the data."""
    acids = {k.lower(): v for k, v in _molar_masses().items()}
    acid_mw = acids.get((acid or "").lower()) if protons else 0.0
    if base_mw is None or acid_mw is None:
        raise InvalidInput(
            f"the molar mass of {name} is not known, so a solubility in g/L cannot be read",
            field=field,
            fix="give it in mol/L (e.g. '5 mM')",
        )
    return base_mw + protons * acid_mw
