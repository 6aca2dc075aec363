"""PDF reports: the printed edition, as a real ``.pdf`` or as text already extracted from one.

A printed report opens with a header (capital, population, GNI per capita) and the table
"Nations in Transit Ratings and Averaged Scores", whose rows text extraction scrambles (see
:mod:`demoscope.reports.tables`). Every page carries furniture ("496 Nations in Transit 2008")
that must not be read as a rating, and each section opens with a drop capital that extraction
loses ("azakhstan's ..."), which matters only for naming the country. The body is read as in
plain text.
"""

from __future__ import annotations

import io
import re

from demoscope.errors import ReportParseError
from demoscope.methodology import Methodology
from demoscope.reports.model import Report
from demoscope.reports.source import Doc
from demoscope.reports.text import build

#: Pages read from one PDF; a country report is 20–40 pages.
MAX_PAGES = 400

_FURNITURE = re.compile(
    r"(?m)^[ \t]*\d{1,4}[ \t]+(?=Nations in Transit[ \t]+(?:19|20)\d\d[ \t]*$)|"
    r"(?<=Nations in Transit (?:19|20)\d\d)[ \t]+\d{1,4}[ \t]*$")
# (after a sentence's full stop or a space, never after a number: in "5.00 Nations in Transit
# 2018" and "2017 2018 Nations in Transit 2018" the number is a table's, not a page's)
_INLINE_FURNITURE = re.compile(
    r"(?<=[.\s])(?<!\d\.)(?<![\d,][ \t])\d{1,4}[ \t]+(?=Nations in Transit[ \t]+(?:19|20)\d\d)")


def pdf_to_text(data: bytes, file: str) -> str:
    """Text of a PDF, page by page, through pypdf. Any failure of the PDF library on a broken,
    truncated or encrypted file becomes a ReportParseError naming the file."""
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf is a declared dependency
        raise ReportParseError(file, "reading .pdf files needs pypdf (pip install pypdf)") from None
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise ReportParseError(file, "PDF is encrypted") from None
        pages = []
        for i, page in enumerate(reader.pages):
            if i >= MAX_PAGES:
                break
            pages.append(page.extract_text() or "")
    except ReportParseError:
        raise
    except Exception as exc:
        # bytes (PyPdfError, struct/zlib/recursion errors...) means the same thing to the user.
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise ReportParseError(file, f"not a readable PDF ({reason})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise ReportParseError(file, "PDF has no extractable text (a scanned image?)")
    return text


def strip_furniture(text: str) -> str:
    """Blank the page numbers of running heads ("496 Nations in Transit 2008"), keeping the
    head itself (it names the edition) and every line number."""
    text = _FURNITURE.sub(lambda m: " " * len(m.group()), text)
    return _INLINE_FURNITURE.sub(lambda m: " " * len(m.group()), text)


def parse(doc: Doc, m: Methodology) -> Report:
    """A PDF-shaped report (real PDF or its extracted text)."""
    report = build(doc, "pdf", m, strip_furniture(doc.text))
    return report
