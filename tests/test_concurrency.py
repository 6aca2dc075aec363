"""Concurrent writers on both backends: the write lock makes every revision chain replay.

Processes (not threads: each has its own connections, as separate ``demoscope`` commands do)
start together at a barrier and write the same cell, or import the same reports; afterwards
the cell's revision history must replay exactly from its first value to its current one and
hold every accepted write, and no raw database error may have reached anyone.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

from demoscope.methodology import nit
from demoscope.store import reads

M = nit()
WRITERS, WRITES = 4, 10
GRID = [Fraction(v, 4) for v in range(4, 29)]  # 1.00 .. 7.00


def _rate_many(url: str, worker: int, barrier, out) -> None:  # runs in a child process
    from demoscope.services.rating import rate
    from demoscope.store.db import get_engine

    engine = get_engine(url)
    barrier.wait()
    done: list[tuple[str, str]] = []
    try:
        for j in range(WRITES):
            value = GRID[(worker * 7 + j * 3) % len(GRID)]
            ch = rate(engine, M, "KAZ", 2009, "EP", value,
                      justification=f"writer {worker} write {j}", source=f"w{worker}")
            done.append((str(ch.old), str(ch.new)))
    except Exception as exc:  # reported to the test, which fails naming it
        out.put((worker, f"{type(exc).__name__}: {exc}"))
        return
    out.put((worker, done))


def _replays(url: str, iso3: str, year: int, category: str, first: Fraction | None) -> list:
    read = reads.reader_for_url(url)
    revs = reads.revisions(read, M.code, iso3, year, category)
    current = reads.row(read, M.code, iso3, year)[category]
    chain = [first]
    for r in revs:
        assert r.old == chain[-1], f"revision {r} does not start from {chain[-1]}"
        chain.append(r.new)
    assert chain[-1] == current
    return revs


def _race(db_url: str, writer) -> None:
    """``WRITERS`` processes run ``writer`` at once on KAZ 2009 EP: none fails, and the
    revision chain holds exactly the changes they were told were accepted, in an order that
    replays from the value before to the value after."""
    start = reads.row(reads.reader_for_url(db_url), M.code, "KAZ", 2009)["EP"]
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(WRITERS), ctx.Queue()
    procs = [ctx.Process(target=writer, args=(db_url, i, barrier, out)) for i in range(WRITERS)]
    for p in procs:
        p.start()
    results = dict(out.get(timeout=240) for _ in procs)
    for p in procs:
        p.join(60)
    errors = {w: r for w, r in results.items() if isinstance(r, str)}
    assert errors == {}
    revs = _replays(db_url, "KAZ", 2009, "EP", start)
    accepted = sorted((o, n) for done in results.values() for o, n in done if o != n)
    assert sorted((str(r.old), str(r.new)) for r in revs) == accepted
    assert len(accepted) >= WRITERS * WRITES // 2  # the writers really changed the value


def test_concurrent_rates_replay_to_the_final_value(db_url):
    _race(db_url, _rate_many)


def _rate_many_cli(url: str, worker: int, barrier, out) -> None:  # runs in a child process
    """The same writes through the command line's entry point (arguments parsed, errors mapped
    to one line and an exit status, JSON printed), as ``demoscope rate`` runs them."""
    import contextlib
    import io

    from demoscope.cli import main

    os.environ["DEMOSCOPE_DATABASE_URL"] = url
    barrier.wait()
    done: list[tuple[str, str]] = []
    for j in range(WRITES):
        value = GRID[(worker * 5 + j * 7) % len(GRID)]
        sys.argv = ["demoscope", "rate", "KAZ", "2009", "EP", f"{float(value):.2f}",
                    "-j", f"cli writer {worker} write {j}", "--source", f"cli{worker}", "--json"]
        stdout, stderr = io.StringIO(), io.StringIO()
        code = 0
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        if code or stderr.getvalue():
            out.put((worker, f"exit {code}: {stderr.getvalue()}"))
            return
        data = json.loads(stdout.getvalue())
        done.append((str(Fraction(str(data["old"]))), str(Fraction(str(data["new"])))))
    out.put((worker, done))


def test_concurrent_cli_rates_replay_to_the_final_value(db_url):
    """``demoscope rate`` from four processes at once: every run exits 0 with its old → new,
    and the revision chain holds exactly the accepted changes, in an order that replays."""
    _race(db_url, _rate_many_cli)


def _report_batch(folder: Path, db_url: str) -> dict[str, dict[str, Fraction]]:
    """Reports of the 2019 edition (empty in the built-in data) for five countries."""
    from test_cli_reports import write_report

    read = reads.reader_for_url(db_url)
    made = {}
    for iso3, name in (("ALB", "Albania"), ("BLR", "Belarus"), ("GEO", "Georgia"),
                       ("LTU", "Lithuania"), ("SRB", "Serbia")):
        before = reads.row(read, M.code, iso3, 2018)
        after = dict(before, EP=min(before["EP"] + Fraction(1, 4), Fraction(7)))
        write_report(folder / f"{iso3.lower()}-2019.txt", name, 2019, before, after)
        made[iso3] = after
    return made


def test_concurrent_imports_of_one_batch(db_url, tmp_path):
    """Two ``demoscope ingest --update`` runs over the same batch of new reports: each cell is
    inserted once; the other run finds it there (no UNIQUE error, nothing lost)."""
    made = _report_batch(tmp_path, db_url)
    exe = str(Path(sys.executable).with_name("demoscope"))
    env = dict(os.environ, DEMOSCOPE_DATABASE_URL=db_url)
    runs = [subprocess.Popen([exe, "ingest", str(tmp_path), "--update", "--json"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [r.communicate(timeout=240) for r in runs]
    for (out, err), r in zip(outputs, runs, strict=True):
        assert r.returncode == 0, err
        assert "UNIQUE" not in out + err and "IntegrityError" not in out + err
        assert "Traceback" not in err
    statuses: dict[str, list[str]] = {}
    for out, _ in outputs:
        for line in out.splitlines():
            obj = json.loads(line)
            statuses.setdefault(obj["iso3"], []).append(obj["import"]["status"])
    read = reads.reader_for_url(db_url)
    for iso3, after in made.items():
        assert sorted(statuses[iso3]) == ["imported", "unchanged"], (iso3, statuses[iso3])
        assert reads.row(read, M.code, iso3, 2019) == after
        for cat in after:
            revs = _replays(db_url, iso3, 2019, cat, None)
            assert len(revs) == 1  # inserted once, by one of the runs
