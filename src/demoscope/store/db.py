"""Engines, sessions, migrations and the write lock.

SQLite gets foreign keys switched on for every connection (off by default in SQLite, and the
composite key that pins a rating to its edition's categories depends on it) and WAL so that
readers (the web app) do not block a writer. Its transactions are begun by SQLAlchemy, not by
the driver (pysqlite would begin lazily, just before the first write, which is too late to
lock what a write transaction reads first): ``BEGIN IMMEDIATE`` for a write transaction,
plain ``BEGIN`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"

#: Execution option that marks a connection as the write transaction's (see :func:`locked`).
WRITE = "demoscope_write"
#: Key of the PostgreSQL advisory lock that serialises demoscope's write transactions.
PG_WRITE_LOCK = 0x64656D6F73636F70  # "demoscop"
#: How long a writer waits for another one on SQLite (seconds) before giving up.
SQLITE_BUSY_TIMEOUT = 60


@cache
def get_engine(url: str) -> Engine:
    """One engine per URL for the process. SQLite files get their folder created."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
        _sqlite_events(engine)
        return engine
    return create_engine(url)


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the driver never begins on its own: see _begin
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # IMMEDIATE takes SQLite's write lock at once: the transaction's first read already
        # sees the last committed write and nobody can write until it ends.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE)
                             else "BEGIN")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A transaction: committed when the block ends, rolled back (nothing written) on error.

    For reading in tests and tools; a use case that writes opens
    :func:`demoscope.store.transaction.write_transaction` instead."""
    session = sessionmaker(bind=engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def locked(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds demoscope's write lock until it ends.

    SQLite: ``BEGIN IMMEDIATE`` (the database's own write lock). PostgreSQL: a transaction-level
    advisory lock, taken before anything is read; at READ COMMITTED every later statement then
    sees every write committed before the lock was granted. Either way write transactions run
    one after the other, so none reads a value that another is about to replace. Committed when
    the block ends, rolled back on any error."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")
            yield conn


def migrate(bind: Engine | Connection, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with Alembic (the migrations ship in the package), in
    the given connection's transaction or in one of its own."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if isinstance(bind, Connection):
        cfg.attributes["connection"] = bind
        command.upgrade(cfg, revision)
        return
    with locked(bind) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def is_initialised(engine: Engine) -> bool:
    """Whether ``demoscope db init`` has created the schema."""
    return inspect(engine).has_table("ratings")
