"""Security headers on every response: pages, JSON, static files, 304s, prebuilt answers,
errors and 500s; a strict policy (no 'unsafe-inline', no 'unsafe-eval'); and a database that
fails under a request answers 503 in one line, never with the driver's message."""

from __future__ import annotations

import sqlite3

import pytest

from demoscope.web.security import headers

EXPECTED = dict(headers())


def _secured(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.request.url, name)
        assert len(response.headers.get_list(name)) == 1  # replaced, never doubled


def test_the_policy_is_strict():
    csp = EXPECTED["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in csp and "*" not in csp and "http" not in csp and "data:" not in csp
    assert directives["style-src"] == "'self'"  # no hash either: no plotting bundle injects CSS
    assert EXPECTED["X-Content-Type-Options"] == "nosniff"
    assert EXPECTED["X-Frame-Options"] == "DENY"
    assert EXPECTED["Referrer-Policy"] == "no-referrer"


def test_hsts_only_over_https(client):
    """Strict-Transport-Security goes with answers over HTTPS (as behind a TLS proxy), never
    over plain HTTP, where it would mean nothing."""
    from fastapi.testclient import TestClient

    from demoscope.web.security import HSTS

    plain = client.get("/countries/KAZ")
    assert plain.status_code == 200 and HSTS[0] not in plain.headers
    with TestClient(client.app, base_url="https://demoscope.example") as tls:
        for path in ("/countries/KAZ", "/api/v1/countries/KAZ/editions/2008", "/no/such/page"):
            r = tls.get(path)
            assert r.headers.get_list(HSTS[0]) == [HSTS[1]], path
            _secured(r)


def test_every_kind_of_response_carries_the_headers(client):
    page = client.get("/countries/KAZ")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    _secured(page)
    _secured(client.get("/countries/KAZ"))  # the prebuilt answer, from memory
    unchanged = client.get("/countries/KAZ", headers={"If-None-Match": page.headers["etag"]})
    assert unchanged.status_code == 304
    _secured(unchanged)
    api = client.get("/api/v1/countries/KAZ/editions/2008")
    assert api.status_code == 200
    _secured(api)
    _secured(client.get("/api/v1/countries/KAZ/editions/2008",
                        headers={"If-None-Match": api.headers["etag"]}))
    _secured(client.head("/api/v1/countries/KAZ/editions/2008"))
    static = client.get("/static/style.css")
    assert static.status_code == 200
    _secured(static)
    _secured(client.get("/static/style.css", headers={"If-None-Match": static.headers["etag"]}))
    _secured(client.get("/static/geo/countries.json"))
    _secured(client.get("/favicon.ico"))
    _secured(client.get("/api/v1/openapi.json"))
    for path, status in (("/no/such/page", 404), ("/api/v1/no/such", 404),
                         ("/api/v1/ratings?limit=0", 422), ("/countries/Atlantis", 404)):
        r = client.get(path)
        assert r.status_code == status, path
        _secured(r)
    preflight = client.options("/api/v1/countries", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    _secured(preflight)
    _secured(client.post("/api/v1/countries"))  # 405
    _secured(client.post("/login", data={"username": "x", "password": "y"}))  # no CSRF token


def test_a_bug_answers_500_with_the_headers(db_url):
    from fastapi.testclient import TestClient

    from demoscope.web.app import create_app

    app = create_app(db_url)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500 and r.text == "Internal Server Error"
    _secured(r)


def test_a_failing_database_answers_503_in_one_line(db_url, monkeypatch):
    from fastapi.testclient import TestClient

    from demoscope.store import reads
    from demoscope.web.app import create_app

    app = create_app(db_url)
    with TestClient(app, raise_server_exceptions=False) as c:
        assert c.get("/api/v1/countries").status_code == 200

        def locked(*args, **kwargs):
            if db_url.startswith("sqlite"):
                raise sqlite3.OperationalError("database is locked")
            import psycopg

            raise psycopg.errors.LockNotAvailable("could not obtain lock on row in relation")

        monkeypatch.setattr(reads, "country_codes", locked)
        monkeypatch.setattr(reads, "rated_years", locked)
        monkeypatch.setattr(reads, "data_version", lambda read: reads.DataVersion("x", -1))
        r = c.get("/api/v1/countries")
        page = c.get("/countries")
    assert r.status_code == 503, r.text
    body = r.json()
    assert "is busy" in body["error"] and "\n" not in body["error"]
    for raw in ("OperationalError", "database is locked", "LockNotAvailable", "relation"):
        assert raw not in r.text
    _secured(r)
    assert page.status_code == 503 and "is busy" in page.text
    _secured(page)


@pytest.mark.parametrize("path", ["/countries/KAZ", "/editions/2008", "/methodology", "/ranking"])
def test_pages_hold_no_inline_script_or_style(client, path):
    """What the policy would refuse is not in the pages to begin with."""
    import re

    html = client.get(path).text
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", html)
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
