"""The country report draft: Markdown per part, numbered footnotes, versions, and the rating
sentence generated from the consensus (a typed one is refused)."""

from __future__ import annotations

from team import PASSWORD, bearer, first_admin, token

from demoscope.methodology import nit
from demoscope.read.assessment import report_source
from demoscope.services import assessment, users
from demoscope.store import reads
from demoscope.store.db import get_engine
from demoscope.workflow.roles import Actor

YEAR = 2025


def test_report_draft_versions_footnotes_and_generated_sentences(client, db_url):
    engine, m = get_engine(db_url), nit()
    first_admin(engine)
    users.add_user(engine, None, "ed", "editor", PASSWORD, console=True)
    users.add_user(engine, None, "ana", "author", PASSWORD, ["KAZ"], console=True)
    users.add_user(engine, None, "bo", "author", PASSWORD, ["KGZ"], console=True)
    ed = Actor("ed", "editor")
    assessment.open_edition(engine, m, ed, YEAR, ["KAZ", "KGZ"])
    ana, bo = bearer(token(client, "ana")), bearer(token(client, "bo"))
    url = f"/api/v1/assessments/KAZ/{YEAR}/report"
    empty = client.get(url, headers=ana).json()
    assert empty["version"] == 0 and empty["parts"] == {} and empty["part_keys"][0] == "executive_summary"
    body = {"parts": {"executive_summary": "A year of **contested** reforms.[1]",
                      "summary:EP": "Two new parties were registered.[2]",
                      "EP": "## Elections\n\nThe registration law changed.[2]",
                      "outlook": "Local elections are due."},
            "footnotes": [{"number": 1, "text": "Valdorian Gazette, 3 March."},
                          {"number": 2, "text": "Central Election Commission, decree 12."}],
            "version": 0}
    r = client.put(url, json=body, headers=ana)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 1 and r.json()["authors"] == ["ana"]
    # a stale version: 409; only the outlook changes with the right one (other parts kept)
    assert client.put(url, json={"parts": {"outlook": "x"}, "version": 0}, headers=ana).status_code == 409
    r = client.put(url, json={"parts": {"outlook": "Local elections in spring."},
                              "footnotes": body["footnotes"], "version": 1}, headers=ana)
    assert r.status_code == 200 and r.json()["version"] == 2
    assert r.json()["parts"]["EP"].startswith("## Elections")
    # refused: a typed rating sentence, a footnote the draft lacks, an unknown part
    typed = {"parts": {"summary:EP": "The rating for electoral process improves from 1.25 to 1.50."},
             "footnotes": body["footnotes"]}
    r = client.put(url, json=typed, headers=ana)
    assert r.status_code == 422 and r.json()["field"] == "summary:EP"
    r = client.put(url, json={"parts": {"outlook": "See [7]."}, "footnotes": body["footnotes"]},
                   headers=ana)
    assert r.status_code == 422 and "[7]" in r.json()["error"]
    r = client.put(url, json={"parts": {"GOV": "x"}}, headers=ana)
    assert r.status_code == 422 and r.json()["field"] == "GOV"
    assert client.put(url, json=body, headers=bo).status_code == 403
    assert client.put(url, json=body).status_code == 401
    # the sentence closing a category's summary is generated from the consensus
    assessment.move_edition(engine, m, ed, YEAR, "review")
    assessment.move_edition(engine, m, ed, YEAR, "consensus")
    read = reads.reader_for_url(db_url)
    start = client.get(url, headers=ana).json()
    assert start["sentences"]["EP"] is None
    assessment.set_consensus(engine, m, ed, "KAZ", YEAR, "EP", "1.50", "new parties", 0)
    got = client.get(url, headers=ana).json()
    assert got["sentences"]["EP"] == ("Kazakhstan's rating for electoral process improves from "
                                      "1.25 to 1.50.")
    page = client.get(f"/workflow/{YEAR}/KAZ/report")
    assert page.status_code == 200 and "/login" in str(page.url)  # anonymous: to the login
    # what the report renderer receives
    parts, notes, authors = report_source(read, m, "KAZ", YEAR)
    assert parts["outlook"] == "Local elections in spring." and notes[1][0] == 2
    assert authors == ["ana"]
    assert report_source(read, m, "KGZ", YEAR) is None
    assert report_source(read, m, "KAZ", 2008) is None
