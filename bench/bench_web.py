"""Web benchmark on loopback, all in one run (printed figures, not a timed test).

The country-year ratings endpoint of demoscope (``/api/v1/ratings?country=KAZ&from=2008&to=2008``)
against, on the same SQLite file:

* Datasette (its JSON API with the same filter: ``/db/ratings.json?country_iso3=KAZ&edition_id=N``);
* a bare ASGI app doing the same query with sqlite3 and json (the floor of any Python server).

Each server runs in its own uvicorn/datasette process; a small asyncio HTTP/1.1 keep-alive load
generator opens 16 connections for a fixed time and records every latency. Printed: req/s, p50,
p99 per server and the ratios; then the country page's median time (sequential requests).

Aims (issue 4): demoscope ≥ 10× Datasette, ≥ 50 % of the bare app, p99 ≤ 20 ms; country page
median ≤ 20 ms.

Run: ``.venv/bin/python bench/bench_web.py [--seconds 5] [--connections 16]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

SQL = ("SELECT c.name, r.country_iso3, e.year, r.category, r.value_x100 FROM ratings r "
       "JOIN editions e ON e.id = r.edition_id JOIN countries c ON c.iso3 = r.country_iso3 "
       "WHERE e.methodology = 'nit' AND r.country_iso3 = ? AND e.year BETWEEN ? AND ? "
       "ORDER BY r.country_iso3, e.year, r.category")


# -- the bare ASGI app (run with: python bench/bench_web.py --bare PORT DB) ------------------

def make_bare_app(db: str):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        q = urllib.parse.parse_qs(scope["query_string"].decode())
        rows = conn.execute(SQL, (q["country"][0], int(q["from"][0]), int(q["to"][0]))).fetchall()
        items = [{"country": n, "iso3": i, "edition": y, "category": c, "rating": v / 100,
                  "direction": "1_best"} for n, i, y, c, v in rows]
        body = json.dumps({"total": len(items), "items": items}).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    return app


# -- load generator ------------------------------------------------------------------------

async def _one(reader, writer, req: bytes, path: str) -> None:
    writer.write(req)
    head = await reader.readuntil(b"\r\n\r\n")
    length, chunked = 0, False
    for line in head.split(b"\r\n"):
        k, _, v = line.partition(b":")
        if k.lower() == b"content-length":
            length = int(v)
        elif k.lower() == b"transfer-encoding" and b"chunked" in v.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(length)
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"{path}: {head[:60]!r}")


async def _client(host: str, port: int, path: str, deadline: float, lat: list[float],
                  failures: list[str]) -> None:
    """One keep-alive connection sending requests until the deadline; a request that takes
    over 5 s or breaks the connection counts as a failure and the connection is reopened."""
    req = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode()
    reader, writer = await asyncio.open_connection(host, port)
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        try:
            await asyncio.wait_for(_one(reader, writer, req, path), timeout=5)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError) as exc:
            failures.append(type(exc).__name__)
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
            continue
        lat.append(time.perf_counter() - t0)
    writer.close()


def _ms(text: str) -> float:
    import re

    num, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(num) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load_wrk(port: int, path: str, seconds: float, connections: int) -> dict[str, float]:
    """The same measurement with wrk (C, one thread): less load-generator CPU on a small box."""
    import re

    whole = max(1, round(seconds))  # wrk takes whole seconds ("3s", not "2.5s")
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{whole}s", "--latency",
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                         check=True).stdout
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            "p50": _ms(pct["50"]), "p99": _ms(pct["99"]),
            "n": int(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
            "failures": (int(bad.group(1)) if bad else 0) + (1 if errors else 0)}


def load(port: int, path: str, seconds: float, connections: int) -> dict[str, float]:
    lat: list[float] = []
    failures: list[str] = []

    async def run() -> None:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*[_client("127.0.0.1", port, path, deadline, lat, failures)
                               for _ in range(connections)])

    t0 = time.perf_counter()
    asyncio.run(run())
    elapsed = time.perf_counter() - t0
    lat.sort()
    return {"rps": len(lat) / elapsed, "p50": lat[len(lat) // 2] * 1000,
            "p99": lat[int(len(lat) * 0.99) - 1] * 1000, "n": len(lat), "failures": len(failures)}


# -- servers -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, path: str, proc: subprocess.Popen) -> None:
    import urllib.request

    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited: {proc.stdout.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def main() -> None:
    ap = argparse.ArgumentParser(description="Web benchmark (see module docstring).")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--python-client", action="store_true",
                    help="use the built-in asyncio load generator even when wrk is installed")
    ap.add_argument("--bare", nargs=2, metavar=("PORT", "DB"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.bare:
        import uvicorn

        uvicorn.run(make_bare_app(a.bare[1]), host="127.0.0.1", port=int(a.bare[0]),
                    log_level="warning", access_log=False)
        return

    from demoscope.countries import registry
    from demoscope.methodology import nit
    from demoscope.services.setup import set_up_database
    from demoscope.store.db import get_engine

    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        set_up_database(get_engine(f"sqlite:///{db}"), nit(), registry())
        eid = sqlite3.connect(db).execute(
            "SELECT id FROM editions WHERE methodology = 'nit' AND year = 2008").fetchone()[0]
        env = dict(os.environ, DEMOSCOPE_DATABASE_URL=f"sqlite:///{db}")
        ports = {k: free_port() for k in ("demoscope", "datasette", "bare")}
        paths = {
            "demoscope": "/api/v1/ratings?country=KAZ&from=2008&to=2008",
            "datasette": f"/bench/ratings.json?country_iso3=KAZ&edition_id={eid}&_shape=array",
            "bare": "/?country=KAZ&from=2008&to=2008",
        }
        procs = {
            "demoscope": start([str(bindir / "demoscope"), "serve", "--port",
                                str(ports["demoscope"])], env),
            "datasette": start([str(bindir / "datasette"), "serve", str(db), "--port",
                                str(ports["datasette"]), "--setting", "num_sql_threads", "3"], env),
            "bare": start([sys.executable, __file__, "--bare", str(ports["bare"]), str(db)], env),
        }
        try:
            for k, p in procs.items():
                wait_up(ports[k], paths[k], p)
            import shutil

            use_wrk = shutil.which("wrk") is not None and not a.python_client
            measure = load_wrk if use_wrk else load
            print(f"{a.connections} connections, {a.seconds:g} s each, HTTP/1.1 keep-alive, loopback, "
                  f"{os.cpu_count()} cores shared by servers and load generator "
                  f"({'wrk' if use_wrk else 'asyncio client; apt-get install wrk for a lighter one'})")
            print("country-year ratings endpoint (KAZ 2008, 7 rows):")
            res = {}
            for k in ("bare", "demoscope", "datasette"):
                load(ports[k], paths[k], 0.5, a.connections)  # warm-up
                res[k] = r = measure(ports[k], paths[k], a.seconds, a.connections)
                print(f"  {k:<10} {r['rps']:8.0f} req/s   p50 {r['p50']:6.2f} ms   "
                      f"p99 {r['p99']:6.2f} ms   ({r['n']} requests, {r['failures']} failed)")
            d, ds, b = res["demoscope"], res["datasette"], res["bare"]
            if ds["failures"]:
                print(f"  note: {ds['failures']} Datasette request(s) failed or got no answer "
                      "within 5 s; that time counts against its req/s")
            print(f"  demoscope / datasette : {d['rps'] / ds['rps']:.1f}x   (aim >= 10x)")
            print(f"  demoscope / bare ASGI : {d['rps'] / b['rps'] * 100:.0f} %   (aim >= 50 %)")
            print(f"  demoscope p99         : {d['p99']:.2f} ms   (aim <= 20 ms)")
            page = measure(ports["demoscope"], "/countries/KAZ", a.seconds / 2, 1)
            api = measure(ports["demoscope"], "/api/v1/countries/KAZ/editions/2008", a.seconds / 2, 1)
            print(f"country page /countries/KAZ, one connection: median {page['p50']:.2f} ms, "
                  f"p99 {page['p99']:.2f} ms   (aim median <= 20 ms)")
            print(f"scorecard /api/v1/countries/KAZ/editions/2008, one connection: "
                  f"median {api['p50']:.2f} ms")
        finally:
            for p in procs.values():
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()


if __name__ == "__main__":
    main()
