"""Every workflow endpoint × every role (and anonymous) → allowed / 403 / 401, generated from
the ONE permissions table the services use (:data:`demoscope.workflow.roles.PERMISSIONS`) and
from the permission each route declares (``x-permission``).

"Allowed" means the permission check passed: the answer is neither 401 nor 403 (it may still
be a 409 for the edition's state or a 404, which come after the check) and never a 5xx. A
denied write changes nothing: the audit log is the same length after it."""

from __future__ import annotations

import pytest
from team import PASSWORD, bearer, first_admin, token

from demoscope.methodology import nit
from demoscope.services import assessment, users
from demoscope.store import reads
from demoscope.store.db import get_engine
from demoscope.workflow.roles import PERMISSIONS, Action, Actor, Role, Scope

YEAR = 2025
OWN, OTHER = "KAZ", "KGZ"

#: A valid request per endpoint (method, path template) → (path, JSON body or None, state the
#: edition should be in). A route with ``x-permission`` but no sample here fails the test.
SAMPLES = {
    ("GET", "/api/v1/users"): ("/api/v1/users", None, None),
    ("POST", "/api/v1/users"): ("/api/v1/users", {"username": "new{n}", "role": "viewer",
                                                  "password": PASSWORD}, None),
    ("POST", "/api/v1/users/{username}/disable"): ("/api/v1/users/victim/disable", None, None),
    ("GET", "/api/v1/assessments"): ("/api/v1/assessments", None, None),
    ("POST", "/api/v1/editions"): ("/api/v1/editions", {"year": 2040, "countries": [OWN]}, None),
    ("GET", "/api/v1/editions/{year}/status"): (f"/api/v1/editions/{YEAR}/status", None, None),
    ("POST", "/api/v1/editions/{year}/state"): (f"/api/v1/editions/{YEAR}/state",
                                                {"state": "consensus"}, "review"),
    ("POST", "/api/v1/editions/{year}/publish"): (f"/api/v1/editions/{YEAR}/publish", None,
                                                  "consensus"),
    ("POST", "/api/v1/editions/{year}/corrections"): (
        "/api/v1/editions/2016/corrections",
        {"iso3": "{iso3}", "category": "EP", "value": "{value}", "reason": "matrix"}, None),
    ("GET", "/api/v1/editions/{year}/divergence"): (f"/api/v1/editions/{YEAR}/divergence", None,
                                                    None),
    ("GET", "/api/v1/assessments/{iso3}/{year}"): (f"/api/v1/assessments/{{iso3}}/{YEAR}", None,
                                                  None),
    ("PUT", "/api/v1/assessments/{iso3}/{year}/proposals/{category}"): (
        f"/api/v1/assessments/{{iso3}}/{YEAR}/proposals/EP",
        {"value": "{value}", "justification": "matrix"}, "drafting"),
    ("POST", "/api/v1/assessments/{iso3}/{year}/comments"): (
        f"/api/v1/assessments/{{iso3}}/{YEAR}/comments", {"text": "matrix"}, "review"),
    ("PUT", "/api/v1/assessments/{iso3}/{year}/consensus/{category}"): (
        f"/api/v1/assessments/{{iso3}}/{YEAR}/consensus/EP",
        {"value": "{value}", "justification": "matrix", "version": "{version}"}, "consensus"),
    ("POST", "/api/v1/assessments/{iso3}/{year}/confirmations"): (
        f"/api/v1/assessments/{{iso3}}/{YEAR}/confirmations", {"category": "EP"}, "consensus"),
    ("GET", "/api/v1/assessments/{iso3}/{year}/report"): (
        f"/api/v1/assessments/{{iso3}}/{YEAR}/report", None, None),
    ("PUT", "/api/v1/assessments/{iso3}/{year}/report"): (
        f"/api/v1/assessments/{{iso3}}/{YEAR}/report",
        {"parts": {"outlook": "Matrix outlook."}}, "review"),
    ("GET", "/api/v1/assessments/{iso3}/{year}/calibration/{category}"): (
        f"/api/v1/assessments/{{iso3}}/{YEAR}/calibration/EP", None, None),
    ("GET", "/api/v1/proposals"): ("/api/v1/proposals", None, None),
    ("GET", "/api/v1/audit"): ("/api/v1/audit", None, None),
}

COUNTRY_SCOPED = {Action.PROPOSE, Action.COMMENT, Action.WRITE_REPORT, Action.SET_CONSENSUS,
                  Action.CONFIRM, Action.CORRECT, Action.READ_DRAFTS}


