"""Assets the app serves itself (no CDN): plotly.js from the plotly wheel, the favicon, and a
health check for process managers."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from demoscope.read.cache import etag_of
from demoscope.web import HERE

router = APIRouter(include_in_schema=False)


def plotly_js() -> Path:
    """plotly.min.js as the plotly wheel ships it."""
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


@cache
def plotly_gzip() -> tuple[bytes, bytes, str]:
    """plotly.min.js and its gzip (compressed once per process: 4.6 MB → 1.4 MB for a phone),
    with an ETag over the file."""
    raw = plotly_js().read_bytes()
    return raw, gzip.compress(raw, 6, mtime=0), etag_of(raw)


@router.get("/static-vendor/plotly.min.js")
def plotly_asset(request: Request) -> Response:
    raw, packed, tag = plotly_gzip()
    headers = {"Cache-Control": "public, max-age=86400", "ETag": tag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(packed, media_type="text/javascript",
                        headers={**headers, "Content-Encoding": "gzip"})
    return Response(raw, media_type="text/javascript", headers=headers)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")


@router.get("/healthz")
def health() -> HTMLResponse:
    return HTMLResponse("ok")
