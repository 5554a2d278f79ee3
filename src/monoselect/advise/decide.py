"""Which protocol, under the chemist's constraints (``monoselect advise``).

Every applicable protocol is simulated (``compare``), then the constraints are applied to
the simulated numbers, not to rules: a protocol that needs equipment the chemist lacks, more
steps or time than allowed, more diamine than allowed, or that misses the target purity is
left out and the reason said. The help-desk rules of thumb are checked against this case's
own simulations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, field_validator

from monoselect.errors import InvalidInput, MonoselectError

EQUIPMENT = ("syringe_pump", "resin", "flow")
# energy dissipation in a T-mixer or confined impinging jet: 1e2-1e5 W/kg are reported
# (Johnson & Prud'homme, AIChE J. 49, 2264 (2003)); an assumed mid value
FLOW_POWER = "1000 W/kg"
# what a protocol needs beyond a flask, a stirrer and a dropping funnel (a 30 min or 1 h
# dropwise addition is done by hand; a controlled 4 h feed needs a pump)
NEEDS = {
    "slow_addition": ("syringe_pump",),
    "linker_slow_linker": ("syringe_pump",),
    "linker_slow_diamine": ("syringe_pump",),
    "resin": ("resin",),
    "linker_resin": ("resin",),
}


class Constraints(BaseModel):
    """What the chemist can and will do. Limits on diamine eq, time and which reagent is
    precious live in ``Conditions`` (shared with compare)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_steps: int = Field(3, ge=1, le=10, description="most synthetic steps accepted")
    equipment: tuple[str, ...] | None = Field(
        None, description="what you have: syringe_pump, resin, flow (default: all)"
    )
    target_purity: float | None = Field(
        None, description="least mono among the products (SM aside), 0-1, e.g. 0.9"
    )

    @field_validator("max_steps", mode="before")
    @classmethod
    def _whole(cls, v):
        if isinstance(v, bool) or (isinstance(v, float) and not v.is_integer()):
            raise ValueError(f"max_steps is a whole number, got {v!r}")
        return v

    @field_validator("equipment", mode="before")
    @classmethod
    def _equipment(cls, v):
        if v is None:
            return None
        if isinstance(v, str):
            v = [p for p in v.replace(";", ",").split(",")]
        names = []
        for item in v:
            key = str(item).strip().lower().replace("-", "_").replace(" ", "_")
            if key in ("", "none"):
                continue
            if key in ("pump", "syringe"):
                key = "syringe_pump"
            if key not in EQUIPMENT:
                raise ValueError(f"unknown equipment {item!r}; choose from {', '.join(EQUIPMENT)}")
            names.append(key)
        return tuple(dict.fromkeys(names))

    @field_validator("target_purity", mode="before")
    @classmethod
    def _purity(cls, v):
        if isinstance(v, str):
            text = v.strip()
            pct = text.endswith("%")
            try:
                x = float(text.rstrip("%").strip())
            except ValueError:
                raise ValueError(f"cannot read target_purity {v!r}; e.g. '90 %'") from None
            return x / 100 if pct or x > 1 else x
        if isinstance(v, bool):
            raise ValueError("target_purity is a number")
        if isinstance(v, int | float) and v > 1:
            return v / 100
        return v

    @field_validator("target_purity")
    @classmethod
    def _purity_range(cls, v):
        if v is not None and not (math.isfinite(v) and 0 < v <= 1):
            raise ValueError(f"target_purity must be in (0, 1] (or %), got {v}")
        return v

    def has(self, item: str) -> bool:
        return self.equipment is None or item in self.equipment


def make_constraints(**fields) -> Constraints:
    from monoselect.scenario import build

    return build(
        Constraints, {k: v for k, v in fields.items() if v is not None}, where="constraints"
    )


