"""Throughput of reading + auditing reports, beside a bare read + one regex pass.

Run: ``.venv/bin/python bench/bench_reports.py [N] [--rounds R]``. Generates N (default 500)
synthetic plain-text reports from the fictional fixture (names varied, the summary's length
varied) in a temp dir, then times, in the same run and on one core:

* baseline: read each file and run one regex over it (the floor any reader pays);
* demoscope: ``read_report`` + ``audit_report`` on each file.

Each is timed R times (default 3), the two passes of a round back to back so both see the same
machine; the median round is reported, with the slowest and fastest, because a shared machine
can halve a single figure. Target: at least 500 docs/s for read + audit of plain text.

The PDF-text and web-page figures read copies of the repository's own fixtures
(``georgia-2012-pdf.txt``, ``valdoria-2022.html``): the other two shapes, for comparison only.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from demoscope.methodology import Methodology, nit
from demoscope.reports import audit_report, read_report

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reports"
FIXTURE = FIXTURES / "valdoria-2011.txt"
NAMES = ["Valdoria", "Ostrania", "Merovia", "Kaldera", "Tessaly", "Brunmark", "Orlenia",
         "Vastmoor", "Quellin", "Darrowgate"]
TARGET = 500  # docs/s, plain text, read + audit
PATTERN = re.compile(r"rating (?:for|in) [a-z ]+ (?:remains at|\w+ from) [\d.]+")


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


def copies(folder: Path, fixture: Path, n: int) -> list[Path]:
    """N copies of a fixture under their own names."""
    paths = []
    for i in range(n):
        p = folder / f"{fixture.stem}-{i:04d}{fixture.suffix}"
        shutil.copyfile(fixture, p)
        paths.append(p)
    return paths


def bare(paths: list[Path]) -> tuple[float, int]:
    t0 = time.perf_counter()
    hits = 0
    for p in paths:
        hits += len(PATTERN.findall(p.read_text(encoding="utf-8")))
    return time.perf_counter() - t0, hits


def full(paths: list[Path], m: Methodology) -> tuple[float, int]:
    t0 = time.perf_counter()
    findings = 0
    for p in paths:
        findings += len(audit_report(read_report(p, m), m))
    return time.perf_counter() - t0, findings


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:7.0f} docs/s  ({seconds * 1000 / n:.3f} ms/doc)"


def spread(n: int, times: list[float]) -> str:
    return f"  [rounds {n / max(times):.0f}–{n / min(times):.0f} docs/s]" if len(times) > 1 else ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", nargs="?", type=int, default=500, help="plain-text reports (500)")
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds, median shown (3)")
    args = ap.parse_args()
    n, rounds = args.n, max(1, args.rounds)
    m = nit()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = generate(folder, n)
        size = sum(p.stat().st_size for p in paths)
        k = max(1, n // 5)
        others = {f"PDF text, fixture x{k}": copies(folder, FIXTURES / "georgia-2012-pdf.txt", k),
                  f"web page, fixture x{k}": copies(folder, FIXTURES / "valdoria-2022.html", k)}
        for p in (paths[0], *(ps[0] for ps in others.values())):
            audit_report(read_report(p, m), m)  # warm caches (methodology, regexes) untimed

        base_t, full_t = [], []
        for _ in range(rounds):
            t, hits = bare(paths)
            base_t.append(t)
            t, findings = full(paths, m)
            full_t.append(t)
        other_t = {label: [full(ps, m)[0] for _ in range(rounds)] for label, ps in others.items()}

    base, whole = statistics.median(base_t), statistics.median(full_t)
    print(f"{n} plain-text reports, {size / n / 1024:.1f} KiB each on average; "
          f"median of {rounds} round{'s' * (rounds > 1)} shown")
    print(f"{'bare read + one regex':24s}: {rate(n, base)}  {hits} matches")
    print(f"{'read_report + audit':24s}: {rate(n, whole)}  {findings} findings{spread(n, full_t)}")
    print(f"{'ratio (full / bare)':24s}: {whole / base:7.1f}x slower")
    print(f"{f'target {TARGET} docs/s':24s}: {'met' if n / whole >= TARGET else 'NOT met'} "
          f"(median round, plain text)")
    for label, times in other_t.items():
        print(f"{label:24s}: {rate(k, statistics.median(times))}{spread(k, times)}")


if __name__ == "__main__":
    main()
