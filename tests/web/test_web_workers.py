"""``demoscope serve --workers 2`` as a real process tree against PostgreSQL (the set-up
docs/web.md describes), answering the same API as the in-process app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.postgres]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read()


@pytest.mark.skipif(not os.environ.get("DEMOSCOPE_TEST_POSTGRES_URL"),
                    reason="DEMOSCOPE_TEST_POSTGRES_URL is not set")
def test_two_workers_on_postgresql(db_url, cli):
    if not db_url.startswith("postgresql"):
        pytest.skip("this test is about PostgreSQL")
    code, expected, _ = cli("show", "KAZ", "2008", "--json")
    assert code == 0
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = str(Path(sys.executable).with_name("demoscope"))
    env = dict(os.environ, DEMOSCOPE_DATABASE_URL=db_url)
    proc = subprocess.Popen([exe, "serve", "--port", str(port), "--workers", "2"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not start: " + proc.stdout.read(4000).decode(errors="replace"))
        bodies = set()
        for _ in range(40):
            status, body = _get(base + "/api/v1/countries/KAZ/editions/2008")
            assert status == 200
            bodies.add(body)
        assert len(bodies) == 1 and json.loads(bodies.pop()) == json.loads(expected)
        assert _get(base + "/editions/2008")[0] == 200
        workers = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
        assert len(workers.stdout.split()) >= 2, "expected two worker processes"
    finally:
        proc.terminate()
        proc.wait(15)
