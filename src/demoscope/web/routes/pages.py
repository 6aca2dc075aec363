"""HTML pages. Each route parses its parameters, asks the library (:mod:`demoscope.read`,
:mod:`demoscope.exports`) for read models and renders one template.

Pages work without JavaScript (sorting and the direction switch are links and forms); the
small script in ``static/app.js`` adds click-to-sort, auto-submitting selects and the charts.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from demoscope import exports
from demoscope.countries import Country, registry
from demoscope.errors import UnknownCountry
from demoscope.methodology import eras
from demoscope.numbers import fmt
from demoscope.read import indexes, overview, series
from demoscope.read.scorecard import scorecard
from demoscope.store import reads
from demoscope.web.deps import Ctx
from demoscope.web.responses import PAGE_CACHE, Prebuilt, prebuilt_response
from demoscope.web.templating import render

router = APIRouter(include_in_schema=False)
DirectionQ = Annotated[str | None, Query(description="A direction label, or empty for each "
                                          "edition's own scale.")]
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "parquet": "application/vnd.apache.parquet"}


@router.get("/")
async def home(ctx: Ctx) -> Response:
    return RedirectResponse(f"/editions/{overview.latest_edition(ctx.read, ctx.m)}", status_code=302)


@router.get("/editions")
async def editions_index(year: int | None = None) -> Response:
    return RedirectResponse(f"/editions/{year}" if year else "/", status_code=303)


@router.get("/editions/{year}")
async def edition_page(request: Request, ctx: Ctx, year: int, direction: DirectionQ = None,
                       sort: str = "country", order: Literal["asc", "desc"] = "asc") -> Response:
    m, d = ctx.m, ctx.direction(direction)
    ov = ctx.model(("overview", year, d),
                   lambda: overview.edition_overview(ctx.read, m, year, d)).value
    ed = m.edition(ov["edition"])
    return render(request, "edition.html", {
        "title": f"{m.name} {ed.label}", "ov": ov, "ed": ed,
        "target": m.scale.parse_direction(ov["direction"]),
        "rows": overview.sort_rows(m, ov, sort, order == "desc"),
        "years": reads.editions_with_data(ctx.read, m.code),
        "direction": ov["direction"], "direction_param": direction or "",
        "sort": sort, "order": order, "bands": overview.bands_best_first(m)})


@router.get("/countries")
async def countries_page(request: Request, ctx: Ctx) -> Response:
    rows = ctx.model(("countries",), lambda: indexes.countries(ctx.read, ctx.m)).value
    return render(request, "countries.html", {"title": "Countries", "rows": rows})


@router.get("/countries/{iso3}")
async def country_page(request: Request, ctx: Ctx, iso3: str, direction: DirectionQ = None
                       ) -> Response:
    m = ctx.m
    c = registry().resolve(iso3)
    if c.iso3 != iso3:
        q = f"?direction={direction}" if direction else ""
        return RedirectResponse(f"/countries/{c.iso3}{q}", status_code=301)
    d = ctx.direction(direction)
    found = series.require_series(ctx.model(("series", c.iso3, d), lambda: series.country_series(
        ctx.read, m, c.iso3, d)).value, c.name)
    latest = found[-1]["edition"]
    card = ctx.model(("scorecard", c.iso3, latest, d),
                     lambda: scorecard(ctx.read, m, c.iso3, latest, d)).value
    return render(request, "country.html", {
        "title": c.name, "country": c, "card": card, "series": found,
        "codes": series.categories_used(m, found), "direction_param": direction or "",
        "chart": series.country_chart(ctx.read, m, c.iso3, found, d)})


@router.get("/compare")
async def compare_page(request: Request, ctx: Ctx,
                       countries: Annotated[list[str] | None, Query()] = None,
                       category: str | None = None, direction: DirectionQ = None) -> Response:
    m = ctx.m
    reg = registry()
    chosen: list[Country] = [reg.resolve(x) for x in (countries or indexes.sample_countries(ctx.read, m))
                             if x.strip()]
    chosen = list(dict.fromkeys(chosen))  # a country ticked twice is one line
    # one scale for every line: the one asked for, else the latest edition's
    d = ctx.direction(direction) or m.edition(max(m.editions)).direction
    code = overview.score_code(m, category or m.score.code)
    data = series.compare(ctx.read, m, [c.iso3 for c in chosen], code, d)
    names = {c.iso3: c.name for c in chosen}
    label = m.score.name if code == m.score.code else m.category(code).name
    return render(request, "compare.html", {
        "title": "Compare countries", "chosen": chosen, "all": list(reg),
        "category": code, "label": label, "direction": m.direction_label(d),
        "table": series.compare_table(data), "names": names,
        "chart": {"series": [{"name": names[iso], "x": [y for y, _ in pts], "y": [v for _, v in pts]}
                             for iso, pts in data.items()],
                  "title": label, "direction": m.direction_label(d),
                  "range": [float(m.scale.min), float(m.scale.max)],
                  "reversed": m.scale.best(d) == m.scale.min}})


@router.get("/ranking")
async def ranking_page(request: Request, ctx: Ctx, edition: int | None = None,
                       category: str | None = None, direction: DirectionQ = None) -> Response:
    m = ctx.m
    ed = m.edition(edition or overview.latest_edition(ctx.read, m))
    d = ctx.direction(direction)
    code = overview.score_code(m, category or m.score.code, ed)
    rows = ctx.model(("ranking", ed.year, code, d),
                     lambda: overview.ranking(ctx.read, m, ed.year, code, d)).value
    label = m.score.name if code == m.score.code else m.category_name(code, ed)
    return render(request, "ranking.html", {
        "title": f"Ranking: {label}", "rows": rows, "ed": ed, "category": code,
        "label": label, "years": reads.editions_with_data(ctx.read, m.code),
        "direction": m.direction_label(d or ed.direction), "direction_param": direction or ""})


@router.get("/data")
async def data_page(request: Request, ctx: Ctx) -> Response:
    m = ctx.m
    return render(request, "data.html", {
        "title": "Data", "total": reads.count_ratings(ctx.read), "formats": exports.FORMATS,
        "tidy": exports.codebook(m), "wide": exports.codebook(m, wide=True),
        "reconstructed": exports.table_codebook(m, "reconstructed"),
        "scores": exports.table_codebook(m, "scores")})


@router.get("/data/{table}.{fmt_name}")
def download(request: Request, ctx: Ctx, table: Literal["ratings", "reconstructed", "scores"],
             fmt_name: Literal["csv", "xlsx", "json", "parquet"],
             wide: bool = False, direction: DirectionQ = None) -> Response:
    """A file of every rating (or of the reconstructed ratings, or the scores per
    country-edition), stamped with its data version (sync: pandas runs in the thread pool).
    Built once per data version: the middleware keeps it for the next download."""
    m = ctx.m
    d = ctx.direction(direction)
    df, stamp = exports.table_frame(ctx.read, m, table, direction=d, wide=wide)
    body = exports.to_bytes(df, fmt_name, stamp)
    name = f"{m.code}-{table}{'-wide' if wide else ''}{'-' + direction if direction else ''}.{fmt_name}"
    from demoscope.read.cache import etag_of

    return prebuilt_response(request, Prebuilt(
        body, MEDIA[fmt_name], etag_of(body), PAGE_CACHE, ctx.version,
        {"Content-Disposition": f'attachment; filename="{name}"'}))


@router.get("/methodology")
async def methodology_page(request: Request, ctx: Ctx) -> Response:
    from demoscope.methodology import Direction

    return render(request, "methodology.html", {"title": "Methodology", "eras": eras(ctx.m),
                                                "fmt": fmt, "Direction": Direction,
                                                "bands": overview.bands_best_first(ctx.m)})


@router.get("/search")
async def search(q: str = "") -> Response:
    reg = registry()
    found = reg.find(q.strip()) if q.strip() else None
    if found is not None:
        return RedirectResponse(f"/countries/{found.iso3}", status_code=303)
    if not q.strip():
        return RedirectResponse("/countries", status_code=303)
    raise UnknownCountry(q.strip(), reg.suggest(q.strip()))
