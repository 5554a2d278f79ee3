"""From a symptom to ranked causes, each tested by simulation and each with its fix simulated.

Every candidate cause is a change to the model of the chemist's run (a larger kappa, more
electrophile than weighed, poor stirring, the acid the reaction releases, a detector that
does not see what it measures...). Each one predicts what the chemist would have seen; the
closer that prediction is to the symptom, and the more plausible the change it needs, the
higher the cause ranks:

    weight = plausibility(change needed) x exp(-chi2 / 2),  chi2 = sum ((obs - pred) / sigma)^2

normalised over the candidates. A cause that does not move the numbers away from what the
conditions give cannot explain a deviation, so it keeps only a tenth of its weight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from monoselect.advise.symptoms import CATEGORIES, Symptom
from monoselect.errors import InvalidInput, MonoselectError
from monoselect.scenario import Scenario

# absolute error of a routine split (sampling, integration, work-up losses): assumed 5 %
SIGMA_SPLIT = 0.05
# error of "the electrophile stopped at x": assumed 10 % of the charge
SIGMA_STALL = 0.10
# relative error of an intended charge a chemist can make without noticing (a hygroscopic
# diamine or one that took up CO2, a partly melted Boc2O, a stock solution): assumed 20 %
EQ_ERROR = 0.20
# how far a kappa can plausibly sit from its pKa-based value, log10 units: beta_nuc 0.36
# times the 0.2-0.7 pKa error of an estimate (README, held-out pKa test) plus the Bronsted
# relation itself; assumed 0.3
KAPPA_LOG_ERROR = 0.30
# stirring of a poorly mixed flask: a tenth of the default 0.3 W/kg at the feed point (a
# stir bar in a large or viscous batch); assumed
POOR_POWER = "0.03 W/kg"
# a cause that leaves the prediction within this of the conditions' own explains nothing
NO_CHANGE = 0.01
NEUTRAL_WEIGHT = 0.1
# a cause "reproduces" the symptom when chi2 <= 4 (within two assay errors)
FITS_CHI2 = 4.0
# chi2 charged for a part of the symptom a cause's model cannot predict (two sigma)
CANNOT_TELL = 4.0
# UV response per group at ~210 nm: an aliphatic amine hardly absorbs, each carbamate or
# amide about equally, so a bis product gives about twice a mono (SCIENCE.md section 10)
UV_RESPONSE = {"SM": 0.0, "mono": 1.0, "bis": 2.0}
# LC-MS total ion / EIC areas: the diamine elutes in the void or below the mass range and is
# usually missed; the others read at equal response (assumed; they differ by orders)
LCMS_RESPONSE = {"SM": 0.0, "mono": 1.0, "bis": 1.0}


@dataclass(frozen=True)
class Prediction:
    """What a run would have shown: split (SM / mono / bis and the family's others),
    fraction of the electrophile consumed, and the mono yields."""

    fractions: dict[str, float]
    electrophile_consumed: float | None
    mono_yield_on_substrate: float
    mono_yield_on_electrophile: float

    @classmethod
    def of(cls, result) -> Prediction:
        split = result.split()
        data = result.to_dict()
        left = data.get("electrophile_left", data.get("linker_left"))
        return cls(
            dict(split.fractions),
            None if left is None else max(0.0, 1.0 - float(left)),
            split.mono_yield_on_substrate,
            split.mono_yield_on_electrophile,
        )

    def to_dict(self) -> dict:
        return {
            "fractions": self.fractions,
            "electrophile_consumed": self.electrophile_consumed,
            "mono_yield_on_substrate": self.mono_yield_on_substrate,
            "mono_yield_on_electrophile": self.mono_yield_on_electrophile,
        }


@dataclass(frozen=True)
class Diagnosis:
    """One cause: how well it explains the symptom, the evidence, and the fix simulated."""

    cause: str
    title: str
    weight: float  # share among the candidates (0-1), not a probability of being right
    evidence: tuple[str, ...]
    predicted: Prediction | None  # what the chemist would have seen under this cause
    fix: str
    fix_predicted: Prediction | None = None
    chi2: float | None = None
    plausibility: float = 1.0
    ruled_out: str | None = None  # why it cannot apply, when it cannot
    numbers: dict = field(default_factory=dict)

    @property
    def reproduces(self) -> bool:
        return self.ruled_out is None and self.chi2 is not None and self.chi2 <= FITS_CHI2

    def to_dict(self) -> dict:
        return {
            "cause": self.cause,
            "reproduces_symptom": self.reproduces,
            "title": self.title,
            "weight": self.weight,
            "chi2": self.chi2,
            "plausibility": self.plausibility,
            "ruled_out": self.ruled_out,
            "evidence": list(self.evidence),
            "predicted": None if self.predicted is None else self.predicted.to_dict(),
            "fix": self.fix,
            "fix_predicted": None if self.fix_predicted is None else self.fix_predicted.to_dict(),
            "numbers": self.numbers,
        }


@dataclass(frozen=True)
class Troubleshooting:
    """Ranked diagnoses for one run and one symptom."""

    scenario: Scenario
    symptom: Symptom
    expected: Prediction  # the conditions as given, simulated
    diagnoses: tuple[Diagnosis, ...]  # best first; ruled-out causes last
    peaks: tuple = ()  # PeakAssignment per observed m/z
    warnings: tuple[str, ...] = ()

    @property
    def best(self) -> Diagnosis:
        return self.diagnoses[0]

    @property
    def reproduced(self) -> bool:
        """Whether any cause reproduces the symptom within two assay errors (chi2 <= 4)."""
        return any(d.reproduces for d in self.diagnoses)

    def to_dict(self) -> dict:
        from monoselect.results import json_safe

        return json_safe(
            {
                "kind": "troubleshoot",
                "scenario": self.scenario.resolved(),
                "symptom": self.symptom.model_dump(),
                "symptom_text": self.symptom.describe(),
                "expected": self.expected.to_dict(),
                "diagnoses": [d.to_dict() for d in self.diagnoses],
                "peaks": [p.to_dict() for p in self.peaks],
                "warnings": list(self.warnings),
                "method": {
                    "weight": "plausibility x exp(-chi2/2), normalised",
                    "sigma_split": SIGMA_SPLIT,
                    "sigma_stall": SIGMA_STALL,
                    "eq_error": EQ_ERROR,
                    "kappa_log_error": KAPPA_LOG_ERROR,
                },
            }
        )

    def __rich__(self):
        from monoselect.advise.render import troubleshooting

        return troubleshooting(self)


# -- comparing a prediction with the symptom ----------------------------------------------


def _three(fractions: dict[str, float]) -> dict[str, float]:
    """SM / mono / bis of a split (regioisomers are already summed by the family)."""
    return {k: float(fractions.get(k, 0.0)) for k in CATEGORIES}


def chi2(pred: Prediction, symptom: Symptom) -> float:
    """How far ``pred`` is from what was seen, in units of the assay's error."""
    total = 0.0
    if symptom.observed:
        got = _three(pred.fractions)
        total += sum(((v - got[k]) / SIGMA_SPLIT) ** 2 for k, v in symptom.observed.items())
    if symptom.stalled is not None:
        if pred.electrophile_consumed is None:
            total += CANNOT_TELL  # this model does not follow the electrophile to a stop
        else:
            total += ((symptom.stalled - pred.electrophile_consumed) / SIGMA_STALL) ** 2
    if symptom.gum:
        # a gum is insoluble oligomer: expect at least 5 % of the diamine in it
        total += 0.0 if pred.fractions.get("oligomer", 0.0) >= 0.05 else CANNOT_TELL
    if symptom.two_products:
        made = [v for k, v in pred.fractions.items() if k != "SM" and v >= 0.10]
        total += 0.0 if len(made) >= 2 else CANNOT_TELL
    return total


def _moved(pred: Prediction, ref: Prediction) -> bool:
    keys = set(pred.fractions) | set(ref.fractions)
    diff = max(abs(pred.fractions.get(k, 0.0) - ref.fractions.get(k, 0.0)) for k in keys)
    if pred.electrophile_consumed is not None and ref.electrophile_consumed is not None:
        diff = max(diff, abs(pred.electrophile_consumed - ref.electrophile_consumed))
    return diff > NO_CHANGE


def _pct(fractions: dict[str, float]) -> str:
    return " / ".join(f"{k} {fractions.get(k, 0.0):.0%}" for k in CATEGORIES)


def _target(symptom: Symptom) -> tuple[str, float] | None:
    """The observed number a one-parameter cause is solved for: bis, else SM (both move
    monotonically with kappa and with eq; mono does not)."""
    if not symptom.observed:
        return None
    for key in ("bis", "SM"):
        if key in symptom.observed:
            return key, symptom.observed[key]
    return None


def _solve(f, lo: float, hi: float, target: float) -> float | None:
    """x in [lo, hi] with f(x) = target (f monotonic), or None when out of reach."""
    from scipy.optimize import brentq

    a, b = f(lo) - target, f(hi) - target
    if a * b > 0:
        return None
    if a == 0:
        return lo
    if b == 0:
        return hi
    return brentq(lambda x: f(x) - target, lo, hi, xtol=1e-4, rtol=1e-5)


# -- the candidates -----------------------------------------------------------------------


def troubleshoot(scenario: Scenario, symptom: Symptom) -> Troubleshooting:
    """Rank the causes of ``symptom`` for the run described by ``scenario``.

    Each cause is simulated as a change to the run; its fix is simulated too. Numbers come
    from the same models as ``simulate``.
    """
    from monoselect.models import family, reagents, simulate

    if not isinstance(scenario, Scenario):
        raise InvalidInput("troubleshoot takes a Scenario", field="scenario")
    if not isinstance(symptom, Symptom) or not symptom.given():
        raise InvalidInput(
            "no symptom given", field="symptom", fix="e.g. observed 'bis 40 %' or stalled 0.5"
        )
    el = reagents.electrophile(scenario.electrophile)
    fam = family(scenario)
    if fam not in ("site", "linker"):
        raise InvalidInput(
            f"troubleshoot covers one-ended electrophiles and linkers in solution, not the "
            f"{fam} family",
            field="scenario",
            fix="leave out resin / mixing / reductive options",
        )
    expected_result = simulate(scenario)
    expected = Prediction.of(expected_result)
    ctx = _Context(scenario, symptom, el, fam, expected_result, expected)
    candidates = [
        _tried(cause, ctx)
        for cause in (_statistics, _protons, _kappa, _excess, _mixing, _bridging, _detector)
    ]
    peaks, peak_diag = _peaks(ctx)
    candidates.append(peak_diag)
    ranked = _rank(candidates, symptom, expected)
    warnings = list(expected_result.warnings)
    if ctx.base_short():
        added, acid = ctx.working(), el.releases_acid or "acid"
        warnings.insert(
            0,
            f"the run as given has less base than the {acid} the {el.name} releases "
            f"({_pct(expected.fractions)}): every cause but the HX stall is tested, and every "
            f"fix simulated, with {added.base_eq:.2g} eq Et3N added",
        )
    if not any(d.chi2 is not None and d.chi2 <= FITS_CHI2 and not d.ruled_out for d in ranked):
        warnings.insert(
            0,
            "no cause tested here reproduces the symptom within two assay errors: the weights "
            "only order poor explanations; check the conditions entered, or a side reaction "
            "the model lacks",
        )
    return Troubleshooting(
        scenario, symptom, expected, tuple(ranked), tuple(peaks), tuple(warnings)
    )


def _tried(cause, ctx) -> Diagnosis:
    """One cause; a model that cannot run this case rules the cause out, with its reason,
    instead of stopping the whole diagnosis."""
    try:
        return cause(ctx)
    except MonoselectError as exc:
        name = cause.__name__.lstrip("_")
        return Diagnosis(name, TITLES.get(name, name), 0.0, (), None, "", ruled_out=exc.message)


TITLES = {
    "statistics": "statistics alone: what these conditions give",
    "protons": "HX stall or proton leak",
    "kappa": "the second N reacts faster than its pKa says (kappa too high)",
    "excess": "more electrophile than intended (or less diamine)",
    "mixing": "poor mixing: the feed zone sees a local excess",
    "bridging": "bridging and oligomers from a two-ended electrophile",
    "detector": "the assay misreads the split (UV response, LC-MS areas)",
}


@dataclass
class _Context:
    scenario: Scenario
    symptom: Symptom
    el: object
    family: str
    result: object
    expected: Prediction
    cache: dict = field(default_factory=dict)

    def run(self, scenario: Scenario) -> Prediction:
        from monoselect.models import simulate

        key = scenario.model_dump_json()
        if key not in self.cache:
            self.cache[key] = Prediction.of(simulate(scenario))
        return self.cache[key]

    @property
    def releases_acid(self) -> bool:
        return self.el.releases not in (None, "none")

    def base_short(self) -> bool:
        """Less base than the acid the reaction releases (the run will stall on HX)."""
        if not self.releases_acid:
            return False
        have = self.scenario.base_eq * self.scenario.substrate_eq if self.scenario.base else 0
        return have < 0.999 * self.scenario.eq

    def working(self) -> Scenario:
        """The run as given, with enough base for the acid the reaction releases (so that a
        cause other than the HX stall is tested on a run that goes to completion)."""
        if self.base_short():
            return self.scenario.evolve(
                base="Et3N", base_eq=1.2 * self.scenario.eq / self.scenario.substrate_eq
            )
        return self.scenario

    def reference(self) -> Scenario:
        """Counting alone: the working run without any acid charged."""
        s = self.working()
        return s.evolve(acid=None, acid_eq=0.0) if s.acid else s


def _statistics(ctx: _Context) -> Diagnosis:
    if ctx.family == "linker":
        return Diagnosis(
            "statistics",
            "statistics alone: what these conditions give",
            0.0,
            (),
            None,
            "",
            ruled_out="a two-ended electrophile's own outcome is step growth (bridging, above)",
        )
    pred = ctx.run(ctx.reference())
    kappa = _model_kappa(ctx.result)
    evidence = [
        f"these conditions give {_pct(pred.fractions)} (mono on the electrophile "
        f"{pred.mono_yield_on_electrophile:.0%})"
    ]
    if kappa is not None:
        evidence.append(
            f"kappa = k2/k1 = {kappa:.2g} from the pKa of the mono product's free N: "
            "counting sites alone gives this split"
        )
    fix, fix_pred, numbers = _best_protocol(ctx)
    with_base = f" with {ctx.working().base_eq:.2g} eq Et3N" if ctx.base_short() else ""
    return Diagnosis(
        "statistics",
        f"statistics alone: what these conditions give{with_base}",
        0.0,
        tuple(evidence),
        pred,
        fix,
        fix_pred,
        numbers={"kappa_model": kappa, **numbers},
    )


def _best_protocol(ctx: _Context):
    """The better of the mono-HCl salt and 3 eq of diamine for this run (simulated)."""
    from monoselect.protocols import PROTOCOLS
    from monoselect.protocols.base import make_conditions

    s = ctx.scenario
    try:
        cond = make_conditions(
            substrate=s.substrate,
            electrophile=s.electrophile,
            eq=s.eq,
            scale=f"{s.amount() * 1e3:.6g} mmol",
            conc=f"{s.concentration():.6g} M",
            temperature=f"{s.temperature_c():.6g} degC",
            solvent=s.solvent,
        )
        options = []
        names = ["hcl_salt", "excess"] if ctx.family == "site" else ["excess"]
        if ctx.family == "linker":
            names = [n for n in PROTOCOLS if PROTOCOLS[n].applies(ctx.el)][:3]
        for name in names:
            proto = PROTOCOLS[name]
            if not proto.applies(ctx.el):
                continue
            params = {"substrate_eq": 3.0} if name == "excess" else None
            try:
                options.append(proto.run(cond, params))
            except MonoselectError:
                continue
    except MonoselectError as exc:
        return f"no protocol could be simulated: {exc}", None, {}
    if not options:
        return "no protocol applies", None, {}
    best = max(options, key=lambda r: r.mono_yield_on_substrate + r.mono_yield_on_electrophile)
    pred = Prediction(
        dict(best.split().fractions),
        None,
        best.mono_yield_on_substrate,
        best.mono_yield_on_electrophile,
    )
    text = (
        f"{best.label}: mono {best.mono_yield_on_substrate:.0%} on the diamine, "
        f"{best.mono_yield_on_electrophile:.0%} on the electrophile, bis {best.bis:.0%}"
    )
    if best.notes:
        text += f" ({best.notes[0]})"
    return text, pred, {"fix_protocol": best.name}


def _model_kappa(result) -> float | None:
    for p in result.provenance:
        if p.quantity.startswith("kappa = k2/k1"):
            try:
                return float(p.value)
            except ValueError:
                return None
    return None


def _protons(ctx: _Context) -> Diagnosis:
    s = ctx.scenario
    cause = "protons"
    if ctx.family != "site" or not (ctx.releases_acid or s.acid):
        return Diagnosis(
            cause,
            "HX stall or proton leak",
            0.0,
            (),
            None,
            "",
            ruled_out=f"{ctx.el.name} releases no acid and no acid was charged",
        )
    if s.acid:
        title = f"proton leak: the {s.acid} moves from the diamine to the mono product"
        pred = ctx.expected
        fix_s = s.evolve(acid_eq=1.0) if abs(s.acid_eq - 1.0) > 0.05 else s.evolve(acid=None)
        fix = (
            "charge exactly 1.0 eq of acid"
            if abs(s.acid_eq - 1.0) > 0.05
            else "compare without the acid (the salt gains nothing here if it leaks)"
        )
    elif ctx.base_short():
        title = f"HX stall: the {ctx.el.releases_acid or 'acid'} released protonates the amine"
        pred = ctx.expected
        fix_s = ctx.reference()
        fix = f"add Et3N ({1.2 * s.eq:.2g} eq, 1.2 per eq of {ctx.el.name})"
    else:
        title = "the base did not take the acid (wet, weak or forgotten base)"
        pred = ctx.run(s.evolve(base=None, base_eq=0.0))
        fix_s = s
        fix = "use a dry tertiary amine (Et3N, DIPEA) and check it was charged"
    fix_pred = ctx.run(fix_s)
    evidence = []
    if pred.electrophile_consumed is not None:
        evidence.append(
            f"the model stops at {pred.electrophile_consumed:.0%} of the electrophile consumed"
            f" with {_pct(pred.fractions)}"
        )
    return Diagnosis(cause, title, 0.0, tuple(evidence), pred, fix, fix_pred)


def _kappa(ctx: _Context) -> Diagnosis:
    cause, title = "kappa", "the second N reacts faster than its pKa says (kappa too high)"
    kappa0 = _model_kappa(ctx.result)
    target = _target(ctx.symptom)
    if ctx.family != "site" or kappa0 is None:
        return Diagnosis(cause, title, 0.0, (), None, "", ruled_out="kappa needs a diamine")
    if target is None:
        return Diagnosis(cause, title, 0.0, (), None, "", ruled_out="needs an observed SM or bis")
    key, value = target
    ref = ctx.working()

    def at(log_k: float) -> float:
        return _three(ctx.run(ref.evolve(kappa=10**log_k, rho=None)).fractions)[key]

    log_k = _solve(at, -3.0, 3.0, value)
    if log_k is None:
        return Diagnosis(
            cause,
            title,
            0.0,
            (),
            None,
            "",
            ruled_out=f"no kappa in 0.001-1000 gives {key} {value:.0%} at {ref.eq:g} eq",
        )
    k = 10**log_k
    pred = ctx.run(ref.evolve(kappa=k, rho=None))
    shift = math.log10(k / kappa0)
    plaus = math.exp(-0.5 * (shift / KAPPA_LOG_ERROR) ** 2)
    n = 5.0
    fix_pred = ctx.run(ref.evolve(kappa=k, rho=None, substrate_eq=n, base_eq=ref.base_eq / n))
    evidence = (
        f"{key} {value:.0%} at {ref.eq:g} eq needs kappa = {k:.2g}, against {kappa0:.2g} "
        f"from the pKa values ({abs(shift):.1f} log units {'above' if shift > 0 else 'below'})",
        "an acylated, carbamoylated or sulfonylated N lowers the other N's pKa, so kappa > 0.5"
        " (faster than the free diamine per site) is unusual for these electrophiles",
    )
    fix = (
        f"with kappa {k:.2g} use {n:g} eq of diamine: mono "
        f"{fix_pred.mono_yield_on_electrophile:.0%} on the electrophile "
        "(fit your runs with `monoselect fit` to pin kappa)"
    )
    return Diagnosis(
        cause,
        title,
        0.0,
        evidence,
        pred,
        fix,
        fix_pred,
        plausibility=plaus,
        numbers={"kappa_needed": k, "kappa_model": kappa0},
    )


def _excess(ctx: _Context) -> Diagnosis:
    cause, title = "excess", "more electrophile than intended (or less diamine)"
    target = _target(ctx.symptom)
    if target is None:
        return Diagnosis(cause, title, 0.0, (), None, "", ruled_out="needs an observed SM or bis")
    key, value = target
    ref = ctx.working()
    eq0 = ref.eq

    def at(eq: float) -> float:
        return _three(ctx.run(_with_eq(ref, eq)).fractions)[key]

    eq = _solve(at, max(0.02, 0.1 * eq0), min(4.0 * eq0, 20.0), value)
    if eq is None:
        return Diagnosis(
            cause,
            title,
            0.0,
            (),
            None,
            "",
            ruled_out=f"no charge between 0.1 and 4x the intended gives {key} {value:.0%}",
        )
    pred = ctx.run(_with_eq(ref, eq))
    ratio = eq / eq0
    plaus = math.exp(-0.5 * ((ratio - 1.0) / EQ_ERROR) ** 2)
    evidence = (
        f"{key} {value:.0%} needs {eq:.2f} eq of {ctx.el.name} ({ratio - 1:+.0%} on the "
        f"intended {eq0:g} eq) at the model's kappa",
        "less diamine than weighed does the same: a hygroscopic diamine, its carbonate from "
        "air, or a salt counted as free base",
    )
    fix_pred = ctx.run(ref)
    fix = (
        f"check the charges (titrate the diamine, weigh the {ctx.el.name} fresh); at the "
        f"intended {eq0:g} eq: {_pct(fix_pred.fractions)}"
    )
    return Diagnosis(
        cause,
        title,
        0.0,
        evidence,
        pred,
        fix,
        fix_pred,
        plausibility=plaus,
        numbers={"eq_needed": eq, "eq_intended": eq0},
    )


def _with_eq(scenario: Scenario, eq: float) -> Scenario:
    """``scenario`` with ``eq`` of electrophile and the base scaled along (it follows eq)."""
    changes: dict = {"eq": eq}
    if scenario.base and scenario.eq > 0:
        changes["base_eq"] = scenario.base_eq * eq / scenario.eq
    return scenario.evolve(**changes)


def _mixing(ctx: _Context) -> Diagnosis:
    cause, title = "mixing", "poor mixing: the feed zone sees a local excess"
    mix = ctx.result.to_dict().get("mixing")
    if ctx.family != "site" or not mix:
        return Diagnosis(
            cause, title, 0.0, (), None, "", ruled_out="the mixing model covers site runs only"
        )
    da = float(mix["damkohler"])
    ref = ctx.reference()
    poor = ref.evolve(mixing={"power": POOR_POWER, "sweeps": False})
    pred = ctx.run(poor)
    # judged against the same run mixed ideally: a cause that moves nothing explains nothing
    plaus = 1.0 if _moved(pred, ctx.run(ref)) else NEUTRAL_WEIGHT
    evidence = [
        f"Da = {da:.2g} at {mix['eps_W_per_kg']:g} W/kg (reaction {mix['t_reaction_s']:.3g} s "
        f"against micromixing {mix['t_mix_s']:.3g} s)",
    ]
    if da < 1e-3:
        evidence.append(
            "the reaction is far slower than mixing: stirring, feed rate and dilution cannot "
            "change the split (time elimination, SCIENCE.md section 2)"
        )
    else:
        evidence.append(
            f"with poor stirring ({POOR_POWER} at the feed point) the engulfment model gives "
            f"{_pct(pred.fractions)}"
        )
    fix_s = ref.evolve(
        addition_time="1 h", feed_conc="0.1 M", mixing={"power": "3 W/kg", "sweeps": False}
    )
    fix_pred = ctx.run(fix_s)
    fix = (
        "feed the electrophile over 1 h as a 0.1 M solution at the impeller (3 W/kg): "
        f"{_pct(fix_pred.fractions)}"
    )
    return Diagnosis(
        cause,
        title,
        0.0,
        tuple(evidence),
        pred,
        fix,
        fix_pred,
        plausibility=plaus,
        numbers={"damkohler": da},
    )


def _bridging(ctx: _Context) -> Diagnosis:
    cause, title = "bridging", "bridging and oligomers from a two-ended electrophile"
    if ctx.family != "linker":
        return Diagnosis(
            cause,
            title,
            0.0,
            (),
            None,
            "",
            ruled_out=f"{ctx.el.name} has one reactive end: nothing can bridge",
        )
    pred = ctx.expected
    f = pred.fractions
    evidence = (
        f"the step-growth model gives bridged {f.get('bridged', 0):.0%}, rings "
        f"{f.get('cyclised', 0):.0%}, oligomer {f.get('oligomer', 0):.0%} of the diamine",
    )
    s = ctx.scenario
    n = 5.0
    fix_pred = ctx.run(s.evolve(substrate_eq=n))
    fix = (
        f"{n:g} eq of diamine: mono-adduct {fix_pred.mono_yield_on_electrophile:.0%} on the "
        f"linker, oligomer {fix_pred.fractions.get('oligomer', 0):.0%}"
    )
    return Diagnosis(cause, title, 0.0, evidence, pred, fix, fix_pred)


def _detector(ctx: _Context) -> Diagnosis:
    cause, title = "detector", "the assay misreads the split (UV response, LC-MS areas)"
    sym = ctx.symptom
    if not sym.observed:
        return Diagnosis(cause, title, 0.0, (), None, "", ruled_out="needs an observed split")
    if sym.measured_by in ("isolated", "nmr", "gc"):
        return Diagnosis(
            cause,
            title,
            0.0,
            (),
            None,
            "",
            ruled_out=f"measured by {sym.measured_by}: counts molecules, not chromophores",
        )
    true = ctx.run(ctx.working()) if ctx.family == "site" else ctx.expected
    how = "lcms" if sym.measured_by == "lcms" else "hplc-uv"
    response = LCMS_RESPONSE if how == "lcms" else UV_RESPONSE
    three = _three(true.fractions)
    area = {k: three[k] * response[k] for k in CATEGORIES}
    total = sum(area.values())
    if total <= 0:
        return Diagnosis(cause, title, 0.0, (), None, "", ruled_out="nothing the detector sees")
    seen = {k: v / total for k, v in area.items()}
    pred = Prediction(seen, true.electrophile_consumed, seen["mono"], seen["mono"])
    if how == "lcms":
        text = (
            f"LC-MS areas: the diamine is missed and the rest read at equal response, so "
            f"{_pct(three)} reads as {_pct(seen)}; bis-Boc also shows at the mono's [M+H]+ "
            "after losing Boc in the source"
        )
    else:
        text = (
            f"HPLC-UV area % near 210 nm: the diamine hardly absorbs and a bis product about "
            f"twice a mono, so {_pct(three)} (mol) reads as {_pct(seen)} (area)"
        )
    plaus = 1.0 if sym.measured_by != "unknown" else 0.5
    fix = (
        f"measure by qNMR or isolated yield, or calibrate response factors; the model's "
        f"split in mol: {_pct(three)}"
    )
    return Diagnosis(
        cause,
        title,
        0.0,
        (text,),
        pred,
        fix,
        true,
        plausibility=plaus,
        numbers={"response": response, "assumed_measurement": how},
    )


def _peaks(ctx: _Context):
    from monoselect.chem.ions import Ion, assign_peaks, ion_table

    cause, title = "lcms_ions", "in-source fragments or adducts read as species"
    if not ctx.symptom.peaks:
        return [], Diagnosis(cause, title, 0.0, (), None, "", ruled_out="no m/z given")
    rows = ctx.result.to_dict().get("species", [])
    with_smiles = [(r["label"], r["smiles"]) for r in rows if r.get("smiles")]
    ions = ion_table(with_smiles)
    ions += [
        Ion(r.get("name", "?"), "[M+H]+", float(r["mz_M_plus_H"]))
        for r in rows
        if not r.get("smiles") and r.get("mz_M_plus_H") and r.get("category") != "linker"
    ]
    found = assign_peaks(ctx.symptom.peaks, ions)
    tricky = [
        p
        for p in found
        if p.ambiguous or (p.matches and all(i.ion not in ("[M+H]+",) for i in p.matches))
    ]
    evidence = [f"m/z {p.mz:g}: {p.verdict}" for p in found]
    unknown = [p for p in found if not p.matches]
    if unknown:
        evidence.append(
            "unassigned peaks are no species of this network: reagent, impurity or a side "
            "reaction the model lacks"
        )
    plaus = 0.5 if tricky else 0.05
    fix = (
        "read each species on its EIC at [M+H]+ and check its fragments' retention times: a "
        "fragment elutes with its parent (bis-Boc's [M+H-Boc]+ at the bis retention time)"
    )
    return found, Diagnosis(
        cause,
        title,
        0.0,
        tuple(evidence),
        None,
        fix,
        plausibility=plaus,
        numbers={"ambiguous_peaks": [p.mz for p in found if p.ambiguous]},
    )


def _rank(candidates: list[Diagnosis], symptom: Symptom, expected: Prediction):
    from dataclasses import replace

    live, out = [], []
    for d in candidates:
        if d.ruled_out:
            out.append(d)
            continue
        if d.predicted is not None:
            c = chi2(d.predicted, symptom)
        else:  # a cause about reading peaks predicts no split, stall or gum
            other = symptom.observed or symptom.stalled is not None or symptom.gum
            c = CANNOT_TELL if other or symptom.two_products else 0.0
        w = d.plausibility * math.exp(-0.5 * c)
        ref_causes = ("statistics", "protons", "bridging", "detector", "mixing")
        if (
            d.predicted is not None
            and d.cause not in ref_causes
            and not _moved(d.predicted, expected)
        ):
            w *= NEUTRAL_WEIGHT
        live.append(replace(d, chi2=c, weight=w))
    total = sum(d.weight for d in live)
    if total > 0:
        live = [replace(d, weight=d.weight / total) for d in live]
    live.sort(key=lambda d: -d.weight)
    return [*live, *out]
