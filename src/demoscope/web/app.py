"""The FastAPI application: wiring only (state, middleware, routers, errors, the spec).

``create_app(database_url)`` serves any demoscope database with any methodology;
``app_from_env()`` is the factory uvicorn imports in each worker process (it reads
``DEMOSCOPE_DATABASE_URL``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from demoscope.errors import DemoscopeError
from demoscope.methodology import Direction, Methodology, load_methodology
from demoscope.read.cache import ReadModels
from demoscope.store.access import describe
from demoscope.store.reads import reader_for_url
from demoscope.web import HERE
from demoscope.web.middleware import HeadAsGet, ServeReadModels
from demoscope.web.responses import error_body, error_headers, validation_error
from demoscope.web.routes import api, assets, pages, workflow_api, workflow_pages
from demoscope.web.security import SecurityHeaders
from demoscope.web.templating import error_page

API_PREFIX = "/api/v1"
#: Fields of the answers that carry a direction label: their enum is the methodology's.
DIRECTION_FIELDS = ("direction", "edition_direction")


def create_app(database_url: str | None = None, methodology: Methodology | None = None,
               releases_dir: Path | None = None) -> FastAPI:
    """The web site and API over ``database_url`` (default: the configured database), documented
    and computed with ``methodology`` (default: the configured one); the data page lists the
    releases in ``releases_dir`` (default: the configured one, ``DEMOSCOPE_RELEASES_DIR``)."""
    from demoscope.config import get_settings

    settings = get_settings()
    url = database_url or settings.database_url
    m = methodology or load_methodology(settings.methodology)
    app = FastAPI(
        title="demoscope API",
        version="1",
        description=f"JSON API over a demoscope ratings database ({m.name} ratings, "
        "scores, regime types and changes). Values are on each edition's own published scale "
        f"unless `direction` asks for one of {', '.join(f'`{m.direction_label(d)}`' for d in Direction)}. "
        "Every response carries the data version in `X-Demoscope-Data-Version`. Published data "
        "is open to everybody; the assessment workflow's endpoints (tag `workflow`) need a "
        "token from `POST /api/v1/auth/token` sent as `Authorization: Bearer TOKEN`, and each "
        "names the permission it needs (`x-permission`).",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    read = reader_for_url(url)
    app.state.database_url = url
    app.state.methodology = m
    app.state.read = read
    app.state.models = ReadModels(read)
    app.state.releases_dir = releases_dir or settings.releases_dir
    # innermost first; the read-model middleware is the outermost (see its docstring)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "OPTIONS"],
                       allow_headers=["*"], expose_headers=["ETag", "X-Demoscope-Data-Version"],
                       max_age=3600)
    app.add_middleware(HeadAsGet)
    app.add_middleware(ServeReadModels, models=app.state.models)

    app.include_router(api.api_router(m), prefix=API_PREFIX)
    app.include_router(workflow_api.router(m), prefix=API_PREFIX)
    app.include_router(pages.router)
    app.include_router(workflow_pages.router)
    app.include_router(assets.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _errors(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = label_enums(get_openapi(
                title=app.title, version=app.version, description=app.description,
                routes=app.routes), [m.direction_label(d) for d in Direction])
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    inner = app.build_middleware_stack
    # outside Starlette's error middleware too, so that a 500 carries the headers as well
    app.build_middleware_stack = lambda: SecurityHeaders(inner())  # type: ignore[method-assign]
    return app


def label_enums(spec: dict[str, Any], labels: list[str]) -> dict[str, Any]:
    """Document the direction fields of the answers as the methodology's labels (the read
    models declare them as strings: their values depend on the methodology)."""
    for schema in spec.get("components", {}).get("schemas", {}).values():
        for name, prop in schema.get("properties", {}).items():
            if name in DIRECTION_FIELDS and prop.get("type") == "string":
                prop["enum"] = list(labels)
    return spec


def _errors(app: FastAPI) -> None:
    """Errors mapped once: JSON ``{"error", "field"}`` under /api, an error page elsewhere."""

    def is_api(request: Request) -> bool:
        return request.url.path.startswith(API_PREFIX)

    @app.exception_handler(DemoscopeError)
    async def demoscope_error(request: Request, exc: DemoscopeError) -> Response:
        body = error_body(exc)
        headers = error_headers(exc)
        if is_api(request):
            return JSONResponse(body, status_code=exc.http_status, headers=headers)
        return error_page(request, exc.http_status, exc.message, body.get("suggestions", []),
                          headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_parameter(request: Request, exc: RequestValidationError) -> Response:
        return await demoscope_error(request, validation_error(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = ("There is no page at this address." if exc.status_code == 404 and not is_api(request)
                   else str(exc.detail).lower() if exc.status_code in (404, 405) else str(exc.detail))
        headers = dict(exc.headers) if exc.headers else None
        if is_api(request):
            return JSONResponse({"error": message, "field": None}, status_code=exc.status_code,
                                headers=headers)
        return error_page(request, exc.status_code, message, [], headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        """A database that fails under a request (busy, gone, read-only) answers 503 with one
        line (:func:`demoscope.store.access.describe`), never the driver's message; anything
        else is a bug: a bare 500 (the traceback goes to the server's log)."""
        described = describe(exc, request.app.state.database_url)
        if described is None:
            return PlainTextResponse("Internal Server Error", status_code=500)
        return await demoscope_error(request, described)


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` and multi-worker serving (reads the environment)."""
    return create_app()
