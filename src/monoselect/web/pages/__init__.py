"""The pages, one module each: an HTML route, its JSON API and a template.

A new page (fit, troubleshoot, advise, procedure, report) is one more module here with a
``router``, one template, and one line in ``PAGES``; the navigation follows ``NAV``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    module: str  # monoselect.web.pages.<module> holds ``router``
    path: str  # the HTML page
    title: str  # in the navigation


PAGES: tuple[Page, ...] = (
    Page("simulate", "/", "Simulate"),
    Page("compare", "/compare", "Compare"),
    Page("desk", "/troubleshoot", "Troubleshoot"),
    Page("runs", "/runs", "Runs"),
)

# the help-desk module serves several pages, one per command
NAV = (
    ("/", "Simulate"),
    ("/compare", "Compare"),
    ("/troubleshoot", "Troubleshoot"),
    ("/advise", "Advise"),
    ("/optimise", "Optimise"),
    ("/fit", "Fit"),
    ("/workup", "Work-up"),
    ("/procedure", "Procedure"),
    ("/runs", "Runs"),
)


def routers():
    """Each page's FastAPI router, in navigation order."""
    import importlib

    for page in PAGES:
        yield importlib.import_module(f"monoselect.web.pages.{page.module}").router
