"""The workflow's HTML pages: login and logout, editions, an assessment (propose, comment,
consensus, confirm), the report draft, the divergence view, publication, corrections, people,
the audit log; and the public revision history of a country.

Every form carries a CSRF token (the session's; the login form's is a double-submit cookie)
and a POST without the right one is a 403. Pages that show drafts need a session (anonymous
visitors are sent to the login page) and are rendered with
:func:`~demoscope.web.templating.render_private`: never cached, never shared. A form posts,
the route calls one service, then redirects back (303) with a notice; a refusal re-renders the
page with the message and the status code of the API (403, 409, 422...).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from demoscope.countries import registry
from demoscope.errors import DemoscopeError, Forbidden, Unauthorized
from demoscope.numbers import fmt, frac
from demoscope.read import assessment as answers
from demoscope.read import estimates
from demoscope.services import assessment, auth, publication, users
from demoscope.web.deps import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Ctx, CurrentUser, Who, WriteEngine
from demoscope.web.templating import render, render_private
from demoscope.workflow.roles import Action, Role
from demoscope.workflow.states import State

router = APIRouter(include_in_schema=False)


def _cookie_args(request: Request) -> dict[str, Any]:
    """HttpOnly, SameSite=Lax, and Secure when the site is served over HTTPS."""
    return {"httponly": True, "samesite": "lax", "secure": request.url.scheme == "https",
            "path": "/"}


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme): no open redirect."""
    t = target or "/workflow"
    return t if t.startswith("/") and not t.startswith("//") and "\\" not in t else "/workflow"


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


async def _form(request: Request, who: Who) -> dict[str, str]:
    """The posted form, once its CSRF token matched the session's (else 401/403)."""
    form = await request.form()
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    if who.actor is None or who.via != "session":
        raise Unauthorized("log in first")
    if not auth.same(data.get("csrf_token"), who.csrf):
        raise Forbidden("the form's CSRF token is missing or wrong: reload the page and try again")
    return data


def _page(request: Request, who: Who, template: str, context: dict[str, Any],
          status: int = 200) -> Response:
    return render_private(request, template, {
        "who": who, "Action": Action, "csrf": who.csrf, "notice": request.query_params.get("done"),
        **context}, status)


def _iso3(text: str) -> str:
    return registry().resolve(text).iso3


# -- login and logout --------------------------------------------------------------------------


@router.get("/login")
async def login_form(request: Request, who: CurrentUser, next: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    resp = render_private(request, "login.html", {"title": "Log in", "login_csrf": token,
                                                   "next": _safe_next(next), "who": who,
                                                   "error": None})
    resp.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, **_cookie_args(request))
    return resp


@router.post("/login")
async def login(request: Request, engine: WriteEngine, who: CurrentUser) -> Response:
    form = await request.form()
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    if not auth.same(data.get("csrf_token"), request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise Forbidden("the login form's CSRF token is missing or wrong: reload the page")
    target = _safe_next(data.get("next"))
    try:
        issued = await run_in_threadpool(auth.login, engine, request.app.state.read,
                                         data.get("username", ""), data.get("password", ""),
                                         "session")
    except DemoscopeError as exc:
        token = secrets.token_urlsafe(24)
        headers = {"Retry-After": str(exc.retry_after)} if hasattr(exc, "retry_after") else None
        resp = render_private(request, "login.html", {
            "title": "Log in", "login_csrf": token, "next": target, "who": who,
            "error": exc.message, "username": data.get("username", "")}, exc.http_status, headers)
        resp.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, **_cookie_args(request))
        return resp
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(SESSION_COOKIE, issued.secret, max_age=int(auth.SESSION_LIFETIME.total_seconds()),
                    **_cookie_args(request))
    resp.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return resp


@router.post("/logout")
async def logout(request: Request, who: CurrentUser, engine: WriteEngine) -> Response:
    await _form(request, who)
    await run_in_threadpool(auth.logout, engine, who.secret)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


# -- editions -----------------------------------------------------------------------------------


@router.get("/workflow")
async def workflow_home(request: Request, ctx: Ctx, who: CurrentUser) -> Response:
    if who.actor is None:
        return _login_redirect(request)
    ed_years = answers.assessment_editions(ctx.read, ctx.m)
    nxt = max([max(ctx.m.editions), *(e["edition"] for e in ed_years)]) + 1
    return _page(request, who, "wf_editions.html", {"title": "Assessment editions",
                                                    "editions": ed_years, "next_year": nxt})


