"""Security of the workflow: CSRF on every form, session cookie flags, 429 after 10 failed
logins in a minute, passwords and tokens never in logs or error pages, drafts never reachable
anonymously (pages and API, also after a logged-in person read them)."""

from __future__ import annotations

import logging
import re

import httpx
import pytest
from team import PASSWORD, bearer, first_admin, token

from demoscope.methodology import nit
from demoscope.services import assessment, users
from demoscope.store.db import get_engine
from demoscope.workflow.roles import Actor
from uvicorn_thread import serving

YEAR = 2025


@pytest.fixture
def edition(client, db_url):
    engine = get_engine(db_url)
    first_admin(engine)
    users.add_user(engine, None, "ed", "editor", PASSWORD, console=True)
    users.add_user(engine, None, "ana", "author", PASSWORD, ["KAZ"], console=True)
    assessment.open_edition(engine, nit(), Actor("ed", "editor"), YEAR, ["KAZ", "KGZ"])
    return engine


def login_form(client, username: str, password: str = PASSWORD, **kw):
    page = client.get("/login")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf, "next": "/workflow", **kw},
                       follow_redirects=False), page


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_session_cookie_flags(client, edition):
    r, page = login_form(client, "ana")
    assert r.status_code == 303 and r.headers["location"] == "/workflow"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("demoscope_session="))
    flags = [f.strip().lower() for f in cookie.split(";")]
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert "secure" not in flags  # plain HTTP
    assert "httponly" in page.headers["set-cookie"].lower()  # the login form's CSRF cookie too


def test_session_cookie_is_secure_over_https(app, edition):
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="https://testserver") as c:
        r, _ = login_form(c, "ana")
        cookie = next(x for x in r.headers.get_list("set-cookie") if x.startswith("demoscope_session="))
        assert "secure" in [f.strip().lower() for f in cookie.split(";")]


