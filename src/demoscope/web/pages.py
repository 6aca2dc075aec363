"""HTML pages (Jinja2). Each route parses its parameters, asks the library
(:mod:`demoscope.overview`, :mod:`demoscope.scorecard`, :mod:`demoscope.ratings`) and renders
one template.

Pages work without JavaScript (sorting and the direction switch are links and forms); the
small script in ``static/app.js`` adds click-to-sort, auto-submitting selects and the charts.
"""

from __future__ import annotations

import json
from fractions import Fraction
from functools import cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from demoscope import overview
from demoscope.countries import registry
from demoscope.errors import NotFound, UnknownCountry
from demoscope.methodology import Direction, Methodology, eras, fmt
from demoscope.scorecard import build_scorecard
from demoscope.web.app import HERE, etag_response

router = APIRouter(include_in_schema=False)
PAGE_CACHE = "public, max-age=0, must-revalidate"
DirectionQ = Annotated[Literal["1_best", "7_best", ""] | None, Query()]
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "parquet": "application/vnd.apache.parquet"}


@cache
def _env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _num
    env.filters["tojson_safe"] = lambda v: json.dumps(v).replace("</", "<\\/")
    env.filters["code"] = _code
    env.globals["country_names"] = sorted(c.name for c in registry())
    return env


def _num(v: Any) -> str:
    """Two decimals as the reports print them (exact for Fractions); ``n/a`` for missing."""
    if v is None:
        return "n/a"
    return fmt(v) if isinstance(v, Fraction) else f"{v:.2f}"


def _code(text: str | None) -> Any:
    """`backticks` in OpenAPI descriptions as <code> (the text is escaped first)."""
    from markupsafe import Markup, escape

    parts = str(escape(text or "")).split("`")
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def render(request: Request, template: str, context: dict[str, Any], status: int = 200,
           headers: dict[str, str] | None = None) -> Response:
    m: Methodology = request.app.state.methodology
    html = _env().get_template(template).render(
        request=request, m=m, path=request.url.path, **context).encode()
    if status != 200:
        return Response(html, status_code=status, media_type="text/html; charset=utf-8",
                        headers=headers)
    return etag_response(request, html, "text/html; charset=utf-8", cache=PAGE_CACHE)


def error_page(request: Request, status: int, message: str, suggestions: list[str],
               headers: dict[str, str] | None = None) -> Response:
    links = []
    for name in suggestions:
        c = registry().find(name)
        if c:
            links.append((c.name, f"/countries/{c.iso3}"))
    title = {404: "Not found", 405: "Not allowed", 422: "Cannot show this"}.get(status, "Error")
    return render(request, "error.html", {"status": status, "message": message,
                                          "suggestions": links, "title": title},
                  status=status, headers=headers)


def _ctx(request: Request):
    return request.app.state.db.reader(), request.app.state.methodology


def _direction(m: Methodology, text: str | None) -> Direction | None:
    return m.scale.parse_direction(text) if text else None


@router.get("/")
async def home(request: Request) -> Response:
    read, m = _ctx(request)
    return RedirectResponse(f"/editions/{overview.latest_edition(read, m)}", status_code=302)


@router.get("/editions")
async def editions_index(year: int | None = None) -> Response:
    return RedirectResponse(f"/editions/{year}" if year else "/", status_code=303)


@router.get("/editions/{year}")
async def edition_page(request: Request, year: int, direction: DirectionQ = None,
                       sort: str = "country", order: Literal["asc", "desc"] = "asc") -> Response:
    read, m = _ctx(request)
    ov = overview.edition_overview(read, m, year, _direction(m, direction))
    return render(request, "edition.html", {
        "title": f"{m.name} {ov.edition.label}", "ov": ov,
        "rows": overview.sort_rows(m, ov, sort, order == "desc"),
        "years": overview.editions_with_data(read, m),
        "direction": m.direction_label(ov.direction), "direction_param": direction or "",
        "sort": sort, "order": order, "bands": overview.bands_best_first(m)})


@router.get("/countries")
async def countries_page(request: Request) -> Response:
    read, m = _ctx(request)
    return render(request, "countries.html", {"title": "Countries",
                                              "rows": overview.countries_index(read, m)})


@router.get("/countries/{iso3}")
async def country_page(request: Request, iso3: str, direction: DirectionQ = None) -> Response:
    read, m = _ctx(request)
    c = registry().resolve(iso3)
    if c.iso3 != iso3:
        q = f"?direction={direction}" if direction else ""
        return RedirectResponse(f"/countries/{c.iso3}{q}", status_code=301)
    d = _direction(m, direction)
    series = overview.country_series(read, m, c.iso3, d)
    if not series:
        raise NotFound(f"no ratings for {c.name} in the database")
    card = build_scorecard(read, m, c.iso3, series[-1]["edition"], direction or None)
    return render(request, "country.html", {
        "title": c.name, "country": c, "card": card, "series": series,
        "codes": overview.categories_used(m, series), "direction_param": direction or "",
        "chart": overview.country_chart(read, m, c.iso3, series, d)})


