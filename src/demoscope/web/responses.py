"""Responses: ETags, 304s, JSON bytes, errors as one JSON shape, and prebuilt answers that the
read-model middleware may serve again without running the route."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from demoscope.errors import DemoscopeError, InvalidRating
from demoscope.read.cache import Built
from demoscope.store.reads import DataVersion

#: API answers may be cached briefly by browsers and proxies, then revalidated by ETag.
API_CACHE = "public, max-age=60, must-revalidate"
#: Pages are revalidated on every view (a write shows at once).
PAGE_CACHE = "public, max-age=0, must-revalidate"
#: Where a route leaves a :class:`Prebuilt` for the middleware to keep.
PREBUILT_KEY = "demoscope.prebuilt"


@dataclass(frozen=True)
class Prebuilt:
    """A 200 answer as bytes, valid for one data version: what
    :class:`~demoscope.web.middleware.ServeReadModels` serves again for the same URL."""

    body: bytes
    media_type: str
    etag: str
    cache: str
    version: DataVersion | None
    headers: dict[str, str] = field(default_factory=dict)

    def response(self, request: Request) -> Response:
        common = {"ETag": self.etag, "Cache-Control": self.cache, **self.headers}
        if not_modified(request.headers.get("if-none-match"), self.etag):
            return Response(status_code=304, headers=common)
        return Response(self.body, media_type=self.media_type, headers=common)


def not_modified(if_none_match: str | None, etag: str) -> bool:
    return bool(if_none_match) and etag in [t.strip() for t in (if_none_match or "").split(",")]


def prebuilt_response(request: Request, answer: Prebuilt) -> Response:
    """Send ``answer`` and offer it to the middleware for the next request to the same URL."""
    request.scope[PREBUILT_KEY] = answer
    return answer.response(request)


def read_model_response(request: Request, built: Built[Any]) -> Response:
    """A read model as JSON (its prebuilt bytes and ETag)."""
    return prebuilt_response(request, Prebuilt(built.body, "application/json", built.etag,
                                               API_CACHE, built.version))


#: Fields whose value an error message never repeats.
SECRET_FIELDS = ("password", "token", "csrf_token", "secret")


def error_headers(exc: DemoscopeError) -> dict[str, str] | None:
    """``WWW-Authenticate`` on a 401, ``Retry-After`` on a 429."""
    if exc.http_status == 401:
        return {"WWW-Authenticate": 'Bearer realm="demoscope"'}
    retry = getattr(exc, "retry_after", None)
    return {"Retry-After": str(retry)} if retry is not None else None


def error_body(exc: DemoscopeError) -> dict[str, Any]:
    """The JSON of an API error: ``{"error", "field"}`` and, for an unknown name, ``suggestions``."""
    body: dict[str, Any] = {"error": exc.message, "field": exc.field}
    suggestions = getattr(exc, "suggestions", None)
    if suggestions:
        body["suggestions"] = list(suggestions)
    body.update(getattr(exc, "extra", None) or {})  # a conflict's values, a refusal's list
    return body


def validation_error(exc: RequestValidationError) -> DemoscopeError:
    """FastAPI's parameter errors as the one error type the API and pages answer with."""
    errors = exc.errors()
    err = errors[0] if errors else {}
    loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "header", "body")]
    name = loc[0] if loc else None
    got = err.get("input")
    detail = str(err.get("msg", "invalid value"))
    shown = f" (got {got!r})" if isinstance(got, str | int | float) and not isinstance(got, bool) else ""
    if name in SECRET_FIELDS or any(s in loc for s in SECRET_FIELDS):
        shown = ""  # a password or token is never echoed (error pages, logs)
    return InvalidRating(f"{name}: {detail}{shown}" if name else detail, field=name)
