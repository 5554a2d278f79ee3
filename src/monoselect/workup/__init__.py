"""Workup of a simulated crude: extraction by D = P x f_neutral(pH) with the pH of every wash
from the charge balance of what is in the funnel, evaporation, distillation, filtration
(SCIENCE.md section 9). Public entry points: ``workup``, ``load_workup``, ``make_workup``,
``search_workup``; results are ``WorkupResult`` and ``WorkupSearch``."""

from __future__ import annotations

from monoselect.workup.api import load_workup, workup
from monoselect.workup.plan import WorkupPlan, make_workup
from monoselect.workup.result import WorkupResult
from monoselect.workup.search import WorkupSearch, search_workup

__all__ = [
    "WorkupPlan",
    "WorkupResult",
    "WorkupSearch",
    "load_workup",
    "make_workup",
    "search_workup",
    "workup",
]


class _CallableModule(__import__("types").ModuleType):
    """``monoselect.workup`` is both this package and the public function: importing the
    package sets it as the attribute of ``monoselect``, so the package calls the function."""

    def __call__(self, *args, **kwargs):
        return workup(*args, **kwargs)


__import__("sys").modules[__name__].__class__ = _CallableModule
