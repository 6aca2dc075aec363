"""Shared paths for the report tests: fixtures in the repo, the real corpus in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_paths import shared_dir

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "reports"


CORPUS = shared_dir() / "corpus"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def m():
    from demoscope.methodology import nit

    return nit()
