"""demoscope.read.overview: one edition, all countries; rankings."""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise

import pytest
from facts import countries_in, years_of

from demoscope.errors import InvalidRating, UnknownEdition
from demoscope.methodology import Direction
from demoscope.numbers import num
from demoscope.read.overview import edition_overview, latest_edition, ranking, sort_rows
from demoscope.read.scorecard import scorecard


def test_overview_rows_agree_with_the_scorecards(read, m):
    ov = edition_overview(read, m, 2008)
    assert ov["label"] == "2008" and ov["direction"] == "1_best" and ov["previous_edition"] == 2007
    assert {r["iso3"] for r in ov["countries"]} == countries_in(2008)
    kaz = next(r for r in ov["countries"] if r["iso3"] == "KAZ")
    card = scorecard(read, m, "KAZ", 2008)
    assert kaz["ratings"] == card["ratings"] and kaz["democracy_score"] == card["democracy_score"]
    assert kaz["changes"] == {c["category"]: c["verb"] for c in card["changes"]}
    assert kaz["region"] == "Eurasia"


def test_regional_averages_are_exact_means_of_the_rows(read, m):
    """The score's mean is over the scores shown: computed, else printed (Slovenia 2008 has
    categories missing and its printed score); n says how many."""
    ov = edition_overview(read, m, 2008)
    for region, avg in ov["regional_averages"].items():
        members = [r for r in ov["countries"] if r["region"] == region]
        ds = [Fraction(str(v)) for r in members
              if (v := r["democracy_score"] if r["democracy_score"] is not None
                  else r["published_democracy_score"]) is not None]
        assert avg["DS"] == (num(sum(ds) / len(ds)) if ds else None)
        assert ov["regional_counts"][region]["DS"] == len(ds)
    svn = next(r for r in ov["countries"] if r["iso3"] == "SVN")
    assert svn["status"] == "partial" and svn["democracy_score"] is None
    assert svn["published_democracy_score"] is not None and "score_published" in svn["flags"]


def test_sort_and_regions_by_edition(read, m):
    ov = edition_overview(read, m, 2012)
    rows = sort_rows(m, ov, "DS")
    scores = [r["democracy_score"] for r in rows if r["democracy_score"] is not None]
    assert scores == sorted(scores)
    hrv = {y: next(r for r in edition_overview(read, m, y)["countries"] if r["iso3"] == "HRV")
           for y in (2012, 2013)}
    assert hrv[2012]["region"] != hrv[2013]["region"]  # the 2013 accession


def test_ranking_most_democratic_first_with_shared_ranks(read, m):
    for d in (None, Direction.HIGH_BEST):
        ranks = ranking(read, m, 2008, "DS", d)
        rows = edition_overview(read, m, 2008, d)["countries"]
        shown = [r["democracy_score"] if r["democracy_score"] is not None
                 else r["published_democracy_score"] for r in rows]
        best = (min if d is None else max)(v for v in shown if v is not None)
        assert ranks[0]["value"] == best and ranks[0]["rank"] == 1
        assert len(ranks) == sum(v is not None for v in shown)  # printed scores rank too
        assert [r["published"] for r in ranks].count(True) == sum(
            r["democracy_score"] is None and r["published_democracy_score"] is not None for r in rows)
        assert all(a["rank"] <= b["rank"] for a, b in pairwise(ranks))
    with pytest.raises(InvalidRating, match="does not rate GOV"):
        ranking(read, m, 2008, "GOV")


def test_empty_edition_and_latest(read, m):
    """An edition the data holds nothing of is an empty overview that says so (its page is
    200); a year that is no edition stays an error."""
    empty = edition_overview(read, m, 1995)
    assert empty["countries"] == [] and empty["coverage"]["in_dataset"] == 0
    assert empty["coverage"]["sentence"].startswith("0 countries of")
    later = edition_overview(read, m, 2021)
    cov = later["coverage"]
    assert cov["rated"] == 29 and f"{cov['in_dataset']} of the 29 countries rated" in cov["sentence"]
    assert cov["headline_only"] == sum(r["status"] == "headline-only" for r in later["countries"]) > 0
    head = next(r for r in later["countries"] if r["status"] == "headline-only")
    assert head["democracy_score"] is None and head["published_democracy_score"] is not None
    assert head["ratings"] == dict.fromkeys(later["categories"]) and head["regime"]
    with pytest.raises(UnknownEdition):
        edition_overview(read, m, 1996)
    assert latest_edition(read, m) == years_of()[-1]
