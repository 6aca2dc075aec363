"""The draft seam, end to end: a team's report draft becomes the published country report
(CLI, pages) once its edition is published through the workflow, and never before."""

from __future__ import annotations

import re
from html import unescape

from demoscope.methodology import nit
from demoscope.publish import drafts
from demoscope.publish.render import render_report
from demoscope.services import assessment, publication, users
from demoscope.store import reads
from demoscope.store.db import get_engine
from demoscope.workflow.roles import Actor

YEAR = 2025
PASSWORD = "an invented passphrase for tests"
OPENING = "An invented opening, written for this test only.[1]"


def test_a_published_draft_is_the_report_text_and_only_then(db_url):
    from fastapi.testclient import TestClient

    from demoscope.web.app import create_app

    engine, m = get_engine(db_url), nit()
    users.add_user(engine, None, "root", "admin", PASSWORD, console=True)
    users.add_user(engine, None, "ed", "editor", PASSWORD, console=True)
    users.add_user(engine, None, "ana", "author", PASSWORD, ["EST"], console=True)
    ed, ana = Actor("ed", "editor"), Actor("ana", "author", ["EST"])
    assessment.open_edition(engine, m, ed, YEAR, ["EST"])
    assessment.save_report(engine, m, ana, "EST", YEAR, {
        "executive_summary": OPENING, "summary:CS": "Invented groups registered freely.[1]",
        "outlook": "An invented outlook."}, [(1, "Invented Registry, Bulletin 2024.")])
    read = reads.reader_for_url(db_url)
    assert drafts.published_draft(read, m, "EST", YEAR) is None  # drafting: not public
    assert drafts.latest_draft(read, m, "EST", YEAR).executive_summary == OPENING
    assessment.move_edition(engine, m, ed, YEAR, "review")
    assessment.move_edition(engine, m, ed, YEAR, "consensus")
    edition = m.edition(YEAR)
    version = 0
    for cat, (value, _year) in assessment.starting_values(read, m, edition, "EST").items():
        assert value is not None
        version = assessment.set_consensus(engine, m, ed, "EST", YEAR, cat, value,
                                           "An invented reason.", version).version
    assert drafts.published_draft(read, m, "EST", YEAR) is None  # consensus: still not public
    with TestClient(create_app(db_url)) as client:
        assert client.get(f"/countries/EST/editions/{YEAR}/report").status_code == 404
        publication.publish(engine, m, ed, YEAR)
        draft = drafts.published_draft(read, m, "EST", YEAR)
        assert draft is not None and draft.authors == ("ana",)
        text = render_report(read, m, "EST", YEAR, "md").decode()
        assert "by ana" in text and OPENING in text and "data parts only" not in text
        assert "[1] Invented Registry, Bulletin 2024." in text
        assert "Civil Society. Invented groups registered freely.[1] Estonia's rating for civil " \
               "society remains at" in text
        page = client.get(f"/countries/EST/editions/{YEAR}/report")
        assert page.status_code == 200
        html = unescape(page.text)
        assert "An invented opening, written for this test only." in html
        assert 'href="#fn-1"' in html and 'id="fn-1"' in html


def test_each_change_of_a_published_draft_cites_its_footnotes_in_the_api(db_url):
    """GET /api/v1/changes and the scorecard give, per change of an edition the workflow
    published with a report draft, the footnotes its justification cites among its sources
    (the category's summary paragraph; the consensus justification where the draft has
    none), and nothing of a draft before publication. The report prints them as footnotes,
    not as the value's source."""
    from fractions import Fraction

    from fastapi.testclient import TestClient

    from demoscope.web.app import create_app

    engine, m = get_engine(db_url), nit()
    users.add_user(engine, None, "ed", "editor", PASSWORD, console=True)
    users.add_user(engine, None, "ana", "author", PASSWORD, ["EST"], console=True)
    ed, ana = Actor("ed", "editor"), Actor("ana", "author", ["EST"])
    assessment.open_edition(engine, m, ed, YEAR, ["EST"])
    notes = [(1, "Invented Registry, Bulletin 2024, https://example.org/registry."),
             (2, "Invented Electoral Board, Final Count (2024)."),
             (3, "An invented note nobody cites.")]
    assessment.save_report(engine, m, ana, "EST", YEAR, {
        "executive_summary": OPENING,
        "summary:CS": "Invented groups registered freely.[1] Fees fell again.[^1]"},
        notes)
    assessment.move_edition(engine, m, ed, YEAR, "review")
    assessment.move_edition(engine, m, ed, YEAR, "consensus")
    read = reads.reader_for_url(db_url)
    version = 0
    for cat, (value, _year) in assessment.starting_values(read, m, m.edition(YEAR), "EST").items():
        assert value is not None
        new = value + Fraction(1, 4) if cat == "CS" and value < 7 else value
        why = "An invented recount, see the board's figures [2]." if cat == "EP" else \
            "An invented reason."
        version = assessment.set_consensus(engine, m, ed, "EST", YEAR, cat, new, why,
                                           version).version
    query = {"country": "EST", "edition": YEAR}
    with TestClient(create_app(db_url)) as client:
        assert client.get("/api/v1/changes", params=query).json() == []  # nothing published
        publication.publish(engine, m, ed, YEAR)
        listed = client.get("/api/v1/changes", params=query).json()
        card = client.get(f"/api/v1/countries/EST/editions/{YEAR}").json()
        page = unescape(client.get(f"/countries/EST/editions/{YEAR}/report").text)
    by = {c["category"]: c for c in listed}
    assert set(by) == set(m.edition(YEAR).categories) and by["CS"]["verb"] != "remains"
    cited = {k: [s for s in c["sources"] if s["label"].startswith("[")] for k, c in by.items()}
    assert cited["CS"] == [{"label": "[1] " + notes[0][1], "url": "https://example.org/registry"}]
    assert cited["EP"] == [{"label": "[2] " + notes[1][1], "url": None}]
    assert all(not v for k, v in cited.items() if k not in ("CS", "EP"))
    assert all(c["sources"][0]["label"] != c["sources"][-1]["label"] for c in by.values()
               if c["category"] in ("CS", "EP"))  # the value's own source comes first
    assert by["EP"]["justification"] == "An invented recount, see the board's figures [2]."
    assert {c["category"]: c["sources"] for c in card["changes"]} == \
        {k: c["sources"] for k, c in by.items()}
    value_sources = re.findall(r'<p class="sources">(.*?)</p>', page, re.S)
    assert value_sources and not any("Invented Registry" in s for s in value_sources)
    assert 'id="fn-1"' in page and "Invented Registry, Bulletin 2024" in page
