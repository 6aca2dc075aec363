"""No stale answer after a write: a real ``demoscope serve`` (1 and 2 workers, SQLite and
PostgreSQL) answers from read models kept per data version; a write through the CLI, in
another process, shows in the very next answer of every worker."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

SCORECARD = "/api/v1/countries/KAZ/editions/2008"
RATINGS = "/api/v1/ratings?country=KAZ&from=2008&to=2008"
EXE = str(Path(sys.executable).with_name("demoscope"))


def _get(url: str) -> tuple[dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return {k.lower(): v for k, v in r.headers.items()}, r.read()


def _serve(db_url: str, workers: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, DEMOSCOPE_DATABASE_URL=db_url)
    proc = subprocess.Popen([EXE, "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            _get(base + "/healthz")
            return proc, base
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    pytest.fail("server did not start: " + proc.stdout.read(4000).decode(errors="replace"))  # type: ignore[union-attr]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_cli_write_is_seen_at_once_by_every_worker(db_url, workers):
    proc, base = _serve(db_url, workers)
    env = dict(os.environ, DEMOSCOPE_DATABASE_URL=db_url)
    try:
        before = set()
        for _ in range(30):  # warm the read models of every worker
            headers, body = _get(base + SCORECARD)
            assert json.loads(body)["ratings"]["CS"] == 5.5
            before.add(headers["x-demoscope-data-version"])
            _get(base + RATINGS)
            _get(base + "/editions/2008")
        assert len(before) == 1
        done = subprocess.run([EXE, "rate", "KAZ", "2008", "CS", "6.00", "-j", "NGO law"],
                              env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        for _ in range(30):  # every answer, whichever worker gives it, is the new one
            headers, body = _get(base + SCORECARD)
            card = json.loads(body)
            assert card["ratings"]["CS"] == 6.0 and card["democracy_score"] == 6.46
            assert headers["x-demoscope-data-version"] not in before
            _, body = _get(base + RATINGS)
            assert {i["category"]: i["rating"] for i in json.loads(body)["items"]}["CS"] == 6.0
            _, page = _get(base + "/editions/2008")
            assert b"6.46" in page
    finally:
        proc.terminate()
        proc.wait(15)
