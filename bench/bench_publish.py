"""Publication benchmark (printed figures, not a timed test): every country report of the
2009 edition (the largest: 29 countries) in HTML and in PDF, from a SQLite database with the
built-in dataset. Prints the total and the time per report, one worker and two worker
processes (the machine has two cores). Target: all of it under 60 s.

Run: ``.venv/bin/python bench/bench_publish.py [--edition 2009] [--jobs 2]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edition", type=int, default=2009)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    from demoscope.countries import registry
    from demoscope.methodology import nit
    from demoscope.publish.render import render_edition
    from demoscope.store.db import get_engine
    from demoscope.store.repo import init_database

    m = nit()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        init_database(get_engine(url), m, registry())
        render_edition(url, m, args.edition, ("html",), Path(tmp) / "warm")  # imports, caches
        grand = 0.0
        for jobs in sorted({1, args.jobs}):
            for fmt in ("html", "pdf"):
                out = Path(tmp) / f"{fmt}-{jobs}"
                t0 = time.perf_counter()
                files = render_edition(url, m, args.edition, (fmt,), out, jobs=jobs)
                took = time.perf_counter() - t0
                grand += took
                size = sum(f.stat().st_size for f in files) / len(files) / 1024
                print(f"{args.edition} {fmt:4} jobs={jobs}: {len(files)} reports in {took:6.2f} s "
                      f"= {took / len(files) * 1000:6.0f} ms per report (mean {size:.0f} KiB)")
        print(f"all runs together: {grand:.1f} s (target: < 60 s for HTML and PDF of the edition)")


if __name__ == "__main__":
    main()
