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
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from demoscope.methodology import Direction, Methodology
from demoscope.read.cache import Built, ReadModels
from demoscope.store.reads import DataVersion, Reader

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

    def direction(self, label: str | None) -> Direction | None:
        """A ``direction`` parameter (``1_best``/``7_best``; empty = each edition's own)."""
        return self.m.scale.parse_direction(label) if label else None

    def model(self, key: Hashable, build: Callable[[], T]) -> Built[T]:
        """The read model ``key`` at this request's data version (see :mod:`demoscope.read.cache`)."""
        return self.models.get(key, build, self.version)


def context(request: Request) -> Context:
    state = request.app.state
    return Context(state.read, state.methodology, state.models, request.scope.get(VERSION_KEY))


Ctx = Annotated[Context, Depends(context)]
