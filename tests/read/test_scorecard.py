"""demoscope.read.scorecard: one country in one edition."""

from __future__ import annotations

import pytest
from facts import page_years_of, years_of

from demoscope.errors import NotFound, UnknownCountry
from demoscope.methodology import Direction
from demoscope.read.scorecard import scorecard


def test_kazakhstan_2008_as_published(read, m):
    card = scorecard(read, m, "KAZ", 2008)
    assert card["ratings"] == {"EP": 6.75, "CS": 5.5, "IM": 6.75, "NDG": 6.75, "LDG": 6.25,
                               "JFI": 6.25, "CO": 6.5}
    assert (card["democracy_score"], card["democracy_percentage"]) == (6.39, 10.12)
    assert card["regime"] == "Consolidated Authoritarian Regime"
    assert (card["direction"], card["edition_direction"], card["previous_edition"]) == (
        "1_best", "1_best", 2007)
    assert card["complete"] and card["missing"] == []


def test_other_direction_mirrors_values_and_keeps_the_regime(read, m):
    own, other = scorecard(read, m, "KAZ", 2008), scorecard(read, m, "KAZ", 2008, Direction.HIGH_BEST)
    assert other["direction"] == "7_best" and other["edition_direction"] == "1_best"
    assert all(other["ratings"][c] == 8 - v for c, v in own["ratings"].items())
    assert other["democracy_score"] == 1.61 and other["regime"] == own["regime"]
    assert {c["category"]: c["verb"] for c in other["changes"]} == {
        c["category"]: c["verb"] for c in own["changes"]}


def test_latest_edition_by_default_and_the_published_quirk(read, m):
    latest = max(years_of("KAZ") + page_years_of("KAZ"))
    assert scorecard(read, m, "KAZ")["edition"] == latest
    card = scorecard(read, m, "KGZ", 2015)
    assert card["quirk"] and card["published_democracy_score"] == 5.99


def test_missing_and_unknown(read, m):
    with pytest.raises(NotFound, match="editions with data"):
        scorecard(read, m, "KAZ", 1995)
    with pytest.raises(UnknownCountry):
        scorecard(read, m, "XXX", 2008)


def test_each_change_carries_its_justification_and_sources(read, m, db_url):
    """The evidence of a change (added fields): what was recorded with the new value."""
    from demoscope.numbers import frac
    from demoscope.services.rating import rate
    from demoscope.store.db import get_engine

    rate(get_engine(db_url), m, "KAZ", 2008, "CS", frac("5.75"), source="invented panel",
         source_url="https://example.org/panel", justification="  An invented reason.  ")
    by = {c["category"]: c for c in scorecard(read, m, "KAZ", 2008)["changes"]}
    assert by["CS"]["verb"] == "remains"
    assert by["CS"]["justification"] == "An invented reason."
    assert by["CS"]["sources"] == [{"label": "invented panel", "url": "https://example.org/panel"}]
    assert by["EP"]["justification"] is None
    assert by["EP"]["sources"][0]["label"] == "built-in dataset"
    # the other direction converts the values, not the evidence
    other = {c["category"]: c for c in scorecard(read, m, "KAZ", 2008, Direction.HIGH_BEST)["changes"]}
    assert other["CS"]["sources"] == by["CS"]["sources"]
