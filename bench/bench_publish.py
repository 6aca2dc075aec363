"""Publication benchmark (printed figures, not a timed test): every country report of the
2009 edition (the largest: 29 countries) in HTML and in PDF, from a SQLite database with the
built-in dataset. Prints the total and the time per report for each format and for both
formats at once (each report built once, rendered twice), with one worker process and with
``--jobs`` workers, and the speed-up of the workers. Target: HTML and PDF of the whole
edition under 60 s.

Run: ``.venv/bin/python bench/bench_publish.py [--edition 2009] [--jobs 2]``
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path


def cpu_seconds() -> float:
    """CPU time of this process and its finished workers (user + system): the work done,
    whatever else the machine runs meanwhile."""
    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edition", type=int, default=2009)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    from demoscope.countries import registry
    from demoscope.methodology import nit
    from demoscope.publish.render import render_edition
    from demoscope.services.setup import set_up_database
    from demoscope.store.db import get_engine

    m = nit()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          f"(other work on the machine slows the wall times; CPU times are the work itself); "
          f"edition {args.edition}")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        set_up_database(get_engine(url), m, registry())
        render_edition(url, m, args.edition, ("html", "pdf"), Path(tmp) / "warm")  # imports, fonts
        both: dict[int, float] = {}
        for formats in (("html",), ("pdf",), ("html", "pdf")):
            for jobs in sorted({1, args.jobs}):
                out = Path(tmp) / f"{'-'.join(formats)}-{jobs}"
                t0, c0 = time.perf_counter(), cpu_seconds()
                files = render_edition(url, m, args.edition, formats, out, jobs=jobs)
                took, cpu = time.perf_counter() - t0, cpu_seconds() - c0
                reports = len(files) // len(formats)
                size = sum(f.stat().st_size for f in files) / len(files) / 1024
                if len(formats) == 2:
                    both[jobs] = took
                print(f"{'+'.join(formats):8} jobs={jobs}: {reports} reports in {took:6.2f} s "
                      f"= {took / reports * 1000:5.0f} ms per report; CPU {cpu / reports * 1000:5.0f} "
                      f"ms per report (files: mean {size:.0f} KiB)")
        if len(both) == 2:
            print(f"workers: {args.jobs} processes render HTML+PDF {both[1] / both[args.jobs]:.2f}x "
                  f"as fast as one")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        best = min(both.values())
        print(f"the edition in HTML and PDF: {best:.1f} s at best (target < 60 s: "
              f"{'met' if best < 60 else 'NOT met'})")


if __name__ == "__main__":
    main()
