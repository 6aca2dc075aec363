"""HTML pages. Each route parses its parameters, asks the library (:mod:`demoscope.read`,
:mod:`demoscope.exports`) for read models and renders one template.

Pages work without JavaScript (sorting and the direction switch are links and forms); the
small script in ``static/app.js`` adds click-to-sort, auto-submitting selects and the charts.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from markupsafe import Markup

from demoscope import exports
from demoscope.countries import Country, registry
from demoscope.errors import UnknownCountry
from demoscope.methodology import Direction, Methodology, eras
from demoscope.numbers import fmt
from demoscope.publish import html as publication
from demoscope.publish import release
from demoscope.publish.model import CountryReport, EditionOverview
from demoscope.publish.render import MEDIA_TYPES, file_name, overview_bytes, report_bytes, report_model
from demoscope.read import coverage, estimates, indexes, overview, series, tables
from demoscope.read.cache import etag_of
from demoscope.read.scorecard import CountryYear, country_year, scorecard
from demoscope.store import reads
from demoscope.web import charts
from demoscope.web.deps import Context, Ctx
from demoscope.web.responses import PAGE_CACHE, Prebuilt, prebuilt_response
from demoscope.web.templating import render

router = APIRouter(include_in_schema=False)
DirectionQ = Annotated[str | None, Query(description="A direction label, or empty for each "
                                          "edition's own scale.")]
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "parquet": "application/vnd.apache.parquet", "md": "text/markdown; charset=utf-8",
         "zip": "application/zip"}


Fmt = Literal["csv", "xlsx"]


def table_file(request: Request, ctx: Context, table: tables.Table, fmt_name: str,
               direction: str) -> Response:
    """A page's own table as CSV or XLSX, stamped with the data version (kept by the
    middleware like the page)."""
    version = ctx.version or reads.data_version(ctx.read)
    st = exports.table_stamp(ctx.m, version.label, version.dataset, table["name"], direction,
                             len(table["rows"]))
    body = exports.table_bytes(table["columns"], table["rows"], fmt_name, st)
    from demoscope.read.cache import etag_of

    return prebuilt_response(request, Prebuilt(
        body, MEDIA[fmt_name], etag_of(body), PAGE_CACHE, ctx.version,
        {"Content-Disposition": f'attachment; filename="{table["name"]}.{fmt_name}"'}))


def _grid(ctx: Context) -> coverage.CoverageGrid:
    return ctx.model(("coverage-grid",), lambda: coverage.coverage_grid(ctx.read, ctx.m)).value


@router.get("/")
async def home(request: Request, ctx: Ctx) -> Response:
    grid = _grid(ctx)
    return render(request, "home.html", {
        "title": "What is here", "grid": grid, "latest": overview.latest_edition(ctx.read, ctx.m),
        "status_text": coverage.STATUS_TEXT})


@router.get("/coverage.{fmt_name}")
def coverage_file(request: Request, ctx: Ctx, fmt_name: Fmt) -> Response:
    return table_file(request, ctx, tables.coverage_table(_grid(ctx)), fmt_name, "")


@router.get("/editions")
async def editions_index(request: Request, ctx: Ctx, year: int | None = None) -> Response:
    if year:
        return RedirectResponse(f"/editions/{year}", status_code=303)
    grid = _grid(ctx)
    return render(request, "editions.html", {"title": "Editions", "grid": grid,
                                             "eras": eras(ctx.m)})


def _overview(ctx: Context, year: int, d: Direction | None) -> overview.EditionOverview:
    return ctx.model(("overview", year, d),
                     lambda: overview.edition_overview(ctx.read, ctx.m, year, d)).value


@router.get("/editions/{year}.{fmt_name}")
def edition_file(request: Request, ctx: Ctx, year: int, fmt_name: Fmt,
                 direction: DirectionQ = None) -> Response:
    ov = _overview(ctx, ctx.m.edition(year).year, ctx.direction(direction))
    return table_file(request, ctx, tables.edition_table(ctx.read, ctx.m, ov), fmt_name,
                      ov["direction"])


@router.get("/editions/{year}")
async def edition_page(request: Request, ctx: Ctx, year: int, direction: DirectionQ = None,
                       sort: str = "country", order: Literal["asc", "desc"] = "asc") -> Response:
    m, d = ctx.m, ctx.direction(direction)
    named = m.edition_for(year)
    if named is not None and named.year != year:  # /editions/2000 → the 1999–2000 edition
        return RedirectResponse(f"/editions/{named.year}{_query(direction=direction)}",
                                status_code=301)
    ov = _overview(ctx, m.edition(year).year, d)
    ed = m.edition(ov["edition"])
    target = m.scale.parse_direction(ov["direction"])
    return render(request, "edition.html", {
        "title": f"{m.name} {ed.label}", "ov": ov, "ed": ed, "target": target,
        "rows": overview.sort_rows(m, ov, sort, order == "desc"),
        "years": list(m.editions), "labels": {y: e.label for y, e in m.editions.items()},
        "direction": ov["direction"], "direction_param": direction or "",
        "sort": sort, "order": order, "bands": overview.bands_best_first(m),
        "map": _regime_map(m, ov), "flag_text": coverage.FLAG_TEXT,
        "missing_mark": coverage.MISSING_MARK,
        "query": _query(direction=direction)})


def _query(**params: str | int | None) -> str:
    from urllib.parse import urlencode

    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


def _regime_map(m: Methodology, ov: overview.EditionOverview) -> Markup | None:
    """The edition's regimes on a map (None when no country has one)."""
    fills: dict[str, tuple[str, str]] = {}
    for r in ov["countries"]:
        if r["regime"] and r["colour"]:
            v = overview.shown_score(m, r)
            fills[r["iso3"]] = (r["colour"], f"{r['country']}: {r['regime']}"
                                + (f" ({v:.2f})" if v is not None else ""))
    if not fills:
        return None
    return charts.region_map(charts.geometry(), fills, "regime-map")


