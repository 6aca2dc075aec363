"""HTML pages (Jinja2). Each route gathers data from the library and renders one template.

Pages work without JavaScript (sorting and the direction switch are links and forms); the
small script in ``static/app.js`` adds click-to-sort, auto-submitting selects and the charts.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from demoscope import overview
from demoscope.countries import registry
from demoscope.errors import NotFound, UnknownCountry
from demoscope.methodology import Direction, Methodology, fmt
from demoscope.scorecard import build_scorecard
from demoscope.web.app import HERE, etag_response

router = APIRouter(include_in_schema=False)
PAGE_CACHE = "public, max-age=0, must-revalidate"
DirectionQ = Annotated[Literal["1_best", "7_best", ""] | None, Query()]
ALL_CODES = ("EP", "CS", "IM", "GOV", "NDG", "LDG", "JFI", "CO")


@cache
def _env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _num
    env.globals["country_names"] = sorted(c.name for c in registry())
    env.filters["tojson_safe"] = lambda v: json.dumps(v).replace("</", "<\\/")
    return env


def _num(v: Any) -> str:
    """Two decimals as the reports print them (exact for Fractions); ``n/a`` for missing."""
    from fractions import Fraction

    if v is None:
        return "n/a"
    return fmt(v) if isinstance(v, Fraction) else f"{v:.2f}"


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    m: Methodology = request.app.state.methodology
    html = _env().get_template(template).render(
        request=request, m=m, path=request.url.path, **context).encode()
    if status != 200:
        return Response(html, status_code=status, media_type="text/html; charset=utf-8")
    return etag_response(request, html, "text/html; charset=utf-8", cache=PAGE_CACHE)


def error_page(request: Request, status: int, message: str, suggestions: list[str]) -> Response:
    links = []
    for name in suggestions:
        c = registry().find(name)
        if c:
            links.append((c.name, f"/countries/{c.iso3}"))
    return render(request, "error.html", {"status": status, "message": message,
                                          "suggestions": links, "title": "Not found"
                                          if status == 404 else "Error"}, status=status)


def _ctx(request: Request):
    return request.app.state.db.reader(), request.app.state.methodology


def _direction(m: Methodology, text: str | None) -> Direction | None:
    return m.scale.parse_direction(text) if text else None


def _latest(read, m: Methodology) -> int:
    years = overview.editions_with_data(read, m)
    if not years:
        raise NotFound("the database holds no ratings yet: run 'demoscope db init'")
    return years[-1]


@router.get("/")
async def home(request: Request) -> Response:
    read, m = _ctx(request)
    return RedirectResponse(f"/editions/{_latest(read, m)}", status_code=302)


@router.get("/editions")
async def editions_index(year: int | None = None) -> Response:
    return RedirectResponse(f"/editions/{year}" if year else "/", status_code=303)


@router.get("/editions/{year}")
async def edition_page(request: Request, year: int, direction: DirectionQ = None,
                 sort: str = "country", order: Literal["asc", "desc"] = "asc") -> Response:
    read, m = _ctx(request)
    ov = overview.edition_overview(read, m, year, _direction(m, direction))
    rows = list(ov.rows)
    key = sort.upper()
    if key in ov.categories or key == "DS":
        missing = [r for r in rows if (r.ds if key == "DS" else r.cells[key].value) is None]
        have = [r for r in rows if r not in missing]
        have.sort(key=lambda r: r.ds if key == "DS" else r.cells[key].value,
                  reverse=order == "desc")
        rows = have + missing
    elif sort == "region":
        rows.sort(key=lambda r: (r.region, r.country), reverse=order == "desc")
    else:
        rows.sort(key=lambda r: r.country, reverse=order == "desc")
    years = overview.editions_with_data(read, m)
    return render(request, "edition.html", {
        "title": f"{m.name} {ov.edition.label}", "ov": ov, "rows": rows, "years": years,
        "direction": m.direction_label(ov.direction), "direction_param": direction or "",
        "sort": sort, "order": order, "bands": m.bands})


@router.get("/countries")
async def countries_page(request: Request) -> Response:
    read, _ = _ctx(request)
    rows = read("SELECT c.iso3, c.name, c.region, COUNT(DISTINCT r.edition_id) FROM countries c "
                "LEFT JOIN ratings r ON r.country_iso3 = c.iso3 GROUP BY c.iso3, c.name, c.region "
                "ORDER BY c.name", {})
    return render(request, "countries.html", {"title": "Countries", "rows": rows})


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
    card = build_scorecard(read, m, c.iso3, None, direction or None)
    chart_dir = d or m.editions[series[-1]["edition"]].direction
    same = d is not None or all(m.editions[s["edition"]].direction is chart_dir for s in series)
    chart = series if same else overview.country_series(read, m, c.iso3, chart_dir)
    used = [code for code in ALL_CODES if any(code in s["categories"] for s in series)]
    return render(request, "country.html", {
        "title": c.name, "country": c, "card": card, "series": series, "codes": used,
        "direction_param": direction or "",
        "chart": {"direction": m.direction_label(chart_dir),
                  "years": [s["edition"] for s in chart],
                  "ds": [s["democracy_score"] for s in chart],
                  "categories": {code: [s["ratings"].get(code) for s in chart] for code in used},
                  "names": {code: m.category(code).name for code in used},
                  "range": [float(m.scale.min), float(m.scale.max)],
                  "reversed": chart_dir is Direction.LOW_BEST}})


@router.get("/compare")
async def compare_page(request: Request, countries: Annotated[list[str] | None, Query()] = None,
                 category: str = "DS", direction: Literal["1_best", "7_best"] = "7_best") -> Response:
    read, m = _ctx(request)
    reg = registry()
    chosen = [reg.resolve(x) for x in (countries or ["KAZ", "GEO", "EST"]) if x.strip()]
    d = m.scale.parse_direction(direction)
    data = overview.compare(read, m, [c.iso3 for c in chosen], category, d)
    years = sorted({y for pts in data.values() for y, _ in pts})
    table = [{"year": y, "values": {iso: dict(pts).get(y) for iso, pts in data.items()}} for y in years]
    names = {c.iso3: c.name for c in chosen}
    label = m.score.name if category.upper() == "DS" else m.category(category).name
    return render(request, "compare.html", {
        "title": "Compare countries", "chosen": chosen, "all": sorted(reg, key=lambda c: c.name),
        "category": category.upper(), "label": label, "direction": direction, "table": table,
        "names": names,
        "chart": {"series": [{"name": names[iso], "x": [y for y, _ in pts], "y": [v for _, v in pts]}
                             for iso, pts in data.items()],
                  "title": label, "direction": direction,
                  "range": [float(m.scale.min), float(m.scale.max)],
                  "reversed": d is Direction.LOW_BEST}})


@router.get("/ranking")
async def ranking_page(request: Request, edition: int | None = None, category: str = "DS",
                 direction: DirectionQ = None) -> Response:
    read, m = _ctx(request)
    year = edition or _latest(read, m)
    ed = m.edition(year)
    d = _direction(m, direction)
    rows = overview.ranking(read, m, year, category, d)
    label = m.score.name if category.upper() == "DS" else m.category_name(m.category(category).code, ed)
    return render(request, "ranking.html", {
        "title": f"Ranking: {label}", "rows": rows, "ed": ed, "category": category.upper(),
        "label": label, "years": overview.editions_with_data(read, m),
        "direction": m.direction_label(d or ed.direction), "direction_param": direction or ""})


@router.get("/data")
async def data_page(request: Request) -> Response:
    read, _ = _ctx(request)
    total = read("SELECT COUNT(*) FROM ratings", {})[0][0]
    return render(request, "data.html", {"title": "Data", "total": total,
                                         "formats": ("csv", "xlsx", "json", "parquet")})


MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "parquet": "application/vnd.apache.parquet"}


@router.get("/data/ratings.{fmt_name}")
def download(request: Request, fmt_name: Literal["csv", "xlsx", "json", "parquet"],
             wide: bool = False, direction: DirectionQ = None) -> Response:
    from demoscope import ratings
    from demoscope.store.db import get_engine, session_scope

    _, m = _ctx(request)
    with session_scope(get_engine(request.app.state.db.url)) as s:
        df = ratings.db_frame(s, m, direction=_direction(m, direction), wide=wide)
    body = ratings.write(df, fmt_name, None)
    assert body is not None
    name = f"nit-ratings{'-wide' if wide else ''}{'-' + direction if direction else ''}.{fmt_name}"
    return etag_response(request, body, MEDIA[fmt_name], cache=PAGE_CACHE,
                         headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/methodology")
async def methodology_page(request: Request) -> Response:
    _, m = _ctx(request)
    eras: list[dict[str, Any]] = []
    for ed in m.editions.values():
        key = (ed.categories, ed.direction)
        if eras and eras[-1]["key"] == key:
            eras[-1]["last"] = ed.label
        else:
            eras.append({"key": key, "first": ed.label, "last": ed.label, "ed": ed,
                         "categories": [(c, m.category_name(c, ed)) for c in ed.categories],
                         "direction": m.direction_label(ed.direction)})
    return render(request, "methodology.html", {"title": "Methodology", "eras": eras,
                                                "fmt": fmt, "Direction": Direction})


@router.get("/search")
async def search(request: Request, q: str = "") -> Response:
    reg = registry()
    found = reg.find(q.strip()) if q.strip() else None
    if found is not None:
        return RedirectResponse(f"/countries/{found.iso3}", status_code=303)
    if not q.strip():
        return RedirectResponse("/countries", status_code=303)
    raise UnknownCountry(q.strip(), reg.suggest(q.strip()))
