"""Fixtures for the stats tests: simulated panels (fixed seeds) and the CLI run in-process."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from demoscope.methodology import nit
from demoscope.stats.panel import Panel


@pytest.fixture(scope="session")
def methodology():
    return nit()


def write_panel(path: Path, panel: Panel, truth=None) -> Path:
    """A panel as the CSV ``demoscope estimate --ratings`` reads (a truth column is ignored)."""
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["country", "edition", "category", "rater", "value"] + (["truth"] if truth is not None else []))
        for i in range(panel.n_ratings):
            c = int(panel.rating_cell[i])
            country, edition, category = panel.cell_key(c)
            row = [country, edition, category, panel.raters[panel.rating_rater[i]],
                   f"{panel.rating_value[i]:.2f}"]
            w.writerow(row + ([f"{truth[c]:.4f}"] if truth is not None else []))
    return path


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
