"""Assets the app serves itself (no CDN): the favicon and a health check for process managers.
Charts and maps are SVG drawn on the server (:mod:`demoscope.web.charts`): no plotting bundle."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from demoscope.web import HERE

router = APIRouter(include_in_schema=False)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")


@router.get("/healthz")
def health() -> HTMLResponse:
    return HTMLResponse("ok")
