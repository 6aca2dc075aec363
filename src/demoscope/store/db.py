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

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from demoscope.errors import DatabaseError
from demoscope.store.access import check_sqlite_file, check_url

MIGRATIONS = Path(__file__).parent / "migrations"

#: Execution option that marks a connection as the write transaction's (see :func:`locked`).
WRITE = "demoscope_write"
#: Key of the PostgreSQL advisory lock that serialises demoscope's write transactions.
PG_WRITE_LOCK = 0x64656D6F73636F70  # "demoscop"
#: How long a writer waits for another one on SQLite (seconds) before giving up.
SQLITE_BUSY_TIMEOUT = 60


#: How long a connection attempt to PostgreSQL may take (seconds) before it is reported.
PG_CONNECT_TIMEOUT = 10


@cache
def get_engine(url: str) -> Engine:
    """One engine per URL for the process. SQLite files get their folder created; a URL or a
    file that cannot be a demoscope database is refused first (:mod:`demoscope.store.access`)."""
    check_url(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        path = Path(url.removeprefix("sqlite:///"))
        check_sqlite_file(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create the folder of the database {path}: "
                                f"{exc.strerror}", field="database") from None
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
        _sqlite_events(engine)
        return engine
    # a web worker runs up to 40 requests in its thread pool: enough connections for them
    return create_engine(url, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT},
                         pool_size=10, max_overflow=30)


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
    the given connection's transaction or in one of its own. A database at a revision the
    shipped migrations do not know (a newer demoscope's) is refused, never touched."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if isinstance(bind, Connection):
        _refuse_unknown_revision(cfg, bind)
        cfg.attributes["connection"] = bind
        command.upgrade(cfg, revision)
        return
    with locked(bind) as conn:
        _refuse_unknown_revision(cfg, conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _refuse_unknown_revision(cfg: Any, conn: Connection) -> None:
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    current = MigrationContext.configure(conn).get_current_heads()
    script = ScriptDirectory.from_config(cfg)
    known = {r.revision for r in script.walk_revisions()}
    for rev in current:
        if rev not in known:
            raise DatabaseError(f"the database has schema revision {rev}, newer than this "
                                f"demoscope's {script.get_current_head()}: it was written by a "
                                "newer demoscope; upgrade demoscope to use it", field="database")
