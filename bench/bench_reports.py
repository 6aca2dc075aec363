"""Throughput of reading + auditing reports, per shape, beside a bare read + one regex pass.

Run: ``.venv/bin/python bench/bench_reports.py [N] [--rounds R]``. Times, in the same run and
on one core, for each shape a reader meets:

* baseline: read each file and run one regex over it (the floor any reader pays);
* demoscope: ``read_report`` + ``audit_report`` on each file.

Shapes: N (default 500) synthetic plain-text reports from the fictional fixture (names varied,
the summary's length varied); N/5 copies of the PDF-text fixture (``georgia-2012-pdf.txt``, a
scrambled ratings table and the body); N/5 copies of the web-page fixture
(``valdoria-2022.html``, read through the HTML parser); and N/5 copies of the same page saved
as text (what most copies of the 2018–2024 site are). Each pass is timed R times (default 3),
the two passes of a round back to back so both see the same machine; the median round is
reported, with the slowest and fastest. Times are the process's CPU time
(``time.process_time``): docs per CPU second is docs/s per core, and other work on a shared
machine does not count against it (it can still slow it through shared caches).
Target: at least 500 docs/s per core for read + audit, per shape.
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
from demoscope.reports.webpage import html_to_doc

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reports"
FIXTURE = FIXTURES / "valdoria-2011.txt"
NAMES = ["Valdoria", "Ostrania", "Merovia", "Kaldera", "Tessaly", "Brunmark", "Orlenia",
         "Vastmoor", "Quellin", "Darrowgate"]
TARGET = 500  # docs/s, plain text, read + audit
PATTERN = re.compile(r"rating (?:for|in) [a-z ]+ (?:remains at|\w+ from) [\d.]+|"
                     r"Democracy Score[ :|]+[\d.]+")


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


def copies(folder: Path, fixture: Path, n: int, text: str | None = None,
           suffix: str | None = None) -> list[Path]:
    """N copies of a fixture (or of ``text``) under their own names."""
    paths = []
    for i in range(n):
        p = folder / f"{fixture.stem}-{i:04d}{suffix or fixture.suffix}"
        if text is None:
            shutil.copyfile(fixture, p)
        else:
            p.write_text(text)
        paths.append(p)
    return paths


def bare(paths: list[Path]) -> tuple[float, int]:
    t0 = time.process_time()
    hits = 0
    for p in paths:
        hits += len(PATTERN.findall(p.read_text(encoding="utf-8")))
    return time.process_time() - t0, hits


def full(paths: list[Path], m: Methodology) -> tuple[float, int]:
    t0 = time.process_time()
    findings = 0
    for p in paths:
        findings += len(audit_report(read_report(p, m), m))
    return time.process_time() - t0, findings


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:7.0f} docs/s"


def spread(n: int, times: list[float]) -> str:
    return f"[{n / max(times):.0f}–{n / min(times):.0f}]" if len(times) > 1 else ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", nargs="?", type=int, default=500, help="plain-text reports (500)")
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds, median shown (3)")
    args = ap.parse_args()
    n, rounds = args.n, max(1, args.rounds)
    m = nit()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        k = max(1, n // 5)
        page = FIXTURES / "valdoria-2022.html"
        saved = html_to_doc(page.read_text(encoding="utf-8"), page.name).text
        shapes = {
            "plain text": generate(folder, n),
            "PDF text": copies(folder, FIXTURES / "georgia-2012-pdf.txt", k),
            "web page (HTML)": copies(folder, page, k),
            "web page (saved text)": copies(folder, page, k, saved, ".txt"),
        }
        size = sum(p.stat().st_size for p in shapes["plain text"]) / n
        for ps in shapes.values():
            audit_report(read_report(ps[0], m), m)  # warm caches (methodology, regexes) untimed
        results = {}
        for label, ps in shapes.items():
            base_t, full_t = [], []
            for _ in range(rounds):
                t, hits = bare(ps)
                base_t.append(t)
                t, findings = full(ps, m)
                full_t.append(t)
            results[label] = (len(ps), base_t, full_t, hits, findings)

    print(f"{n} plain-text reports ({size / 1024:.1f} KiB each on average), {k} of each other "
          f"shape; median of {rounds} round{'s' * (rounds > 1)}, one core")
    print(f"{'shape':22s} {'bare read + regex':>18s}  {'read_report + audit':>20s} "
          f"{'rounds':>12s}  {'ratio':>7s}  {'matches':>7s} {'findings':>8s}  target {TARGET}/s")
    missed = []
    for label, (count, base_t, full_t, hits, findings) in results.items():
        base, whole = statistics.median(base_t), statistics.median(full_t)
        met = count / whole >= TARGET
        if not met:
            missed.append(label)
        print(f"{label:22s} {rate(count, base):>18s}  {rate(count, whole):>20s} "
              f"{spread(count, full_t):>12s}  {whole / base:6.1f}x  {hits:7d} {findings:8d}  "
              f"{'met' if met else 'NOT met'}")
    print("target met for every shape" if not missed else f"target NOT met: {', '.join(missed)}")


if __name__ == "__main__":
    main()
