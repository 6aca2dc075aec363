"""Web pages of the 2018–2024 editions: regime, Democracy Percentage/Score, score changes.

The country page prints the regime label, "Democracy Percentage 51.19 /100", "Democracy Score
4.07 /7", last year's percentage and status, and a "Score changes in YEAR" list ("Civil Society
rating improved from 1.25 to 1.50 to reflect ..."), closing with the Democracy Score's own
change. From the 2020 site on, every value (also of older editions shown there) is on the
inverted 7-best scale; the page's legend says so and :func:`detect.find_scale` reads it.

HTML goes through BeautifulSoup (the standard-library ``html.parser`` backend, which records
source lines): block elements become lines, table rows become ``cell | cell`` lines, list
items become bullets, and every text line remembers its source line for findings.
"""

from __future__ import annotations

import re

from demoscope.errors import ReportParseError
from demoscope.methodology import Methodology
from demoscope.reports.model import Finding, Report
from demoscope.reports.source import Doc, normalise
from demoscope.reports.text import build

_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "div", "dl",
    "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "table",
    "tbody", "thead", "tfoot", "title", "tr", "ul",
}
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}
_LAST_YEAR = re.compile(r"Last Year.s Democracy Percentage[^\n]*\n[^\n]*", re.I)


def html_to_doc(html: str, file: str) -> Doc:
    """Readable text of an HTML page with a line map back to the HTML source."""
    try:
        from bs4 import BeautifulSoup
        from bs4.element import NavigableString, Tag
    except ImportError:  # pragma: no cover - declared dependency
        raise ReportParseError(file, "reading .html files needs beautifulsoup4") from None
    try:
        soup = BeautifulSoup(html, "html.parser")
    except Exception as exc:  # html.parser raises assorted errors on hostile markup
        raise ReportParseError(file, f"not parseable HTML ({type(exc).__name__})") from None
    if soup.find() is None:  # no markup at all: plain text that was named .html
        return Doc(file, normalise(html, file), "text")
    lines: list[tuple[int, str]] = []
    buf: list[str] = []
    buf_line = [1]

    def flush() -> None:
        text = " ".join("".join(buf).split())
        if text:
            lines.append((buf_line[0], text))
        buf.clear()

    title = soup.find("title")
    if isinstance(title, Tag) and title.get_text(strip=True):
        lines.append((title.sourceline or 1, " ".join(title.get_text().split())))

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child).__name__ in ("Comment", "Doctype", "Declaration",
                                            "ProcessingInstruction", "CData"):
                    continue
                if not buf:
                    buf_line[0] = getattr(child.parent, "sourceline", None) or buf_line[0]
                buf.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _SKIP:
                continue
            if child.name == "tr":
                flush()
                cells = [" ".join(c.get_text(" ").split())
                         for c in child.find_all(["td", "th"], recursive=False)]
                if any(cells):
                    lines.append((child.sourceline or buf_line[0], " | ".join(cells) + " |"))
                continue
            block = child.name in _BLOCK
            if block:
                flush()
                buf_line[0] = child.sourceline or buf_line[0]
                if child.name == "li":
                    buf.append("• ")
            walk(child)
            if block:
                flush()
                if child.name in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul",
                                  "ol", "section", "article"):
                    lines.append((buf_line[0], ""))

    try:
        walk(soup)
    except RecursionError:
        raise ReportParseError(file, "HTML nested too deeply to read") from None
    flush()
    out_lines: list[str] = []
    line_map: list[int] = []
    for src, text in lines:
        if not text and (not out_lines or not out_lines[-1]):
            continue
        out_lines.append(text)
        line_map.append(src)
    text = normalise("\n".join(out_lines), file)
    if not text.strip():
        raise ReportParseError(file, "HTML page has no text")
    return Doc(file, text, "html", line_map)


def parse(doc: Doc, m: Methodology) -> Report:
    """A web page of an edition (2018–2024 site, or an older country page)."""
    text = _LAST_YEAR.sub(lambda mm: re.sub(r"[^\n]", " ", mm.group()), doc.text)
    report = build(doc, "webpage", m, text)
    if report.democracy_percentage is None:
        dp = re.search(r"Democracy[\s-]+Percentage[\s:]+(\d{1,3}(?:[.,]\d{1,2})?)(?![\d])",
                       text, re.I)
        if dp:
            from decimal import Decimal

            report.democracy_percentage = Decimal(dp.group(1).replace(",", "."))
    if not report.statements and re.search(r"Score changes in", text, re.I):
        report.notes.append(Finding("info", "no_score_changes",
                                    "the page lists no score changes", None))
    return report
