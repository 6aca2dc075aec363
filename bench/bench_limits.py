"""Bounded work per report: the largest HTML and text reports demoscope accepts, read + audited
one per fresh process, with wall time, CPU time and peak memory per file, printed.

Run: ``.venv/bin/python bench/bench_limits.py [--mb 20]``. Each file is made just under the
size limit (``DEMOSCOPE_REPORT_MAX_BYTES``, default 20 MiB) around the fictional Valdoria
fixtures, in the shapes that cost a reader most:

* HTML: as many tags as a page may have (``webpage.MAX_TAGS``) with text filling the rest;
  one paragraph of 19 MB; more than 65,535 source lines (libxml2's line counter is 16 bits);
  the 15 MB page of small elements that once took 50 s and 533 MB (refused by its tag count);
  20 MB of ``<a`` (quadratic for Python's ``html.parser``);
* text: filler paragraphs; table-like lines of numbers; one line without a break; 200,000
  rating sentences.

Peak memory is the process's maximum resident set (``ru_maxrss``), shown beside the same
process's size after importing demoscope (the baseline every command pays). Aim: each file
≤ 5 s and ≤ 300 MB on the 2-core development machine; no file may stall a batch (the per-file
time budget, ``DEMOSCOPE_REPORT_TIME_BUDGET``, stops any that would).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reports"
AIM_SECONDS, AIM_MB = 5.0, 300

CHILD = r"""
import json, sys, time

def hwm():  # peak resident memory of this process (not inherited across exec, unlike ru_maxrss)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")

from demoscope.errors import ReportParseError
from demoscope.methodology import nit
from demoscope.reports import audit_report, read_report
from demoscope.reports.batch import read_paths
m = nit()
base = hwm()
t1, c1 = time.perf_counter(), time.process_time()
item = next(read_paths([sys.argv[1]], methodology=m))
outcome = ("refused: " + item.reason) if isinstance(item, ReportParseError) else (
    f"read: {item.shape}, {len(item.statements)} statements, {len(item.audit)} findings")
print(json.dumps({"wall": time.perf_counter() - t1, "cpu": time.process_time() - c1,
                  "peak_mb": hwm(), "base_mb": base, "outcome": outcome}))
"""


def _fill(head: str, tail: str, unit: str, size: int) -> str:
    room = size - len(head.encode()) - len(tail.encode())
    return head + unit * max(0, room // len(unit.encode())) + tail


def make(folder: Path, size: int) -> dict[str, Path]:
    from demoscope.reports.source import MAX_STATEMENTS, MAX_TABLE_ROWS
    from demoscope.reports.webpage import MAX_PAGE_TEXT, MAX_TAGS

    page = (FIXTURES / "valdoria-2022.html").read_text(encoding="utf-8")
    text = (FIXTURES / "valdoria-2011.txt").read_text(encoding="utf-8")
    head, tail = page[: page.index("</body>")], page[page.index("</body>"):]
    words = "The delta economy grew slowly and the cooperatives argued about quotas. "
    # as many tags as allowed, visible text just under its limit, the rest in attributes
    divs = (MAX_TAGS - page.count("<") - 4) // 2
    seen = (MAX_PAGE_TEXT - 2 * len(page)) // divs - 2
    shown = (words * (seen // len(words) + 1))[:seen]
    pad = "x" * ((size - len(page)) // divs - seen - len('<div data-x=""></div>'))
    # more source lines than libxml2 counts (65,535), visible text under its limit
    lines_shown = "w\n" * ((MAX_PAGE_TEXT - 2 * len(page)) // 2)
    script = ("<script>\n" + "var x = 1;\n" * 90_000 + "</script>\n") * (
        (size - len(page) - len(lines_shown)) // 990_020)
    sentence = ("Valdoria's rating for civil society improves from 4.25 to 4.00 because the "
                "courts relented.\n\n")
    row = "Electoral Process 5.75 5.50 5.25 5.00 4.75 4.50 4.25 4.00 3.75\n"
    shapes = {
        "HTML, tags and text at the limits": head + f'<div data-x="{pad}">{shown}</div>' * divs
                                             + tail,
        "HTML, 2.4 million source lines": head + "<p>" + lines_shown + "</p>" + script + tail,
        "HTML, one 19 MB paragraph": head + "<p>" + _fill("", "", words, size - len(page) - 8)
                                     + "</p>" + tail,
        "HTML, 19 MB of visible text": _fill(head, tail, f"<p>{words * 3}</p>\n", size),
        "HTML, 15 MB of small elements": _fill(head, tail, "<div><span>Quiet</span> <b>day</b>"
                                               "</div>\n", 15_500_000),
        "HTML, 20 MB of '<a'": "<a" * (size // 2),
        "text, filler paragraphs": _fill(text, "", words + "\n\n", size),
        "text, one line": text + _fill("", "", words, size - len(text) - 1),
        f"text, {MAX_STATEMENTS - 10} rating sentences": _fill(
            text + sentence * (MAX_STATEMENTS - 10), "", words + "\n\n", size),
        f"text, {MAX_TABLE_ROWS - 10} table rows": _fill(
            text + row * (MAX_TABLE_ROWS - 10), "", words + "\n\n", size),
        "text, 20 MB of table rows": _fill(text, "", row, size),
        "text, 20 MB of rating sentences": _fill(text, "", sentence, size),
    }
    out = {}
    for i, (label, content) in enumerate(shapes.items()):
        suffix = ".html" if label.startswith("HTML") else ".txt"
        path = folder / f"shape-{i}{suffix}"
        path.write_bytes(content.encode("utf-8")[:size])
        out[label] = path
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=None,
                    help="file size in MB (default: just under the report size limit)")
    args = ap.parse_args()
    from demoscope.reports.source import max_bytes

    size = int(args.mb * 1e6) if args.mb else max_bytes() - 4096
    env = dict(os.environ, DEMOSCOPE_REPORT_TIME_BUDGET="120")  # measure, do not cut short
    with tempfile.TemporaryDirectory() as tmp:
        files = make(Path(tmp), size)
        print(f"one fresh process per file, {size / 1e6:.1f} MB each (aim ≤ {AIM_SECONDS:g} s "
              f"and ≤ {AIM_MB} MB peak)")
        print(f"{'shape':32s} {'wall s':>7s} {'cpu s':>6s} {'peak MB':>8s} {'(import)':>8s}  "
              "outcome")
        missed = []
        for label, path in files.items():
            run = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                                 text=True, env=env, timeout=600)
            if run.returncode != 0:
                print(f"{label:32s} failed: {run.stderr.strip().splitlines()[-1:]}")
                missed.append(label)
                continue
            r = json.loads(run.stdout)
            ok = r["wall"] <= AIM_SECONDS and r["peak_mb"] <= AIM_MB
            if not ok:
                missed.append(label)
            print(f"{label:32s} {r['wall']:7.2f} {r['cpu']:6.2f} {r['peak_mb']:8.0f} "
                  f"{r['base_mb']:8.0f}  {r['outcome'][:70]}{'' if ok else '  (over the aim)'}")
    print("every file within the aim" if not missed else f"over the aim: {', '.join(missed)}")


if __name__ == "__main__":
    main()
