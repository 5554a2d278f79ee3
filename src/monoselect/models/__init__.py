"""One module per reaction family, each Scenario -> network -> kinetics -> Result, and the
one ``simulate`` that picks the family from the scenario (never the caller).

- ``resin``: the scenario has resin options (solid phase, any electrophile);
- ``linker``: the electrophile has two reactive ends (X-L-X: step growth);
- ``reductive``: the electrophile is a mono-aldehyde (reductive amination);
- ``mixing``: the scenario has mixing options (engulfment model of the feed zone);
- ``site``: everything else (one-ended electrophiles, feeds, acids and bases).
"""

from __future__ import annotations

from collections.abc import Callable

from monoselect.errors import InvalidInput
from monoselect.results import Result
from monoselect.scenario import Scenario

FAMILIES = ("site", "linker", "resin", "reductive", "mixing")


def family(scenario: Scenario) -> str:
    """Which family runs ``scenario``; options that belong to another family are refused."""
    from monoselect.models import reagents

    el = reagents.electrophile(scenario.electrophile)
    if scenario.resin is not None:
        name = "resin"
    elif el.reactive_groups >= 2:
        name = "linker"
    elif el.class_name == "aldehyde":
        name = "reductive"
    elif scenario.mixing is not None and scenario.mixing_model == "ideal":
        name = "mixing"  # with mixing_model: engulfment the options set the site run's stirring
    else:
        name = "site"
    homes = (("linker", ("linker",)), ("reductive", ("reductive",)), ("mixing", ("mixing", "site")))
    wrong = [
        part for part, home in homes if getattr(scenario, part) is not None and name not in home
    ]
    if wrong:
        raise InvalidInput(
            f"{wrong[0]} options do not apply: {el.name} with these options runs as the "
            f"{name} family",
            field=wrong[0],
            fix={
                "linker": "linker options need an electrophile with two reactive ends",
                "reductive": "reductive options need a mono-aldehyde (no resin)",
                "mixing": "the mixing model runs one-ended, non-aldehyde electrophiles in solution",
            }[wrong[0]],
        )
    return name


def simulate(
    scenario: Scenario, *, on_progress: Callable[[int, int], None] | None = None
) -> Result:
    """Simulate ``scenario`` with the family it belongs to; every family returns a Result.

    ``on_progress(done, total)`` is called by families that run several simulations (the
    mixing sweeps).
    """
    if not isinstance(scenario, Scenario):
        raise InvalidInput(
            f"simulate takes a Scenario, got {type(scenario).__name__}",
            field="scenario",
            fix="build one with make_scenario(...) or load_scenario(path)",
        )
    import importlib

    name = family(scenario)
    module = importlib.import_module(f"monoselect.models.{name}")
    if name == "mixing":  # the one family that runs a sweep worth a progress bar
        result = module.simulate(scenario, on_progress=on_progress)
    else:
        result = module.simulate(scenario)
    if scenario.mixing_model == "engulfment" and name not in ("site", "mixing"):
        from dataclasses import replace

        note = (
            f"mixing_model engulfment applies to one-ended electrophiles in solution; this "
            f"{name} run assumes ideal mixing"
        )
        result = replace(result, warnings=(*result.warnings, note))
    if scenario.solubility and name != "site":
        from dataclasses import replace

        note = (
            f"solubility applies to site runs (one-ended electrophiles in solution); in this "
            f"{name} run every salt stays dissolved"
        )
        result = replace(result, warnings=(*result.warnings, note))
    return _with_solvent(result, scenario)


def _with_solvent(result: Result, scenario: Scenario) -> Result:
    """``result`` with what the solvent brings (stated default, what its class makes
    relevant but is not modelled, boiling point), so every family says it alike."""
    from dataclasses import replace

    from monoselect.models import reagents
    from monoselect.models.conditions import solvent_notes

    el = reagents.electrophile(scenario.electrophile)
    assumptions, warnings, provenance = solvent_notes(
        scenario, el.class_name, el.releases, solvolysis_modelled=result.kind == "site"
    )
    return replace(
        result,
        assumptions=(*result.assumptions, *scenario.unit_notes(), *assumptions),
        warnings=(*result.warnings, *warnings),
        provenance=(*result.provenance, *provenance),
    )
