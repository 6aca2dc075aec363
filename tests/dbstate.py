"""Helpers for tests that run ``demoscope`` as a real process and check what it left behind:
a digest of everything a database holds, a runner that reports exit status and output, and
a way to make a path read-only for one command (even for root, as CI runs)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

EXE = str(Path(sys.executable).with_name("demoscope"))


def digest(url: str) -> str:
    """SHA-256 over every row of every table (a logical dump: a SQLite checkpoint or a
    PostgreSQL vacuum does not change it; any written value does)."""
    h = hashlib.sha256()
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_file():
            return f"no file at {path}"
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return "raw " + hashlib.sha256(path.read_bytes()).hexdigest()
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            for line in conn.iterdump():
                h.update(line.encode() + b"\n")
        finally:
            conn.close()
        return h.hexdigest()
    from sqlalchemy import text

    from demoscope.store.db import get_engine

    with get_engine(url).connect() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"))]
        for t in tables:
            h.update(f"table {t}\n".encode())
            for row in conn.execute(text(f'SELECT * FROM "{t}" ORDER BY 1')):
                h.update(repr(tuple(row)).encode() + b"\n")
    return h.hexdigest()


def run(*args: str | bytes, url: str | None = None, stdin: bytes | None = None,
        wrap: list[str] | None = None, timeout: float = 120, env: dict | None = None,
        process: bool = False) -> tuple[int, str, str]:
    """``demoscope ARGS``: (exit status, stdout, stderr). In this process (``cli.main`` as the
    entry point calls it, arguments decoded as Python decodes a command line) unless it needs
    one of its own: a wrapper, standard input or ``process=True``."""
    extra = dict(env or {})
    if url is not None:
        extra["DEMOSCOPE_DATABASE_URL"] = url
    if wrap or stdin is not None or process:
        argv = [*(wrap or []), EXE, *args]
        done = subprocess.run(argv, input=stdin or b"", capture_output=True,
                              env=dict(os.environ, **extra), timeout=timeout)
        return (done.returncode, done.stdout.decode("utf-8", "replace"),
                done.stderr.decode("utf-8", "replace"))
    return _in_process([os.fsdecode(a) for a in args], extra)


def _in_process(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    import io

    from demoscope.cli import main

    saved = {k: os.environ.get(k) for k in env}
    streams = sys.argv, sys.stdout, sys.stderr
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    os.environ.update(env)
    sys.argv, sys.stdout, sys.stderr = ["demoscope", *args], out, err
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv, sys.stdout, sys.stderr = streams
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("utf-8", "replace"))  # type: ignore[attr-defined]
    return code, texts[0], texts[1]


def one_line(err: str) -> str:
    """The single line a failing command printed on stderr (asserting there is one)."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


_RO = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 97; shift; exec "$@"'


def read_only(path: Path) -> list[str]:
    """A prefix that runs a command with ``path`` (file or folder) mounted read-only in a mount
    namespace of its own (the rest of the machine sees no change): permissions do not stop
    root, a read-only mount does. Skips the test where no namespace can be made."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("needs unshare (util-linux) to make a read-only mount")
    probe = subprocess.run([unshare, "-m", "sh", "-c", _RO, "sh", str(path), "true"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a read-only mount here: {probe.stderr.decode().strip()}")
    return [unshare, "-m", "sh", "-c", _RO, "sh", str(path)]