def test_every_form_needs_its_csrf_token(client, edition):
    # the login form itself
    client.get("/login")
    r = client.post("/login", data={"username": "ana", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403
    r, _ = login_form(client, "ana")
    assert r.status_code == 303
    page = client.get(f"/workflow/{YEAR}/KAZ")
    assert page.status_code == 200
    good = csrf_of(page.text)
    form = {"category": "EP", "value": "1.50", "justification": "csrf test"}
    for bad in ({}, {"csrf_token": ""}, {"csrf_token": good[:-2] + "xx"}):
        r = client.post(f"/workflow/{YEAR}/KAZ/proposals", data={**form, **bad},
                        follow_redirects=False)
        assert r.status_code == 403, bad
    assert client.get(f"/api/v1/assessments/KAZ/{YEAR}").json()[
        "categories"]["EP"]["proposals"] == []
    r = client.post(f"/workflow/{YEAR}/KAZ/proposals", data={**form, "csrf_token": good},
                    follow_redirects=False)
    assert r.status_code == 303
    # every form of every workflow page carries the token
    for path in ("/workflow", f"/workflow/{YEAR}", f"/workflow/{YEAR}/KAZ",
                 f"/workflow/{YEAR}/KAZ/report", f"/workflow/{YEAR}/divergence"):
        html = client.get(path).text
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, re.S)
        assert forms, path
        for f in forms:
            assert f'name="csrf_token" value="{good}"' in f, (path, f[:80])
    # an API write carried by the session cookie needs the CSRF header
    url = f"/api/v1/assessments/KAZ/{YEAR}/proposals/EP"
    body = {"value": 1.75, "justification": "x"}
    assert client.put(url, json=body).status_code == 403
    assert client.put(url, json=body, headers={"X-CSRF-Token": good}).status_code == 200
    # logging out needs it too, and ends the session
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert client.post("/logout", data={"csrf_token": good}, follow_redirects=False).status_code == 303
    assert client.get(f"/workflow/{YEAR}/KAZ", follow_redirects=False).status_code == 303


def test_429_after_ten_failed_logins_in_a_minute(client, edition):
    for i in range(10):
        r = client.post("/api/v1/auth/token", json={"username": "ana", "password": f"wrong{i}"})
        assert r.status_code == 401, i
    r = client.post("/api/v1/auth/token", json={"username": "ana", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    r, _ = login_form(client, "ana")
    assert r.status_code == 429 and "too many failed logins" in r.text
    # another user is not affected; a disabled user cannot log in
    assert client.post("/api/v1/auth/token", json={"username": "ed", "password": PASSWORD}
                       ).status_code == 201
    users.disable_user(edition, None, "ed", console=True)
    assert client.post("/api/v1/auth/token", json={"username": "ed", "password": PASSWORD}
                       ).status_code == 401


def test_a_longer_name_is_nobody_not_the_user_it_starts_with(client, edition):
    """A login name is never cut to the 64 characters a user name has at most: the longest
    user's name with one more character is an unknown user (401), while the failures still
    count against the throttle's key."""
    longest = "a" * 60 + "-ed1"
    users.add_user(edition, None, longest, "viewer", PASSWORD, console=True)
    assert client.post("/api/v1/auth/token", json={"username": longest, "password": PASSWORD}
                       ).status_code == 201
    for tail in ("x", "-other"):
        r = client.post("/api/v1/auth/token", json={"username": longest + tail,
                                                    "password": PASSWORD})
        assert r.status_code == 401, tail


def test_failures_older_than_a_minute_do_not_count(client, edition, monkeypatch):
    from datetime import timedelta

    from demoscope.services import auth

    for _ in range(10):
        client.post("/api/v1/auth/token", json={"username": "ana", "password": "wrong"})
    later = auth.utcnow() + timedelta(seconds=61)
    monkeypatch.setattr(auth, "utcnow", lambda: later)
    assert client.post("/api/v1/auth/token", json={"username": "ana", "password": PASSWORD}
                       ).status_code == 201


def test_a_disabled_users_tokens_stop_working(client, edition):
    tok = token(client, "ana")
    assert client.get(f"/api/v1/assessments/KAZ/{YEAR}", headers=bearer(tok)).status_code == 200
    users.disable_user(edition, None, "ana", console=True)
    assert client.get(f"/api/v1/assessments/KAZ/{YEAR}", headers=bearer(tok)).status_code == 401


DRAFT_API = [f"/api/v1/assessments/KAZ/{YEAR}", f"/api/v1/assessments/KAZ/{YEAR}/report",
             f"/api/v1/editions/{YEAR}/divergence", f"/api/v1/editions/{YEAR}/status",
             "/api/v1/assessments", f"/api/v1/proposals?edition={YEAR}", "/api/v1/audit",
             "/api/v1/users"]
DRAFT_PAGES = ["/workflow", f"/workflow/{YEAR}", f"/workflow/{YEAR}/KAZ",
               f"/workflow/{YEAR}/KAZ/report", f"/workflow/{YEAR}/divergence", "/workflow/audit",
               "/workflow/users"]


def test_drafts_are_never_anonymous(client, edition):
    ed = token(client, "ed")
    assessment.propose(edition, nit(), Actor("ed", "editor"), "KAZ", YEAR, "EP", "1.50",
                       "a draft value nobody outside may see")
    # a logged-in person reads everything first: nothing of it may be served to anybody else
    for url in DRAFT_API[:-1]:
        r = client.get(url, headers=bearer(ed))
        assert r.status_code == 200, url
        assert r.headers["cache-control"] == "private, no-store"
    login_form(client, "ed")
    for path in DRAFT_PAGES[:-2]:
        r = client.get(path)
        assert r.status_code == 200 and r.headers["cache-control"] == "private, no-store", path
    client.cookies.clear()
    for url in DRAFT_API:
        r = client.get(url)
        assert r.status_code == 401, url
        assert "nobody outside" not in r.text
    for path in DRAFT_PAGES:
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
    # the public site knows nothing of the draft edition
    for url in (f"/api/v1/countries/KAZ/editions/{YEAR}", f"/api/v1/editions/{YEAR}"):
        r = client.get(url)
        assert r.status_code == 404 and "nobody outside" not in r.text, url
    assert str(YEAR) not in {str(e["edition"]) for e in client.get("/api/v1/editions").json()
                             if e.get("countries")}
    assert "nobody outside" not in client.get("/countries/KAZ").text


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        if record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info))


def test_passwords_and_tokens_never_in_logs_or_error_pages(db_url, tmp_path):
    """A real uvicorn with access logs on, every log record captured at DEBUG: logins that
    work and fail, a bearer token in use, forms, errors — neither the passwords nor the token
    nor the session appear in any log line or any response body."""
    from demoscope.web.app import create_app

    engine = get_engine(db_url)
    first_admin(engine)
    secret_pw = "S3cret-pass-phrase-42"
    users.add_user(engine, None, "ed", "editor", secret_pw, console=True)
    capture = _Capture()
    # the server's loggers (SQLAlchemy at DEBUG logs every statement and its parameters); the
    # test's own HTTP client logs what it receives, which is not the server's log
    loggers = [logging.getLogger(n) for n in ("uvicorn", "uvicorn.access", "uvicorn.error",
                                              "fastapi", "starlette", "demoscope", "sqlalchemy",
                                              "alembic", "argon2")]
    for lg in loggers:
        lg.addHandler(capture)
    old = {lg.name: lg.level for lg in loggers}
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    bodies: list[str] = []
    try:
        with serving(create_app(db_url), log_level="debug", access_log=True, log_config=None
                     ) as base, httpx.Client(base_url=base, timeout=60) as c:
            r = c.post("/api/v1/auth/token", json={"username": "ed", "password": secret_pw})
            tok = r.json()["token"]
            bodies.append(r.text.replace(tok, ""))  # the token is handed out once, here
            for req in (
                c.post("/api/v1/auth/token", json={"username": "ed", "password": secret_pw + "x"}),
                c.post("/api/v1/auth/token", json={"username": "nobody", "password": secret_pw}),
                c.post("/api/v1/auth/token", json={"username": "ed", "password": [secret_pw]}),
                c.post("/api/v1/auth/token", json={"username": "ed", "password": secret_pw * 100}),
                c.post("/api/v1/users", json={"username": "x", "role": "nope", "password": secret_pw},
                       headers=bearer(tok)),
                c.get("/api/v1/assessments/KAZ/2099", headers=bearer(tok)),
                c.get("/api/v1/users", headers=bearer(tok)),
                c.get("/api/v1/audit", headers=bearer(tok + "x")),
                c.post("/api/v1/editions", json={"year": "soon"}, headers=bearer(tok)),
            ):
                bodies.append(req.text)
            page = c.get("/login")
            csrf = csrf_of(page.text)
            r = c.post("/login", data={"username": "ed", "password": secret_pw + "!",
                                       "csrf_token": csrf})
            bodies.append(r.text)
            csrf = csrf_of(r.text)
            r = c.post("/login", data={"username": "ed", "password": secret_pw, "csrf_token": csrf},
                       follow_redirects=False)
            session = r.cookies.get("demoscope_session")
            assert session
            bodies.append(c.get("/workflow").text)
            bodies.append(c.get("/workflow/2099").text)
            bodies.append(c.post("/workflow/editions", data={"year": "1", "csrf_token": "bad"}).text)
    finally:  # the server has stopped: every line it logged is in
        for lg in loggers:
            lg.removeHandler(capture)
            lg.setLevel(old[lg.name])
    text = "\n".join(capture.lines)
    assert "POST /api/v1/auth/token" in text  # the access log was captured
    assert "INSERT INTO credentials" in text  # and every SQL statement with its parameters
    for secret in (secret_pw, tok, session):
        assert secret not in text
        for body in bodies:
            assert secret not in body
