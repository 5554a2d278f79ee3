"""Mixing family: does ideal mixing hold for this feed, and if not, what does the feed
zone make?

``simulate(scenario)`` compares the micromixing time 1/E with the reaction time
1/(k1 c) (a Damkohler number), and where mixing is not fast enough it runs the engulfment
model (kinetics/mixing.py) against the ideal result, across stirring and vessel sizes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from monoselect.errors import InvalidInput
from monoselect.kinetics.mixing import damkohler, engulfment_rate
from monoselect.kinetics.simulate import integrate_feed_zones
from monoselect.models.charges import feed_plan
from monoselect.results import Provenance, Result, Split, normalised
from monoselect.scenario import OPTION_LIMITS, MixingSpec, Scenario

# below this Da the feed zone cannot matter: for k1 c = 400 /s fed over 1 h the E-model moves
# mono by 5e-7 at Da 1e-3 and 4e-5 at Da 1e-2 (tests/test_mixing.py holds < 1e-4 at 1e-3)
IDEAL_DA = 1e-3
STIRRING = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # W/kg
# Power per mass at the feed point by vessel: ASSUMED typical values (magnetic bar in a
# flask, overhead stirrers, an impeller in a plant vessel); override with --power. At equal
# power per mass the E-model predicts no scale effect: scale acts through these numbers.
# Local energy dissipation at the feed point relative to the vessel average: ASSUMED round
# values of the commonly reported ratios (well below average at the liquid surface, several
# times the average in the impeller discharge). Override by giving --power directly.
FEED_POINT = {"average": 1.0, "surface": 0.3, "impeller": 5.0}

VESSELS = (
    ("50 mL flask", 0.05, 0.5),
    ("1 L flask", 1.0, 0.3),
    ("20 L reactor", 20.0, 0.2),
    ("100 L vessel", 100.0, 0.1),
)


@dataclass(frozen=True)
class MixingPoint:
    label: str
    eps: float  # W/kg
    mono: float  # fraction of the diamine charged
    bis: float
    sm: float


@dataclass(frozen=True)
class MixingReport(Result):
    kind: ClassVar[str] = "mixing"
    scenario: Scenario
    eps: float
    nu: float  # m^2/s
    e_rate: float  # 1/s
    t_mix: float  # s
    t_reaction: float  # s
    damkohler: float
    verdict: str
    ideal: MixingPoint
    actual: MixingPoint
    stirring: tuple[MixingPoint, ...]
    scale: tuple[MixingPoint, ...]
    assumptions: tuple[str, ...]
    electrophile_per_substrate: float
    warnings: tuple[str, ...] = ()
    provenance: tuple[Provenance, ...] = field(default=())

    def split(self) -> Split:
        """With the feed zone simulated at the scenario's stirring."""
        p = self.actual
        parts = normalised({"SM": p.sm, "mono": p.mono, "bis": p.bis})
        return Split(parts, p.mono, p.mono / self.electrophile_per_substrate)

    def details(self) -> dict:
        def point(p: MixingPoint) -> dict:
            return {
                "label": p.label,
                "eps_W_per_kg": p.eps if math.isfinite(p.eps) else None,  # ideal: none
                "mono": p.mono,
                "bis": p.bis,
                "sm": p.sm,
            }

        return {
            "eps_W_per_kg": self.eps,
            "viscosity_m2_per_s": self.nu,
            "engulfment_rate_per_s": self.e_rate,
            "t_mix_s": self.t_mix,
            "t_reaction_s": self.t_reaction,
            "damkohler": self.damkohler,
            "ideal_mixing_holds": self.damkohler < IDEAL_DA,
            "verdict": self.verdict,
            "ideal": point(self.ideal),
            "with_mixing": point(self.actual),
            "stirring": [point(p) for p in self.stirring],
            "scale": [point(p) for p in self.scale],
        }