def _operations(app) -> list[tuple[str, str, dict]]:
    """Every operation of the app's OpenAPI document (the routes as clients see them)."""
    return [(method.upper(), path, op) for path, ops in app.openapi()["paths"].items()
            for method, op in ops.items()]


def _routes(app) -> list[tuple[str, str, Action]]:
    """The endpoints that declare the permission they need (``x-permission``)."""
    return [(method, path, Action(op["x-permission"])) for method, path, op in _operations(app)
            if "x-permission" in op]


def test_every_write_endpoint_declares_its_permission(app):
    """Every POST/PUT/DELETE of the API except the login itself names its permission, and
    every one has a sample request here (so a new endpoint cannot skip the matrix)."""
    declared = {(m, p) for m, p, _ in _routes(app)}
    for method, path, _ in _operations(app):
        if method not in ("GET", "HEAD") and not path.startswith("/api/v1/auth/"):
            assert (method, path) in declared, (method, path)
    assert declared == set(SAMPLES), declared ^ set(SAMPLES)


def _expected(role: Role | None, action: Action, iso3: str | None) -> str:
    if role is None:
        return "401"
    scope = PERMISSIONS[action].get(role)
    if scope is None:
        return "403"
    if scope is Scope.ASSIGNED and iso3 == OTHER:
        return "403"
    return "allowed"


@pytest.fixture
def world(client, db_url):
    """An edition 2025 for KAZ and KGZ, one person of each role (the author writes KAZ)."""
    engine = get_engine(db_url)
    m = nit()
    first_admin(engine)
    tokens = {Role.ADMIN: token(client, "root")}
    for role in Role:
        if role is Role.ADMIN:
            continue
        users.add_user(engine, None, role.value, role.value, PASSWORD,
                       [OWN] if role is Role.AUTHOR else [], console=True)
        tokens[role] = token(client, role.value)
    users.add_user(engine, None, "victim", "viewer", PASSWORD, console=True)
    editor = Actor("editor", Role.EDITOR)
    assessment.open_edition(engine, m, editor, YEAR, [OWN, OTHER])
    return engine, m, tokens, editor


def _fill(template, values: dict[str, str]):
    if isinstance(template, str):
        out = template
        for k, v in values.items():
            out = out.replace("{" + k + "}", v)
        return out
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    return template


def _move(engine, m, editor, target: str | None) -> None:
    if target is None:
        return
    current = reads.assessment_edition(_reader(engine), m.code, YEAR).state
    path = {"drafting": ["drafting"], "review": ["drafting", "review"],
            "consensus": ["drafting", "review", "consensus"]}
    order = path["consensus"]
    while current != target:
        step = order[order.index(current) + (1 if order.index(target) > order.index(current) else -1)]
        assessment.move_edition(engine, m, editor, YEAR, step)
        current = step


def _reader(engine):
    from demoscope.store.reads import EngineReader

    return EngineReader(engine)


def test_permission_matrix(client, world):
    engine, m, tokens, editor = world
    read = _reader(engine)
    cases = 0
    for n, (method, path, action) in enumerate(_routes(client.app)):
        url_t, body_t, state = SAMPLES[(method, path)]
        countries = [OWN, OTHER] if action in COUNTRY_SCOPED and "{iso3}" in str((url_t, body_t)) else [None]
        for iso3 in countries:
            for role in [None, *Role]:
                _move(engine, m, editor, state)
                version = reads.assessment_versions(read, reads.assessment_edition(
                    read, m.code, YEAR).id)[iso3 or OWN][1]
                value = "1.75" if "corrections" in url_t else "2.5"
                values = {"iso3": iso3 or OWN, "value": value, "version": str(version),
                          "n": str(n * 10 + (list(Role).index(role) + 1 if role else 0))}
                body = _fill(body_t, values)
                if body and "version" in body:
                    body["version"] = int(body["version"])
                before = len(reads.audit_entries(read))
                r = client.request(method, _fill(url_t, values), json=body,
                                   headers=bearer(tokens[role]) if role else {})
                want = _expected(role, action, iso3)
                who = f"{method} {path} as {role.value if role else 'anonymous'} on {iso3}"
                assert r.status_code < 500, f"{who}: {r.status_code} {r.text}"
                if want == "allowed":
                    assert r.status_code not in (401, 403), f"{who}: {r.status_code} {r.text}"
                else:
                    assert r.status_code == int(want), f"{who}: {r.status_code} {r.text}"
                    assert len(reads.audit_entries(read)) == before, f"{who} wrote something"
                    if want == "401":
                        assert r.headers["www-authenticate"].startswith("Bearer")
                cases += 1
    assert cases >= len(SAMPLES) * 6
