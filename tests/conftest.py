"""Shared catalogue of substrates, small builders and the in-process command line."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import pytest

from monoselect.kinetics.network import RateModel, build_network, symmetric_diamine


@pytest.fixture
def diamine_network():
    """Symmetric diamine with rho given per test."""

    def make(rho: float = 1.0, k: float = 0.05):
        return build_network(symmetric_diamine(), RateModel((k,), rho=rho))

    return make


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@functools.cache
def _command(app):
    import typer.main

    return typer.main.get_command(app)


def run_cli(*args: str, cwd=None) -> Ran:
    """``monoselect ARGS`` in this process (typer's runner): the same parsing, output and
    exit codes as the installed command, without a new interpreter per test. An exception
    that escapes the command is a bug (the user would see a traceback): it fails the test."""
    import typer.testing
    from typer.testing import CliRunner

    from monoselect.cli import app

    old = os.getcwd()
    # the click command is built once, as the installed command builds it once per process
    # (typer's runner rebuilds every subcommand per call, 20 ms each; a typer without this
    # hook just keeps doing so)
    built = getattr(typer.testing, "_get_command", None)
    try:
        if cwd is not None:
            os.chdir(cwd)
        if built is not None:
            typer.testing._get_command = _command
        result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=True)
    finally:
        if built is not None:
            typer.testing._get_command = built
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)
