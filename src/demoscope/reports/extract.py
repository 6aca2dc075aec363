"""From a file to text: the extension picks the extractor, and only that.

``.pdf`` goes through pypdf (:mod:`~demoscope.reports.pdf`), ``.html`` through an HTML parser
(:mod:`~demoscope.reports.webpage`), anything else is read as UTF-8 text
(:mod:`~demoscope.reports.source`). This module sits above the three so that none of them
calls up into another; what the text *is* (its shape) is decided later from its content
(:mod:`~demoscope.reports.reader`).
"""

from __future__ import annotations

import re
from pathlib import Path

from demoscope.errors import ReportParseError
from demoscope.reports.pdf import pdf_to_text
from demoscope.reports.source import Doc, decode_text, max_bytes, normalise, read_bytes
from demoscope.reports.webpage import html_to_doc

PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def load(path: Path, limit: int | None = None) -> Doc:
    """A :class:`Doc` for any supported file; the extension picks the extractor only."""
    data = read_bytes(path, limit)
    return load_bytes(data, str(path), path.suffix.lower())


def load_bytes(data: bytes, file: str, suffix: str = ".txt") -> Doc:
    """Like :func:`load` for bytes already in memory (tests, uploads, the fuzzer)."""
    if len(data) > max_bytes():
        raise ReportParseError(file, f"file is over the {max_bytes() / 1e6:.1f} MB limit")
    if not data or data.isspace():  # nothing but whitespace
        raise ReportParseError(file, "file is empty")
    if suffix in PDF_SUFFIXES or data[:5] == b"%PDF-":
        return Doc(file, normalise(pdf_to_text(data, file), file), "pdf")
    if suffix in HTML_SUFFIXES:
        return html_to_doc(decode_text(data, file), file)
    text = decode_text(data, file)
    if _looks_like_html(text):
        return html_to_doc(text, file)
    return Doc(file, text, "text")


def _looks_like_html(text: str) -> bool:
    """A saved web page with a .txt name is still HTML markup; extract it as such."""
    first = _NON_SPACE.search(text)
    head = text[first.start(): first.start() + 200].lower() if first else ""
    return head.startswith(("<!doctype html", "<html")) or (
        head.startswith("<") and "<body" in text[:5000].lower())


_NON_SPACE = re.compile(r"\S")
