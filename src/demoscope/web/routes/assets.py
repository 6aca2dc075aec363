"""Assets the app serves itself (no CDN): the favicon, the published reports' stylesheet and
a health check for process managers. Charts and maps are SVG drawn on the server
(:mod:`demoscope.web.charts`): no plotting bundle."""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from demoscope.read.cache import etag_of
from demoscope.web import HERE

router = APIRouter(include_in_schema=False)


@cache
def report_css() -> tuple[bytes, str]:
    """The stylesheet of published reports (:mod:`demoscope.publish.html`), with its ETag."""
    from demoscope.publish.html import report_css as css

    body = css().encode()
    return body, etag_of(body)


@router.get("/static-publish/report.css")
def report_stylesheet(request: Request) -> Response:
    """The reports' own rules, scoped to their article: the site's pages link it beside
    style.css (a file, so a strict ``style-src 'self'`` allows it)."""
    body, tag = report_css()
    headers = {"Cache-Control": "public, max-age=3600", "ETag": tag}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/css; charset=utf-8", headers=headers)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")


@router.get("/healthz")
def health() -> HTMLResponse:
    return HTMLResponse("ok")
