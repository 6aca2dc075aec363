"""A batch of reports: walk files and folders, read and audit each one.

:func:`read_paths` only reads and audits; it never writes (``demoscope ingest`` and
``demoscope audit`` both walk with it). How ``ingest`` imports what it yields
(:mod:`demoscope.services.importing` owns the transaction):

* **one transaction per report**: all of a report's values are written, or none;
* **a report with an error finding writes nothing** (``severity == "error"``: a statement that
  contradicts its table, a printed score the ratings do not give, an off-grid value...); it is
  listed with its findings (``file:line``) and the command exits non-zero at the end;
* **a conflict is reported, never silently overwritten**: a value that differs from what the
  database holds for the same country, edition and category is a ``db_mismatch`` finding (or a
  :class:`~demoscope.errors.ConflictError` from the store) and that report is skipped;
* **``--update``** writes the report's value instead, recording the old value, the new value
  and the provenance (file, line, shape, time, user) in the store's change history;
* a :class:`~demoscope.errors.ReportParseError` for one file never stops the others.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from demoscope.errors import DemoscopeError, ReportParseError
from demoscope.methodology import Methodology, nit
from demoscope.reports.audit import DbLookup, audit_report
from demoscope.reports.model import Report
from demoscope.reports.reader import read_report, read_report_bytes
from demoscope.reports.source import read_stream

#: The path that means standard input (the report's file name is then ``<stdin>``).
STDIN = "-"
STDIN_NAME = "<stdin>"

#: Extensions picked up when walking a folder (explicitly named files are always read).
REPORT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".pdf", ".html", ".htm")

#: ``progress(done, total, path)`` is called after each file; the CLI drives a Rich bar with it.
Progress = Callable[[int, int, Path], None]


def report_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read: named files as given, folders walked recursively (sorted, hidden
    files and folders skipped, and anything but regular files: a FIFO or a device in a folder
    is never opened), each file once; ``-`` is standard input."""
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        if str(raw) == STDIN:
            out.append(Path(STDIN))
            continue
        p = Path(raw)
        found = [p] if not p.is_dir() else sorted(
            f for f in p.rglob("*")
            if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES
            and not any(part.startswith(".") for part in f.relative_to(p).parts))
        for f in found:
            key = f.resolve() if f.exists() else f
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def read_paths(paths: Iterable[str | Path], progress: Progress | None = None, *,
               methodology: Methodology | None = None, db_lookup: DbLookup | None = None,
               audit: bool = True) -> Iterator[Report | ReportParseError]:
    """Yield a :class:`Report` (audited, findings on ``report.audit``) or the
    :class:`ReportParseError` for every report file under ``paths``, in path order.

    An unexpected failure on one file is turned into a ReportParseError for that file, so a
    batch never ends in a traceback."""
    m = methodology or nit()
    files = report_files(paths)
    budget = time_budget()
    for i, path in enumerate(files, 1):
        result: Report | ReportParseError
        try:
            data = read_stream(sys.stdin.buffer, STDIN_NAME) if str(path) == STDIN else None
            with _within(budget):
                report = (read_report_bytes(data, STDIN_NAME, ".txt", m) if data is not None
                          else read_report(path, m))
                if audit:
                    audit_report(report, m, db_lookup)
            result = report
        except _OverBudget:
            result = ReportParseError(
                STDIN_NAME if str(path) == STDIN else str(path),
                f"took more than {budget:g} s to read; skipped (DEMOSCOPE_REPORT_TIME_BUDGET "
                "sets the limit in seconds)")
        except ReportParseError as exc:
            result = exc
        except DemoscopeError as exc:
            result = ReportParseError(str(path), exc.message)
        except Exception as exc:
            result = ReportParseError(str(path), f"unexpected error ({type(exc).__name__}: "
                                      f"{exc}); please report this file")
        if progress is not None:
            progress(i, len(files), path)
        yield result


#: Seconds one report may take to read and audit (``DEMOSCOPE_REPORT_TIME_BUDGET``; 0: none).
#: The largest accepted files take a few seconds (bench/bench_limits.py); the budget is the
#: guarantee that no file, whatever it holds, stalls a batch.
DEFAULT_TIME_BUDGET = 30.0


def time_budget() -> float:
    """The configured per-report time budget in seconds."""
    raw = os.environ.get("DEMOSCOPE_REPORT_TIME_BUDGET", "").strip()
    try:
        value = float(raw) if raw else DEFAULT_TIME_BUDGET
    except ValueError:
        return DEFAULT_TIME_BUDGET
    return value if math.isfinite(value) and value >= 0 else DEFAULT_TIME_BUDGET


class _OverBudget(BaseException):
    """Raised by the timer into the reading code. A BaseException, so that no ``except
    Exception`` of a reader or a library (pypdf turns every Exception into "not a readable
    PDF") can swallow it."""


@contextmanager
def _within(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (SIGALRM: on the main thread of a POSIX process,
    as the CLI runs; elsewhere, and with 0 seconds, the block runs unbounded). Python code and
    regular expressions are interrupted wherever they are."""
    if (seconds <= 0 or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise _OverBudget

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
