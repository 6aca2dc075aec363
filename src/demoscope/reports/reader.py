"""From text to a :class:`~demoscope.reports.model.Report`: the shape is recognised from what
the text contains (:mod:`~demoscope.reports.detect`) and the reader of that shape
(:mod:`~demoscope.reports.text`, :mod:`~demoscope.reports.pdf`,
:mod:`~demoscope.reports.webpage`) fills the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from demoscope.errors import ReportParseError
from demoscope.methodology import Methodology, nit
from demoscope.reports import detect, pdf, text, webpage
from demoscope.reports.extract import load, load_bytes
from demoscope.reports.model import Report
from demoscope.reports.source import Doc, Overgrown, case_headings

#: The reader of each shape :func:`~demoscope.reports.detect.detect_shape` names.
SHAPES: dict[str, Callable[[Doc, Methodology], Report]] = {
    "text": text.parse, "pdf": pdf.parse, "webpage": webpage.parse}


def parse_doc(doc: Doc, methodology: Methodology | None = None) -> Report:
    """A Report from extracted text; the shape is recognised from what the text contains."""
    m = methodology or nit()
    doc = doc.view(case_headings(doc.text))
    shape = detect.detect_shape(doc.text, doc.lower)
    if shape is None:
        kind = "web page" if doc.kind == "html" else "document"
        raise ReportParseError(
            doc.file, f"{kind} is not a Nations in Transit report (no ratings table, score "
            "block, rating statements or score changes found)")
    try:
        report = SHAPES[shape](doc, m)
    except Overgrown as exc:
        raise ReportParseError(doc.file, f"{exc}: no country report has that many; not read "
                               "(is it many reports in one file?)") from None
    if not (report.tables or report.statements or report.democracy_score is not None
            or report.democracy_percentage is not None or report.sections or report.undated):
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
