"""``/api/v1``: read-only JSON over the ratings.

Each route parses its parameters, asks one library function (:mod:`demoscope.read`) for a
read model through the request's :class:`~demoscope.web.deps.Context` (built once per data
version) and sends its prebuilt bytes with an ETag. The response models are the read models'
own ``TypedDict`` declarations, so the OpenAPI document is the contract the library builds.
The scorecard endpoint returns exactly what ``demoscope show --json`` prints.

The methodology's categories and scale labels become enums in the spec: :func:`api_router`
is called by ``create_app`` with the app's methodology. (No ``from __future__ import
annotations`` here: FastAPI must see the enums the function builds, not their names.)
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from demoscope.countries import registry
from demoscope.errors import InvalidRating
from demoscope.methodology import Direction, Methodology
from demoscope.read import coverage, estimates, indexes, overview, ratings, series
from demoscope.read.scorecard import Scorecard, scorecard
from demoscope.web.deps import Ctx
from demoscope.web.responses import API_CACHE, read_model_response

FromQ = Annotated[int | None, Query(alias="from", ge=1900, le=2200,
                                    description="First edition (inclusive).")]
ToQ = Annotated[int | None, Query(ge=1900, le=2200, description="Last edition (inclusive); "
                                  "a range with from > to selects nothing.")]
CountriesQ = Annotated[list[str] | None, Query(description="ISO code or name; repeatable.")]


class ErrorOut(BaseModel):
    error: str
    field: str | None
    suggestions: list[str] | None = None


ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut}, 422: {"model": ErrorOut}}


def _iso3(text: str) -> str:
    return registry().resolve(text).iso3


def _year_range(m: Methodology, first: int | None, last: int | None) -> tuple[int, int]:
    """The edition range a filter asks for (an empty range, from > to, selects nothing)."""
    years = sorted(m.editions)
    return (first if first is not None else years[0], last if last is not None else years[-1])


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


def _param(name: str, schema: dict[str, Any], description: str, many: bool = False) -> dict[str, Any]:
    if many:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema, **({"style": "form", "explode": True} if many else {})}


def api_router(m: Methodology) -> APIRouter:
    """The API's routes, documented with ``m``'s categories and direction labels."""
    router = APIRouter(tags=["ratings"])
    sample = list(m.site.get("compare", ()))[:1]
    CountryP = Annotated[str, Path(
        description="ISO 3166-1 alpha-3 code (name or alias also accepted).", examples=sample)]
    YearP = Annotated[int, Path(description="Edition year.", examples=[max(m.editions)])]
    labels = tuple(m.direction_label(d) for d in Direction)
    categories = tuple(m.categories)
    DirectionLabel = Literal[labels]  # type: ignore[valid-type]
    CategoryOrScore = Literal[(*categories, m.score.code)]  # type: ignore[valid-type]
    DirectionQ = Annotated[DirectionLabel | None, Query(
        description=f"Scale of the values: `{labels[0]}` ({m.scale.min} = most democratic) or "
        f"`{labels[1]}` ({m.scale.max} = most democratic). Default: each edition's own "
        "published scale.")]
    ratings_params = [
        _param("country", {"type": "string"}, "ISO code or name; repeatable.", many=True),
        _param("from", {"type": "integer", "minimum": 1900, "maximum": 2200},
               "First edition (inclusive)."),
        _param("to", {"type": "integer", "minimum": 1900, "maximum": 2200},
               "Last edition (inclusive); a range with from > to selects nothing."),
        _param("category", {"type": "string", "enum": list(categories)},
               "Category code; repeatable.", many=True),
        _param("direction", {"type": "string", "enum": list(labels)},
               "Scale of the values (default: each edition's own)."),
        _param("limit", {"type": "integer", "minimum": 1, "maximum": 5000, "default": 500},
               "Page size."),
        _param("offset", {"type": "integer", "minimum": 0, "default": 0}, "Rows to skip."),
    ]

    @router.get("/countries", response_model=list[indexes.CountryEntry],
                summary="Countries and editions rated")
    async def countries(request: Request, ctx: Ctx) -> Response:
        return read_model_response(request, ctx.model(
            ("countries",), lambda: indexes.countries(ctx.read, m)))

    @router.get("/countries/{iso3}", response_model=series.CountrySeries, responses=ERRORS,
                summary="One country: its ratings, score and regime in every edition with data")
    async def country(request: Request, ctx: Ctx, iso3: CountryP,
                      direction: DirectionQ = None) -> Response:
        code, d = _iso3(iso3), ctx.direction(direction)
        return read_model_response(request, ctx.model(
            ("country", code, d), lambda: series.country(ctx.read, m, code, d)))

    @router.get("/countries/{iso3}/editions/{year}", response_model=Scorecard, responses=ERRORS,
                summary="Scorecard of one country in one edition (same as `demoscope show --json`)")
    async def scorecard_(request: Request, ctx: Ctx, iso3: CountryP, year: YearP,
                         direction: DirectionQ = None) -> Response:
        code, d = _iso3(iso3), ctx.direction(direction)
        return read_model_response(request, ctx.model(
            ("scorecard", code, year, d), lambda: scorecard(ctx.read, m, code, year, d)))

    @router.get("/coverage", response_model=coverage.Coverage,
                summary="What the database holds for every country-edition: complete, "
                "reconstructed, partial, headline-only or none")
    async def coverage_(request: Request, ctx: Ctx) -> Response:
        return read_model_response(request, ctx.model(
            ("coverage",), lambda: coverage.coverage(ctx.read, m)))

    @router.get("/editions", response_model=list[indexes.EditionEntry],
                summary="Editions of the methodology")
    async def editions(request: Request, ctx: Ctx) -> Response:
        return read_model_response(request, ctx.model(
            ("editions",), lambda: indexes.editions(ctx.read, m)))

    @router.get("/editions/{year}", response_model=overview.EditionOverview, responses=ERRORS,
                summary="Edition overview: every country's ratings, score, regime, changes")
    async def edition(request: Request, ctx: Ctx, year: YearP,
                      direction: DirectionQ = None) -> Response:
        d = ctx.direction(direction)
        return read_model_response(request, ctx.model(
            ("overview", year, d), lambda: overview.edition_overview(ctx.read, m, year, d)))

    @router.get("/ratings", response_model=ratings.RatingsPage, responses=ERRORS,
                summary="Ratings, tidy (one row per country, edition and category), paginated",
                openapi_extra={"parameters": ratings_params})
    async def ratings_(request: Request, ctx: Ctx) -> Response:
        """Parameters are read by hand (documented in ``ratings_params``): FastAPI's
        per-parameter validation cost more than the query itself."""
        qp = request.query_params
        lo, hi = _year_range(m, _int(request, "from", None, 1900, 2200),
                             _int(request, "to", None, 1900, 2200))
        limit = _int(request, "limit", 500, 1, 5000) or 500
        offset = _int(request, "offset", 0, 0, None) or 0
        cats = qp.getlist("category")
        label = qp.get("direction") or None
        if label is not None and label not in labels:
            raise InvalidRating(f"direction {label!r} is not one of: {', '.join(labels)}",
                                field="direction")
        d = ctx.direction(label)
        codes = [_iso3(c) for c in qp.getlist("country")]

        def link(at: int) -> str:
            return str(request.url.include_query_params(offset=at))

        return read_model_response(request, ctx.model(
            ("ratings", str(request.url)), lambda: ratings.ratings_page(
                ctx.read, m, first=lo, last=hi, iso3s=codes, categories=cats, direction=d,
                limit=limit, offset=offset, link=link)))

    @router.get("/scores", response_model=list[series.ScoreEntry], responses=ERRORS,
                summary=f"{m.score.name}, {m.percentage.name if m.percentage else 'percentage'} and "
                "regime per country and edition")
    async def scores(request: Request, ctx: Ctx, country: CountriesQ = None, from_: FromQ = None,
                     to: ToQ = None, direction: DirectionQ = None) -> Response:
        lo, hi = _year_range(m, from_, to)
        codes = [_iso3(c) for c in country] if country else None
        d = ctx.direction(direction)
        return read_model_response(request, ctx.model(
            ("scores", tuple(codes or ()), lo, hi, d),
            lambda: series.scores(ctx.read, m, codes, lo, hi, d)))

    @router.get("/estimates", response_model=list[estimates.EstimateRow], responses=ERRORS,
                summary="Estimates with 90 % intervals for every country-edition-category and the "
                f"{m.score.name}: the measurement model on the participants' proposals of "
                "workflow editions; elsewhere the published value, with no interval (one reading)")
    async def estimates_(request: Request, ctx: Ctx, country: CountriesQ = None,
                         from_: FromQ = None, to: ToQ = None,
                         category: Annotated[list[CategoryOrScore] | None, Query(
                             description="Category code or the score's code; repeatable.")] = None,
                         direction: DirectionQ = None) -> Response:
        codes = [_iso3(c) for c in country] if country else None
        d = ctx.direction(direction)
        fit = ctx.fit()
        return read_model_response(request, ctx.model(
            ("estimates", tuple(codes or ()), from_, to, tuple(category or ()), d),
            lambda: estimates.estimates(ctx.read, m, fit, iso3s=codes, first=from_, last=to,
                                        categories=category, direction=d)))

    @router.get("/changes", response_model=list[series.ChangeEntry], responses=ERRORS,
                summary="Rating changes against the previous edition, in the reports' wording")
    async def changes(request: Request, ctx: Ctx, country: CountriesQ = None,
                      edition: Annotated[int | None, Query(description="Edition (default: all).")] = None,
                      direction: DirectionQ = None,
                      changed_only: Annotated[bool, Query(description="Leave out 'remains at'.")] = False,
                      ) -> Response:
        codes = [_iso3(c) for c in country] if country else None
        d = ctx.direction(direction)
        return read_model_response(request, ctx.model(
            ("changes", tuple(codes or ()), edition, d, changed_only),
            lambda: series.changes(ctx.read, m, codes, edition, d, changed_only)))

    @router.get("/rankings/{year}/{category}", response_model=list[overview.Rank], responses=ERRORS,
                summary="Countries of one edition ranked on one category or the score, most "
                "democratic first")
    async def rankings(request: Request, ctx: Ctx, year: YearP,
                       category: Annotated[CategoryOrScore, Path(
                           description="A category the edition rates, or the score.")],
                       direction: DirectionQ = None) -> Response:
        d = ctx.direction(direction)
        return read_model_response(request, ctx.model(
            ("ranking", year, category, d), lambda: overview.ranking(ctx.read, m, year, category, d)))

    @router.get("/methodology", response_model=indexes.MethodologySummary,
                summary="The methodology: scale, score rule, categories, editions, regime bands "
                "(same as `demoscope methodology --json`)")
    async def methodology(request: Request, ctx: Ctx) -> Response:
        return read_model_response(request, ctx.model(
            ("methodology",), lambda: indexes.methodology_summary(m)))

    @router.get("/docs", include_in_schema=False)
    async def docs(request: Request, ctx: Ctx) -> Response:
        """The API reference, generated from the spec (no Swagger UI: it would need a CDN)."""
        from demoscope.web import apidocs
        from demoscope.web.templating import render

        spec = request.app.openapi()
        examples = apidocs.examples(request.url.path.removesuffix("/docs"),
                                    indexes.sample_countries(ctx.read, m),
                                    overview.latest_edition(ctx.read, m), labels[-1], m.score.code)
        return render(request, "api_docs.html", {
            "title": "API", "spec": spec, "ops": apidocs.operations(spec, examples),
            "schemas": apidocs.schemas(spec), "cache": API_CACHE})

    return router
