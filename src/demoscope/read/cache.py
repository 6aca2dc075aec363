"""Read models built once per data version, kept as the value and as prebuilt JSON bytes.

Published data changes only when a write transaction commits, and every write transaction
bumps the database's data version (:func:`demoscope.store.writes.write_transaction`). So an
answer built once stays right until the version moves: :class:`ReadModels` keeps each answer
(a scorecard, an overview, a series...) with its JSON bytes and ETag, and drops them all as
soon as it sees another version. Nothing is rebuilt eagerly: the first request after a write
builds its answer anew.

Why this is never stale: the version is read *before* the answer is built. A write that
commits in between makes the answer newer than its version, never older, and the next request
(which sees the new version) rebuilds it. Every web worker keeps its own models and asks the
database for the version on every request, so a write through the CLI, another worker or
another machine is seen at once.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from demoscope.store import reads
from demoscope.store.reads import DataVersion, Reader

T = TypeVar("T")


def to_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, the bytes the API serves."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def etag_of(body: bytes) -> str:
    """A strong ETag over response bytes."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


@dataclass
class Built(Generic[T]):
    """An answer, the data version it was built at, and (made on first use) its JSON bytes."""

    value: T
    version: DataVersion
    _body: bytes | None = field(default=None, repr=False)
    _etag: str | None = field(default=None, repr=False)

    @property
    def body(self) -> bytes:
        if self._body is None:
            self._body = to_json(self.value)
        return self._body

    @property
    def etag(self) -> str:
        if self._etag is None:
            self._etag = etag_of(self.body)
        return self._etag


class ReadModels:
    """The read models of one database: ``get(key, build)`` returns the answer built at the
    current data version, building it only when this version has not seen it yet.

    ``capacity`` bounds the number of answers kept (parameters come from URLs: a client must
    not be able to grow it without limit); past it the oldest half is dropped."""

    def __init__(self, read: Reader, capacity: int = 1024) -> None:
        self.read = read
        self.capacity = capacity
        self._version: DataVersion | None = None
        self._entries: dict[Hashable, Built[Any]] = {}
        self._lock = threading.Lock()

    def version(self) -> DataVersion:
        """The database's data version now (one small SELECT)."""
        return reads.data_version(self.read)

    def get(self, key: Hashable, build: Callable[[], T], version: DataVersion | None = None
            ) -> Built[T]:
        """The answer for ``key`` at ``version`` (default: read now), built by ``build()`` if
        this version has not built it yet. Errors are not kept: they are raised each time."""
        current = version or self.version()
        with self._lock:
            if current != self._version:
                self._entries.clear()
                self._version = current
            hit = self._entries.get(key)
        if hit is not None:
            return hit
        made = Built(build(), current)
        with self._lock:
            if current == self._version:
                if len(self._entries) >= self.capacity:
                    for old in list(self._entries)[: self.capacity // 2]:
                        del self._entries[old]
                self._entries[key] = made
        return made
