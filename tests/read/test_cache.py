"""demoscope.read.cache: read models are built once per data version, never stale."""

from __future__ import annotations

from fractions import Fraction

from demoscope.read.cache import ReadModels
from demoscope.read.scorecard import scorecard
from demoscope.services.rating import rate
from demoscope.store.db import get_engine


def test_built_once_per_version_and_rebuilt_after_a_write(db_url, read, m):
    models = ReadModels(read)
    builds = []

    def build():
        builds.append(1)
        return scorecard(read, m, "KAZ", 2008)

    first = models.get(("card",), build)
    again = models.get(("card",), build)
    assert again is first and len(builds) == 1 and first.etag == again.etag
    rate(get_engine(db_url), m, "KAZ", 2008, "CS", Fraction(6), justification="x", source="t")
    fresh = models.get(("card",), build)
    assert len(builds) == 2 and fresh.version.serial == first.version.serial + 1
    assert fresh.value["ratings"]["CS"] == 6.0 and fresh.etag != first.etag


def test_capacity_is_bounded(read):
    models = ReadModels(read, capacity=8)
    for i in range(50):
        models.get(i, lambda i=i: i)
    assert len(models._entries) <= 8
