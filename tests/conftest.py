"""Shared catalogue of substrates and small builders used across the tests."""

import pytest

from monoselect.kinetics.network import RateModel, build_network, symmetric_diamine


@pytest.fixture
def diamine_network():
    """Symmetric diamine with rho given per test."""

    def make(rho: float = 1.0, k: float = 0.05):
        return build_network(symmetric_diamine(), RateModel((k,), rho=rho))

    return make
