"""Consensus under contention: 50 editors saving the same cells at once, against PostgreSQL.

Set-up: a fresh PostgreSQL database (``<DEMOSCOPE_BENCH_POSTGRES_URL or
DEMOSCOPE_TEST_POSTGRES_URL>_bench``) with the built-in dataset, 50 editors (each with an API
token) and the edition 2025 open for two countries, in the consensus state; ``demoscope
serve`` runs in a subprocess (2 workers) on loopback.

Load: 50 concurrent editors for ``--seconds`` (default 30). Each loops: read the assessment
(``GET /api/v1/assessments/{iso3}/2025``: its version), then save a consensus value on one of
``--cells`` contended cells (``PUT .../consensus/{category}`` with that version). A save that
someone else's beat is a 409 carrying both values; the editor reads again and retries.

Printed: requests, accepted writes, 409s, other errors, throughput, p50/p99 of the PUT, and
**lost updates**: accepted writes (their value and the version they created) that are missing
from the cell's consensus revision history, plus cells whose final value is not the last
accepted write. It must be 0.

Run: ``.venv/bin/python bench/bench_workflow.py [--seconds 30] [--editors 50] [--cells 3]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

YEAR = 2025
COUNTRIES = ["KAZ", "KGZ"]
PASSWORD = "bench-password-0123"
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_url() -> str | None:
    base = os.environ.get("DEMOSCOPE_BENCH_POSTGRES_URL") or os.environ.get(
        "DEMOSCOPE_TEST_POSTGRES_URL")
    if not base:
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{url.database}_bench"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False).replace(
        "postgresql+psycopg://", "postgresql://", 1)


def set_up(url: str, editors: int) -> None:
    from demoscope.countries import registry
    from demoscope.methodology import nit
    from demoscope.services import assessment, users
    from demoscope.services.setup import set_up_database
    from demoscope.store.db import get_engine
    from demoscope.workflow.roles import Actor

    engine = get_engine(url)
    m = nit()
    set_up_database(engine, m, registry())
    for i in range(editors):
        users.add_user(engine, None, f"ed{i:02d}", "editor", PASSWORD, console=True)
    ed = Actor("ed00", "editor")
    assessment.open_edition(engine, m, ed, YEAR, COUNTRIES)
    assessment.move_edition(engine, m, ed, YEAR, "review")
    assessment.move_edition(engine, m, ed, YEAR, "consensus")
    engine.dispose()


async def run_load(base: str, editors: int, seconds: float, cells: list[tuple[str, str]]):
    import httpx

    limits = httpx.Limits(max_connections=editors + 8, max_keepalive_connections=editors + 8)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        tokens = []
        for i in range(editors):
            r = await client.post("/api/v1/auth/token", json={"username": f"ed{i:02d}",
                                                               "password": PASSWORD})
            r.raise_for_status()
            tokens.append(r.json()["token"])
        accepted: list[tuple[str, str, float, int, float]] = []  # iso3, cat, value, version, t
        stats = {"requests": 0, "conflicts": 0, "errors": 0}
        latencies: list[float] = []
        grid = [1 + 0.25 * k for k in range(25)]
        stop = time.perf_counter() + seconds

        async def editor(i: int) -> None:
            rng = random.Random(i)
            headers = {"Authorization": f"Bearer {tokens[i]}"}
            while time.perf_counter() < stop:
                iso3, cat = rng.choice(cells)
                r = await client.get(f"/api/v1/assessments/{iso3}/{YEAR}", headers=headers)
                stats["requests"] += 1
                if r.status_code != 200:
                    stats["errors"] += 1
                    continue
                version = r.json()["version"]
                value = rng.choice(grid)
                t0 = time.perf_counter()
                r = await client.put(f"/api/v1/assessments/{iso3}/{YEAR}/consensus/{cat}",
                                     json={"value": value, "justification": f"editor {i}",
                                           "version": version}, headers=headers)
                latencies.append(time.perf_counter() - t0)
                stats["requests"] += 1
                if r.status_code == 200:
                    accepted.append((iso3, cat, value, version + 1, time.perf_counter()))
                elif r.status_code == 409:
                    body = r.json()
                    assert body["yours"]["value"] == value and "current" in body
                    stats["conflicts"] += 1
                else:
                    stats["errors"] += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(editor(i) for i in range(editors)))
        elapsed = time.perf_counter() - t0
    return accepted, stats, latencies, elapsed


def lost_updates(url: str, accepted) -> tuple[int, int]:
    """(accepted writes missing from the revision history, cells whose final value is not the
    last accepted write)."""
    from demoscope.methodology import nit
    from demoscope.store import reads

    m = nit()
    read = reads.reader_for_url(url)
    aed = reads.assessment_edition(read, m.code, YEAR)
    history = {(r.iso3, r.category, float(r.new), r.version)
               for r in reads.consensus_revisions(read, aed.id)}
    missing = sum((iso3, cat, value, version) not in history
                  for iso3, cat, value, version, _ in accepted)
    cells = reads.assessment_cells(read, aed.id)
    last: dict[tuple[str, str], tuple[int, float]] = {}
    for iso3, cat, value, version, _ in accepted:
        if (iso3, cat) not in last or version > last[(iso3, cat)][0]:
            last[(iso3, cat)] = (version, value)
    wrong = sum(float(cells[iso3][cat].consensus or 0) != value
                for (iso3, cat), (_, value) in last.items())
    return missing, wrong


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--editors", type=int, default=50)
    ap.add_argument("--cells", type=int, default=3, help="contended cells (of 14)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    url = bench_url()
    if url is None:
        print("bench_workflow: not run: set DEMOSCOPE_BENCH_POSTGRES_URL (or "
              "DEMOSCOPE_TEST_POSTGRES_URL) to a PostgreSQL server")
        return 0
    print(f"setting up {args.editors} editors on PostgreSQL ...", flush=True)
    set_up(url, args.editors)
    port = free_port()
    env = {**os.environ, "DEMOSCOPE_DATABASE_URL": url}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "demoscope.web.app:app_from_env", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
         "--log-level", "warning", "--no-access-log"], env=env, cwd=ROOT)
    try:
        import httpx

        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/editions", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        cats = [(i, c) for i in COUNTRIES for c in ("EP", "CS", "IM", "NDG", "LDG", "JFI", "CO")]
        cells = cats[: args.cells]
        accepted, stats, lat, elapsed = asyncio.run(
            run_load(f"http://127.0.0.1:{port}", args.editors, args.seconds, cells))
    finally:
        server.terminate()
        server.wait(10)
    missing, wrong = lost_updates(url, accepted)
    lat.sort()

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

    print(f"{args.editors} editors, {len(cells)} contended cells, {elapsed:.1f} s, "
          f"PostgreSQL, {args.workers} server workers")
    print(f"  requests          {stats['requests']}  ({stats['requests'] / elapsed:.0f}/s)")
    print(f"  consensus saves   {len(lat)}  ({len(lat) / elapsed:.0f}/s)")
    print(f"  accepted (200)    {len(accepted)}  ({len(accepted) / elapsed:.1f}/s)")
    print(f"  stale (409)       {stats['conflicts']}")
    print(f"  other errors      {stats['errors']}")
    print(f"  PUT latency       p50 {pct(0.50):.1f} ms   p99 {pct(0.99):.1f} ms")
    print(f"  lost updates      {missing + wrong}  (accepted writes missing from the history: "
          f"{missing}; cells not at their last accepted write: {wrong})")
    return 1 if missing + wrong or stats["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
