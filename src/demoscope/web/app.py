"""The FastAPI application: wiring only (routers, errors, CORS, assets).

``create_app(database_url)`` serves any demoscope database; ``app_from_env()`` is the factory
uvicorn imports in each worker process (it reads ``DEMOSCOPE_DATABASE_URL``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from demoscope.errors import DemoscopeError
from demoscope.methodology import Methodology, load_methodology
from demoscope.web.database import Database

HERE = Path(__file__).resolve().parent
API_PREFIX = "/api/v1"
#: API answers may be cached briefly by browsers and proxies, then revalidated by ETag.
API_CACHE = "public, max-age=60, must-revalidate"


def plotly_js() -> Path:
    """plotly.min.js as the plotly wheel ships it (served at /static/plotly.min.js)."""
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def etag_response(request: Request, body: bytes, media_type: str, *,
                  cache: str = API_CACHE, headers: dict[str, str] | None = None) -> Response:
    """A response with a strong ETag over the body; 304 when the client already has it."""
    tag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    common = {"ETag": tag, "Cache-Control": cache, **(headers or {})}
    inm = request.headers.get("if-none-match")
    if inm and tag in [t.strip() for t in inm.split(",")]:
        return Response(status_code=304, headers=common)
    return Response(body, media_type=media_type, headers=common)


def json_response(request: Request, data: Any) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return etag_response(request, body, "application/json")


def create_app(database_url: str | None = None, methodology: Methodology | None = None) -> FastAPI:
    """The web site and API over ``database_url`` (default: the configured database)."""
    from demoscope.config import get_settings

    settings = get_settings()
    url = database_url or settings.database_url
    m = methodology or load_methodology(settings.methodology)
    app = FastAPI(
        title="demoscope API",
        version="1",
        description="Read-only JSON API over a demoscope ratings database (Nations in Transit "
        "ratings, scores, regime types and changes). Values are on each edition's own "
        "published scale unless `direction` asks for `1_best` or `7_best`.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.db = Database(url)
    app.state.methodology = m
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "OPTIONS"],
                       allow_headers=["*"], expose_headers=["ETag"], max_age=3600)

    from demoscope.web import api, pages

    app.include_router(api.router, prefix=API_PREFIX)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/static-vendor/plotly.min.js", include_in_schema=False)
    def plotly_asset() -> FileResponse:
        return FileResponse(plotly_js(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.exception_handler(DemoscopeError)
    async def demoscope_error(request: Request, exc: DemoscopeError) -> Response:
        body: dict[str, Any] = {"error": exc.message, "field": exc.field}
        suggestions = getattr(exc, "suggestions", None)
        if suggestions:
            body["suggestions"] = list(suggestions)
        if request.url.path.startswith(API_PREFIX):
            return JSONResponse(body, status_code=exc.http_status)
        return pages.error_page(request, exc.http_status, exc.message, body.get("suggestions", []))

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(API_PREFIX):
            return JSONResponse({"error": "not found", "field": None}, status_code=404)
        return pages.error_page(request, 404, "There is no page at this address.", [])

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    @app.get("/healthz", include_in_schema=False)
    def health() -> HTMLResponse:
        return HTMLResponse("ok")

    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` and multi-worker serving (reads the environment)."""
    return create_app()
