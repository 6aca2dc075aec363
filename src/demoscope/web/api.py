"""``/api/v1``: read-only JSON over the ratings. Routes parse parameters, call the library
(:mod:`demoscope.scorecard`, :mod:`demoscope.overview`, :mod:`demoscope.store.queries`) and
return JSON with an ETag. The scorecard endpoint returns exactly what
``demoscope show --json`` prints: both call :func:`~demoscope.scorecard.build_scorecard`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from demoscope import overview
from demoscope.config import get_settings
from demoscope.countries import registry
from demoscope.errors import InvalidRating
from demoscope.methodology import Direction, Methodology, fmt, load_methodology
from demoscope.scorecard import build_scorecard
from demoscope.store import queries
from demoscope.web.app import json_response

router = APIRouter(tags=["ratings"])

#: The methodology the API documents (its categories and scale labels become enums in the
#: spec): the configured one, read once when the API module is imported.
_M = load_methodology(get_settings().methodology)
DIRECTIONS = tuple(_M.direction_label(d) for d in Direction)
DirectionLabel = Literal[DIRECTIONS]  # type: ignore[valid-type]
Category = Literal[tuple(_M.categories)]  # type: ignore[valid-type]
CATEGORIES: tuple[str, ...] = tuple(_M.categories)

DirectionQ = Annotated[DirectionLabel | None, Query(
    description=f"Scale of the values: `{DIRECTIONS[0]}` ({_M.scale.min} = most democratic) or "
    f"`{DIRECTIONS[1]}` ({_M.scale.max} = most democratic). Default: each edition's own "
    "published scale.")]
CountryP = Annotated[str, Path(description="ISO 3166-1 alpha-3 code (name or alias also accepted).",
                               examples=["KAZ"])]
YearP = Annotated[int, Path(description="Edition year.", examples=[2008])]
FromQ = Annotated[int | None, Query(alias="from", ge=1900, le=2200,
                                    description="First edition (inclusive).")]
ToQ = Annotated[int | None, Query(ge=1900, le=2200, description="Last edition (inclusive); "
                                  "a range with from > to selects nothing.")]


# -- response schemas (documentation and schemathesis checks) -------------------------------

class Change(BaseModel):
    category: str
    from_: float = Field(alias="from")
    to: float
    verb: Literal["improves", "deteriorates", "remains"]
    sentence: str


class Scorecard(BaseModel):
    """Exactly the object ``demoscope show --json`` prints."""

    country: str
    iso3: str
    edition: int
    direction: DirectionLabel
    ratings: dict[str, float]
    democracy_score: float | None
    democracy_percentage: float | None
    regime: str | None
    changes: list[Change]
    complete: bool
    missing: list[str]
    previous_edition: int | None
    published_democracy_score: float | None
    quirk: str | None
    regime_rule: str | None
    regime_rules_agree: bool | None
    edition_direction: DirectionLabel
    methodology: str


class CountryOut(BaseModel):
    iso3: str
    country: str
    region: str
    subregion: str
    aliases: list[str]
    editions: list[int]


class SeriesEntry(BaseModel):
    edition: int
    label: str
    direction: DirectionLabel
    categories: list[str]
    ratings: dict[str, float | None]
    democracy_score: float | None
    democracy_percentage: float | None
    regime: str | None
    colour: str | None


class CountrySeries(BaseModel):
    iso3: str
    country: str
    region: str
    subregion: str
    editions: list[SeriesEntry]


class OverviewRowOut(BaseModel):
    country: str
    iso3: str
    region: str
    ratings: dict[str, float | None]
    changes: dict[str, Literal["improves", "deteriorates", "remains"]]
    democracy_score: float | None
    democracy_percentage: float | None
    regime: str | None
    regime_code: str | None
    colour: str | None
    democracy_score_change: Literal["improves", "deteriorates", "remains"] | None
    previous_edition: int | None


class EditionOverview(BaseModel):
    edition: int
    label: str
    direction: DirectionLabel
    previous_edition: int | None
    categories: list[str]
    countries: list[OverviewRowOut]
    regional_averages: dict[str, dict[str, float | None]]


class RankOut(BaseModel):
    rank: int
    country: str
    iso3: str
    value: float
    regime: str | None
    colour: str | None


class EditionOut(BaseModel):
    edition: int
    label: str
    direction: DirectionLabel
    categories: list[str]
    countries: int


class Rating(BaseModel):
    country: str
    iso3: str
    edition: int
    category: str
    rating: float
    direction: DirectionLabel


class RatingsPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[Rating]
    next: str | None


class ScoreOut(BaseModel):
    country: str
    iso3: str
    edition: int
    direction: DirectionLabel
    democracy_score: float | None
    democracy_percentage: float | None
    regime: str | None
    complete: bool


class ChangeOut(Change):
    """A scorecard change with the country and editions it belongs to."""

    country: str
    iso3: str
    edition: int
    previous_edition: int


class ErrorOut(BaseModel):
    error: str
    field: str | None
    suggestions: list[str] | None = None


ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut}, 422: {"model": ErrorOut}}


# -- helpers -------------------------------------------------------------------------------

def _ctx(request: Request) -> tuple[Any, Methodology]:
    return request.app.state.db.reader(), request.app.state.methodology


def _direction(m: Methodology, text: str | None) -> Direction | None:
    return m.scale.parse_direction(text) if text else None


def _iso3(text: str) -> str:
    return registry().resolve(text).iso3


def _year_range(m: Methodology, first: int | None, last: int | None) -> tuple[int, int]:
    """The edition range a filter asks for (an empty range, from > to, selects nothing)."""
    years = sorted(m.editions)
    return (first if first is not None else years[0], last if last is not None else years[-1])


def _num(v: Fraction) -> float:
    return float(fmt(v))


# -- endpoints -----------------------------------------------------------------------------

@router.get("/countries", response_model=list[CountryOut], summary="Countries and editions rated")
async def countries(request: Request) -> Response:
    read, m = _ctx(request)
    return json_response(request, overview.countries_index(read, m))


@router.get("/countries/{iso3}", response_model=CountrySeries, responses=ERRORS,
            summary="One country: its ratings, score and regime in every edition with data")
async def country(request: Request, iso3: CountryP, direction: DirectionQ = None) -> Response:
    read, m = _ctx(request)
    c = registry().resolve(iso3)
    return json_response(request, {"iso3": c.iso3, "country": c.name, "region": c.region,
                                   "subregion": c.subregion,
                                   "editions": overview.country_series(read, m, c.iso3,
                                                                       _direction(m, direction))})


@router.get("/countries/{iso3}/editions/{year}", response_model=Scorecard, responses=ERRORS,
            summary="Scorecard of one country in one edition (same as `demoscope show --json`)")
async def scorecard(request: Request, iso3: CountryP, year: YearP,
                    direction: DirectionQ = None) -> Response:
    read, m = _ctx(request)
    return json_response(request, build_scorecard(read, m, _iso3(iso3), year, direction))


@router.get("/editions", response_model=list[EditionOut], summary="Editions of the methodology")
async def editions(request: Request) -> Response:
    read, m = _ctx(request)
    return json_response(request, overview.editions_index(read, m))


@router.get("/editions/{year}", response_model=EditionOverview, responses=ERRORS,
            summary="Edition overview: every country's ratings, score, regime, changes")
async def edition(request: Request, year: YearP, direction: DirectionQ = None) -> Response:
    read, m = _ctx(request)
    ov = overview.edition_overview(read, m, year, _direction(m, direction))
    return json_response(request, ov.to_dict(m))


def _param(name: str, schema: dict[str, Any], description: str, many: bool = False) -> dict[str, Any]:
    if many:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema, **({"style": "form", "explode": True} if many else {})}


RATINGS_PARAMS = [
    _param("country", {"type": "string"}, "ISO code or name; repeatable.", many=True),
    _param("from", {"type": "integer", "minimum": 1900, "maximum": 2200}, "First edition (inclusive)."),
    _param("to", {"type": "integer", "minimum": 1900, "maximum": 2200},
           "Last edition (inclusive); a range with from > to selects nothing."),
    _param("category", {"type": "string", "enum": list(CATEGORIES)},
           "Category code; repeatable.", many=True),
    _param("direction", {"type": "string", "enum": list(DIRECTIONS)},
           "Scale of the values (default: each edition's own)."),
    _param("limit", {"type": "integer", "minimum": 1, "maximum": 5000, "default": 500}, "Page size."),
    _param("offset", {"type": "integer", "minimum": 0, "default": 0}, "Rows to skip."),
]


def _int(request: Request, name: str, default: int | None, lo: int, hi: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidRating(f"{name} must be an integer, not {raw!r}", field=name) from None
    if value < lo or (hi is not None and value > hi):
        raise InvalidRating(f"{name} must be between {lo} and {hi}" if hi is not None
                            else f"{name} must be at least {lo}", field=name)
    return value


@router.get("/ratings", response_model=RatingsPage, responses=ERRORS,
            summary="Ratings, tidy (one row per country, edition and category), paginated",
            openapi_extra={"parameters": RATINGS_PARAMS})
async def ratings(request: Request) -> Response:
    """The hot endpoint: parameters are read by hand (documented in ``RATINGS_PARAMS``)
    because FastAPI's per-parameter validation cost more than the query itself."""
    read, m = _ctx(request)
    qp = request.query_params
    lo, hi = _year_range(m, _int(request, "from", None, 1900, 2200), _int(request, "to", None, 1900, 2200))
    limit = _int(request, "limit", 500, 1, 5000)
    offset = _int(request, "offset", 0, 0, None)
    cats = qp.getlist("category")
    for k in cats:
        if k not in m.categories:
            raise InvalidRating(f"category {k!r} is not one of {', '.join(m.categories)}",
                                field="category")
    direction = qp.get("direction") or None
    if direction is not None and direction not in DIRECTIONS:
        raise InvalidRating(f"direction {direction!r} is not one of: {', '.join(DIRECTIONS)}",
                            field="direction")
    codes = [_iso3(c) for c in qp.getlist("country")]
    rows = queries.ratings_between(read, m.code, lo, hi, codes, cats)
    total = len(rows)
    target = _direction(m, direction)
    items = []
    for name, iso3, year, cat, v in rows[offset:offset + limit]:  # type: ignore[operator]
        ed = m.editions[year]
        d = target or ed.direction
        if d is not ed.direction:
            v = m.to_direction(Fraction(v, 100), ed.direction, d) * 100
        items.append({"country": name, "iso3": iso3, "edition": year, "category": cat,
                      "rating": int(v) / 100, "direction": m.direction_label(d)})
    nxt = None
    if offset + limit < total:  # type: ignore[operator]
        nxt = str(request.url.include_query_params(offset=offset + limit))  # type: ignore[operator]
    return json_response(request, {"total": total, "limit": limit, "offset": offset,
                                   "items": items, "next": nxt})


