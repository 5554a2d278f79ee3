"""Learn the chemist's selectivity from what the flask gave: experiments as run plus what
was observed, fitted by maximum likelihood on the full simulation of each run, with
profile-likelihood intervals that say which parameters the data can tell."""

from monoselect.fit.estimate import FitResult, Fitter, fit
from monoselect.fit.experiments import Experiment, Observation, read_experiments

__all__ = ["Experiment", "FitResult", "Fitter", "Observation", "fit", "read_experiments"]
