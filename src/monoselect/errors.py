"""Domain errors: each names the field at fault and what to change.

They pickle across processes (sweeps run in workers) and map to CLI exit codes and, later,
HTTP 422, so every front end reports the same message without a traceback.
"""

from __future__ import annotations


class MonoselectError(Exception):
    """Base of every error a user can meet; ``str()`` is the whole message."""

    exit_code = 2

    def __init__(self, message: str, *, field: str | None = None, fix: str | None = None):
        self.message = message
        self.field = field
        self.fix = fix
        super().__init__(self._render())

    def _render(self) -> str:
        text = self.message
        if self.field:
            text += f" (field: {self.field})"
        if self.fix:
            text += f" - {self.fix}"
        return text

    def __reduce__(self):
        return (_rebuild, (type(self), self.message, self.field, self.fix))


def _rebuild(cls, message, field, fix):
    return cls(message, field=field, fix=fix)


class InvalidInput(MonoselectError):
    """A value the user gave is out of range, of the wrong unit or missing."""


class InvalidStructure(InvalidInput):
    """A SMILES that RDKit cannot parse, or a molecule with no reactive site."""


class UnknownReagent(InvalidInput):
    """A substrate or electrophile name that is in no shipped table."""


class SolverFailure(MonoselectError):
    """The integrator could not reach the requested end point within its limits."""

    exit_code = 3
