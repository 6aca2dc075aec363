"""The workflow's server-rendered forms, without a browser: each posts, calls one service and
redirects back with a notice, or re-renders the page with the refusal and the API's status."""

from __future__ import annotations

import re

import pytest
from team import PASSWORD, first_admin

from demoscope.methodology import nit
from demoscope.services import users
from demoscope.store.db import get_engine

YEAR = 2025


def _login(client, name: str) -> str:
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": csrf,
                                    "next": "/workflow"}, follow_redirects=False)
    assert r.status_code == 303
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/workflow").text).group(1)


def _post(client, path: str, csrf: str, **data):
    return client.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)


@pytest.fixture
def team(client, db_url):
    engine = get_engine(db_url)
    first_admin(engine)
    users.add_user(engine, None, "ed", "editor", PASSWORD, console=True)
    users.add_user(engine, None, "ed2", "editor", PASSWORD, console=True)
    users.add_user(engine, None, "ana", "author", PASSWORD, ["KAZ"], console=True)
    return engine


def test_an_edition_through_the_forms(client, team, app):
    from fastapi.testclient import TestClient

    csrf = _login(client, "ed")
    r = _post(client, "/workflow/editions", csrf, year=str(YEAR), countries="KAZ, KGZ")
    assert r.status_code == 303 and r.headers["location"].startswith(f"/workflow/{YEAR}?done=")
    page = client.get(r.headers["location"])
    assert "Done: saved." in page.text and "Kyrgyzstan" in page.text
    # opening it twice: the page again, with the refusal and the API's status
    r = _post(client, "/workflow/editions", csrf, year=str(YEAR))
    assert r.status_code == 409 and "open already" in r.text
    for state in ("review", "consensus"):
        assert _post(client, f"/workflow/{YEAR}/state", csrf, state=state).status_code == 303
    # two editors, one version: the second sees both values and keeps what they typed
    with TestClient(app) as other:
        csrf2 = _login(other, "ed2")
        r = _post(client, f"/workflow/{YEAR}/KAZ/consensus", csrf, category="EP", value="1.50",
                  justification="first", version="0")
        assert r.status_code == 303 and r.headers["location"].endswith("#cat-EP")
        r = _post(other, f"/workflow/{YEAR}/KAZ/consensus", csrf2, category="EP", value="2.00",
                  justification="second thoughts", version="0")
        assert r.status_code == 409
        assert "Saved meanwhile: <strong>1.50</strong> by ed" in r.text
        assert "Yours, not saved: <strong>2.00</strong>" in r.text
        assert ">second thoughts</textarea>" in r.text  # the refused text is still in the form
    # publication refused: the page lists what is missing
    r = _post(client, f"/workflow/{YEAR}/publish", csrf)
    assert r.status_code == 409 and "Publication refused" in r.text and "KGZ" in r.text
    # a value off the grid: 422 on the page
    r = _post(client, f"/workflow/{YEAR}/KAZ/consensus", csrf, category="CS", value="1.30",
              version="1")
    assert r.status_code == 422 and "grid" in r.text
    r = _post(client, f"/workflow/{YEAR}/KAZ/comments", csrf, category="", text="Check the NGO law.")
    assert r.status_code == 303
    assert "Check the NGO law." in client.get(f"/workflow/{YEAR}/KAZ").text


def test_report_users_audit_and_revision_pages(client, team):
    engine, m = team, nit()
    from demoscope.services import assessment
    from demoscope.workflow.roles import Actor

    assessment.open_edition(engine, m, Actor("ed", "editor"), YEAR, ["KAZ"])
    csrf = _login(client, "ana")
    r = _post(client, f"/workflow/{YEAR}/KAZ/report", csrf, version="0",
              **{"part:executive_summary": "A calm year.[1]", "part:outlook": "Elections ahead.",
                 "footnotes": "[1] Valdorian Gazette,\n  page 3."})
    assert r.status_code == 303, r.text
    page = client.get(f"/workflow/{YEAR}/KAZ/report")
    assert "Version 1" in page.text and "[1] Valdorian Gazette, page 3." in page.text
    r = _post(client, f"/workflow/{YEAR}/KAZ/report", csrf, version="0",
              **{"part:outlook": "Stale."})
    assert r.status_code == 409
    assert client.get("/workflow/users").status_code == 403  # an author manages nobody
    assert client.get("/workflow/audit").status_code == 403
    client.cookies.clear()
    csrf = _login(client, "root")
    r = _post(client, "/workflow/users", csrf, username="vic", role="viewer", password=PASSWORD)
    assert r.status_code == 303
    r = _post(client, "/workflow/users", csrf, username="bad", role="author", password=PASSWORD)
    assert r.status_code == 422 and "countries" in r.text
    r = _post(client, "/workflow/users", csrf, disable="vic")
    assert r.status_code == 303
    assert re.search(r"vic</th><td>viewer</td><td></td><td>disabled", client.get("/workflow/users").text)
    audit = client.get("/workflow/audit?user=root")
    assert audit.status_code == 200 and "user.disable" in audit.text and "user.add" in audit.text
    assert "format=csv" in audit.text and PASSWORD not in audit.text
    csv = client.get("/api/v1/audit?format=csv&user=root")
    assert csv.status_code == 200 and csv.text.count("\n") == 3
    r = client.get("/countries/KAZ/revisions")
    assert r.status_code == 200 and "revision history" in r.text
