"""The assembler: draft checks, the notes of a data-only report, the overview's parts."""

from __future__ import annotations

from fractions import Fraction

import pytest

from demoscope.methodology import nit
from demoscope.numbers import frac
from demoscope.publish import assemble, markdown
from demoscope.publish.model import DraftFootnote, InvalidDraft, ReportDraft


def test_historic_edition_says_it_holds_data_parts_only(read):
    r = assemble.country_report(read, nit(), "KAZ", 2008)
    assert not r.has_draft and not r.footnotes and not r.outlook
    assert any("data parts only" in n for n in r.notes)
    assert r.democracy_score == Fraction("6.39") and r.regime == "Consolidated Authoritarian Regime"
    assert [c.category for c in r.changes if c.changed] == ["EP", "CS"]
    text = markdown.country_report(r)
    assert "> This report holds the data parts only" in text
    assert "## Notes" not in text


@pytest.mark.parametrize("draft,field", [
    (ReportDraft(category_summaries={"GOV": "Governance was not rated in 2008."}), "summary:GOV"),
    (ReportDraft(executive_summary="A claim.[4]"), "executive_summary"),
    (ReportDraft(category_summaries={"EP": "Kazakhstan's rating for electoral process "
                                           "improves from 6.50 to 6.25."}), "summary:EP"),
    (ReportDraft(footnotes=(DraftFootnote(1, "a"), DraftFootnote(1, "b"))), "footnotes"),
])
def test_a_draft_the_report_cannot_print_faithfully_is_refused(read, draft, field):
    with pytest.raises(InvalidDraft) as exc:
        assemble.country_report(read, nit(), "KAZ", 2008, draft)
    assert exc.value.field == field


def test_draft_from_parts_and_footnote_markers(read):
    d = ReportDraft.from_parts(
        {"executive_summary": "Opening.[^1]", "summary:ep": "Why it moved.[1]",
         "EP": "The section.", "outlook": "Next year."},
        footnotes=[(1, "A source.")], authors=["A. Author"])
    r = assemble.country_report(read, nit(), "KAZ", 2008, d)
    assert r.executive_summary == "Opening.[1]"  # [^n] printed as the reports print it
    ep = next(p for p in r.categories if p.code == "EP")
    assert ep.summary == "Why it moved.[1]" and ep.section == "The section."
    assert ep.change is not None and ep.change.footnotes == (1,)
    assert r.footnotes[0].cited_in == ("executive_summary", "summary:EP")


def test_recorded_justification_is_the_evidence(engine, read_db):
    from demoscope.methodology import frac
    from demoscope.services.rating import rate

    m = nit()
    rate(engine, m, "EST", 2009, "CO", frac("2.25"), source="panel vote",
         justification="An invented reason: a new asset declaration law.")
    r = assemble.country_report(read_db, m, "EST", 2009)
    co = next(p for p in r.categories if p.code == "CO")
    assert co.change is not None and co.change.justification.startswith("An invented reason")
    assert co.change.sources[0].label == "panel vote"
    assert co.summary.startswith("An invented reason")  # printed where the reports did
    o = assemble.edition_overview(read_db, m, 2009)
    movers = {mv.iso3: mv for mv in (*o.improvements, *o.declines)}
    if "EST" in movers:
        assert any(c.justification for c in movers["EST"].changes)


def test_overview_parts(read):
    o = assemble.edition_overview(read, nit(), 2009)
    assert len(o.countries) >= 28
    assert sum(len(g.countries) for g in o.regimes) == sum(
        1 for c in o.countries if c.democracy_score is not None)
    assert {r.region for r in o.regions} >= {"Balkans", "Eurasia", "New EU Members"}
    assert all(r.n > 0 for r in o.regions)
    assert o.improvements and o.declines
    assert all(mv.delta > 0 for mv in o.improvements) and all(mv.delta < 0 for mv in o.declines)
    assert all(mv.changes for mv in (*o.improvements, *o.declines))
    best = o.regimes[0]
    assert best.name == "Consolidated Democracy"
    assert [s for _, _, s in best.countries] == sorted(s for _, _, s in best.countries)


def test_a_headline_only_edition_is_marked_as_published_never_as_ratings(read):
    """From 2018 the built-in data hold some country-editions as their page's headline only:
    the report shows the printed score marked "published", says it holds no ratings, and
    tells a gap in the data ("n.a." in Markdown, "–" in HTML, the site's missing mark) from
    "not rated" (n/a)."""
    from demoscope.publish import html
    from demoscope.read.coverage import MISSING_MARK
    from demoscope.read.scorecard import scorecard

    card = scorecard(read, nit(), "KAZ", 2023)
    assert card["status"] == "headline-only" and card["ratings"] == {}
    r = assemble.country_report(read, nit(), "KAZ", 2023)
    assert r.democracy_score is None and r.status == "headline-only"
    assert r.published_score == frac(str(card["published_democracy_score"]))
    assert any("holds no category ratings" in n for n in r.notes)
    assert any(n.startswith("Changes as the edition printed them:") for n in r.notes)
    ds = next(row for row in r.table.rows if row.code == "DS")
    last = len(ds.values) - 1
    assert ds.values[last] is None and ds.shown(last) == MISSING_MARK == "–"
    assert ds.shown(last, "n.a.") == "n.a."
    assert r.table.gap_note and any("as published" in n for n in r.table.notes)
    text = markdown.country_report(r)
    assert "| Democracy Score | 1.39 | 1.39 | 1.39 | n.a. |" in text and "n.a.: not in this" in text
    page = html.country_report(r)
    assert "(published)</small>" in page and "–: not in this database" in page
    # a rated edition keeps n/a for what its edition did not rate (GOV after the 2005 split)
    kaz = assemble.country_report(read, nit(), "KAZ", 2008)
    gov = next(row for row in kaz.table.rows if row.code == "GOV")
    assert gov.shown(len(gov.values) - 1) == "n/a"
