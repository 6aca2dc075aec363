"""One line for every bad database or argument: no traceback, the error hierarchy's exit code,
and the database exactly as it was (a digest of every row, or the file's bytes, before and
after). Each class of bad input has its test, on both backends where it applies; every
command runs as a real process, as a user runs it."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from dbstate import digest, one_line, read_only, run
from demoscope.errors import DatabaseError, InvalidRating, OutputError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reports"
REPORT = FIXTURES / "valdoria-2011.txt"
DB_CODE, ARG_CODE, OUT_CODE = DatabaseError.exit_code, InvalidRating.exit_code, OutputError.exit_code
COMMANDS = (("show", "KAZ", "2008"), ("rate", "KAZ", "2009", "EP", "6", "-j", "why"),
            ("db", "init"), ("db", "upgrade"), ("export",))


def _refused(url: str, args: tuple[str, ...], code: int, needle: str, **kw) -> str:
    rc, _out, err = run(*args, url=url, **kw)
    line = one_line(err)
    assert rc == code, (args, err)
    assert needle in line, (args, line)
    return line


# -- the database itself ----------------------------------------------------------------------

@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n" + os.urandom(3000),
                                     b"SQLite format 3\x00" + os.urandom(5000)],
                         ids=["foreign-file", "damaged-sqlite"])
def test_a_corrupt_or_foreign_file(tmp_path, content):
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    url = f"sqlite:///{path}"
    for args in COMMANDS:
        line = _refused(url, args, DB_CODE, "bad.db")
        assert "not a SQLite database" in line or "damaged" in line
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.db"]


def test_a_sqlite_database_of_another_program(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE people (name TEXT)")
        conn.execute("INSERT INTO people VALUES ('Ada')")
    url = f"sqlite:///{path}"
    before = digest(url)
    for args in COMMANDS:
        _refused(url, args, DB_CODE, "not a demoscope database (it holds other tables: people)")
    assert digest(url) == before


def test_a_postgres_database_of_another_program(empty_db_url):
    from sqlalchemy import text

    from demoscope.store.db import get_engine

    with get_engine(empty_db_url).begin() as conn:
        conn.execute(text("CREATE TABLE people (name TEXT)"))
        conn.execute(text("INSERT INTO people VALUES ('Ada')"))
    before = digest(empty_db_url)
    for args in COMMANDS:
        _refused(empty_db_url, args, DB_CODE, "not a demoscope database")
    assert digest(empty_db_url) == before


def test_a_folder_as_database(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    for args in COMMANDS:
        _refused(f"sqlite:///{folder}", args, DB_CODE, "is a folder, not a database file")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("url", ["mysql://user@localhost/nit", "oracle+cx://x", "nit.db",
                                 "sqlite3:///nit.db"])
def test_an_unknown_driver(url):
    for args in COMMANDS:
        _refused(url, args, DB_CODE, "unknown database driver")


def _georgia_2019(folder: Path, db_url: str) -> tuple[Path, dict]:
    """A report of an edition the built-in data leaves empty: importing it writes."""
    from fractions import Fraction

    from demoscope.store import reads
    from test_cli_reports import write_report

    before = reads.row(reads.reader_for_url(db_url), "nit", "GEO", 2018)
    after = dict(before, EP=min(before["EP"] + Fraction(1, 4), Fraction(7)))
    path = folder / "georgia-2019.txt"
    write_report(path, "Georgia", 2019, before, after)
    return path, after


def test_a_read_only_database_file(db_url, tmp_path):
    path = Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite") else None
    if path is None:  # PostgreSQL: a server that refuses writes in every transaction
        url = db_url + ("&" if "?" in db_url else "?") + \
            "options=-c%20default_transaction_read_only%3Don"
        wrap = None
    else:
        url, wrap = db_url, read_only(path)
    before = digest(db_url)
    rc, out, _ = run("show", "KAZ", "2008", "--json", url=url, wrap=wrap)
    assert rc == 0 and '"democracy_score": 6.39' in out  # reading a read-only database works
    report, _ = _georgia_2019(tmp_path, db_url)
    for args in (COMMANDS[1], ("db", "init"), ("ingest", str(report))):
        _refused(url, args, DB_CODE, "read-only", wrap=wrap)
    assert digest(db_url) == before


def test_a_read_only_folder(db_url, tmp_path):
    if not db_url.startswith("sqlite"):
        pytest.skip("a folder is SQLite's")
    from demoscope.store.db import get_engine

    path = Path(db_url.removeprefix("sqlite:///"))
    get_engine(db_url).dispose()
    conn = sqlite3.connect(path)  # as if copied onto a read-only medium: no WAL files beside
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for extra in path.parent.glob(path.name + "-*"):
        extra.unlink()
    wrap = read_only(path.parent)
    before = digest(db_url)
    rc, out, _ = run("show", "KAZ", "2008", "--json", url=db_url, wrap=wrap)
    assert rc == 0 and '"democracy_score": 6.39' in out
    for args in (COMMANDS[1], ("db", "init")):
        _refused(db_url, args, DB_CODE, "read-only folder", wrap=wrap)
    assert digest(db_url) == before


@pytest.mark.postgres
def test_an_unreachable_postgres_server():
    if not os.environ.get("DEMOSCOPE_TEST_POSTGRES_URL"):
        pytest.skip("needs DEMOSCOPE_TEST_POSTGRES_URL")
    for args in COMMANDS:
        line = _refused("postgresql://demo:secret@127.0.0.1:1/nit", args, DB_CODE,
                        "cannot be reached (connection refused)")
        assert "secret" not in line


@pytest.mark.postgres
def test_a_missing_postgres_database():
    base = os.environ.get("DEMOSCOPE_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("needs DEMOSCOPE_TEST_POSTGRES_URL")
    url = base.rsplit("/", 1)[0] + "/demoscope_no_such_database"
    for args in COMMANDS:
        line = _refused(url, args, DB_CODE, "PostgreSQL has no database 'demoscope_no_such_database'")
        assert "not initialised" not in line


# -- arguments --------------------------------------------------------------------------------

def test_invalid_utf8_in_an_argument(db_url):
    before = digest(db_url)
    for args in ((b"show", b"\xffKAZ"), (b"rate", b"KAZ", b"2009", b"EP", b"6", b"-j", b"\xc3("),
                 (b"rate", b"KAZ", b"2009", b"EP", b"6", b"-j", b"why", b"--source", b"\xfe")):
        _refused(db_url, args, ARG_CODE, "is not valid UTF-8")  # type: ignore[arg-type]
    assert digest(db_url) == before


def test_source_and_justification_limits_are_the_same_on_both_backends(db_url):
    before = digest(db_url)
    _refused(db_url, ("rate", "KAZ", "2009", "EP", "6", "-j", "why", "--source", "s" * 201),
             ARG_CODE, "source is 201 characters long: at most 200")
    _refused(db_url, ("rate", "KAZ", "2009", "EP", "6", "-j", "why", "--source", "a\x01b"),
             ARG_CODE, "control characters")
    assert digest(db_url) == before
    rc, _out, err = run("rate", "KAZ", "2009", "EP", "6", "-j", "why", "--source", "s" * 200,
                        url=db_url)
    assert rc == 0, err  # the longest source the column holds is stored, on both


@pytest.mark.parametrize("value", ["1e999999999", "1e5000", "25/4", "６.００", "1e0", "nan",
                                   "inf", "9" * 60])
def test_numbers_are_plain_decimals(db_url, value):
    before = digest(db_url)
    _refused(db_url, ("rate", "KAZ", "2009", "EP", value, "-j", "why"), ARG_CODE,
             "value", timeout=20)
    assert digest(db_url) == before


def test_export_edition_bounds_are_checked_before_the_database(db_url):
    before = digest(db_url)
    for flag in ("--from", "--to"):
        _refused(db_url, ("export", flag, "99999999999999999999"), ARG_CODE,
                 "is not an edition year")
    assert digest(db_url) == before


def test_export_to_a_folder_or_an_unwritable_place(db_url, tmp_path):
    before = digest(db_url)
    _refused(db_url, ("export", "-o", str(tmp_path)), OUT_CODE, "is a folder")
    locked = tmp_path / "locked"
    locked.mkdir()
    _refused(db_url, ("export", "-o", str(locked / "x.csv")), OUT_CODE,
             "read-only file system", wrap=read_only(locked))
    assert list(locked.iterdir()) == []
    _refused(db_url, ("export", "-o", "/dev/full"), OUT_CODE, "no space left")
    assert Path("/dev/full").is_char_device()
    assert digest(db_url) == before


def test_export_to_standard_output_and_through_a_link(db_url, tmp_path):
    rc, out, err = run("export", "-o", "/dev/stdout", url=db_url, process=True)
    assert rc == 0 and out.startswith("country,iso3,edition") and "data version" in err
    assert Path("/dev/stdout").is_symlink()
    rc, out2, _ = run("export", "-o", "-", url=db_url)
    assert rc == 0 and out2 == out
    real = tmp_path / "ratings.csv"
    real.write_text("old")
    (tmp_path / "link.csv").symlink_to("ratings.csv")
    rc, _, err = run("export", "-o", str(tmp_path / "link.csv"), url=db_url)
    assert rc == 0, err
    assert (tmp_path / "link.csv").is_symlink() and real.read_text() == out


@pytest.mark.parametrize(("args", "needle"), [
    (("--port", "70000"), "--port 70000 is not a TCP port"),
    (("--port", "0"), "is not a TCP port"),
    (("--workers", "0"), "--workers 0 is out of range"),
    (("--workers", "100000"), "is out of range"),
    (("--host", "no-such-host.invalid", "--port", "8599"), "unknown host"),
])
def test_serve_arguments(db_url, args, needle):
    rc, _, err = run("serve", *args, url=db_url, timeout=30)
    assert needle in one_line(err)
    assert rc in (ARG_CODE, 2)


def test_serve_on_a_port_in_use(db_url):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        _refused(db_url, ("serve", "--port", str(port)), 2, "the port is in use", timeout=30)


# -- reports ----------------------------------------------------------------------------------

def test_a_fifo_given_to_ingest_or_audit_does_not_hang(db_url, tmp_path):
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    before = digest(db_url)
    for command in ("ingest", "audit"):
        rc, out, err = run(command, str(fifo), str(REPORT), "--json", url=db_url, timeout=60)
        assert rc == 1 and "Traceback" not in err
        lines = out.splitlines()
        assert "named pipe" in lines[0] and "valdoria-2011" in lines[1]
    rc, out, err = run("audit", str(tmp_path), "--no-db", "--json", url=db_url, timeout=60)
    assert out == "" and rc == 0, err  # walking a folder skips the FIFO: it is no regular file
    assert digest(db_url) == before  # the fixture's country is fictional: nothing imported


def test_ingest_reads_standard_input(db_url, tmp_path):
    from demoscope.store import reads

    report, after = _georgia_2019(tmp_path, db_url)
    rc, out, err = run("ingest", "-", "--json", url=db_url, stdin=report.read_bytes())
    assert rc == 0, err
    assert '"file": "<stdin>"' in out and '"status": "imported"' in out
    assert reads.row(reads.reader_for_url(db_url), "nit", "GEO", 2019) == after
    before = digest(db_url)
    rc, out, err = run("ingest", "-", url=db_url, stdin=b"x" * 200,
                       env={"DEMOSCOPE_REPORT_MAX_BYTES": "100"})
    assert rc == 1 and "<stdin>: input is over the" in out, out + err
    assert digest(db_url) == before


def test_standard_input_that_never_ends_is_cut_at_the_limit(db_url):
    import subprocess

    from dbstate import EXE

    env = dict(os.environ, DEMOSCOPE_DATABASE_URL=db_url, DEMOSCOPE_REPORT_MAX_BYTES="1000000")
    proc = subprocess.Popen([EXE, "audit", "-", "--no-db"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)

    def feed() -> None:
        try:
            while True:
                proc.stdin.write(b"y" * 65536)  # type: ignore[union-attr]
        except (BrokenPipeError, ValueError, OSError):
            pass

    threading.Thread(target=feed, daemon=True).start()
    out = proc.stdout.read()  # type: ignore[union-attr]
    proc.wait(timeout=60)
    assert proc.returncode == 1 and b"over the 1.0 MB limit" in out