async def _act(request: Request, who: Who, back: str, run: Callable[[dict[str, str]], str | None],
               on_error: Callable[[DemoscopeError, dict[str, str]], Response]) -> Response:
    """Check the form, run one service, redirect back with a notice (or show the refusal)."""
    data = await _form(request, who)
    try:
        where = await run_in_threadpool(run, data)  # a write (and argon2): off the event loop
    except DemoscopeError as exc:
        return on_error(exc, data)
    done = data.get("_done", "saved")
    target, _, fragment = (where or back).partition("#")
    sep = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{sep}done={quote(done)}" + (f"#{fragment}" if fragment else ""),
                            status_code=303)


@router.post("/workflow/editions")
async def open_edition(request: Request, ctx: Ctx, who: CurrentUser, engine: WriteEngine) -> Response:
    def run(d: dict[str, str]) -> str:
        codes = [_iso3(c) for c in d.get("countries", "").replace(",", " ").split() if c]
        opened = assessment.open_edition(engine, ctx.m, who.actor, int(d.get("year") or 0),
                                         codes or None)
        return f"/workflow/{opened.year}"

    def fail(exc: DemoscopeError, d: dict[str, str]) -> Response:
        eds = answers.assessment_editions(ctx.read, ctx.m)
        return _page(request, who, "wf_editions.html", {
            "title": "Assessment editions", "editions": eds, "error": exc.message,
            "next_year": d.get("year")}, exc.http_status)

    return await _act(request, who, "/workflow", run, fail)


def _edition_context(ctx: Ctx, year: int) -> dict[str, Any]:
    st = answers.edition_status(ctx.read, ctx.m, year)
    return {"title": f"Assessment {year}", "st": st, "year": year,
            "categories": ctx.m.edition(year).categories}


@router.get("/workflow/{year:int}")
async def edition_page(request: Request, ctx: Ctx, who: CurrentUser, year: int) -> Response:
    if who.actor is None:
        return _login_redirect(request)
    return _page(request, who, "wf_edition.html", _edition_context(ctx, year))


def _edition_action(name: str) -> Callable[..., Any]:
    async def handler(request: Request, ctx: Ctx, who: CurrentUser, engine: WriteEngine,
                      year: int) -> Response:
        def run(d: dict[str, str]) -> None:
            if name == "state":
                assessment.move_edition(engine, ctx.m, who.actor, year, d.get("state", ""))
            elif name == "publish":
                publication.publish(engine, ctx.m, who.actor, year)
            else:
                publication.correct(engine, ctx.m, who.actor, year, _iso3(d.get("iso3", "")),
                                    d.get("category", ""), frac(d.get("value", "") or "0"),
                                    d.get("reason"))

        def fail(exc: DemoscopeError, d: dict[str, str]) -> Response:
            return _page(request, who, "wf_edition.html", {
                **_edition_context(ctx, year), "error": exc.message,
                "refused": getattr(exc, "extra", {}).get("missing")}, exc.http_status)

        return await _act(request, who, f"/workflow/{year}", run, fail)

    return handler


router.add_api_route("/workflow/{year:int}/state", _edition_action("state"), methods=["POST"])
router.add_api_route("/workflow/{year:int}/publish", _edition_action("publish"), methods=["POST"])
router.add_api_route("/workflow/{year:int}/corrections", _edition_action("correct"),
                     methods=["POST"])


@router.get("/workflow/{year:int}/divergence")
async def divergence_page(request: Request, ctx: Ctx, who: CurrentUser, year: int) -> Response:
    if who.actor is None:
        return _login_redirect(request)
    return _page(request, who, "wf_divergence.html", {
        "title": f"Divergence {year}", "dv": answers.divergence(ctx.read, ctx.m, year, ctx.fit(year)),
        "year": year})


# -- one country ----------------------------------------------------------------------------------


