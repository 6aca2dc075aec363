"""demoscope.read.coverage and the published / reconstructed values in the answers, on the
built-in dataset (both backends): statuses, headline-only scorecards, reconstructed rows and
the exports that carry them."""

from __future__ import annotations

from fractions import Fraction

from demoscope import exports
from demoscope.dataset import builtin_headlines
from demoscope.methodology import Direction
from demoscope.read.coverage import STATUSES, country_statuses, coverage
from demoscope.read.scorecard import scorecard
from demoscope.read.series import country, scores


def test_the_grid_gives_every_country_edition_one_status(read, m):
    grid = coverage(read, m)
    assert grid["statuses"] == list(STATUSES) and grid["editions"] == sorted(m.editions)
    cell = {c["iso3"]: c["editions"] for c in grid["countries"]}
    assert cell["KAZ"]["2008"] == {"status": "complete", "ratings": 7, "categories": 7,
                                   "headline": False}
    assert cell["KAZ"]["2022"]["status"] == "headline-only" and cell["KAZ"]["2022"]["headline"]
    assert cell["SRB"]["2019"]["status"] == "reconstructed"
    assert cell["SRB"]["2018"] == {"status": "complete", "ratings": 7, "categories": 7,
                                   "headline": True}
    assert cell["KAZ"]["1995"]["status"] == "none"
    assert sum(grid["counts"].values()) == len(grid["countries"]) * len(m.editions)
    # every page country-edition without a full row is headline-only or reconstructed
    held = {k for k, h in builtin_headlines().items()}
    assert grid["counts"]["reconstructed"] == 4
    assert all(cell[i][str(y)]["status"] in ("complete", "reconstructed", "headline-only")
               for i, y in held)
    assert country_statuses(read, m, "SRB")[2019] == "reconstructed"


def test_a_headline_only_scorecard_shows_the_published_values_marked(read, m):
    h = builtin_headlines()[("KAZ", 2022)]
    card = scorecard(read, m, "KAZ", 2022)
    assert card["status"] == "headline-only" and card["ratings"] == {}
    assert card["democracy_score"] is None and not card["complete"]  # nothing computed
    assert card["published_democracy_score"] == float(h.score)
    assert card["published_democracy_percentage"] == float(h.percentage)
    assert card["published_regime"] == h.regime and card["reconstructed"] is None
    head = card["headline"]
    assert head["kind"] == "published headline" and head["source_url"] == h.source_url
    assert {c["category"] for c in head["changes"]} == {c.code for c in h.changes}


def test_a_page_printed_on_the_other_scale_is_shown_converted(read, m):
    """Serbia 2018: the page prints 4.04 on the 7-best scale; the 2018 edition is 1-best."""
    card = scorecard(read, m, "SRB", 2018)
    assert card["status"] == "complete" and card["democracy_score"] == 3.96
    assert card["headline"]["printed_scale"] == "7_best"
    assert card["headline"]["printed_democracy_score"] == 4.04
    assert card["headline"]["democracy_score"] == 3.96 == card["published_democracy_score"]
    seven = scorecard(read, m, "SRB", 2018, Direction.HIGH_BEST)
    assert seven["headline"]["democracy_score"] == 4.04


def test_a_reconstructed_row_is_apart_from_the_ratings_with_its_provenance(read, m):
    card = scorecard(read, m, "SRB", 2019)
    assert card["status"] == "reconstructed" and card["ratings"] == {}
    rec = card["reconstructed"]
    assert rec["kind"] == "reconstructed" and rec["base_edition"] == 2018
    assert rec["provenance"] == "reconstructed from 2018 + changes printed in 2019"
    assert rec["democracy_score"] == card["published_democracy_score"] == 4.0
    before = scorecard(read, m, "SRB", 2018)["ratings"]
    assert rec["ratings"] == {**before, "LDG": 4.0}  # the one change the 2019 page prints
    seven = scorecard(read, m, "SRB", 2019, Direction.HIGH_BEST)["reconstructed"]
    assert seven["ratings"] == {c: 8 - v for c, v in rec["ratings"].items()}


def test_series_and_scores_carry_the_status(read, m):
    eds = {e["edition"]: e for e in country(read, m, "SRB")["editions"]}
    assert eds[2019]["status"] == "reconstructed" and eds[2019]["democracy_score"] is None
    assert all(v is None for v in eds[2019]["ratings"].values())  # never mixed in
    assert eds[2019]["reconstructed"]["provenance"].startswith("reconstructed from 2018")
    got = {s["edition"]: s for s in scores(read, m, ["KAZ"], 2016, 2024)}
    assert got[2022]["status"] == "headline-only" and got[2022]["democracy_score"] is None
    assert got[2022]["published_democracy_score"] == 1.36
    assert got[2016]["status"] == "complete" and got[2016]["published_regime"] is None


def test_exports_keep_reconstructed_and_headline_values_apart(read, m):
    ratings, _ = exports.table_frame(read, m, "ratings")
    assert not ((ratings["iso3"] == "SRB") & (ratings["edition"] == 2019)).any()
    rec, stamp = exports.table_frame(read, m, "reconstructed")
    assert stamp.table == "reconstructed" and len(rec) == 4 * 7
    assert set(rec["status"]) == {"reconstructed"}
    assert set(rec["provenance"]) == {"reconstructed from 2018 + changes printed in 2019"}
    wide, _ = exports.table_frame(read, m, "reconstructed", wide=True)
    assert len(wide) == 4 and list(wide.columns[:6]) == [
        "country", "iso3", "edition", "direction", "status", "provenance"]
    sc, _ = exports.table_frame(read, m, "scores", iso3s=["KAZ"], first=2022, last=2022)
    row = sc.iloc[0]
    assert row["status"] == "headline-only" and row["published_democracy_score"] == 1.36
    assert Fraction(str(row["published_democracy_percentage"])) == Fraction("5.95")
    assert list(sc.columns) == exports.SCORE_COLUMNS
