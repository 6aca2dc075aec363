"""Run ``demoscope ARGS`` in-process, the way the ``cli`` fixture and the CLI tests that bring
their own database (or none) do: one runner instead of a copy per test module."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

Runner = Callable[..., tuple[int, str, str]]


def cli_runner(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes],
               database_url: str | None = None) -> Runner:
    """A function ``run(*args) -> (exit code, stdout, stderr)`` calling ``demoscope`` with
    ``args``; against ``database_url`` when given."""
    from demoscope.cli import main

    if database_url is not None:
        monkeypatch.setenv("DEMOSCOPE_DATABASE_URL", database_url)

    def run(*args: object) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["demoscope", *map(str, args)])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out = capsysbinary.readouterr()
        return code, out.out.decode(), out.err.decode()

    return run
