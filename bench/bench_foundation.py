"""Foundation benchmarks (printed figures, not timed tests).

* ``db init`` of the full built-in dataset into a new SQLite file — target < 1 s;
* ``demoscope show`` cold start as a new process — target < 300 ms, printed beside the cost of
  starting the interpreter alone (``python -c pass``) measured in the same run.

Run: ``.venv/bin/python bench/bench_foundation.py [--runs N]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def time_db_init(runs: int) -> list[float]:
    from demoscope.countries import registry
    from demoscope.methodology import nit
    from demoscope.services.setup import set_up_database
    from demoscope.store.db import get_engine

    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            url = f"sqlite:///{Path(tmp) / f'init{i}.db'}"
            t0 = time.perf_counter()
            result = set_up_database(get_engine(url), nit(), registry())
            times.append(time.perf_counter() - t0)
            assert result.added == 2960, result
        # idempotent second load into the last one
        t0 = time.perf_counter()
        again = set_up_database(get_engine(url), nit(), registry())
        times_again = time.perf_counter() - t0
        assert again.added == 0
    print(f"  re-running init on a loaded database: {times_again * 1000:.0f} ms (0 values added)")
    return times


def time_process(args: list[str], runs: int, env: dict[str, str]) -> list[float]:
    """Wall time of ``runs`` fresh processes, after one unmeasured run that writes the
    bytecode cache (as any installed package has it)."""
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    n = ap.parse_args().runs
    print("db init (full built-in dataset, new SQLite file, in-process incl. migrations):")
    t = time_db_init(n)
    print(f"  median {statistics.median(t) * 1000:.0f} ms, min {min(t) * 1000:.0f} ms "
          f"over {n} runs  (target < 1000 ms)")

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DEMOSCOPE_DATABASE_URL=f"sqlite:///{Path(tmp) / 'show.db'}")
        # a user's Python keeps compiled bytecode; a shell that forbids writing it would make
        # every start compile the whole import tree (measured separately below)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        nocache = dict(env, PYTHONDONTWRITEBYTECODE="1")
        exe = str(Path(sys.executable).with_name("demoscope"))
        subprocess.run([exe, "db", "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        base = time_process([sys.executable, "-c", "pass"], n, env)
        show = time_process([exe, "show", "Kazakhstan", "2008"], n, env)
        show_json = time_process([exe, "show", "KAZ", "2008", "--json"], n, env)
        with tempfile.TemporaryDirectory() as prefix:  # no cache at all: compile every time
            cold = time_process([exe, "show", "KAZ", "2008", "--json"], n,
                                dict(nocache, PYTHONPYCACHEPREFIX=prefix))
    b = statistics.median(base)
    print("demoscope show, cold process:")
    print(f"  python -c pass (baseline)      median {b * 1000:6.0f} ms")
    for name, ts in (("show Kazakhstan 2008", show), ("show KAZ 2008 --json", show_json)):
        m = statistics.median(ts)
        print(f"  {name:<30} median {m * 1000:6.0f} ms  ({m / b:.1f}x baseline; target < 300 ms)")
    m = statistics.median(cold)
    print(f"  {'same, no bytecode cache':<30} median {m * 1000:6.0f} ms  (every module compiled "
          "at start: first run after install or PYTHONDONTWRITEBYTECODE=1)")


if __name__ == "__main__":
    main()