def _assessment_context(ctx: Ctx, iso3: str, year: int, who: Who,
                        checked: tuple[str, str] | None = None) -> dict[str, Any]:
    """The assessment and, per category, the calibration aid for the person's value (their
    current proposal; ``checked`` = (category, value) asked with the page's "check a value"
    form)."""
    a = answers.assessment(ctx.read, ctx.m, iso3, year)
    s = ctx.m.scale
    steps = int((s.max - s.min) / s.step)
    fit = ctx.fit(year)
    user = who.actor.username if who.actor else None
    cal: dict[str, estimates.Calibration] = {}
    check_error = None
    for cat in a["categories"]:
        value = checked[1] if checked and checked[0] == cat else None
        try:
            cal[cat] = estimates.calibration(ctx.read, ctx.m, fit, iso3, year, cat, value, user)
        except DemoscopeError as exc:  # a value off the grid: say so, check the default
            check_error = exc.message
            cal[cat] = estimates.calibration(ctx.read, ctx.m, fit, iso3, year, cat, None, user)
    return {"title": f"{a['country']} {year}", "a": a, "year": year, "iso3": iso3,
            "grid": [fmt(s.min + i * s.step) for i in range(steps + 1)],
            "states": State, "cal": cal, "checked": checked[0] if checked else None,
            "check_error": check_error}


@router.get("/workflow/{year:int}/{iso3}")
async def assessment_page(request: Request, ctx: Ctx, who: CurrentUser, year: int, iso3: str,
                          check: str | None = None, value: str | None = None) -> Response:
    if who.actor is None:
        return _login_redirect(request)
    checked = (check.strip().upper(), value) if check and value else None
    return _page(request, who, "wf_assessment.html",
                 _assessment_context(ctx, _iso3(iso3), year, who, checked))


def _country_action(name: str) -> Callable[..., Any]:
    async def handler(request: Request, ctx: Ctx, who: CurrentUser, engine: WriteEngine,
                      year: int, iso3: str) -> Response:
        code = _iso3(iso3)
        m = ctx.m

        def run(d: dict[str, str]) -> str:
            cat = d.get("category") or None
            if name == "proposals":
                assessment.propose(engine, m, who.actor, code, year, cat or "", d.get("value", ""),
                                   d.get("justification"))
            elif name == "consensus":
                assessment.set_consensus(engine, m, who.actor, code, year, cat or "",
                                         d.get("value", ""), d.get("justification"),
                                         _int(d.get("version")), confirm=bool(d.get("confirm")))
            elif name == "confirmations":
                assessment.confirm(engine, m, who.actor, code, year, cat or "")
            else:
                assessment.comment(engine, m, who.actor, code, year, cat, d.get("text", ""))
            return f"/workflow/{year}/{code}" + (f"#cat-{cat}" if cat and cat in m.categories else "")

        def fail(exc: DemoscopeError, d: dict[str, str]) -> Response:
            return _page(request, who, "wf_assessment.html", {
                **_assessment_context(ctx, code, year, who), "error": exc.message,
                "conflict": getattr(exc, "extra", None), "posted": d}, exc.http_status)

        return await _act(request, who, f"/workflow/{year}/{code}", run, fail)

    return handler