@router.get("/scores", response_model=list[ScoreOut], responses=ERRORS,
            summary="Democracy Score, Democracy Percentage and regime per country and edition")
async def scores(
    request: Request,
    country: Annotated[list[str] | None, Query(description="ISO code or name; repeatable.")] = None,
    from_: FromQ = None,
    to: ToQ = None,
    direction: DirectionQ = None,
) -> Response:
    read, m = _ctx(request)
    lo, hi = _year_range(m, from_, to)
    codes = [_iso3(c) for c in country] if country else None
    return json_response(request, overview.scores(read, m, codes, lo, hi, _direction(m, direction)))


@router.get("/changes", response_model=list[ChangeOut], responses=ERRORS,
            summary="Rating changes against the previous edition, in the reports' wording")
async def changes(
    request: Request,
    country: Annotated[list[str] | None, Query(description="ISO code or name; repeatable.")] = None,
    edition: Annotated[int | None, Query(description="Edition (default: all).")] = None,
    direction: DirectionQ = None,
    changed_only: Annotated[bool, Query(description="Leave out 'remains at'.")] = False,
) -> Response:
    read, m = _ctx(request)
    codes = [_iso3(c) for c in country] if country else None
    return json_response(request, overview.changes(read, m, codes, edition, _direction(m, direction),
                                                   changed_only))


@router.get("/rankings/{year}/{category}", response_model=list[RankOut], responses=ERRORS,
            summary="Countries of one edition ranked on one category or DS, most democratic first")
async def rankings(request: Request, year: YearP,
                   category: Annotated[Category | Literal["DS"], Path(
                       description="A category the edition rates, or DS.")],
                   direction: DirectionQ = None) -> Response:
    read, m = _ctx(request)
    return json_response(request, overview.ranking(read, m, year, category, _direction(m, direction)))


@router.get("/docs", include_in_schema=False)
async def docs(request: Request) -> Response:
    """The API reference, generated from the spec (no Swagger UI: it would need a CDN)."""
    from demoscope.web import apidocs
    from demoscope.web.app import API_CACHE
    from demoscope.web.pages import render

    spec = request.app.openapi()
    return render(request, "api_docs.html", {
        "title": "API", "spec": spec, "ops": apidocs.operations(spec),
        "schemas": apidocs.schemas(spec), "cache": API_CACHE})
