"""Read-model tests run on the built-in dataset in a real database (both backends)."""

from __future__ import annotations

import pytest

from demoscope.methodology import nit
from demoscope.store import reads


@pytest.fixture
def read(db_url):
    return reads.reader_for_url(db_url)


@pytest.fixture
def m():
    return nit()

