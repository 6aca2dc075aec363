"""demoscope.read.series: one country across editions; scores and changes across countries."""

from __future__ import annotations

from demoscope.methodology import Direction
from demoscope.read.scorecard import scorecard
from demoscope.read.series import changes, compare, country, country_chart, scores


def test_series_keeps_each_editions_scale_unless_asked(read, m):
    s = country(read, m, "Kazakhstan")
    assert s["iso3"] == "KAZ" and s["region"] == "Eurasia"
    # each edition on its own scale: the 2020+ editions (page headlines) on the 7-best one
    assert all(e["direction"] == m.direction_label(m.edition(e["edition"]).direction)
               for e in s["editions"])
    assert {e["direction"] for e in s["editions"] if e["status"] == "complete"} == {"1_best"}
    one = country(read, m, "KAZ", Direction.HIGH_BEST)["editions"]
    assert {e["direction"] for e in one} == {"7_best"}
    assert [e["ratings"] for e in one] == [
        {c: None if v is None else 8 - v for c, v in e["ratings"].items()} for e in s["editions"]]
    e2008 = next(e for e in s["editions"] if e["edition"] == 2008)
    assert e2008["democracy_score"] == scorecard(read, m, "KAZ", 2008)["democracy_score"]


def test_chart_is_on_one_scale(read, m):
    s = country(read, m, "KAZ")["editions"]
    chart = country_chart(read, m, "KAZ", s)
    latest = m.edition(s[-1]["edition"]).direction  # the latest edition's scale
    assert chart["direction"] == m.direction_label(latest)
    assert chart["reversed"] is (latest is Direction.LOW_BEST)
    one = country_chart(read, m, "KAZ", s, Direction.LOW_BEST)
    seven = country_chart(read, m, "KAZ", s, Direction.HIGH_BEST)
    ds, ds7 = one["lines"][0], seven["lines"][0]
    assert ds["primary"] and ds["key"] == "DS" and not seven["reversed"] and one["reversed"]
    assert ds7["values"] == [None if v is None else round(8 - v, 2) for v in ds["values"]]
    assert len(chart["years"]) == len(ds["values"]) == len(chart["labels"]) == len(s)
    # one colour per category on every country's chart; bands of the chart's own scale
    other = country_chart(read, m, "EST", country(read, m, "EST")["editions"])
    colours = {ln["key"]: ln["colour"] for ln in chart["lines"]}
    assert all(colours.get(ln["key"], ln["colour"]) == ln["colour"] for ln in other["lines"])
    assert [b["low"] for b in one["bands"]] == [1.0, 3.0, 4.0, 5.0, 6.0]
    assert [b["high"] for b in seven["bands"]] == [7.0, 5.0, 4.0, 3.0, 2.0]
    assert "previous calendar year" in chart["x_title"]
    narrow = country_chart(read, m, "KAZ", s, None, 2005, 2010)  # the time-range control
    assert narrow["years"] == [y for y in chart["years"] if 2005 <= y <= 2010]


def test_scores_and_changes_agree_with_the_scorecard(read, m):
    got = scores(read, m, ["KAZ"], 2008, 2008)
    assert got == [{"country": "Kazakhstan", "iso3": "KAZ", "edition": 2008, "direction": "1_best",
                    "democracy_score": 6.39, "democracy_percentage": 10.12,
                    "regime": "Consolidated Authoritarian Regime", "complete": True,
                    "status": "complete", "published_democracy_score": 6.39,
                    "published_democracy_percentage": None, "published_regime": None,
                    "reconstructed": None,
                    "flags": ["regime_derived", "percentage_derived"]}]
    ch = changes(read, m, ["KAZ"], 2008)
    card = scorecard(read, m, "KAZ", 2008)
    assert [{k: c[k] for k in ("category", "from", "to", "verb", "sentence", "justification",
                               "sources")} for c in ch] == card["changes"]
    assert all(c["verb"] != "remains" for c in changes(read, m, ["KAZ"], 2008, changed_only=True))


def test_compare_only_editions_that_rate_the_category(read, m):
    data = compare(read, m, ["KAZ", "EST"], "NDG", Direction.HIGH_BEST)
    assert min(y for y, _ in data["KAZ"]) == 2005  # NDG exists from 2005