@dataclass(frozen=True)
class Option:
    """One protocol as simulated, with the numbers the constraints are checked on."""

    name: str
    label: str
    mono_yield_on_substrate: float
    mono_yield_on_electrophile: float
    bis: float
    purity: float  # mono among products (SM aside)
    steps: int
    time_s: float
    diamine_eq: float
    excess_to_recover_g: float
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The same key for the protocol as compare's JSON (``protocol``)."""
        out = {"protocol": self.name, **self.__dict__, "notes": list(self.notes)}
        del out["name"]
        return out


@dataclass(frozen=True)
class Advice:
    conditions: object
    constraints: Constraints
    ranked: tuple[Option, ...]
    excluded: tuple[tuple[str, str], ...]
    path: tuple[tuple[str, str], ...]
    rules: tuple[str, ...]
    failed: tuple[tuple[str, str], ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def best(self) -> Option | None:
        return self.ranked[0] if self.ranked else None

    def to_dict(self) -> dict:
        from monoselect.results import json_safe

        return json_safe(
            {
                "kind": "advice",
                "conditions": self.conditions.model_dump(),
                "constraints": self.constraints.model_dump(),
                "ranked_by": f"mono yield on the {self.conditions.precious}",
                "ranking": [o.to_dict() for o in self.ranked],
                "excluded": [{"protocol": n, "why": w} for n, w in self.excluded],
                "failed": [{"protocol": n, "error": e} for n, e in self.failed],
                "decision_path": [{"question": q, "answer": a} for q, a in self.path],
                "rules_of_thumb": list(self.rules),
                **self.extra,
            }
        )

    def __rich__(self):
        from monoselect.advise.render import advice

        return advice(self)


def _option(r) -> Option:
    f = r.split().fractions
    made = sum(v for k, v in f.items() if k != "SM")
    purity = f.get("mono", 0.0) / made if made > 0 else 0.0
    return Option(
        name=r.name,
        label=r.label,
        mono_yield_on_substrate=r.mono_yield_on_substrate,
        mono_yield_on_electrophile=r.mono_yield_on_electrophile,
        bis=r.bis,
        purity=purity,
        steps=r.steps,
        time_s=r.time_s,
        diamine_eq=float(r.scenario.substrate_eq),
        excess_to_recover_g=r.excess_to_recover_g,
        notes=tuple(r.notes),
    )


def advise(cond, constraints: Constraints | None = None) -> Advice:
    """Protocols that meet ``constraints``, ranked by mono yield on the precious reagent,
    with the decision path taken and the rules of thumb checked on this case."""
    from monoselect.comparison import compare
    from monoselect.models import reagents
    from monoselect.protocols import applicable

    constraints = constraints or Constraints()
    if not isinstance(constraints, Constraints):
        raise InvalidInput("constraints must be made with make_constraints", field="constraints")
    el = reagents.electrophile(cond.electrophile)
    known = applicable(el)
    excluded: list[tuple[str, str]] = []
    runnable = []
    for name in known:
        missing = [n for n in NEEDS.get(name, ()) if not constraints.has(n)]
        if missing:
            excluded.append((name, f"needs {', '.join(m.replace('_', ' ') for m in missing)}"))
        else:
            runnable.append(name)
    if not runnable:
        raise InvalidInput(
            "no protocol can run with the equipment given",
            field="equipment",
            fix="allow a syringe pump or resin",
        )
    comparison = compare(cond, runnable)
    max_s = cond.max_seconds()
    kept = []
    by_name = {r.name: r for r in comparison.ranked}
    for r in comparison.ranked:
        o = _option(r)
        why = None
        if o.steps > constraints.max_steps:
            why = f"{o.steps} steps, more than the {constraints.max_steps} allowed"
        elif o.time_s > max_s * 1.0001:
            why = f"takes {o.time_s / 3600:.3g} h, more than the {max_s / 3600:g} h allowed"
        elif o.diamine_eq > cond.max_substrate_eq * 1.0001:
            why = f"uses {o.diamine_eq:g} eq diamine, more than {cond.max_substrate_eq:g}"
        elif constraints.target_purity is not None and o.purity < constraints.target_purity:
            why = (
                f"mono purity {o.purity:.1%} among the products, below the "
                f"{constraints.target_purity:.0%} target"
            )
        if why:
            excluded.append((r.name, why))
        else:
            kept.append(o)
    flow = _flow_option(cond, constraints, by_name.get("direct"))
    if flow is not None:
        kept.append(flow)
    kept.sort(
        key=lambda o: (
            -(
                o.mono_yield_on_electrophile
                if cond.precious == "electrophile" and o.steps == 1
                else o.mono_yield_on_substrate
            )
        )
    )
    path = _path(cond, constraints, el, by_name, kept)
    rules = _rules(by_name, el)
    if (note := _mixing_rule(by_name.get("direct"))) is not None:
        rules.append(note)
    return Advice(
        cond,
        constraints,
        tuple(kept),
        tuple(excluded),
        tuple(path),
        tuple(rules),
        comparison.failed,
    )


def _flow_option(cond, constraints, direct) -> Option | None:
    """A flow mixer, when there is one and the reaction is faster than the flask mixes it:
    the direct run through the engulfment model at FLOW_POWER."""
    from monoselect.models import simulate

    if direct is None or not constraints.has("flow"):
        return None
    mix = direct.result.to_dict().get("mixing")
    if not mix or mix["ideal_mixing_holds"] or direct.scenario.acid:
        return None
    try:
        spec = direct.scenario.evolve(
            addition_time="1 h", feed_conc="1 M", mixing={"power": FLOW_POWER, "sweeps": False}
        )
        split = simulate(spec).split()
    except MonoselectError:
        return None
    f = split.fractions
    made = sum(v for k, v in f.items() if k != "SM")
    return Option(
        name="flow",
        label="flow mixer",
        mono_yield_on_substrate=split.mono_yield_on_substrate,
        mono_yield_on_electrophile=split.mono_yield_on_electrophile,
        bis=f.get("bis", 0.0),
        purity=f.get("mono", 0.0) / made if made > 0 else 0.0,
        steps=1,
        time_s=direct.time_s,
        diamine_eq=float(direct.scenario.substrate_eq),
        excess_to_recover_g=0.0,
        notes=(
            f"the two streams meet in a mixer at {FLOW_POWER} (engulfment model; the flask "
            f"gives Da = {mix['damkohler']:.2g} at {mix['eps_W_per_kg']:g} W/kg)",
        ),
    )


def _mixing_rule(direct) -> str | None:
    """When the flask does not mix faster than the reaction, every protocol above assumed it
    does: say so, with the engulfment model's number for a 1 h feed at the default stirring."""
    from monoselect.models import simulate

    if direct is None:
        return None
    mix = direct.result.to_dict().get("mixing")
    if not mix or mix["ideal_mixing_holds"] or direct.scenario.acid:
        return None
    try:
        spec = direct.scenario.evolve(
            addition_time="1 h", feed_conc="1 M", mixing={"sweeps": False}
        )
        real = simulate(spec).split().mono_yield_on_substrate
    except MonoselectError:
        return None
    return (
        f"'ideal mixing': does not hold here (Da = {mix['damkohler']:.2g}): the flask "
        f"protocols above assume instant mixing; fed over 1 h at 1 M and "
        f"{mix['eps_W_per_kg']:g} W/kg the engulfment model gives mono {real:.0%} instead of "
        f"{direct.mono_yield_on_substrate:.0%} (dilute the feed, stir harder, or use a mixer)"
    )


def _path(cond, constraints, el, runs, kept) -> list[tuple[str, str]]:
    """The questions a help desk asks, answered for this case from the simulations."""
    path = [
        (
            "how many reactive ends has the electrophile?",
            "two: a linker (step growth, bridging)" if el.reactive_groups >= 2 else "one",
        ),
        (
            "which reagent is precious?",
            "the electrophile: spend diamine (excess) to save it"
            if cond.precious == "electrophile"
            else "the diamine: no large excess; protons or protection do the selecting",
        ),
        (
            "does the reaction release acid?",
            f"yes ({el.releases_acid or el.releases}): a base is added"
            if el.releases not in (None, "none")
            else "no",
        ),
    ]
    direct = runs.get("direct") or runs.get("linker_direct")
    if direct is not None:
        mix = direct.result.to_dict().get("mixing")
        if mix:
            da = mix["damkohler"]
            answer = (
                f"Da = {da:.2g}: ideal mixing holds, feed rate and dilution change nothing"
                if mix["ideal_mixing_holds"]
                else f"Da = {da:.2g}: the feed zone matters: dilute feed, strong stirring"
                + (" or a flow mixer" if constraints.has("flow") else "")
            )
            path.append(("is the reaction slower than mixing?", answer))
    have = "all" if constraints.equipment is None else ", ".join(constraints.equipment) or "none"
    path.append(("what equipment is there?", have))
    path.append(
        (
            "which protocol?",
            f"{kept[0].label} (mono {kept[0].mono_yield_on_substrate:.0%} on the diamine, "
            f"{kept[0].mono_yield_on_electrophile:.0%} on the electrophile)"
            if kept
            else "none meets every constraint: relax one (see left out)",
        )
    )
    return path


def _rules(runs, el) -> list[str]:
    """The article's rules of thumb, each checked on this case's simulations."""
    out = []
    direct = runs.get("direct")
    if direct is not None:
        f = direct.split().fractions
        mono = f.get("mono", 0.0)
        verdict = "holds" if abs(mono - 0.5) < 0.03 else "does not hold here"
        out.append(
            f"'1.0 eq gives SM : mono : bis = 1 : 2 : 1': {verdict} (direct: SM "
            f"{f.get('SM', 0):.0%} / mono {mono:.0%} / bis {f.get('bis', 0):.0%}, "
            "from the pKa-based kappa)"
        )
    slow = runs.get("slow_addition")
    if slow is not None and "gain_from_rate" in slow.extra:
        rate, excess = slow.extra["gain_from_rate"], slow.extra["gain_from_excess"]
        verdict = "holds" if rate > 0.02 else "does not hold here"
        rate, excess = round(rate, 3) + 0.0, round(excess, 3) + 0.0  # no "-0.000"
        out.append(
            f"'slow addition improves selectivity': {verdict} (gain from the addition rate "
            f"{rate:+.3f}, from the diamine excess {excess:+.3f} mol mono per mol)"
        )
    salt = runs.get("hcl_salt")
    if salt is not None:
        f = salt.split().fractions
        made = sum(v for k, v in f.items() if k != "SM")
        sel = f.get("mono", 0.0) / made if made else 0.0
        verdict = "holds" if sel >= 0.9 else "holds only as selectivity" if sel > 0.8 else "fails"
        out.append(
            f"'the mono-HCl salt gives > 90 % selectivity': {verdict} ({sel:.0%} of the products"
            f" are mono, but the mono yield is {salt.mono_yield_on_substrate:.0%}; SM "
            f"{f.get('SM', 0):.0%} left)"
        )
    excess = runs.get("excess")
    if excess is not None:
        out.append(
            f"'5-10 eq of diamine buffers statistically': holds for the electrophile "
            f"(mono {excess.mono_yield_on_electrophile:.0%} on it, bis {excess.bis:.1%}) at the "
            f"cost of {excess.excess_to_recover_g:.3g} g of diamine to recover"
        )
    dil = runs.get("linker_high_dilution")
    lin = runs.get("linker_direct")
    if dil is not None and lin is not None:
        fo, fd = lin.split().fractions, dil.split().fractions
        out.append(
            f"'high dilution prevents bridging': does not hold as a way to the mono-adduct "
            f"(oligomer {fo.get('oligomer', 0):.0%} -> {fd.get('oligomer', 0):.0%}, rings "
            f"{fo.get('cyclised', 0):.0%} -> {fd.get('cyclised', 0):.0%}, mono-adduct "
            f"{dil.mono_yield_on_electrophile:.0%})"
        )
    return out
