"""demoscope.read.ratings: tidy rows for the API, the exports and load()."""

from __future__ import annotations

import pytest

from demoscope.errors import InvalidRating
from demoscope.methodology import Direction
from demoscope.read.ratings import ratings_page, stored_ratings


def test_page_order_conversion_and_next(read, m):
    page = ratings_page(read, m, first=2008, last=2008, iso3s=["KAZ"], categories=[],
                        direction=None, limit=3, offset=0, link=lambda at: f"next?offset={at}")
    assert page["total"] == 7 and page["next"] == "next?offset=3"
    assert [i["category"] for i in page["items"]] == ["CO", "CS", "EP"]  # by category code
    seven = ratings_page(read, m, first=2008, last=2008, iso3s=["KAZ"], categories=["EP"],
                         direction=Direction.HIGH_BEST, limit=10, offset=0)
    assert seven["items"] == [{"country": "Kazakhstan", "iso3": "KAZ", "edition": 2008,
                               "category": "EP", "rating": 1.25, "direction": "7_best"}]
    assert seven["next"] is None
    with pytest.raises(InvalidRating):
        ratings_page(read, m, first=None, last=None, iso3s=[], categories=["XX"], direction=None,
                     limit=1, offset=0)


def test_stored_ratings_in_export_order(read, m):
    rows = stored_ratings(read, m, iso3s=["KAZ"], first=2008, last=2008)
    assert [r["category"] for r in rows] == ["EP", "CS", "IM", "NDG", "LDG", "JFI", "CO"]
    assert len(stored_ratings(read, m)) == 2960 - 373