def _point(label: str, eps: float, parts: dict[str, float]) -> MixingPoint:
    """A point from split categories: ``bis`` takes every product beyond mono (with an
    alkylating agent also the over-alkylated and quaternised ones), so the three sum to 1."""
    sm, mono = parts["SM"], parts["mono"]
    return MixingPoint(label, eps, mono, 1.0 - sm - mono, sm)


def feed_point_power(scenario: Scenario, volume_l: float) -> tuple[float, str]:
    """Power per mass at the feed point (W/kg) and where it came from: ``mixing.power``, or
    with ``stirrer_rpm`` the vessel average Np N^3 D^5 / V (turbulent impeller power), times
    the feed-point factor; without mixing options, a lab flask with a stir bar (assumed)."""
    spec = scenario.mixing or MixingSpec()
    eps = spec.si("power")
    origin = "user-given" if scenario.mixing is not None else "assumed: lab flask, stir bar"
    if spec.stirrer_rpm is not None:
        d = spec.si("impeller_diameter")
        liquid_m3 = volume_l * 1e-3
        eps = spec.power_number * (spec.stirrer_rpm / 60.0) ** 3 * d**5 / liquid_m3
        if eps > OPTION_LIMITS["mixing.power"][0]:
            raise InvalidInput(
                f"{spec.stirrer_rpm:g} rpm with a {d * 100:g} cm impeller in "
                f"{liquid_m3 * 1e6:.3g} mL puts {eps:.3g} W/kg into the liquid, beyond any "
                "stirred vessel",
                field="mixing.stirrer_rpm",
                fix="check the speed, the impeller diameter and the scale",
            )
        origin = f"stirrer {spec.stirrer_rpm:g} rpm, Np {spec.power_number:g}"
    return eps * FEED_POINT[spec.feed_point], origin


