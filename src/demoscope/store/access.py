"""Can this database be used at all? The URL, the SQLite file, and database errors in one line.

A command learns that its database is unusable in many ways: a driver demoscope does not
speak, a folder or a picture where the SQLite file should be, a file that is not SQLite, a
server that does not answer, a database that does not exist, a read-only file. Each of them
is one :class:`~demoscope.errors.DatabaseError` line naming the database and what is wrong,
decided here, before SQLite or the server gets a chance to create, lock or change anything
(:func:`check_url`, :func:`check_sqlite_file`), or translated from the driver's error after
the fact (:func:`describe`). The ground floor of the store: it imports neither SQLAlchemy nor
a driver, so ``demoscope show`` stays fast.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from demoscope.errors import DatabaseError

#: The first 16 bytes of every SQLite 3 database file.
SQLITE_HEADER = b"SQLite format 3\x00"
#: URL schemes demoscope works with (SQLAlchemy's names).
SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")


def redact(url: str) -> str:
    """The URL without its user and password, as messages show it."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return url


def check_url(url: str) -> None:
    """Refuse a URL whose driver demoscope does not work with, in one line."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme.lower() not in SCHEMES:
        shown = scheme or url[:40]
        raise DatabaseError(f"unknown database driver {shown!r} in the database URL: demoscope "
                            "works with sqlite:///PATH and postgresql://USER@HOST[:PORT]/NAME",
                            field="database")


def check_sqlite_file(path: str | Path) -> None:
    """Refuse a path that cannot be a SQLite database, before SQLite opens (and perhaps
    creates, locks or journals) anything: a folder, a device or FIFO, an unreadable file, a
    file that is not SQLite. A missing file or an empty one is fine (``db init`` creates it)."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DatabaseError(f"cannot open the database file {p}: {exc.strerror}",
                            field="database") from None
    if stat.S_ISDIR(st.st_mode):
        raise DatabaseError(f"the database path {p} is a folder, not a database file: give "
                            "sqlite:///FOLDER/demoscope.db", field="database")
    if not stat.S_ISREG(st.st_mode):
        raise DatabaseError(f"the database path {p} is not a regular file", field="database")
    if st.st_size == 0:
        return
    try:
        with open(p, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"cannot read the database file {p}: {exc.strerror}",
                            field="database") from None
    if head != SQLITE_HEADER:
        raise DatabaseError(f"{p} is not a SQLite database (a damaged file, or another kind of "
                            "file)", field="database")


#: SQLite's messages (the library's own words) and what they mean to a user.
_SQLITE = (
    ("file is not a database", "is not a SQLite database (a damaged file, or another kind of file)"),
    ("malformed", "is damaged (SQLite says: database disk image is malformed)"),
    ("attempt to write a readonly database", "is read-only: demoscope cannot write to it"),
    ("readonly", "is read-only: demoscope cannot write to it"),
    ("database is locked", "is busy: another program held its write lock too long; try again"),
    ("unable to open database file", "cannot be opened (a missing or read-only folder, or no "
     "permission: SQLite also needs to create FILE-wal and FILE-shm beside it)"),
    ("disk i/o error", "cannot be used: disk I/O error (a read-only folder? SQLite needs to "
     "create FILE-wal and FILE-shm beside the database)"),
    ("database or disk is full", "cannot be written: the disk is full"),
)

#: PostgreSQL's SQLSTATE codes and messages, and what they mean to a user.
_POSTGRES_STATES = {
    "25006": "is read-only (the server refuses writes in this transaction)",
    "42501": "refuses this user the access demoscope needs (permission denied)",
    "3D000": None,  # no such database: worded with the name below
    "28P01": "refused the login (password authentication failed)",
    "28000": "refused the login (not authorised)",
    "53100": "cannot be written: the server's disk is full",
    "57P01": "was shut down during the command",
    "57P03": "is starting up or shutting down: try again",
    "22001": "refused a value longer than its column",
    "55P03": "is busy: another transaction held a lock too long; try again",
    "40P01": "is busy: a deadlock was broken; try again",
    "57014": "cancelled the statement (it ran past the server's time limit)",
}


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and e not in out and len(out) < 10:
        out.append(e)
        e = getattr(e, "orig", None) or e.__cause__ or e.__context__
    return out


def _is_database_error(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] in ("sqlalchemy", "sqlite3", "psycopg",
                                                  "psycopg2", "alembic")


def describe(exc: BaseException, url: str) -> DatabaseError | None:
    """The one-line :class:`DatabaseError` for an error the database driver (or SQLAlchemy or
    Alembic) raised, or None when ``exc`` is no database error (a bug: let it show)."""
    chain = _chain(exc)
    if not any(_is_database_error(e) for e in chain):
        return None
    where = f"the database at {redact(url)}"
    for e in chain:
        state = getattr(e, "sqlstate", None) or getattr(getattr(e, "diag", None), "sqlstate", None)
        if state == "3D000":
            name = url.rsplit("/", 1)[-1].split("?")[0]
            return DatabaseError(f"PostgreSQL has no database {name!r} at {redact(url)}: create "
                                 f"it (createdb {name}), then run 'demoscope db init'",
                                 field="database")
        if state in _POSTGRES_STATES:
            return DatabaseError(f"{where} {_POSTGRES_STATES[state]}", field="database")
    text = " ".join(str(e) for e in chain).lower()
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
        if path is not None and ("unable to open" in text or "readonly" in text
                                 or "disk i/o" in text):
            if path.parent.exists() and not os.access(path.parent, os.W_OK):
                return DatabaseError(f"{where} is in a read-only folder: SQLite must create "
                                     f"{path.name}-wal and {path.name}-shm beside it to write",
                                     field="database")
            if path.exists() and not os.access(path, os.W_OK):
                return DatabaseError(f"{where} is read-only: demoscope cannot write to it",
                                     field="database")
        for needle, meaning in _SQLITE:
            if needle in text:
                return DatabaseError(f"{where} {meaning}", field="database")
    if "does not exist" in text and "database" in text:
        name = url.rsplit("/", 1)[-1].split("?")[0]
        return DatabaseError(f"PostgreSQL has no database {name!r} at {redact(url)}: create it "
                             f"(createdb {name}), then run 'demoscope db init'", field="database")
    for needle, meaning in (
            ("connection refused", "cannot be reached (connection refused): is the server running?"),
            ("could not translate host name", "cannot be reached: unknown host name"),
            ("name or service not known", "cannot be reached: unknown host name"),
            ("timeout expired", "cannot be reached (the connection timed out)"),
            ("no route to host", "cannot be reached (no route to host)"),
            ("password authentication failed", "refused the login (password authentication failed)"),
            ("no password supplied", "asks for a password the URL does not give"),
            ("server closed the connection", "closed the connection unexpectedly"),
            ("read-only transaction", "is read-only (the server refuses writes)"),
            ("can't locate revision", "has a schema revision this demoscope does not know: it was "
             "written by a newer demoscope; upgrade demoscope")):
        if needle in text:
            return DatabaseError(f"{where} {meaning}", field="database")
    first = next((str(e).strip().splitlines()[0] for e in reversed(chain) if str(e).strip()),
                 type(exc).__name__)
    return DatabaseError(f"{where} failed: {first[:300]}", field="database")
