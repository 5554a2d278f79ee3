"""Workup of a simulated crude: extraction by D = P x f_neutral(pH) with the pH of every wash
from the charge balance of what is in the funnel, evaporation, distillation, filtration
(SCIENCE.md section 9). Public entry points: ``workup``, ``load_workup``, ``make_workup``,
``search_workup``; results are ``WorkupResult`` and ``WorkupSearch``."""

from __future__ import annotations

from monoselect.workup.api import load_workup, workup
from monoselect.workup.plan import WorkupPlan, make_workup
from monoselect.workup.result import WorkupResult

__all__ = ["WorkupPlan", "WorkupResult", "load_workup", "make_workup", "workup"]
