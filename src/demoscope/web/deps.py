"""What a route receives instead of looking it up: FastAPI dependencies.

Routes declare ``ctx: Ctx`` and get the read gateway, the methodology, the read models and the
data version the request is answered at. This is also where the assessment workflow plugs in
(issue 12): ``current_user`` (from a session cookie or a bearer token) and ``write_engine``
(for services that write) belong here, as dependencies a route declares, so that no route
handler reads a header or opens a transaction itself.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Engine

from demoscope.methodology import Direction, Methodology
from demoscope.read.cache import Built, ReadModels
from demoscope.store.reads import DataVersion, Reader
from demoscope.workflow.roles import Action, Actor

if TYPE_CHECKING:
    from demoscope.read.estimates import PanelFit

T = TypeVar("T")

#: Where :class:`~demoscope.web.middleware.ServeReadModels` leaves the version it read.
VERSION_KEY = "demoscope.version"


@dataclass(frozen=True)
class Context:
    """The read side of one request."""

    read: Reader
    m: Methodology
    models: ReadModels
    version: DataVersion | None
    releases_dir: Path  # the data releases the site lists (``DEMOSCOPE_RELEASES_DIR``)

    def direction(self, label: str | None) -> Direction | None:
        """A ``direction`` parameter (``1_best``/``7_best``; empty = each edition's own)."""
        return self.m.scale.parse_direction(label) if label else None

    def model(self, key: Hashable, build: Callable[[], T]) -> Built[T]:
        """The read model ``key`` at this request's data version (see :mod:`demoscope.read.cache`)."""
        return self.models.get(key, build, self.version)

    def fit(self, year: int | None = None) -> PanelFit:
        """The measurement model fitted at this data version (:mod:`demoscope.read.estimates`):
        the public one (published workflow editions only), or with ``year`` the one of that
        workflow edition, drafts included — kept in memory like a read model, never served as
        bytes (a draft's fit only feeds answers that are private)."""
        from demoscope.read import estimates

        if year is None:
            return self.model(("estimates-fit",), lambda: estimates.public_fit(self.read, self.m)).value
        return self.model(("estimates-fit", year),
                          lambda: estimates.edition_fit(self.read, self.m, year)).value


def context(request: Request) -> Context:
    state = request.app.state
    return Context(state.read, state.methodology, state.models, request.scope.get(VERSION_KEY),
                   state.releases_dir)


Ctx = Annotated[Context, Depends(context)]


# -- the assessment workflow: who is asking, and the engine writes go through -----------------

#: The web session's cookie (a random secret; the database keeps its SHA-256).
SESSION_COOKIE = "demoscope_session"
#: The login form's CSRF cookie (double submit: there is no session yet to hold the token).
LOGIN_CSRF_COOKIE = "demoscope_login_csrf"
#: The header a script sends the session's CSRF token in (API writes with the session cookie).
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Who:
    """The person behind a request (``actor`` None: anonymous), how they proved it (a
    ``token`` in ``Authorization: Bearer``, or the web ``session`` cookie) and, for a session,
    the CSRF token its forms carry."""

    actor: Actor | None
    via: str | None = None
    csrf: str = ""
    secret: str | None = None

    def may(self, action: Action, iso3: str | None = None) -> bool:
        return self.actor is not None and self.actor.may(action, iso3)


def current_user(request: Request) -> Who:
    """A bearer token wins (a wrong or expired one is a 401, never anonymous); else the session
    cookie (an unknown or expired one is simply anonymous)."""
    from demoscope.errors import Unauthorized
    from demoscope.services.auth import authenticate

    read = request.app.state.read
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        found = authenticate(read, token.strip(), "token") if scheme.lower() == "bearer" else None
        if found is None:
            raise Unauthorized("invalid or expired token (Authorization: Bearer TOKEN)")
        return Who(found.actor, "token", "", token.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    found = authenticate(read, cookie, "session")
    if found is None:
        return Who(None)
    return Who(found.actor, "session", found.csrf, cookie)


def api_writer(request: Request, who: Annotated[Who, Depends(current_user)]) -> Who:
    """The person behind an API write (anonymous: 401, before the body is even read). A write
    carried by the session cookie (a script on the site's own pages) must echo the session's
    CSRF token in ``X-CSRF-Token``."""
    from demoscope.errors import Forbidden, Unauthorized
    from demoscope.services.auth import same

    if who.actor is None:
        raise Unauthorized("log in or send a token (Authorization: Bearer ...)")
    if who.via == "session" and not same(request.headers.get(CSRF_HEADER), who.csrf):
        raise Forbidden("a write with the session cookie needs the X-CSRF-Token header")
    return who


def write_engine(request: Request) -> Engine:
    """The SQLAlchemy engine services write through (one per database URL per process)."""
    from demoscope.store.db import get_engine

    return get_engine(request.app.state.database_url)


CurrentUser = Annotated[Who, Depends(current_user)]
ApiWriter = Annotated[Who, Depends(api_writer)]
WriteEngine = Annotated[Engine, Depends(write_engine)]
