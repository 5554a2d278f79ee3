"""Direct, slow and inverse addition (one portion, constant-rate or multi-stage feeds)."""

from __future__ import annotations

from monoselect.errors import InvalidInput
from monoselect.kinetics.network import Network
from monoselect.kinetics.simulate import FeedStage, Problem
from monoselect.scenario import Scenario


def build_problem(scenario: Scenario, network: Network) -> tuple[Problem, list[str]]:
    """The kinetics problem for ``scenario`` and the assumptions it made."""
    assumptions: list[str] = []
    scale = scenario.amount()
    n_sub = scenario.substrate_eq * scale
    n_el = scenario.eq * scale
    conc = scenario.concentration()
    inverse = scenario.mode == "inverse"
    in_flask, fed = (n_el, n_sub) if inverse else (n_sub, n_el)
    volume = in_flask / conc
    feed_c = scenario.feed_concentration()
    if feed_c is None:
        feed_c = conc
    steps = (
        [
            (s.eq / (scenario.substrate_eq if inverse else scenario.eq), s.seconds)
            for s in scenario.feed
        ]
        if scenario.feed
        else [(1.0, scenario.addition_seconds())]
    )
    stages: list[FeedStage] = []
    portion = 0.0  # fraction of the fed reagent added at t = 0 (zero-time stages)
    for fraction, seconds in steps:
        amount = fraction * fed
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
        rate = amount / seconds
        stages.append(
            FeedStage(
                duration=seconds,
                electrophile_rate=0.0 if inverse else rate,
                substrate_rate=rate if inverse else 0.0,
                volume_rate=rate / feed_c,
            )
        )
    added_at_once = portion * fed
    if added_at_once > 0:
        volume += added_at_once / feed_c
    if scenario.feed and abs(sum(f for f, _ in steps) - 1.0) > 1e-9:
        assumptions.append(
            f"the feed stages add {sum(f for f, _ in steps):.3g} of the "
            f"{'substrate' if inverse else 'electrophile'} charge"
        )
    if stages or added_at_once > 0:
        assumptions.append(
            f"fed solution at {feed_c:g} M"
            + (
                " (same as the flask; give feed_conc to change)"
                if scenario.feed_conc is None
                else ""
            )
        )
    problem = Problem(
        network=network,
        substrate=(added_at_once if inverse else n_sub),
        electrophile=(n_el if inverse else added_at_once),
        volume=volume,
        stages=tuple(stages),
        t_end=scenario.total_seconds(),
        stop_conversion=scenario.stop_conversion,
    )
    return problem, assumptions
