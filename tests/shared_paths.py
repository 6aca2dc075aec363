"""Where the shared material lives: ``$DEMOSCOPE_SHARED`` or the ``shared`` folder beside the
repository (real data and reports, read at run time; tests skip where it is absent).

A module of its own so that any test can import it by name: ``from conftest import ...``
resolved to whichever conftest was imported last and failed when another folder's tests
were collected first (``pytest tests/publish tests/test_real_pages.py``)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """``$DEMOSCOPE_SHARED`` or the ``shared`` folder beside the repository."""
    env = os.environ.get("DEMOSCOPE_SHARED")
    return Path(env) if env else REPO.parent / "shared"
