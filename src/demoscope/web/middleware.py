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

    ``capacity`` bounds the number of URLs kept (past it the map is emptied: URLs come from
    clients, who must not be able to grow memory without limit)."""

    def __init__(self, app: ASGIApp, models: ReadModels, capacity: int = 4096,
                 skip: tuple[str, ...] = ("/static/", "/static-vendor/", "/favicon.ico")) -> None:
        self.app = app
        self.models = models
        self.capacity = capacity
        self.skip = skip
        self._version: DataVersion | None = None
        self._answers: dict[tuple[str, bytes], Prebuilt] = {}

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
            self._answers = {}
            self._version = version
        stamp = (VERSION_HEADER, version.label.encode())
        key = (scope["path"], scope["query_string"])
        if scope["method"] == "GET":
            hit = self._answers.get(key)
            if hit is not None:
                await self._send(hit, scope, send, stamp)
                return
        scope[VERSION_KEY] = version

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), stamp]}
            await send(message)

        await self.app(scope, receive, stamped)
        answer = scope.get(PREBUILT_KEY)
        if (scope["method"] == "GET" and isinstance(answer, Prebuilt) and answer.version == version
                and self._version == version):
            if len(self._answers) >= self.capacity:
                self._answers = {}
            self._answers[key] = answer

    @staticmethod
    async def _send(answer: Prebuilt, scope: Scope, send: Send, stamp: tuple[bytes, bytes]) -> None:
        headers = [(b"etag", answer.etag.encode()), (b"cache-control", answer.cache.encode()),
                   *((k.lower().encode(), v.encode()) for k, v in answer.headers.items()), stamp]
        inm = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"if-none-match"), None)
        if not_modified(inm, answer.etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += [(b"content-type", answer.media_type.encode()),
                    (b"content-length", str(len(answer.body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})
