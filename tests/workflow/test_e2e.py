"""The issue's scripted end-to-end run through the HTTP API, on a fresh database, on SQLite
and PostgreSQL: a team of every role → open 2025 for two countries (starting values converted
from their latest 1-best edition) → proposals (403 for another author's country, 401 without
a token) → two editors save one consensus with the same version (the second gets 409 with both
values) → publication refused with the list of what is missing → fixed → published → the
public scorecard shows the consensus → a write to the published edition is a 409 → a
correction appears as a revision → the audit log holds every write with its user."""

from __future__ import annotations

from fractions import Fraction

from team import PASSWORD, bearer, make_team, one_best_countries

from demoscope.methodology import nit
from demoscope.numbers import fmt, num
from demoscope.store import reads
from demoscope.store.db import get_engine

YEAR = 2025


def test_an_edition_from_opening_to_correction(client, db_url):
    m = nit()
    read = reads.reader_for_url(db_url)
    engine = get_engine(db_url)
    picked = one_best_countries(read, m)
    assert len(picked) == 2, "the dataset has two countries whose latest edition is 1-best"
    (a, a_last), (b, b_last) = picked
    t = make_team(client, engine, {"A": a, "B": b})
    ed = bearer(t["ed1"])
    ed2 = bearer(t["ed2"])

    # -- open 2025: a year after the methodology's last edition, on its last era's rules
    r = client.post("/api/v1/editions", json={"year": YEAR, "countries": [a, b]}, headers=ed)
    assert r.status_code == 201, r.text
    st = r.json()
    assert st["state"] == "drafting" and st["continued"] is True
    assert st["methodology_version"] == m.version and st["direction"] == "7_best"
    assert [c["iso3"] for c in st["countries"]] == sorted([a, b])
    ed25 = m.edition(YEAR)
    for iso3, last in ((a, a_last), (b, b_last)):
        r = client.get(f"/api/v1/assessments/{iso3}/{YEAR}", headers=bearer(t["vic"]))
        assert r.status_code == 200, r.text
        got = r.json()
        assert set(got) >= {"country", "iso3", "edition", "state", "version", "categories"}
        assert got["version"] == 0 and list(got["categories"]) == list(ed25.categories)
        published = reads.row(read, m.code, iso3, last)
        for cat, cell in got["categories"].items():
            assert set(cell) >= {"previous", "starting", "proposals", "spread", "consensus",
                                 "justification"}
            # a 1-best value opens as 8 − x on the 7-best scale
            assert cell["starting"] == num(8 - published[cat]), (iso3, cat)
            assert cell["previous"] == cell["starting"] and cell["consensus"] is None
    # drafts are not public
    assert client.get(f"/api/v1/assessments/{a}/{YEAR}").status_code == 401
    assert client.get(f"/api/v1/countries/{a}/editions/{YEAR}").status_code == 404

    # -- proposals: two authors and a reviewer
    start_a = client.get(f"/api/v1/assessments/{a}/{YEAR}", headers=ed).json()["categories"]
    ep_a = Fraction(str(start_a["EP"]["starting"]))
    url = f"/api/v1/assessments/{a}/{YEAR}/proposals/EP"
    r = client.put(url, json={"value": float(ep_a + Fraction(1, 4)), "justification": "a new party law"},
                   headers=bearer(t["ana"]))
    assert r.status_code == 200, r.text
    ep_b = client.get(f"/api/v1/assessments/{b}/{YEAR}", headers=ed).json()["categories"]["EP"]
    # unchanged from the starting value: no justification needed
    r = client.put(f"/api/v1/assessments/{b}/{YEAR}/proposals/EP",
                   json={"value": ep_b["starting"], "justification": ""}, headers=bearer(t["bo"]))
    assert r.status_code == 200, r.text
    r = client.put(url, json={"value": float(ep_a - Fraction(1, 2)), "justification": "fraud reported"},
                   headers=bearer(t["rev"]))
    assert r.status_code == 200, r.text
    props = r.json()["categories"]["EP"]
    assert [(p["user"], p["role"]) for p in props["proposals"]] == [("ana", "author"), ("rev", "reviewer")]
    assert props["spread"] == 0.75
    # an author writing another author's country: 403; no token: 401; a bad token: 401
    assert client.put(f"/api/v1/assessments/{b}/{YEAR}/proposals/EP",
                      json={"value": 3, "justification": "x"}, headers=bearer(t["ana"])).status_code == 403
    assert client.put(url, json={"value": 3, "justification": "x"}).status_code == 401
    assert client.put(url, json={"value": 3, "justification": "x"},
                      headers=bearer("not-a-token")).status_code == 401
    # an invalid value names the field
    r = client.put(url, json={"value": 3.1, "justification": "x"}, headers=bearer(t["ana"]))
    assert r.status_code == 422 and r.json()["field"] == "value"
    r = client.put(url, json={"value": 9, "justification": "x"}, headers=bearer(t["ana"]))
    assert r.status_code == 422 and r.json()["field"] == "value"
    # the divergence view: country with the largest disagreement first
    dv = client.get(f"/api/v1/editions/{YEAR}/divergence", headers=bearer(t["rev"])).json()
    assert dv["countries"][0]["iso3"] == a and dv["countries"][0]["max_spread"] == 0.75

    # -- consensus: two editors, one version
    for state in ("review", "consensus"):
        r = client.post(f"/api/v1/editions/{YEAR}/state", json={"state": state}, headers=ed)
        assert r.status_code == 200 and r.json()["state"] == state
    version = client.get(f"/api/v1/assessments/{a}/{YEAR}", headers=ed).json()["version"]
    curl = f"/api/v1/assessments/{a}/{YEAR}/consensus/EP"
    first = {"value": float(ep_a + Fraction(1, 4)), "justification": "a new party law", "version": version}
    second = {"value": float(ep_a - Fraction(1, 4)), "justification": "fraud", "version": version}
    r1 = client.put(curl, json=first, headers=ed)
    assert r1.status_code == 200 and r1.json()["version"] == version + 1
    r2 = client.put(curl, json=second, headers=ed2)
    assert r2.status_code == 409, r2.text
    body = r2.json()
    assert body["current"]["value"] == first["value"] and body["current"]["by"] == "ed1"
    assert body["yours"]["value"] == second["value"] and body["yours"]["version"] == version
    # nothing lost: the first stands, the second is in the answer for the editor to retry
    assert client.get(f"/api/v1/assessments/{a}/{YEAR}", headers=ed).json()["categories"]["EP"][
        "consensus"] == first["value"]

    # -- publication refused until every rule holds
    r = client.post(f"/api/v1/editions/{YEAR}/publish", headers=ed)
    assert r.status_code == 409
    missing = r.json()["missing"]
    assert {"iso3": a, "category": "CS", "rule": "consensus"} in missing
    assert all(set(x) == {"iso3", "category", "rule"} for x in missing)
    assert len(missing) == 2 * len(ed25.categories) - 1
    # fill every category: unchanged values (no justification needed), one unjustified change
    # and one large change (> 0.5) not yet confirmed
    for iso3 in (a, b):
        got = client.get(f"/api/v1/assessments/{iso3}/{YEAR}", headers=ed).json()
        v = got["version"]
        for cat, cell in got["categories"].items():
            if cell["consensus"] is not None:
                continue
            value = cell["starting"]
            if (iso3, cat) == (a, "CS"):
                value = num(Fraction(str(value)) + Fraction(1, 4) if value <= 6.5 else
                            Fraction(str(value)) - Fraction(1, 4))
            if (iso3, cat) == (b, "IM"):
                value = num(Fraction(str(value)) + Fraction(3, 4) if value <= 6 else
                            Fraction(str(value)) - Fraction(3, 4))
            r = client.put(f"/api/v1/assessments/{iso3}/{YEAR}/consensus/{cat}",
                           json={"value": value, "justification": "large shift in media ownership"
                                 if (iso3, cat) == (b, "IM") else None, "version": v}, headers=ed)
            assert r.status_code == 200, r.text
            v = r.json()["version"]
    r = client.post(f"/api/v1/editions/{YEAR}/publish", headers=ed)
    assert r.status_code == 409
    rules = {(x["iso3"], x["category"], x["rule"]) for x in r.json()["missing"]}
    assert (a, "CS", "justification") in rules and (b, "IM", "confirmation") in rules
    assert not [x for x in rules if x[2] == "consensus"]
    # fix: justify, confirm
    got = client.get(f"/api/v1/assessments/{a}/{YEAR}", headers=ed).json()
    r = client.put(f"/api/v1/assessments/{a}/{YEAR}/consensus/CS", json={
        "value": got["categories"]["CS"]["consensus"], "justification": "NGO registration eased",
        "version": got["version"]}, headers=ed)
    assert r.status_code == 200
    r = client.post(f"/api/v1/assessments/{b}/{YEAR}/confirmations", json={"category": "IM"},
                    headers=ed)
    assert r.status_code == 200 and r.json()["categories"]["IM"]["confirmed"] is True
    for x in client.get(f"/api/v1/editions/{YEAR}/status", headers=ed).json()["missing"]:
        assert x["rule"] == "regime_confirmation"  # only a band crossing can remain
        assert client.post(f"/api/v1/assessments/{x['iso3']}/{YEAR}/confirmations",
                           json={"category": x["category"]}, headers=ed).status_code == 200
    # a reviewer may not publish
    assert client.post(f"/api/v1/editions/{YEAR}/publish", headers=bearer(t["rev"])).status_code == 403
    r = client.post(f"/api/v1/editions/{YEAR}/publish", headers=ed)
    assert r.status_code == 200, r.text
    assert r.json() == {"edition": YEAR, "countries": sorted([a, b]), "ratings": 2 * len(ed25.categories)}

    # -- the public scorecard shows the consensus
    consensus = {iso3: {c: x["consensus"] for c, x in client.get(
        f"/api/v1/assessments/{iso3}/{YEAR}", headers=ed).json()["categories"].items()} for iso3 in (a, b)}
    card = client.get(f"/api/v1/countries/{a}/editions/{YEAR}")
    assert card.status_code == 200
    assert card.json()["ratings"] == consensus[a]
    assert card.json()["direction"] == "7_best"
    listed = {e["edition"]: e for e in client.get("/api/v1/editions").json()}
    assert listed[YEAR]["countries"] == 2 and listed[YEAR]["direction"] == "7_best"
    for page in (f"/editions/{YEAR}", f"/countries/{a}", "/"):
        assert client.get(page).status_code == 200, page
    assert client.get(f"/api/v1/editions/{YEAR}").json()["edition"] == YEAR
    cs = next(ch for ch in card.json()["changes"] if ch["category"] == "CS")
    assert cs["verb"] in ("improves", "deteriorates") and cs["to"] == consensus[a]["CS"]

    # -- published is immutable
    assert client.put(url, json={"value": 3, "justification": "late"},
                      headers=bearer(t["ana"])).status_code == 409
    assert client.put(curl, json={**first, "version": 99}, headers=ed).status_code == 409
    assert client.post(f"/api/v1/editions/{YEAR}/state", json={"state": "review"},
                       headers=ed).status_code == 409

    # -- a correction is a new revision
    old = Fraction(str(consensus[a]["EP"]))
    new = old - Fraction(1, 4) if old > 1 else old + Fraction(1, 4)
    r = client.post(f"/api/v1/editions/{YEAR}/corrections", json={
        "iso3": a, "category": "EP", "value": float(new), "reason": "transcription error"},
        headers=ed)
    assert r.status_code == 201, r.text
    card = client.get(f"/api/v1/countries/{a}/editions/{YEAR}").json()
    assert card["ratings"]["EP"] == float(new)
    assert card["corrections"][0]["old"] == float(old) and card["corrections"][0]["reason"] == \
        "transcription error"
    hist = client.get(f"/api/v1/countries/{a}/revisions").json()["revisions"]
    mine = [h for h in hist if h["edition"] == YEAR and h["category"] == "EP"]
    assert [(h["old"], h["new"], h["source"], h["correction"]) for h in mine] == [
        (None, float(old), "consensus", False), (float(old), float(new), "correction", True)]
    page = client.get(f"/countries/{a}/revisions")
    assert page.status_code == 200 and "transcription error" in page.text
    # a correction needs a reason; an author may not correct
    assert client.post(f"/api/v1/editions/{YEAR}/corrections", json={
        "iso3": a, "category": "EP", "value": float(old), "reason": ""},
        headers=ed).status_code == 422
    assert client.post(f"/api/v1/editions/{YEAR}/corrections", json={
        "iso3": a, "category": "EP", "value": float(old), "reason": "x"},
        headers=bearer(t["ana"])).status_code == 403

    # -- the audit log holds every write, with its user
    log = client.get("/api/v1/audit", params={"edition": YEAR}, headers=ed)
    assert log.status_code == 200
    entries = log.json()
    assert all(e["user"] and e["at"] and e["action"] for e in entries)
    actions = [(e["user"], e["action"]) for e in entries]
    assert actions[0] == ("ed1", "edition.open")
    assert ("ana", "proposal") in actions and ("bo", "proposal") in actions
    assert ("rev", "proposal") in actions
    assert actions.count(("ed1", "consensus")) == 2 * len(ed25.categories) + 1
    assert ("ed2", "consensus") not in actions  # the refused write left no entry
    assert ("ed1", "edition.publish") in actions and actions[-1] == ("ed1", "correction")
    assert next(e for e in entries if e["action"] == "correction")["before"] == {"value": float(old)}
    people = client.get("/api/v1/audit", params={"user": "root"}, headers=bearer(t["root"])).json()
    assert {e["action"] for e in people} == {"user.add"} and len(people) == 6
    assert client.get("/api/v1/audit", headers=bearer(t["rev"])).status_code == 403
    csv = client.get("/api/v1/audit", params={"format": "csv", "edition": YEAR}, headers=ed)
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith("id,at,user,action")
    assert len(csv.text.strip().splitlines()) == len(entries) + 1
    assert PASSWORD not in csv.text
    assert fmt(new) in client.get(f"/countries/{a}").text
