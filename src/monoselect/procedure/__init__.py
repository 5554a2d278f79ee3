"""The bench procedure of a simulated run (weights, volumes, pump rates, steps, expected
outcome, LC-MS ions, notes) and the report that carries it (HTML, Markdown, PDF)."""

from monoselect.procedure.build import ProcedureResult, procedure

__all__ = ["ProcedureResult", "procedure"]
