"""Shared paths for the report tests: fixtures in the repo, the real corpus in ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "reports"


def shared_dir() -> Path:
    """``$DEMOSCOPE_SHARED`` or the ``shared`` folder beside the repository."""
    env = os.environ.get("DEMOSCOPE_SHARED")
    return Path(env) if env else REPO.parent / "shared"


CORPUS = shared_dir() / "corpus"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def m():
    from demoscope.methodology import nit

    return nit()
