"""One entry point for the picture of any result: a family's run, a comparison-free help-desk
answer (troubleshooting, advice, optimum), a fit or a work-up. The command line draws each
with its own writer; the page and scripts call this."""

from __future__ import annotations

from pathlib import Path

from monoselect.errors import InvalidInput


def _writers() -> dict:
    from monoselect.advise import plots as desk
    from monoselect.fit.plots import write_fit
    from monoselect.workup.plot import write_search, write_workup

    return {
        "Troubleshooting": desk.write_troubleshooting,
        "Advice": desk.write_advice,
        "Optimum": desk.write_optimum,
        "fit": write_fit,
        "workup": write_workup,
        "workup_search": write_search,
    }


def write_picture(result, path: str | Path) -> Path:
    """The picture of ``result`` at ``path`` (.png or .svg; .html for a family's run)."""
    import monoselect.plots as plots

    kind = getattr(result, "kind", None)
    writer = _writers().get(kind if isinstance(kind, str) else type(result).__name__)
    if writer is not None:
        return writer(result, path)
    if isinstance(kind, str) and plots.can_plot(kind):
        return plots.write(result, path)
    raise InvalidInput(
        f"there is no picture of a {kind or type(result).__name__} yet", field="plot"
    )