@router.get("/countries")
async def countries_page(request: Request, ctx: Ctx) -> Response:
    rows = ctx.model(("countries",), lambda: indexes.countries(ctx.read, ctx.m)).value
    return render(request, "countries.html", {"title": "Countries", "rows": rows})


def _country(ctx: Context, iso3: str, d: Direction | None) -> tuple[Country, list[series.SeriesEntry]]:
    c = registry().resolve(iso3)
    found = series.require_series(ctx.model(("series", c.iso3, d), lambda: series.country_series(
        ctx.read, ctx.m, c.iso3, d)).value, c.name)
    return c, found


@router.get("/countries/{iso3}.{fmt_name}")
def country_file(request: Request, ctx: Ctx, iso3: str, fmt_name: Fmt,
                 direction: DirectionQ = None) -> Response:
    c, found = _country(ctx, iso3, ctx.direction(direction))
    table = tables.country_table(ctx.read, ctx.m, c.iso3, c.name, found,
                                 series.categories_used(ctx.m, found), direction or "published")
    return table_file(request, ctx, table, fmt_name, direction or "")


@router.get("/countries/{iso3}")
async def country_page(request: Request, ctx: Ctx, iso3: str, direction: DirectionQ = None,
                       first: Annotated[int | None, Query(alias="from")] = None,
                       last: Annotated[int | None, Query(alias="to")] = None) -> Response:
    m = ctx.m
    c = registry().resolve(iso3)
    if c.iso3 != iso3:
        return RedirectResponse(f"/countries/{c.iso3}{_query(direction=direction)}",
                                status_code=301)
    d = ctx.direction(direction)
    c, found = _country(ctx, iso3, d)
    latest = found[-1]["edition"]
    card = ctx.model(("scorecard", c.iso3, latest, d),
                     lambda: scorecard(ctx.read, m, c.iso3, latest, d)).value
    chart = estimates.add_intervals(series.country_chart(ctx.read, m, c.iso3, found, d, first, last),
                                    m, ctx.fit(), iso3=c.iso3)
    return render(request, "country.html", {
        "intervals": estimates.has_intervals(chart),
        "title": c.name, "country": c, "card": card, "series": found,
        "codes": series.categories_used(m, found), "direction_param": direction or "",
        "chart": chart, "svg": charts.chart_pair(chart, "country-chart"),
        "years": [s["edition"] for s in found], "first": first, "last": last,
        "flag_text": coverage.FLAG_TEXT, "missing_mark": coverage.MISSING_MARK,
        "query": _query(direction=direction)})


