"""The help desk: troubleshoot a run from its symptom, recommend a protocol under the
chemist's constraints, optimise one protocol's conditions.

Sits above protocols (cli -> advise -> protocols -> models) and reads results only through
the Result and ProtocolResult interfaces.
"""

from __future__ import annotations

from monoselect.advise.decide import Advice, Constraints, advise as recommend, make_constraints
from monoselect.advise.optimise import Optimum, optimise
from monoselect.advise.symptoms import Symptom, make_symptom, parse_observed
from monoselect.advise.troubleshoot import Diagnosis, Troubleshooting, troubleshoot

__all__ = [
    "Advice",
    "Constraints",
    "Diagnosis",
    "Optimum",
    "Symptom",
    "Troubleshooting",
    "make_constraints",
    "make_symptom",
    "optimise",
    "parse_observed",
    "recommend",
    "troubleshoot",
]
