"""``/api/v1`` for the assessment workflow: tokens, people, editions, assessments, proposals,
consensus, report drafts, publication, corrections, the divergence view and the audit log.

Each route parses its body, resolves the person (``ApiWriter`` for writes: a bearer token, or
the session cookie with its CSRF header), calls ONE service or read function and answers. The
permission an endpoint needs is declared in its ``openapi_extra`` (``x-permission``, an
:class:`~demoscope.workflow.roles.Action`); the service checks the same action against the
one permissions table, and the test matrix is generated from both. Answers that show drafts
are plain JSON responses, ``Cache-Control: private, no-store``: never the shared read-model
cache. (No ``from __future__ import annotations``: FastAPI must see the models.)
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from demoscope.countries import registry
from demoscope.errors import InvalidRating
from demoscope.methodology import Methodology
from demoscope.numbers import frac, num
from demoscope.read import assessment as answers
from demoscope.read import estimates
from demoscope.services import assessment, auth, publication, users
from demoscope.services.access import require
from demoscope.web.deps import ApiWriter, Ctx, CurrentUser, WriteEngine
from demoscope.web.responses import read_model_response
from demoscope.web.routes.api import ERRORS, ErrorOut
from demoscope.workflow.roles import Action

PRIVATE = {"Cache-Control": "private, no-store"}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS, 401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 409: {"model": ErrorOut}}


def permission(action: Action) -> dict[str, Any]:
    """The ``openapi_extra`` naming the permission an endpoint needs."""
    return {"x-permission": action.value}


def private(data: Any, status: int = 200) -> Response:
    return JSONResponse(data, status_code=status, headers=PRIVATE)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenIn(Strict):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class TokenOut(BaseModel):
    token: str
    expires_at: str


class UserIn(Strict):
    username: str
    role: str
    password: str = Field(max_length=1024)
    countries: list[str] = []


class EditionIn(Strict):
    year: int
    countries: list[str] | None = None


class StateIn(Strict):
    state: str


class ProposalIn(Strict):
    value: float | str
    justification: str | None = None


class ConsensusIn(Strict):
    value: float | str
    justification: str | None = None
    version: int
    confirm: bool = False


class ConfirmIn(Strict):
    category: str


class CommentIn(Strict):
    text: str
    category: str | None = None


class FootnoteIn(Strict):
    number: int
    text: str


class ReportIn(Strict):
    parts: dict[str, str] = {}
    footnotes: list[FootnoteIn] | None = None  # None: keep the draft's footnotes
    version: int | None = None


class CorrectionIn(Strict):
    iso3: str
    category: str
    value: float | str
    reason: str


class PublishedOut(BaseModel):
    edition: int
    countries: list[str]
    ratings: int


class CorrectionOut(BaseModel):
    edition: int
    iso3: str
    category: str
    old: float
    new: float
    reason: str


def _value(v: float | str, field: str = "value") -> Any:
    try:
        return frac(str(v))
    except (ValueError, ZeroDivisionError, InvalidRating):
        raise InvalidRating(f"{field} {v!r} is not a number", field=field) from None


def _iso3(text: str) -> str:
    return registry().resolve(text).iso3


def router(m: Methodology) -> APIRouter:
    """The workflow's API routes (``m``: the app's methodology)."""
    r = APIRouter(tags=["workflow"])
    YearP = Annotated[int, Path(description="Edition year.", ge=1900, le=2200)]
    CountryP = Annotated[str, Path(description="ISO 3166-1 alpha-3 code.")]
    CategoryP = Annotated[str, Path(description="Category code.")]

    # -- credentials ------------------------------------------------------------------------

    @r.post("/auth/token", status_code=201, response_model=TokenOut,
            responses={401: {"model": ErrorOut}, 429: {"model": ErrorOut}},
            summary="Exchange a username and password for an API token (Authorization: Bearer)")
    def token(request: Request, body: TokenIn, engine: WriteEngine) -> Response:
        issued = auth.login(engine, request.app.state.read, body.username, body.password, "token")
        return private({"token": issued.secret,
                        "expires_at": answers.iso_time(issued.expires_at)}, 201)

    @r.delete("/auth/token", status_code=204, responses={401: {"model": ErrorOut}},
              summary="Revoke the token this request carries")
    def revoke(who: CurrentUser, engine: WriteEngine) -> Response:
        require(who.actor, Action.READ_DRAFTS)
        if who.via == "token":
            auth.logout(engine, who.secret)
        return Response(status_code=204)

    # -- people -----------------------------------------------------------------------------

    @r.get("/users", response_model=list[answers.UserEntry], responses=WRITE_ERRORS,
           summary="People and their roles (admin)", openapi_extra=permission(Action.MANAGE_USERS))
    def users_(ctx: Ctx, who: CurrentUser) -> Response:
        require(who.actor, Action.MANAGE_USERS)
        return private(answers.users(ctx.read))

    @r.post("/users", status_code=201, response_model=answers.UserEntry, responses=WRITE_ERRORS,
            summary="Add a person (admin)", openapi_extra=permission(Action.MANAGE_USERS))
    def add_user(ctx: Ctx, body: UserIn, who: ApiWriter, engine: WriteEngine) -> Response:
        users.add_user(engine, who.actor, body.username, body.role, body.password, body.countries)
        found = [u for u in answers.users(ctx.read) if u["username"] == body.username.strip().lower()]
        return private(found[0], 201)

    @r.post("/users/{username}/disable", response_model=answers.UserEntry, responses=WRITE_ERRORS,
            summary="Disable a person: no more logins; their tokens and sessions end (admin)",
            openapi_extra=permission(Action.MANAGE_USERS))
    def disable_user(ctx: Ctx, username: str, who: ApiWriter, engine: WriteEngine) -> Response:
        users.disable_user(engine, who.actor, username)
        found = [u for u in answers.users(ctx.read) if u["username"] == username.strip().lower()]
        return private(found[0])

    # -- editions ---------------------------------------------------------------------------

    @r.get("/assessments", response_model=list[answers.EditionEntry], responses=WRITE_ERRORS,
           summary="Editions opened for assessment, newest first (logged in)",
           openapi_extra=permission(Action.READ_DRAFTS))
    def editions(ctx: Ctx, who: CurrentUser) -> Response:
        require(who.actor, Action.READ_DRAFTS)
        return private(answers.assessment_editions(ctx.read, m))

    @r.post("/editions", status_code=201, response_model=answers.EditionStatus,
            responses=WRITE_ERRORS, openapi_extra=permission(Action.OPEN_EDITION),
            summary="Open an edition for assessment (editor): starting values converted to its "
            "scale, the methodology version pinned")
    def open_edition(ctx: Ctx, body: EditionIn, who: ApiWriter, engine: WriteEngine) -> Response:
        codes = [_iso3(c) for c in body.countries] if body.countries else None
        opened = assessment.open_edition(engine, m, who.actor, body.year, codes)
        return private(answers.edition_status(ctx.read, m, opened.year), 201)

    @r.get("/editions/{year}/status", response_model=answers.EditionStatus, responses=WRITE_ERRORS,
           summary="An assessment edition: state, countries, what publication still needs",
           openapi_extra=permission(Action.READ_DRAFTS))
    def status(ctx: Ctx, year: YearP, who: CurrentUser) -> Response:
        require(who.actor, Action.READ_DRAFTS)
        return private(answers.edition_status(ctx.read, m, year))

    @r.post("/editions/{year}/state", response_model=answers.EditionStatus, responses=WRITE_ERRORS,
            summary="Move an edition: drafting → review → consensus, or one step back (editor)",
            openapi_extra=permission(Action.MOVE_EDITION))
    def move(ctx: Ctx, year: YearP, body: StateIn, who: ApiWriter, engine: WriteEngine) -> Response:
        assessment.move_edition(engine, m, who.actor, year, body.state)
        return private(answers.edition_status(ctx.read, m, year))

    @r.post("/editions/{year}/publish", response_model=PublishedOut, responses=WRITE_ERRORS,
            summary="Publish an edition (editor); 409 with {\"missing\": [{iso3, category, "
            "rule}]} until every publication rule holds",
            openapi_extra=permission(Action.PUBLISH))
    def publish(year: YearP, who: ApiWriter, engine: WriteEngine) -> Response:
        done = publication.publish(engine, m, who.actor, year)
        return private({"edition": done.year, "countries": done.countries, "ratings": done.ratings})

    @r.post("/editions/{year}/corrections", status_code=201, response_model=CorrectionOut,
            responses=WRITE_ERRORS, openapi_extra=permission(Action.CORRECT),
            summary="Correct a published rating (editor): a new revision with its reason")
    def correct(year: YearP, body: CorrectionIn, who: ApiWriter, engine: WriteEngine) -> Response:
        c = publication.correct(engine, m, who.actor, year, _iso3(body.iso3), body.category,
                                _value(body.value), body.reason)
        return private({"edition": c.year, "iso3": c.iso3, "category": c.category,
                        "old": num(c.old), "new": num(c.new), "reason": c.reason}, 201)

    @r.get("/editions/{year}/divergence", response_model=answers.Divergence, responses=WRITE_ERRORS,
           summary="Every proposal side by side, countries by largest disagreement first, with "
           "the model's estimates and intervals and each rater's leniency and reliability",
           openapi_extra=permission(Action.READ_DRAFTS))
    def divergence(ctx: Ctx, year: YearP, who: CurrentUser) -> Response:
        require(who.actor, Action.READ_DRAFTS)
        return private(answers.divergence(ctx.read, m, year, ctx.fit(year)))

    # -- one country ------------------------------------------------------------------------

    @r.get("/assessments/{iso3}/{year}", response_model=answers.Assessment, responses=WRITE_ERRORS,
           summary="One country of an assessment edition (logged in)",
           openapi_extra=permission(Action.READ_DRAFTS))
    def get_assessment(ctx: Ctx, iso3: CountryP, year: YearP, who: CurrentUser) -> Response:
        require(who.actor, Action.READ_DRAFTS)
        return private(answers.assessment(ctx.read, m, _iso3(iso3), year))

    @r.put("/assessments/{iso3}/{year}/proposals/{category}", response_model=answers.Assessment,
           responses=WRITE_ERRORS, openapi_extra=permission(Action.PROPOSE),
           summary="Propose a value with its justification (authors: their countries)")
    def propose(ctx: Ctx, iso3: CountryP, year: YearP, category: CategoryP, body: ProposalIn,
                who: ApiWriter, engine: WriteEngine) -> Response:
        code = _iso3(iso3)
        assessment.propose(engine, m, who.actor, code, year, category, _value(body.value),
                           body.justification)
        return private(answers.assessment(ctx.read, m, code, year))

    @r.post("/assessments/{iso3}/{year}/comments", status_code=201,
            response_model=answers.Assessment, responses=WRITE_ERRORS,
            openapi_extra=permission(Action.COMMENT), summary="Comment on a country or category")
    def comment(ctx: Ctx, iso3: CountryP, year: YearP, body: CommentIn, who: ApiWriter,
                engine: WriteEngine) -> Response:
        code = _iso3(iso3)
        assessment.comment(engine, m, who.actor, code, year, body.category, body.text)
        return private(answers.assessment(ctx.read, m, code, year), 201)

    @r.put("/assessments/{iso3}/{year}/consensus/{category}", response_model=answers.Assessment,
           responses=WRITE_ERRORS, openapi_extra=permission(Action.SET_CONSENSUS),
           summary="Save the consensus (editor) with the assessment's version; 409 with both "
           "values when someone saved first")
    def consensus(ctx: Ctx, iso3: CountryP, year: YearP, category: CategoryP, body: ConsensusIn,
                  who: ApiWriter, engine: WriteEngine) -> Response:
        code = _iso3(iso3)
        assessment.set_consensus(engine, m, who.actor, code, year, category, _value(body.value),
                                 body.justification, body.version, confirm=body.confirm)
        return private(answers.assessment(ctx.read, m, code, year))

    @r.post("/assessments/{iso3}/{year}/confirmations", response_model=answers.Assessment,
            responses=WRITE_ERRORS, openapi_extra=permission(Action.CONFIRM),
            summary="Confirm a large change: a category's consensus, or the score's regime band "
            "crossing (editor)")
    def confirm(ctx: Ctx, iso3: CountryP, year: YearP, body: ConfirmIn, who: ApiWriter,
                engine: WriteEngine) -> Response:
        code = _iso3(iso3)
        assessment.confirm(engine, m, who.actor, code, year, body.category)
        return private(answers.assessment(ctx.read, m, code, year))

    @r.get("/assessments/{iso3}/{year}/report", response_model=answers.ReportDraftOut,
           responses=WRITE_ERRORS, openapi_extra=permission(Action.READ_DRAFTS),
           summary="The country report draft, with the rating sentences generated from the "
           "consensus")
    def get_report(ctx: Ctx, iso3: CountryP, year: YearP, who: CurrentUser) -> Response:
        require(who.actor, Action.READ_DRAFTS)
        return private(answers.report_draft(ctx.read, m, _iso3(iso3), year))

    @r.put("/assessments/{iso3}/{year}/report", response_model=answers.ReportDraftOut,
           responses=WRITE_ERRORS, openapi_extra=permission(Action.WRITE_REPORT),
           summary="Save a new version of the report draft (Markdown per part, numbered "
           "footnotes)")
    def put_report(ctx: Ctx, iso3: CountryP, year: YearP, body: ReportIn, who: ApiWriter,
                   engine: WriteEngine) -> Response:
        code = _iso3(iso3)
        assessment.save_report(engine, m, who.actor, code, year, body.parts,
                               None if body.footnotes is None else
                               [(f.number, f.text) for f in body.footnotes], body.version)
        return private(answers.report_draft(ctx.read, m, code, year))

    @r.get("/assessments/{iso3}/{year}/calibration/{category}", response_model=estimates.Calibration,
           responses=WRITE_ERRORS, openapi_extra=permission(Action.READ_DRAFTS),
           summary="Calibration aid: the interval the other raters imply for a value (flagged "
           "when outside) and the comparable country-editions with their justifications")
    def calibration(ctx: Ctx, iso3: CountryP, year: YearP, category: CategoryP, who: CurrentUser,
                    value: Annotated[str | None, Query(description="The value to check (default: "
                                                       "your current proposal).")] = None
                    ) -> Response:
        require(who.actor, Action.READ_DRAFTS)
        assert who.actor is not None
        return private(estimates.calibration(ctx.read, m, ctx.fit(year), _iso3(iso3), year,
                                             category, None if value is None else _value(value),
                                             who.actor.username))

    # -- proposals (for statistics), audit, revisions ------------------------------------------

    @r.get("/proposals", response_model=list[answers.ProposalEntry], responses=WRITE_ERRORS,
           summary="Every proposal with its history (``current`` marks each person's latest)",
           openapi_extra=permission(Action.READ_DRAFTS))
    def proposals(ctx: Ctx, who: CurrentUser,
                  edition: Annotated[int | None, Query()] = None,
                  country: Annotated[str | None, Query()] = None,
                  user: Annotated[str | None, Query()] = None) -> Response:
        require(who.actor, Action.READ_DRAFTS)
        return private(answers.proposals(ctx.read, m, year=edition,
                                         iso3=_iso3(country) if country else None, user=user))

    @r.get("/audit", response_model=list[answers.AuditEntry], responses=WRITE_ERRORS,
           summary="The audit log, oldest first (editor, admin); format=csv for a file",
           openapi_extra=permission(Action.READ_AUDIT))
    def audit_(ctx: Ctx, who: CurrentUser,
               edition: Annotated[int | None, Query()] = None,
               country: Annotated[str | None, Query()] = None,
               user: Annotated[str | None, Query()] = None,
               limit: Annotated[int | None, Query(ge=1, le=100000)] = None,
               offset: Annotated[int, Query(ge=0)] = 0,
               format: Annotated[str, Query(pattern="^(json|csv)$")] = "json") -> Response:
        require(who.actor, Action.READ_AUDIT)
        rows = answers.audit_log(ctx.read, edition=edition, iso3=_iso3(country) if country else None,
                                 user=user, limit=limit, offset=offset)
        if format == "csv":
            return Response(answers.audit_csv(rows), media_type="text/csv; charset=utf-8",
                            headers={**PRIVATE,
                                     "Content-Disposition": 'attachment; filename="audit.csv"'})
        return private(rows)

    @r.get("/countries/{iso3}/revisions", response_model=answers.CountryRevisions,
           responses=ERRORS, tags=["ratings"],
           summary="Every recorded change of a country's published ratings, corrections flagged")
    def revisions(request: Request, ctx: Ctx, iso3: CountryP) -> Response:
        code = _iso3(iso3)
        return read_model_response(request, ctx.model(
            ("revisions", code), lambda: answers.country_revisions(ctx.read, m, code)))

    return r