def _country_year(ctx: Context, iso3: str, year: int, d: Direction | None) -> CountryYear:
    return ctx.model(("country-year", iso3, year, d),
                     lambda: country_year(ctx.read, ctx.m, iso3, year, d)).value


@router.get("/countries/{iso3}/{year:int}.{fmt_name}")
def country_year_file(request: Request, ctx: Ctx, iso3: str, year: int, fmt_name: Fmt,
                      direction: DirectionQ = None) -> Response:
    c = registry().resolve(iso3)
    cy = _country_year(ctx, c.iso3, ctx.m.edition(year).year, ctx.direction(direction))
    return table_file(request, ctx, tables.country_year_table(ctx.m, cy), fmt_name,
                      cy["scorecard"]["direction"])


@router.get("/countries/{iso3}/{year:int}")
async def country_year_page(request: Request, ctx: Ctx, iso3: str, year: int,
                            direction: DirectionQ = None) -> Response:
    m = ctx.m
    c = registry().resolve(iso3)
    named = m.edition_for(year)
    if c.iso3 != iso3 or (named is not None and named.year != year):
        return RedirectResponse(f"/countries/{c.iso3}/{named.year if named else year}"
                                f"{_query(direction=direction)}", status_code=301)
    cy = _country_year(ctx, c.iso3, m.edition(year).year, ctx.direction(direction))
    ed = m.edition(cy["scorecard"]["edition"])
    return render(request, "country_year.html", {
        "title": f"{c.name_in(ed.year)}, {m.name} {ed.label}", "country": c, "cy": cy,
        "card": cy["scorecard"], "ed": ed, "direction_param": direction or "",
        "flag_text": coverage.FLAG_TEXT, "missing_mark": coverage.MISSING_MARK,
        "sources": {s["code"]: s for s in cy["sources"]},
        "changes": {ch["category"]: ch for ch in cy["scorecard"]["changes"]},
        "percentage_derived": coverage.percentage_derived(m, ed),
        "query": _query(direction=direction)})


def _compare(ctx: Context, countries: list[str] | None, category: str | None,
             direction: str | None) -> dict[str, Any]:
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
    return {"chosen": chosen, "code": code, "label": label, "d": d, "data": data, "names": names}


@router.get("/compare.{fmt_name}")
def compare_file(request: Request, ctx: Ctx, fmt_name: Fmt,
                 countries: Annotated[list[str] | None, Query()] = None,
                 category: str | None = None, direction: DirectionQ = None) -> Response:
    c = _compare(ctx, countries, category, direction)
    label = ctx.m.direction_label(c["d"])
    table = tables.compare_table_file(series.compare_table(c["data"]), c["names"], c["code"], label)
    return table_file(request, ctx, table, fmt_name, label)


@router.get("/compare")
async def compare_page(request: Request, ctx: Ctx,
                       countries: Annotated[list[str] | None, Query()] = None,
                       category: str | None = None, direction: DirectionQ = None) -> Response:
    m = ctx.m
    c = _compare(ctx, countries, category, direction)
    chart = estimates.add_intervals(
        series.compare_chart(m, c["data"], c["names"], c["label"], c["d"]), m, ctx.fit(),
        code=c["code"])
    from urllib.parse import urlencode

    params = [("countries", x.iso3) for x in c["chosen"]] + [("category", c["code"]),
                                                              ("direction", m.direction_label(c["d"]))]
    return render(request, "compare.html", {
        "title": "Compare countries", "chosen": c["chosen"], "all": list(registry()),
        "intervals": estimates.has_intervals(chart),
        "category": c["code"], "label": c["label"], "direction": m.direction_label(c["d"]),
        "table": series.compare_table(c["data"]), "names": c["names"], "chart": chart,
        "svg": charts.chart_pair(chart, "compare-chart"), "query": "?" + urlencode(params)})


