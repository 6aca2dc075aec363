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

import sys
from collections.abc import Callable, Iterable, Iterator
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
REPORT_SUFFIXES = (".txt", ".text", ".pdf", ".html", ".htm")

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
    for i, path in enumerate(files, 1):
        result: Report | ReportParseError
        try:
            report = (read_report_bytes(read_stream(sys.stdin.buffer, STDIN_NAME), STDIN_NAME,
                                        ".txt", m)
                      if str(path) == STDIN else read_report(path, m))
            if audit:
                audit_report(report, m, db_lookup)
            result = report
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