def simulate(
    scenario: Scenario, *, on_progress: Callable[[int, int], None] | None = None
) -> MixingReport:
    """Da, the verdict on ideal mixing, and mono yield with the feed zone simulated.

    The power per mass at the feed point is ``mixing.power``, or, with ``stirrer_rpm``, the
    vessel average Np N^3 D^5 / V (turbulent impeller power) times the feed-point factor.
    """
    from monoselect.models import site
    from monoselect.models.site import category_fractions, scenario_table

    spec = scenario.mixing or MixingSpec()
    eps = spec.si("power")
    nu, nu_origin = scenario.kinematic_viscosity()
    blobs = spec.blobs
    stirrer_rpm, power_number, feed_point = spec.stirrer_rpm, spec.power_number, spec.feed_point
    table, _, _ = scenario_table(scenario)
    sub = table.substrate
    if len(sub.sites.atoms) != 2 or len(set(sub.sites.classes)) != 1:
        raise InvalidInput(
            "the mixing model is for symmetric diamines (two equivalent N-H)",
            field="substrate",
        )
    if scenario.stop_conversion is not None:
        raise InvalidInput(
            "stop_conversion is not part of the mixing model",
            field="stop_conversion",
            fix="give a time instead; monoselect simulate runs a conversion stop",
        )
    plan = feed_plan(scenario)
    if len(plan.stages) > 1:
        raise InvalidInput(
            "the mixing model feeds at one constant rate",
            field="feed",
            fix="give addition_time instead of feed stages",
        )
    inverse = scenario.mode == "inverse"
    net = table.network
    k1 = float(net.k[0])
    n_sub, n_el = plan.substrate_charged, plan.electrophile_charged
    conc = scenario.concentration()
    volume = (n_el if inverse else n_sub) / conc  # what is in the flask at the start
    parts = blobs if plan.feed_time > 0 else 1
    # the site network with its proton pool: ideal, then through the feed zones for as long
    ideal_run = site.simulate(scenario.evolve(mixing=None, mixing_model="ideal"), table)
    problem = ideal_run.problem
    hold = max(float(ideal_run.outcome.time[-1]) - problem.feed_end, 0.0)
    warnings = [w for w in ideal_run.warnings if "ideal mixing is not valid" not in w]

    def run(points: list[tuple[float, str, float]]) -> list[MixingPoint]:
        """The engulfment model at every (E, label, eps): one compiled sweep."""
        rates = [e_rate for e_rate, _, _ in points]
        runs = integrate_feed_zones(problem, rates, portions=parts, hold=hold, inverse=inverse)
        return [
            _point(label, eps_value, category_fractions(net, z.species / n_sub))
            for (_, label, eps_value), z in zip(points, runs, strict=True)
        ]

    sweeps = spec.sweeps
    eps, _ = feed_point_power(scenario, volume)
    e_rate = engulfment_rate(eps, nu)
    da = damkohler(e_rate, k1, conc)
    ideal = _point("ideal mixing", float("inf"), ideal_run.ideal_split().fractions)
    total = 1 + (len(STIRRING) + len(VESSELS) if sweeps and da >= IDEAL_DA else 0)
    done = 1
    if on_progress:
        on_progress(done, total)
    if da < IDEAL_DA:
        verdict = (
            f"ideal mixing holds: the reaction time ({1 / (k1 * conc):.3g} s) is far longer than "
            f"the micromixing time ({1 / e_rate:.3g} s), Da = {da:.2g}"
        )
        actual = MixingPoint("your stirring", eps, ideal.mono, ideal.bis, ideal.sm)
        stirring = (
            tuple(MixingPoint(f"{e:g} W/kg", e, ideal.mono, ideal.bis, ideal.sm) for e in STIRRING)
            if sweeps
            else ()
        )
        scale = (
            tuple(MixingPoint(name, e, ideal.mono, ideal.bis, ideal.sm) for name, _, e in VESSELS)
            if sweeps
            else ()
        )
    else:
        verdict = (
            f"mixing-limited: the reaction ({1 / (k1 * conc):.3g} s) is "
            f"{'faster than' if da > 1 else 'comparable to'} micromixing ({1 / e_rate:.3g} s), "
            f"Da = {da:.2g}; the feed zone sees a local excess of electrophile"
        )
        points = [(e_rate, "your stirring", eps)]
        if sweeps:
            points += [(engulfment_rate(e, nu), f"{e:g} W/kg", e) for e in STIRRING]
            points += [(engulfment_rate(e, nu), name, e) for name, _, e in VESSELS]
        actual, *rest = run(points)
        stirring, scale = rest[: len(STIRRING)], rest[len(STIRRING) :]
        if on_progress:
            on_progress(total, total)
        stirring, scale = tuple(stirring), tuple(scale)
    notes = (
        *plan.notes,
        f"E = 0.058 (eps/nu)^0.5 = {e_rate:.3g} 1/s at {eps:.3g} W/kg and {nu * 1e6:.3g} cSt"
        + (
            f" (stirrer {stirrer_rpm:g} rpm, Np {power_number:g}, feed point {feed_point}: "
            f"x{FEED_POINT[feed_point]:g}, assumed)"
            if stirrer_rpm is not None or feed_point != "average"
            else ""
        ),
        f"kinematic viscosity: {nu_origin}",
        f"k1 = {k1:.3g}, k2 = {float(net.k[1]):.3g} L/mol/s (free bases); zone and bulk "
        "carry the proton pool (acid, base, released acid)",
        f"feed cut into {parts} portion(s), each engulfing the bulk until spent; the result "
        "converges as 1/portions (20 portions: within about 0.005 of the limit)",
        "vessel sizes act only through their power per mass at the feed point (assumed: "
        + ", ".join(f"{n} {e:g} W/kg" for n, _, e in VESSELS)
        + "); mesomixing at the feed pipe is not modelled",
    )
    return MixingReport(
        scenario,
        eps,
        nu,
        e_rate,
        1 / e_rate,
        1 / (k1 * conc),
        da,
        verdict,
        ideal,
        actual,
        stirring,
        scale,
        notes,
        n_el / n_sub,
        tuple(warnings),
    )
