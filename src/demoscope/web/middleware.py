"""ASGI middleware: HEAD as GET, and answers served from memory per data version.

:class:`ServeReadModels` is why the read API is fast: it reads the database's data version
once per request (one indexed SELECT of one row), stamps every answer with it
(``X-Demoscope-Data-Version``) and, for a GET whose answer a route already built at this
version, sends the prebuilt bytes without running routing, validation or the route. A write
bumps the version, so the next request misses and the route builds the answer anew: never a
stale answer, in any worker (see :mod:`demoscope.read.cache`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from demoscope.read.cache import ReadModels
from demoscope.store.reads import DataVersion
from demoscope.web.deps import VERSION_KEY
from demoscope.web.responses import PREBUILT_KEY, Prebuilt, not_modified

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

VERSION_HEADER = b"x-demoscope-data-version"


class HeadAsGet:
    """Answer HEAD like GET without the body (FastAPI routes accept GET only), so the
    read-only surface is GET, HEAD and OPTIONS as the CORS policy says."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def no_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, no_body)


class ServeReadModels:
    """Stamp every answer with the data version; serve prebuilt answers of this version.

    Memory is bounded by ``capacity`` URLs and ``max_bytes`` of bodies (a client choosing URLs,
    e.g. large ``/ratings`` pages, must not grow it without limit): past either, the map is
    emptied and refills from the next requests.

    It is the outermost layer (only Starlette's error middleware is outside it), so a hit
    costs one SELECT and two sends; it answers HEAD itself, and leaves CORS requests (with an
    ``Origin``) to the CORS middleware inside.

    ``capacity`` bounds the number of URLs kept (past it the map is emptied: URLs come from
    clients, who must not be able to grow memory without limit)."""

    def __init__(self, app: ASGIApp, models: ReadModels, capacity: int = 4096,
                 max_bytes: int = 64 * 1024 * 1024,
                 skip: tuple[str, ...] = ("/static/", "/static-vendor/", "/static-publish/",
                                          "/favicon.ico")) -> None:
        self.app = app
        self.models = models
        self.capacity = capacity
        self.max_bytes = max_bytes
        self._bytes = 0
        self.skip = skip
        self._version: DataVersion | None = None
        self._stamp = (VERSION_HEADER, b"")
        # per URL: the answer and its prebuilt 200 and 304 header lists
        self._answers: dict[tuple[str, bytes], tuple[Prebuilt, list[Any], list[Any]]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.skip):
            await self.app(scope, receive, send)
            return
        try:
            version = self.models.version()
        except Exception:  # no database (yet): the route answers with the usual error
            await self.app(scope, receive, send)
            return
        if version != self._version:
            self._answers, self._bytes = {}, 0
            self._version = version
            self._stamp = (VERSION_HEADER, version.label.encode())
        stamp = self._stamp
        key = (scope["path"], scope["query_string"])
        method = scope["method"]
        if method in ("GET", "HEAD"):
            hit = self._answers.get(key)
            if hit is not None and not _has(scope, b"origin"):  # CORS requests go the long way
                answer, ok, unchanged = hit
                if not_modified(_header(scope, b"if-none-match"), answer.etag):
                    await send({"type": "http.response.start", "status": 304, "headers": unchanged})
                    await send({"type": "http.response.body", "body": b""})
                    return
                await send({"type": "http.response.start", "status": 200, "headers": ok})
                await send({"type": "http.response.body",
                            "body": b"" if method == "HEAD" else answer.body})
                return
        scope[VERSION_KEY] = version

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), stamp]}
            await send(message)

        await self.app(scope, receive, stamped)
        built = scope.get(PREBUILT_KEY)
        if (method == "GET" and isinstance(built, Prebuilt) and built.version == version
                and self._version == version):
            answer = built
            if len(self._answers) >= self.capacity or self._bytes + len(answer.body) > self.max_bytes:
                self._answers, self._bytes = {}, 0
            self._bytes += len(answer.body)
            common = [(b"etag", answer.etag.encode()), (b"cache-control", answer.cache.encode()),
                      *((k.lower().encode(), v.encode()) for k, v in answer.headers.items()), stamp]
            ok = [*common, (b"content-type", answer.media_type.encode()),
                  (b"content-length", str(len(answer.body)).encode())]
            self._answers[key] = (answer, ok, common)


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope["headers"]:
        if k == name:
            return v.decode("latin-1")
    return None


def _has(scope: Scope, name: bytes) -> bool:
    return any(k == name for k, _ in scope["headers"])
