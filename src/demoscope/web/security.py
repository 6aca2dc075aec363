"""The security headers every response carries, decided in one place.

The site is fully offline: every script, style sheet, image and font comes from the app itself
(plotly.js too, from the plotly wheel), so the Content-Security-Policy can allow the site's own
origin and nothing else, with no inline script at all. :class:`SecurityHeaders` wraps the whole
app, outside even Starlette's error middleware, so every answer has them: pages, JSON, static
files, 304s, prebuilt answers, errors and 500s.

The allowances are for plotly.js, by hash, never ``'unsafe-inline'``: it styles its charts by
creating ``<style>`` elements with an empty text and filling them through the CSSOM
(``sheet.insertRule``, which the policy does not govern), so a ``<style>`` whose text hashes
to the empty string's SHA-256 is allowed (an empty element carries nothing an attacker wrote);
and it injects one fixed style sheet (its maps' CSS) whose exact text's hash is read from the
installed bundle (:func:`vendor_style_hashes`). The charts draw fully (hover labels, mode bar)
while any inline style an attacker could inject — a ``<style>`` with other content, a
``style=`` attribute — is refused. ``'unsafe-inline'`` and ``'unsafe-eval'`` appear nowhere.
(Serving plotly's CSS as a file instead would need its per-chart rules, which plotly.js makes
at run time with random ids: the hashes are stricter and keep plotly.js unmodified.)

What a new page must do to satisfy it is in docs/architecture.md ("Security headers").
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: SHA-256 of the empty string: the inline ``<style>`` text plotly.js fills through the CSSOM.
EMPTY_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"

#: The Content-Security-Policy, directive by directive (``style-src`` also gets
#: :func:`vendor_style_hashes`).
POLICY: dict[str, str] = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": f"'self' {EMPTY_STYLE}",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "manifest-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}

#: plotly.js's fixed style sheets: ``createElement("style"); e.id = "<hex>", e.textContent = '...'``
_INJECTED = re.compile(r'createElement\("style"\);(\w+)\.id="[0-9a-f]+",\1\.textContent=\'')


@cache
def vendor_style_hashes() -> tuple[str, ...]:
    """CSP hashes of the fixed style sheets the bundled plotly.js injects as it loads (the map
    module's CSS; demoscope draws no maps, but plotly.js adds it on every page that loads it).
    Read from the installed bundle, so that an upgrade of plotly keeps its exact text allowed
    and nothing else; a literal with escapes is not its text and stays refused (the browser
    tests would then report it)."""
    from demoscope.web.routes.assets import plotly_js

    try:
        source = plotly_js().read_text(encoding="utf-8")
    except (OSError, ImportError):
        return ()
    out = []
    for hit in _INJECTED.finditer(source):
        end = source.find("'", hit.end())
        text = source[hit.end():end]
        if end < 0 or "\\" in text:
            continue
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        out.append(f"'sha256-{digest}'")
    return tuple(out)


def content_security_policy(policy: dict[str, str] = POLICY) -> str:
    """The policy as the header's value."""
    full = dict(policy)
    full["style-src"] = " ".join((policy["style-src"], *vendor_style_hashes()))
    return "; ".join(f"{name} {sources}" for name, sources in full.items())


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


class SecurityHeaders:
    """ASGI middleware that puts :func:`headers` on every HTTP response start."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers()]
        self.names = frozenset(k for k, _ in self.raw)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", ())
                        if k.lower() not in self.names]
                message = {**message, "headers": [*kept, *self.raw]}
            await send(message)

        await self.app(scope, receive, secured)