def _ranking(ctx: Context, edition: int | None, category: str | None,
             direction: str | None) -> overview.Ranking:
    m = ctx.m
    ed = m.edition(edition or overview.latest_edition(ctx.read, m))
    d = ctx.direction(direction)
    code = overview.score_code(m, category or m.score.code, ed)
    return ctx.model(("ranking", ed.year, code, d),
                     lambda: overview.ranking_of(ctx.read, m, ed.year, code, d)).value


@router.get("/ranking.{fmt_name}")
def ranking_file(request: Request, ctx: Ctx, fmt_name: Fmt, edition: int | None = None,
                 category: str | None = None, direction: DirectionQ = None) -> Response:
    rk = _ranking(ctx, edition, category, direction)
    return table_file(request, ctx, tables.ranking_table(rk), fmt_name, rk["direction"])


@router.get("/ranking")
async def ranking_page(request: Request, ctx: Ctx, edition: int | None = None,
                       category: str | None = None, direction: DirectionQ = None) -> Response:
    m = ctx.m
    rk = _ranking(ctx, edition, category, direction)
    ed = m.edition(rk["edition"])
    code = rk["category"]
    label = m.score.name if code == m.score.code else m.category_name(code, ed)
    ov = _overview(ctx, ed.year, ctx.direction(direction))
    return render(request, "ranking.html", {
        "title": f"Ranking: {label}", "rk": rk, "rows": rk["ranks"], "ed": ed, "category": code,
        "label": label, "years": reads.editions_with_data(ctx.read, m.code),
        "direction": rk["direction"], "direction_param": direction or "",
        "map": _regime_map(m, ov) if code == m.score.code else None,
        "query": _query(edition=ed.year, category=code, direction=direction)})


@router.get("/data")
def data_page(request: Request, ctx: Ctx) -> Response:
    """Downloads, the codebook and the data releases of the releases folder. Built on every
    request: a release written by ``demoscope release`` changes the folder, not the data
    version."""
    m = ctx.m
    return render(request, "data.html", {
        "title": "Data", "total": reads.count_ratings(ctx.read), "formats": exports.FORMATS,
        "tidy": exports.codebook(m), "wide": exports.codebook(m, wide=True),
        "reconstructed": exports.table_codebook(m, "reconstructed"),
        "scores": exports.table_codebook(m, "scores"),
        "estimates": exports.table_codebook(m, "estimates"),
        "releases": release.list_releases(ctx.releases_dir)},
        headers={"Cache-Control": "no-cache"}, prebuilt=False)


@router.get("/data/releases/{name}.zip")
def release_zip(ctx: Ctx, name: str) -> Response:
    return FileResponse(release.release_file(ctx.releases_dir, name), media_type=MEDIA["zip"],
                        filename=f"{name}.zip")


@router.get("/data/releases/{name}/{file}")
def release_download(ctx: Ctx, name: str, file: str) -> Response:
    """A file of a listed release (only the names its SHA256SUMS lists)."""
    path = release.release_file(ctx.releases_dir, name, file)
    kind = path.suffix.lstrip(".")
    media = MEDIA.get(kind, "text/plain; charset=utf-8")
    inline = kind in ("md", "csv", "json", "") or path.name.endswith(".meta.json")
    return FileResponse(path, media_type=media, filename=file,
                        content_disposition_type="inline" if inline else "attachment")


# -- publications: country reports and edition overviews -----------------------------------


def _report(ctx: Ctx, iso3: str, year: int) -> CountryReport:
    """The built report of one country-edition at this request's data version."""
    label = ctx.version.label if ctx.version else None
    return ctx.model(("report", iso3, year), lambda: report_model(
        ctx.read, ctx.m, iso3, year, data_version=label)).value


