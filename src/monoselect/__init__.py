"""monoselect: predict mono- vs bis-functionalisation of symmetric diamines.

The public API; everything else is internal. Names load lazily so that the command line
starts fast (RDKit, SciPy and numba are imported only when a function needs them).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "InvalidInput",
    "InvalidStructure",
    "MonoselectError",
    "Result",
    "Scenario",
    "SolverFailure",
    "Split",
    "Store",
    "StoreUnavailable",
    "UnknownReagent",
    "UnknownRecord",
    "WorkupResult",
    "compare",
    "depict_svg",
    "final_split",
    "fit",
    "ion_table",
    "load_scenario",
    "load_workup",
    "make_conditions",
    "make_constraints",
    "make_scenario",
    "make_symptom",
    "make_workup",
    "optimise",
    "parse_mapping",
    "procedure",
    "recommend",
    "search_workup",
    "simulate",
    "species_table",
    "troubleshoot",
    "workup",
    "write_picture",
    "write_report",
]

_WHERE = {
    "InvalidInput": "monoselect.errors",
    "InvalidStructure": "monoselect.errors",
    "MonoselectError": "monoselect.errors",
    "SolverFailure": "monoselect.errors",
    "UnknownReagent": "monoselect.errors",
    "Scenario": "monoselect.scenario",
    "load_scenario": "monoselect.scenario",
    "parse_mapping": "monoselect.scenario",
    "make_scenario": "monoselect.scenario",
    "Result": "monoselect.results",
    "Split": "monoselect.results",
    "simulate": "monoselect.models",
    "species_table": "monoselect.models.site",
    "depict_svg": "monoselect.chem.products",
    "final_split": "monoselect.kinetics.closed_form",
    "compare": "monoselect.comparison",
    "fit": "monoselect.fit",
    "make_conditions": "monoselect.protocols.base",
    "ion_table": "monoselect.chem.ions",
    "load_workup": "monoselect.workup",
    "make_constraints": "monoselect.advise",
    "make_symptom": "monoselect.advise",
    "make_workup": "monoselect.workup",
    "optimise": "monoselect.advise",
    "procedure": "monoselect.procedure",
    "recommend": "monoselect.advise",
    "search_workup": "monoselect.workup",
    "Store": "monoselect.store",
    "StoreUnavailable": "monoselect.store",
    "troubleshoot": "monoselect.advise",
    "UnknownRecord": "monoselect.store",
    "workup": "monoselect.workup",
    "WorkupResult": "monoselect.workup",
    "write_picture": "monoselect.pictures",
    "write_report": "monoselect.procedure.report",
}


def __getattr__(name: str):
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'monoselect' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