@router.get("/compare")
async def compare_page(request: Request, countries: Annotated[list[str] | None, Query()] = None,
                       category: str = "DS", direction: Literal["1_best", "7_best"] = "7_best") -> Response:
    read, m = _ctx(request)
    reg = registry()
    chosen = [reg.resolve(x) for x in (countries or ["KAZ", "GEO", "EST"]) if x.strip()]
    chosen = list(dict.fromkeys(chosen))  # a country ticked twice is one line
    d = m.scale.parse_direction(direction)
    code = overview.score_code(m, category)
    data = overview.compare(read, m, [c.iso3 for c in chosen], code, d)
    names = {c.iso3: c.name for c in chosen}
    label = m.score.name if code == overview.DS else m.category(code).name
    return render(request, "compare.html", {
        "title": "Compare countries", "chosen": chosen, "all": list(reg),
        "category": code, "label": label, "direction": direction,
        "table": overview.compare_table(data), "names": names,
        "chart": {"series": [{"name": names[iso], "x": [y for y, _ in pts], "y": [v for _, v in pts]}
                             for iso, pts in data.items()],
                  "title": label, "direction": direction,
                  "range": [float(m.scale.min), float(m.scale.max)],
                  "reversed": d is Direction.LOW_BEST}})


@router.get("/ranking")
async def ranking_page(request: Request, edition: int | None = None, category: str = "DS",
                       direction: DirectionQ = None) -> Response:
    read, m = _ctx(request)
    ed = m.edition(edition or overview.latest_edition(read, m))
    d = _direction(m, direction)
    code = overview.score_code(m, category, ed)
    rows = overview.ranking(read, m, ed.year, code, d)
    label = m.score.name if code == overview.DS else m.category_name(code, ed)
    return render(request, "ranking.html", {
        "title": f"Ranking: {label}", "rows": rows, "ed": ed, "category": code,
        "label": label, "years": overview.editions_with_data(read, m),
        "direction": m.direction_label(d or ed.direction), "direction_param": direction or ""})


@router.get("/data")
async def data_page(request: Request) -> Response:
    from demoscope.ratings import FORMATS, codebook

    read, m = _ctx(request)
    total = read("SELECT COUNT(*) FROM ratings", {})[0][0]
    return render(request, "data.html", {"title": "Data", "total": total, "formats": FORMATS,
                                         "tidy": codebook(m), "wide": codebook(m, wide=True),
                                         "labels": [m.direction_label(d) for d in Direction]})


@router.get("/data/ratings.{fmt_name}")
def download(request: Request, fmt_name: Literal["csv", "xlsx", "json", "parquet"],
             wide: bool = False, direction: DirectionQ = None) -> Response:
    """A file of every rating (sync: pandas and the ORM run in the thread pool). Built once per
    state of the database and kept while the database does not change."""
    _, m = _ctx(request)
    db = request.app.state.db
    body = db.cached(("download", fmt_name, wide, direction or ""),
                     lambda: _export(db.url, m, fmt_name, wide, direction or None))
    name = f"{m.code}-ratings{'-wide' if wide else ''}{'-' + direction if direction else ''}.{fmt_name}"
    return etag_response(request, body, MEDIA[fmt_name], cache=PAGE_CACHE,
                         headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _export(url: str, m: Methodology, fmt_name: str, wide: bool, direction: str | None) -> bytes:
    from demoscope import ratings
    from demoscope.store.db import get_engine, session_scope

    with session_scope(get_engine(url)) as s:
        df = ratings.db_frame(s, m, direction=_direction(m, direction), wide=wide)
    body = ratings.write(df, fmt_name, None)
    assert body is not None  # no target: the bytes come back
    return body


@router.get("/methodology")
async def methodology_page(request: Request) -> Response:
    _, m = _ctx(request)
    return render(request, "methodology.html", {"title": "Methodology", "eras": eras(m),
                                                "fmt": fmt, "Direction": Direction,
                                                "bands": overview.bands_best_first(m)})


@router.get("/search")
async def search(request: Request, q: str = "") -> Response:
    reg = registry()
    found = reg.find(q.strip()) if q.strip() else None
    if found is not None:
        return RedirectResponse(f"/countries/{found.iso3}", status_code=303)
    if not q.strip():
        return RedirectResponse("/countries", status_code=303)
    raise UnknownCountry(q.strip(), reg.suggest(q.strip()))
