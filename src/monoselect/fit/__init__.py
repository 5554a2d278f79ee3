"""Learn the chemist's selectivity from what the flask gave: experiments as run plus what
was observed, fitted by maximum likelihood on the full simulation of each run, with
profile-likelihood intervals that say which parameters the data can tell."""

import sys
import types

from monoselect.fit.estimate import FitResult, Fitter, fit
from monoselect.fit.experiments import Experiment, Observation, read_experiments

__all__ = ["Experiment", "FitResult", "Fitter", "Observation", "fit", "read_experiments"]


class _CallableModule(types.ModuleType):
    """``monoselect.fit`` is both this package and the public function: importing the
    package sets it as the attribute of ``monoselect``, so the package calls the function."""

    def __call__(self, *args, **kwargs):
        return fit(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
