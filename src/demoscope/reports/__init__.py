"""Published country reports read into structured data, and audited.

::

    from demoscope.reports import read_report, audit_report
    from demoscope.methodology import nit

    report = read_report("kazakhstan-2008.txt")      # text, PDF (or its text) or web page
    findings = audit_report(report, nit(), db_lookup=store_lookup)
    print(report.to_json())                           # the stable JSON contract

The shape ("text", "pdf", "webpage") is detected from the content; the extension only decides
how text is extracted. Bad input (empty, binary, not UTF-8, truncated PDF, too large, a page
that is no report) raises :class:`~demoscope.errors.ReportParseError` with a one-line reason.

JSON contract (``Report.to_json()``), one object per report: ``country``, ``iso3``,
``edition``, ``shape``, ``scale`` ("1_best"/"7_best"), ``tables`` (``{"YEAR": {"EP": 6.75, ...,
"DS": 6.39, "DP": ...}}``, null = n/a printed; a code absent = not in the copy),
``statements`` (``[{"category", "from", "to", "verb", "kind", "sentence", "line"}]``, ``from``
null for "remains at"), ``democracy_score``, ``democracy_percentage``, ``regime``,
``truncated``, ``sections``, ``footnotes``, ``audit`` (``[{"severity", "code", "message",
"line"}]``).
"""

from __future__ import annotations

from pathlib import Path

from demoscope.errors import ReportParseError
from demoscope.methodology import Methodology, nit
from demoscope.reports import detect, pdf, text, webpage
from demoscope.reports.audit import DbLookup, audit_report
from demoscope.reports.ingest import ingest_paths
from demoscope.reports.model import Finding, Footnote, Report, Section, Statement
from demoscope.reports.source import Doc, load, load_bytes

__all__ = [
    "DbLookup", "Finding", "Footnote", "Report", "ReportParseError", "Section", "Statement",
    "audit_report", "ingest_paths", "parse_doc", "read_report", "read_report_bytes",
]

_READERS = {"text": text.parse, "pdf": pdf.parse, "webpage": webpage.parse}


def parse_doc(doc: Doc, methodology: Methodology | None = None) -> Report:
    """A Report from extracted text; the shape is recognised from what the text contains."""
    m = methodology or nit()
    shape = detect.detect_shape(doc.text, doc.lower)
    if shape is None:
        kind = "web page" if doc.kind == "html" else "document"
        raise ReportParseError(
            doc.file, f"{kind} is not a Nations in Transit report (no ratings table, score "
            "block, rating statements or score changes found)")
    report = _READERS[shape](doc, m)
    if not (report.tables or report.statements or report.democracy_score is not None
            or report.democracy_percentage is not None or report.sections):
        raise ReportParseError(
            doc.file, "no ratings, scores or rating statements found; is this a Nations in "
            "Transit country report?")
    return report


def read_report(path: str | Path, methodology: Methodology | None = None, *,
                max_bytes: int | None = None) -> Report:
    """Read one report file (``.txt``, ``.pdf``, ``.html``) into a :class:`Report`."""
    return parse_doc(load(Path(path), max_bytes), methodology)


def read_report_bytes(data: bytes, file: str = "<bytes>", suffix: str = ".txt",
                      methodology: Methodology | None = None) -> Report:
    """Like :func:`read_report` for bytes in memory (uploads, tests)."""
    return parse_doc(load_bytes(data, file, suffix), methodology)
