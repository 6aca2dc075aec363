"""The FastAPI application: wiring only (routers, errors, CORS, assets).

``create_app(database_url)`` serves any demoscope database; ``app_from_env()`` is the factory
uvicorn imports in each worker process (it reads ``DEMOSCOPE_DATABASE_URL``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

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


@cache
def plotly_gzip() -> tuple[bytes, bytes, str]:
    """plotly.min.js and its gzip (compressed once per process: 4.6 MB → 1.4 MB for a phone),
    with an ETag over the file."""
    raw = plotly_js().read_bytes()
    tag = '"' + hashlib.blake2b(raw, digest_size=12).hexdigest() + '"'
    return raw, gzip.compress(raw, 6, mtime=0), tag


class HeadAsGet:
    """Answer HEAD like GET without the body (FastAPI routes accept GET only), so the
    read-only surface is GET, HEAD and OPTIONS as the CORS policy says."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def no_body(message: dict) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, no_body)


def error_body(exc: DemoscopeError) -> dict[str, Any]:
    """The JSON of an API error: ``{"error", "field"}`` and, for an unknown name, ``suggestions``."""
    body: dict[str, Any] = {"error": exc.message, "field": exc.field}
    suggestions = getattr(exc, "suggestions", None)
    if suggestions:
        body["suggestions"] = list(suggestions)
    return body


def validation_error(exc: RequestValidationError) -> DemoscopeError:
    """FastAPI's parameter errors as the one error type the API and pages answer with."""
    from demoscope.errors import InvalidRating

    err = exc.errors()[0] if exc.errors() else {}
    loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "header", "body")]
    name = loc[0] if loc else None
    got = err.get("input")
    detail = str(err.get("msg", "invalid value"))
    shown = f" (got {got!r})" if isinstance(got, str | int | float) and not isinstance(got, bool) else ""
    return InvalidRating(f"{name}: {detail}{shown}" if name else detail, field=name)


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
    app.add_middleware(HeadAsGet)

    from demoscope.web import api, pages

    app.include_router(api.router, prefix=API_PREFIX)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/static-vendor/plotly.min.js", include_in_schema=False)
    def plotly_asset(request: Request) -> Response:
        raw, packed, tag = plotly_gzip()
        headers = {"Cache-Control": "public, max-age=86400", "ETag": tag, "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(packed, media_type="text/javascript",
                            headers={**headers, "Content-Encoding": "gzip"})
        return Response(raw, media_type="text/javascript", headers=headers)

    def is_api(request: Request) -> bool:
        return request.url.path.startswith(API_PREFIX)

    @app.exception_handler(DemoscopeError)
    async def demoscope_error(request: Request, exc: DemoscopeError) -> Response:
        body = error_body(exc)
        if is_api(request):
            return JSONResponse(body, status_code=exc.http_status)
        return pages.error_page(request, exc.http_status, exc.message, body.get("suggestions", []))

    @app.exception_handler(RequestValidationError)
    async def invalid_parameter(request: Request, exc: RequestValidationError) -> Response:
        return await demoscope_error(request, validation_error(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = ("There is no page at this address." if exc.status_code == 404 and not is_api(request)
                   else str(exc.detail).lower() if exc.status_code in (404, 405) else str(exc.detail))
        if is_api(request):
            return JSONResponse({"error": message, "field": None}, status_code=exc.status_code,
                                headers=exc.headers)
        return pages.error_page(request, exc.status_code, message, [], headers=exc.headers)

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