def _int(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return -1


for _name in ("proposals", "consensus", "confirmations", "comments"):
    router.add_api_route(f"/workflow/{{year:int}}/{{iso3}}/{_name}", _country_action(_name),
                         methods=["POST"])


@router.get("/workflow/{year:int}/{iso3}/report")
async def report_page(request: Request, ctx: Ctx, who: CurrentUser, year: int, iso3: str
                      ) -> Response:
    if who.actor is None:
        return _login_redirect(request)
    code = _iso3(iso3)
    return _page(request, who, "wf_report.html", _report_context(ctx, code, year))


def _report_context(ctx: Ctx, iso3: str, year: int) -> dict[str, Any]:
    d = answers.report_draft(ctx.read, ctx.m, iso3, year)
    ed = ctx.m.edition(year)
    labels = {"executive_summary": "Executive summary", "outlook": "Outlook"}
    for c in ed.categories:
        labels[f"summary:{c}"] = f"Summary paragraph: {ctx.m.category_name(c, ed)}"
        labels[c] = f"Section: {ctx.m.category_name(c, ed)}"
    notes = "\n".join(f"[{f['number']}] {f['text']}" for f in d["footnotes"])
    return {"title": f"Report draft {d['country']} {year}", "d": d, "labels": labels,
            "notes_text": notes, "year": year, "iso3": iso3}


@router.post("/workflow/{year:int}/{iso3}/report")
async def save_report(request: Request, ctx: Ctx, who: CurrentUser, engine: WriteEngine,
                      year: int, iso3: str) -> Response:
    code = _iso3(iso3)

    def run(d: dict[str, str]) -> None:
        keys = answers.report_draft(ctx.read, ctx.m, code, year)["part_keys"]
        parts = {k: d.get(f"part:{k}", "") for k in keys}
        assessment.save_report(engine, ctx.m, who.actor, code, year, parts,
                               parse_footnotes(d.get("footnotes", "")), _int(d.get("version")))

    def fail(exc: DemoscopeError, d: dict[str, str]) -> Response:
        c = _report_context(ctx, code, year)
        c["d"] = {**c["d"], "parts": {k.removeprefix("part:"): v for k, v in d.items()
                                      if k.startswith("part:")}}
        c["notes_text"] = d.get("footnotes", "")
        return _page(request, who, "wf_report.html", {**c, "error": exc.message},
                     exc.http_status)

    return await _act(request, who, f"/workflow/{year}/{code}/report", run, fail)


def parse_footnotes(text: str) -> list[tuple[int, str]]:
    """``[1] text`` per line (a line without a number continues the previous note)."""
    import re

    out: list[tuple[int, str]] = []
    for line in text.splitlines():
        found = re.match(r"^\s*\[\^?(\d{1,3})\]\s*(.*)$", line)
        if found:
            out.append((int(found.group(1)), found.group(2).strip()))
        elif line.strip() and out:
            n, t = out[-1]
            out[-1] = (n, f"{t} {line.strip()}")
    return out


# -- people and the audit log -----------------------------------------------------------------


@router.get("/workflow/audit")
async def audit_page(request: Request, ctx: Ctx, who: CurrentUser, edition: int | None = None,
                     country: str | None = None, user: str | None = None) -> Response:
    if who.actor is None:
        return _login_redirect(request)
    if not who.may(Action.READ_AUDIT):
        raise Forbidden(f"{who.actor.username} ({who.actor.role.value}) may not read the audit log")
    iso3 = _iso3(country) if country else None
    rows = answers.audit_log(ctx.read, edition=edition, iso3=iso3, user=user or None)
    q = "&".join(f"{k}={quote(str(v))}" for k, v in (("edition", edition), ("country", iso3),
                                                     ("user", user)) if v)
    return _page(request, who, "wf_audit.html", {
        "title": "Audit log", "rows": list(reversed(rows)), "edition": edition, "country": iso3,
        "user": user, "csv": f"/api/v1/audit?format=csv{'&' + q if q else ''}"})


@router.get("/workflow/users")
async def users_page(request: Request, ctx: Ctx, who: CurrentUser) -> Response:
    if who.actor is None:
        return _login_redirect(request)
    if not who.may(Action.MANAGE_USERS):
        raise Forbidden(f"{who.actor.username} ({who.actor.role.value}) may not manage people")
    return _page(request, who, "wf_users.html", {"title": "People", "rows": answers.users(ctx.read),
                                                 "roles": [r.value for r in Role]})


@router.post("/workflow/users")
async def users_post(request: Request, ctx: Ctx, who: CurrentUser, engine: WriteEngine) -> Response:
    def run(d: dict[str, str]) -> None:
        if d.get("disable"):
            users.disable_user(engine, who.actor, d["disable"])
        else:
            users.add_user(engine, who.actor, d.get("username", ""), d.get("role", ""),
                           d.get("password", ""),
                           [c for c in d.get("countries", "").replace(",", " ").split() if c])

    def fail(exc: DemoscopeError, d: dict[str, str]) -> Response:
        return _page(request, who, "wf_users.html", {
            "title": "People", "rows": answers.users(ctx.read), "roles": [r.value for r in Role],
            "error": exc.message}, exc.http_status)

    return await _act(request, who, "/workflow/users", run, fail)


# -- public: a country's revision history ------------------------------------------------------


@router.get("/countries/{iso3}/revisions")
async def revisions_page(request: Request, ctx: Ctx, iso3: str) -> Response:
    code = _iso3(iso3)
    rv = ctx.model(("revisions", code), lambda: answers.country_revisions(ctx.read, ctx.m, code)).value
    return render(request, "revisions.html", {"title": f"{rv['country']}: revisions", "rv": rv,
                                              "corrections": [r for r in rv["revisions"]
                                                              if r["correction"]]})
