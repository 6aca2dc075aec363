"""A whole edition's reports, in worker processes or one by one: the same files."""

from __future__ import annotations

from demoscope.methodology import nit
from demoscope.publish.render import render_edition


def test_edition_in_parallel_matches_one_by_one(db_url, tmp_path):
    m = nit()
    ticks = []
    one = render_edition(db_url, m, 2009, ("md",), tmp_path / "one")
    two = render_edition(db_url, m, 2009, ("md",), tmp_path / "two", jobs=2,
                         progress=lambda done, total, label: ticks.append((done, total)))
    assert len(one) == len(two) >= 28 and ticks[-1] == (len(two), len(two))
    for a, b in zip(sorted(one), sorted(two), strict=True):
        assert a.name == b.name and a.read_bytes() == b.read_bytes()