def _file(request: Request, ctx: Ctx, body: bytes, kind: str, name: str) -> Response:
    """A report as a file: its media type and name, kept for this data version."""
    return prebuilt_response(request, Prebuilt(
        body, MEDIA_TYPES[kind], etag_of(body), PAGE_CACHE, ctx.version,
        {"Content-Disposition": f'inline; filename="{name}"'}))


@router.get("/countries/{iso3}/editions/{year}/report")
def report_page(request: Request, ctx: Ctx, iso3: str, year: int) -> Response:
    """The country report in the published structure, inside the site."""
    c = registry().resolve(iso3)
    if c.iso3 != iso3:
        return RedirectResponse(f"/countries/{c.iso3}/editions/{year}/report", status_code=301)
    r = _report(ctx, c.iso3, year)
    base = f"/countries/{c.iso3}/editions/{r.edition}/report"
    body = publication.country_report_body(r, links=[
        ("Markdown", f"{base}.md"), ("PDF", f"{base}.pdf"),
        (f"Edition overview {r.edition_label}", f"/editions/{r.edition}/overview"),
        (f"{r.country}: every edition", f"/countries/{c.iso3}")])
    return render(request, "publication.html", {
        "title": f"{r.country}: country report {r.edition_label}", "body": body})


@router.get("/countries/{iso3}/editions/{year}/report.{kind}")
def report_file(request: Request, ctx: Ctx, iso3: str, year: int,
                kind: Literal["md", "pdf"]) -> Response:
    """The country report as Markdown (reads back with ``demoscope ingest``) or PDF (A4)."""
    c = registry().resolve(iso3)
    if c.iso3 != iso3:
        return RedirectResponse(f"/countries/{c.iso3}/editions/{year}/report.{kind}",
                                status_code=301)
    r = _report(ctx, c.iso3, year)
    return _file(request, ctx, report_bytes(r, kind), kind, file_name(c.iso3, r.edition, kind))


def _publication_overview(ctx: Ctx, year: int) -> EditionOverview:
    from demoscope.publish.assemble import edition_overview

    label = ctx.version.label if ctx.version else None
    return ctx.model(("publication-overview", year), lambda: edition_overview(
        ctx.read, ctx.m, year, data_version=label)).value


@router.get("/editions/{year}/overview")
def overview_page(request: Request, ctx: Ctx, year: int) -> Response:
    """The edition overview: every country, the regime groups and chart, regional averages,
    the largest improvements and declines with their justifications."""
    o = _publication_overview(ctx, year)
    base = f"/editions/{o.edition}/overview"
    body = publication.edition_overview_body(
        o, links=[("Markdown", f"{base}.md"), ("PDF", f"{base}.pdf"),
                  ("Sortable table", f"/editions/{o.edition}")],
        report_href=lambda iso3: f"/countries/{iso3}/editions/{o.edition}/report")
    return render(request, "publication.html", {
        "title": f"{ctx.m.name} {o.edition_label}: edition overview", "body": body})


@router.get("/editions/{year}/overview.{kind}")
def overview_file(request: Request, ctx: Ctx, year: int, kind: Literal["md", "pdf"]) -> Response:
    o = _publication_overview(ctx, year)
    return _file(request, ctx, overview_bytes(o, kind), kind,
                 f"{ctx.m.code}-{o.edition}-overview.{kind}")


@router.get("/data/{table}.{fmt_name}")
def download(request: Request, ctx: Ctx,
             table: Literal["ratings", "reconstructed", "scores", "estimates"],
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
async def search(ctx: Ctx, q: str = "") -> Response:
    if not q.strip():
        return RedirectResponse("/countries", status_code=303)
    found = indexes.search(ctx.m, q.strip())
    if found["iso3"] and found["edition"]:
        return RedirectResponse(f"/countries/{found['iso3']}/{found['edition']}", status_code=303)
    if found["iso3"]:
        return RedirectResponse(f"/countries/{found['iso3']}", status_code=303)
    if found["edition"] and not found["suggestions"]:
        return RedirectResponse(f"/editions/{found['edition']}", status_code=303)
    raise UnknownCountry(q.strip(), found["suggestions"])
