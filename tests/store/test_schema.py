"""The schema guard: every command checks the database's schema revision; a newer one is
refused in one line naming both revisions, an older one is upgraded by ``db upgrade`` with its
data kept; and ``db init`` killed at any moment leaves a database that is either untouched or
complete (a real process, killed with SIGKILL while it holds the write transaction)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from fractions import Fraction

import pytest
from sqlalchemy import text

from dbstate import EXE, digest, one_line, run
from demoscope.errors import ConfigError, DatabaseError
from demoscope.store import schema
from demoscope.store.db import MIGRATIONS, PG_WRITE_LOCK, get_engine, migrate

COMMANDS = (("show", "KAZ", "2008"), ("rate", "KAZ", "2009", "EP", "6", "-j", "why"),
            ("db", "init"), ("db", "upgrade"), ("export",), ("countries",),
            ("audit", "--json", os.devnull), ("serve", "--port", "8599"))


def test_the_revisions_read_from_the_files_are_alembics():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    assert list(schema.known_revisions()) == [r.revision for r in reversed(list(script.walk_revisions()))]
    assert schema.head() == script.get_current_head()


def _set_revision(url: str, revision: str) -> None:
    with get_engine(url).begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_a_newer_schema_is_refused_by_every_command(db_url):
    _set_revision(db_url, "0099_future")
    before = digest(db_url)
    for args in COMMANDS:
        rc, _out, err = run(*args, url=db_url)
        line = one_line(err)
        assert rc == DatabaseError.exit_code, (args, err)
        assert f"schema revision 0099_future, newer than this demoscope's {schema.head()}" in line
    assert digest(db_url) == before
    # the library refuses too: a write, and a migration
    from demoscope.methodology import nit
    from demoscope.services.rating import rate

    with pytest.raises(DatabaseError, match="newer"):
        rate(get_engine(db_url), nit(), "KAZ", 2009, "EP", Fraction(6), justification="x",
             source="test")
    with pytest.raises(DatabaseError, match="newer"):
        migrate(get_engine(db_url))
    assert digest(db_url) == before


def _downgrade(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with get_engine(url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def _ratings(url: str) -> list[tuple]:
    with get_engine(url).connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT country_iso3, edition_id, category, value_x100, source FROM ratings ORDER BY 1, 2, 3"))]


def test_db_upgrade_brings_an_older_database_up_with_its_data(db_url):
    """A database as the first demoscope left it (revision 0001, with ratings and a corrected
    value), upgraded: refused until then, every value kept after."""
    rc, _, err = run("rate", "KAZ", "2009", "EP", "6", "-j", "corrected before the upgrade", url=db_url)
    assert rc == 0, err
    first = schema.known_revisions()[0]
    _downgrade(db_url, first)
    held = _ratings(db_url)
    for args in (("show", "KAZ", "2009"), ("rate", "KAZ", "2009", "CS", "6", "-j", "x")):
        rc, _, err = run(*args, url=db_url)
        assert rc == DatabaseError.exit_code
        assert f"schema revision {first}, older than this demoscope's {schema.head()}: run " \
               "'demoscope db upgrade'" in one_line(err)
    rc, out, err = run("db", "upgrade", url=db_url)
    assert rc == 0, err
    assert f"from revision {first} to {schema.head()}" in out
    assert _ratings(db_url) == held
    rc, out, err = run("show", "KAZ", "2009", "--json", url=db_url)
    assert rc == 0 and '"EP": 6.0' in out, err
    rc, out, _ = run("db", "upgrade", url=db_url)
    assert rc == 0 and "up to date" in out


def test_an_empty_database_says_run_db_init(empty_db_url):
    if empty_db_url.startswith("sqlite"):
        sqlite3.connect(empty_db_url.removeprefix("sqlite:///")).close()  # an empty file
    rc, _, err = run("show", "KAZ", url=empty_db_url)
    assert rc == ConfigError.exit_code and "not initialised: run 'demoscope db init'" in one_line(err)


# -- db init killed with SIGKILL in the middle -----------------------------------------------

def _holds_write_lock(url: str) -> bool:
    """Whether another process is inside demoscope's write transaction right now."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if not os.path.exists(path):
            return False
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as exc:
            return "locked" in str(exc)
        finally:
            conn.close()
    with get_engine(url).connect() as conn:
        return bool(conn.scalar(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND pid <> pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = :k"),
            {"k": PG_WRITE_LOCK}))


def _state(url: str) -> str:
    """'empty' (as before db init), 'complete', or what is wrong."""
    with get_engine(url).connect() as conn:
        tables = set(conn.dialect.get_table_names(conn))
        if not tables or tables == {"alembic_version"}:
            return "empty"
        counts = {t: conn.scalar(text(f"SELECT count(*) FROM {t}"))
                  for t in ("countries", "editions", "ratings", "published_scores")}
    return "complete" if counts == _COMPLETE else f"partial {counts}"


_COMPLETE: dict[str, int] = {}


@pytest.mark.timeout(300)
def test_db_init_killed_mid_transaction_leaves_a_usable_database(empty_db_url, tmp_path):
    global _COMPLETE
    if not _COMPLETE:
        ref = f"sqlite:///{tmp_path / 'ref.db'}"
        assert run("db", "init", url=ref)[0] == 0
        with get_engine(ref).connect() as conn:
            _COMPLETE = {t: conn.scalar(text(f"SELECT count(*) FROM {t}"))
                         for t in ("countries", "editions", "ratings", "published_scores")}
    env = dict(os.environ, DEMOSCOPE_DATABASE_URL=empty_db_url)
    killed = 0
    for delay in (0.0, 0.15, 0.4):
        proc = subprocess.Popen([EXE, "db", "init"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if _holds_write_lock(empty_db_url):
                time.sleep(delay)
                if _holds_write_lock(empty_db_url):  # still inside: kill it there
                    proc.send_signal(signal.SIGKILL)
                    break
            time.sleep(0.005)
        proc.wait(60)
        if proc.returncode == -signal.SIGKILL:
            killed += 1
            get_engine(empty_db_url).dispose()
            assert _state(empty_db_url) == "empty"
            rc, _, err = run("show", "KAZ", url=empty_db_url)
            assert rc == ConfigError.exit_code and "not initialised" in one_line(err)
        else:
            assert proc.returncode == 0, proc.stderr.read()  # type: ignore[union-attr]
            assert _state(empty_db_url) == "complete"
            break
    assert killed >= 1, "db init was never caught inside its transaction"
    rc, _, err = run("db", "init", url=empty_db_url)
    assert rc == 0, err
    assert _state(empty_db_url) == "complete"
