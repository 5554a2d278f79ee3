"""The bench procedure of a simulated run (weights, volumes, pump rates, steps, expected
outcome, LC-MS ions, notes) and the report that carries it (HTML, Markdown, PDF)."""

from monoselect.procedure.build import ProcedureResult, procedure

__all__ = ["ProcedureResult", "procedure"]


class _CallableModule(__import__("types").ModuleType):
    """``monoselect.procedure`` is both this package and the public function: importing the
    package sets it as the attribute of ``monoselect``, so the package calls the function."""

    def __call__(self, *args, **kwargs):
        return procedure(*args, **kwargs)


__import__("sys").modules[__name__].__class__ = _CallableModule
