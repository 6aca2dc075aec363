"""The security headers every response carries, decided in one place.

The site is fully offline: every script, style sheet, image and font comes from the app itself,
so the Content-Security-Policy can allow the site's own origin and nothing else, with no inline
script and no inline style at all (charts and maps are SVG drawn by the server: colours are SVG
presentation attributes, never ``style``). :class:`SecurityHeaders` wraps the whole app, outside
even Starlette's error middleware, so every answer has them: pages, JSON, static files, 304s,
prebuilt answers, errors and 500s. ``'unsafe-inline'`` and ``'unsafe-eval'`` appear nowhere,
and no hash is needed since the plotly.js bundle left the site.

What a new page must do to satisfy it is in docs/architecture.md ("Security headers").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The Content-Security-Policy, directive by directive.
POLICY: dict[str, str] = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "manifest-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}

def content_security_policy(policy: dict[str, str] = POLICY) -> str:
    """The policy as the header's value."""
    return "; ".join(f"{name} {sources}" for name, sources in policy.items())


@cache
def headers() -> tuple[tuple[str, str], ...]:
    """Every header every response gets (a route's own value of one of them is replaced)."""
    return (
        ("Content-Security-Policy", content_security_policy()),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),  # frame-ancestors for browsers that predate it
        ("Referrer-Policy", "no-referrer"),  # an offline site tells no one where a reader was
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),  # CORS reads of the API still work
        ("Permissions-Policy", "accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                               "magnetometer=(), microphone=(), payment=(), usb=()"),
        ("X-Permitted-Cross-Domain-Policies", "none"),
    )


#: Strict-Transport-Security, sent only on answers given over HTTPS (a browser ignores it over
#: plain HTTP, and ``demoscope serve`` itself speaks plain HTTP on loopback): behind a TLS proxy
#: that sets ``X-Forwarded-Proto`` (uvicorn trusts it from the proxy's address), browsers then
#: keep to HTTPS for a year. No ``includeSubDomains``: other sites of the domain are not ours.
HSTS = ("Strict-Transport-Security", "max-age=31536000")


class SecurityHeaders:
    """ASGI middleware that puts :func:`headers` on every HTTP response start (and
    :data:`HSTS` on those over HTTPS)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers()]
        self.raw_https = [*self.raw, (HSTS[0].lower().encode("latin-1"),
                                      HSTS[1].encode("latin-1"))]
        self.names = frozenset(k for k, _ in self.raw_https)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        ours = self.raw_https if scope.get("scheme") == "https" else self.raw

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", ())
                        if k.lower() not in self.names]
                message = {**message, "headers": [*kept, *ours]}
            await send(message)

        await self.app(scope, receive, secured)
