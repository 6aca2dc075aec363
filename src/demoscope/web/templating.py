"""HTML rendering (Jinja2): the environment, its filters, and the methodology's words.

Templates say nothing about Nations in Transit: the score's code and name, the scale labels
(``1_best``/``7_best``), which end is most democratic and the history of directions come from
the methodology (:func:`page_globals`).
"""

from __future__ import annotations

import json
from fractions import Fraction
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from jinja2 import Environment
from markupsafe import Markup

from demoscope.countries import registry
from demoscope.methodology import Direction, Methodology, eras
from demoscope.numbers import fmt
from demoscope.read.cache import etag_of
from demoscope.web import HERE
from demoscope.web.deps import VERSION_KEY
from demoscope.web.responses import PAGE_CACHE, Prebuilt, prebuilt_response


@cache
def environment() -> Environment:
    from jinja2 import FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = number
    env.filters["tojson_safe"] = lambda v: json.dumps(v).replace("</", "<\\/")
    env.filters["code"] = code
    env.globals["country_names"] = sorted(c.name for c in registry())
    return env


def number(v: Any) -> str:
    """Two decimals as the reports print them (exact for Fractions); ``n/a`` for missing."""
    if v is None:
        return "n/a"
    return fmt(v) if isinstance(v, Fraction) else f"{v:.2f}"


def code(text: str | None) -> Markup:
    """`backticks` in OpenAPI descriptions as <code> (the text is escaped first)."""
    from markupsafe import escape

    parts = str(escape(text or "")).split("`")
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


@cache
def page_globals(m: Methodology) -> dict[str, Any]:
    """What every page may say about the methodology: direction choices, the score codes and
    the history of directions ("1995–2019: 1 = most democratic; 2020–2024: 7 = ...")."""
    def best(d: Direction) -> str:
        return f"{fmt(m.scale.best(d), 0)} = most democratic"

    directions = [(m.direction_label(d), best(d)) for d in Direction]
    history: list[str] = []
    for era in eras(m):
        text = best(era.first.direction)
        if history and history[-1].endswith(text):
            start = history[-1].split(":")[0].split("–")[0]
            history[-1] = f"{start}–{era.last.year}: {text}"
        else:
            span = str(era.first.year) if era.first is era.last else f"{era.first.year}–{era.last.year}"
            history.append(f"{span}: {text}")
    return {"directions": directions, "direction_history": "; ".join(history),
            "scale_words": dict(directions),
            "score_code": m.score.code,
            "percentage_code": m.percentage.code if m.percentage else "",
            "percentage_name": m.percentage.name if m.percentage else ""}


def render(request: Request, template: str, context: dict[str, Any], status: int = 200,
           headers: dict[str, str] | None = None, *, prebuilt: bool = True) -> Response:
    """A page: 200 answers carry an ETag (and are kept for this data version by the
    read-model middleware), others (errors) are sent as they are. ``prebuilt=False`` for a
    page that depends on more than the data and the URL (e.g. files in a folder): it is
    built on every request."""
    m: Methodology = request.app.state.methodology
    version = request.scope.get(VERSION_KEY)
    html = environment().get_template(template).render(
        request=request, m=m, path=request.url.path, version=version.label if version else None,
        **page_globals(m), **context).encode()
    if status != 200 or not prebuilt:
        return Response(html, status_code=status, media_type="text/html; charset=utf-8",
                        headers=headers)
    return prebuilt_response(request, Prebuilt(html, "text/html; charset=utf-8", etag_of(html),
                                               PAGE_CACHE, version, headers or {}))


def render_private(request: Request, template: str, context: dict[str, Any], status: int = 200,
                   headers: dict[str, str] | None = None) -> Response:
    """A page that depends on who asks (drafts, forms with a CSRF token): never offered to the
    read-model middleware (its answers are shared by everybody) and never stored by a cache."""
    m: Methodology = request.app.state.methodology
    version = request.scope.get(VERSION_KEY)
    html = environment().get_template(template).render({
        "request": request, "m": m, "path": request.url.path,
        "version": version.label if version else None, **page_globals(m), **context})
    return Response(html.encode(), status_code=status, media_type="text/html; charset=utf-8",
                    headers={"Cache-Control": "private, no-store", **(headers or {})})


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
