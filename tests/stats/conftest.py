"""Fixtures for the stats tests: simulated panels (fixed seeds) and the CLI run in-process."""

from __future__ import annotations

import sys

import pytest

from demoscope.methodology import nit


@pytest.fixture(scope="session")
def methodology():
    return nit()


@pytest.fixture
def run(monkeypatch, capsysbinary):
    """Run ``demoscope ARGS`` in-process: (exit code, stdout, stderr). No database needed."""
    from demoscope.cli import main

    def go(*args: object) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["demoscope", *map(str, args)])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out = capsysbinary.readouterr()
        return code, out.out.decode(), out.err.decode()

    return go
