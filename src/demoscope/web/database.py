"""Read access for the web app: one fast :data:`~demoscope.store.queries.Reader` per thread.

Why not the ORM: the API's hot paths are one small SELECT each; stdlib sqlite3 (read-only
connection, one per thread) answers in microseconds, and PostgreSQL goes through a pooled
SQLAlchemy engine. The same SQL in :mod:`demoscope.store.queries` and
:mod:`demoscope.overview` runs on both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from demoscope.errors import ConfigError
from demoscope.store import queries
from demoscope.store.queries import Reader


class Database:
    """The database an app serves. ``reader()`` is cheap to call on every request."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._sqlite_path = (url.removeprefix("sqlite:///")
                             if url.startswith("sqlite:///") and ":memory:" not in url else None)
        self._pooled: Reader | None = None
        self._cache: dict[Hashable, tuple[str, Any]] = {}

    def reader(self) -> Reader:
        if self._sqlite_path is not None:
            read = getattr(self._local, "read", None)
            if read is None:
                if not Path(self._sqlite_path).exists():
                    raise ConfigError(f"no database at {self.url}: run 'demoscope db init' first")
                read = self._local.read = queries.sqlite_reader(self._sqlite_path)
            return read
        if self._pooled is None:
            self._pooled = queries.reader_for_url(self.url)  # a pooled connection per query
        return self._pooled

    def version(self) -> str:
        """A token that changes whenever ratings change (part of page ETags)."""
        rows = self.reader()(
            "SELECT (SELECT COUNT(*) FROM ratings), (SELECT COALESCE(MAX(id), 0) FROM "
            "rating_revisions), (SELECT COALESCE(SUM(value_x100), 0) FROM ratings)", {})
        return "-".join(str(v) for v in rows[0])

    def cached(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """``make()``, kept until the database changes (checked by :meth:`version` on each
        call): for answers that are slow to build and asked for often, such as downloads."""
        version = self.version()
        hit = self._cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        value = make()
        self._cache[key] = (version, value)
        return value
