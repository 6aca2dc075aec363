"""Throughput of reading + auditing plain-text reports, beside a bare read + one regex pass.

Run: ``.venv/bin/python bench/bench_reports.py [N]``. Generates N (default 500) synthetic
plain-text reports from the fictional fixture (names, editions and paragraph order varied) in a
temp dir, then times, in the same run and on one core:

* baseline: read each file and run one regex over it (the floor any reader pays);
* demoscope: ``read_report`` + ``audit_report`` on each file.

Target: at least 500 docs/s for read + audit.
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
import time
from pathlib import Path

from demoscope.methodology import nit
from demoscope.reports import audit_report, read_report

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reports" / \
    "valdoria-2011.txt"
NAMES = ["Valdoria", "Ostrania", "Merovia", "Kaldera", "Tessaly", "Brunmark", "Orlenia",
         "Vastmoor", "Quellin", "Darrowgate"]


def generate(folder: Path, n: int) -> list[Path]:
    """N variants of the fixture: another invented country, the summary's filler paragraph
    repeated a random number of times (report length varies), same ratings."""
    base = FIXTURE.read_text()
    rnd = random.Random(7)
    paths = []
    for i in range(n):
        name = rnd.choice(NAMES)
        text = base.replace("Valdoria", name)
        filler = "\n\n".join(["The delta economy grew slowly and fishing quotas were cut "
                              "again, which kept the cooperatives busy with quarrels."]
                             * rnd.randint(1, 30))
        text = text.replace("Outlook for 2011.", f"{filler}\n\nOutlook for 2011.")
        p = folder / f"report-{i:04d}.txt"
        p.write_text(text)
        paths.append(p)
    return paths


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    m = nit()
    pattern = re.compile(r"rating (?:for|in) [a-z ]+ (?:remains at|\w+ from) [\d.]+")
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), n)
        size = sum(p.stat().st_size for p in paths)
        read_report(paths[0])  # warm caches (methodology, regexes) outside the timing

        t0 = time.perf_counter()
        hits = 0
        for p in paths:
            hits += len(pattern.findall(p.read_text(encoding="utf-8")))
        base = time.perf_counter() - t0

        t0 = time.perf_counter()
        findings = 0
        for p in paths:
            findings += len(audit_report(read_report(p, m), m))
        full = time.perf_counter() - t0

    print(f"{n} plain-text reports, {size / n / 1024:.1f} KiB each on average")
    print(f"bare read + one regex : {n / base:10.0f} docs/s  ({base * 1000 / n:.3f} ms/doc, "
          f"{hits} matches)")
    print(f"read_report + audit   : {n / full:10.0f} docs/s  ({full * 1000 / n:.3f} ms/doc, "
          f"{findings} findings)")
    print(f"ratio (full / bare)   : {full / base:10.1f}x slower")
    print(f"target 500 docs/s     : {'met' if n / full >= 500 else 'NOT met'}")


if __name__ == "__main__":
    main()
