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
from decimal import Decimal

from demoscope.errors import ReportParseError
from demoscope.methodology import Methodology
from demoscope.reports import detect, tables
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
    text = _blank_last_year(doc.text, m)
    report = build(doc, "webpage", m, text)
    if report.democracy_percentage is None:
        dp = _DP.search(text)
        if dp:
            report.democracy_percentage = Decimal(dp.group(1).replace(",", "."))
    for code, pattern in (("Democracy Score", tables._DS_MAX),
                          ("Democracy Percentage", tables._DP_MAX)):
        hit = _first(pattern, text)
        if hit:
            report.notes.append(Finding(
                "info", "score_scale_maximum",
                f"{code} {hit.group(1).split()[-1].strip('|:')} is followed by "
                f"{hit.group(2).strip(' |')}: read as the scale's maximum, not as a second value",
                doc.line_at(hit.end(2) - 1)))
    _heading(report, doc, text)
    _list_cut(report, doc, text)
    if report.regime is None and (report.democracy_score is not None
                                  or report.democracy_percentage is not None):
        report.notes.append(Finding("info", "regime_not_printed",
                                    "the page prints no regime label beside its scores; "
                                    "none is read", report.score_line))
    return report


_DP = re.compile(r"Democracy[\s-]+Percentage[\s:|]+(\d{1,3}(?:[.,]\d{1,2})?)(?![\d])", re.I)
_HEADING = re.compile(r"(?im)^[^\n]{0,16}?\b(no\s+)?score\s+changes\b(?:[ \t]+in[ \t]+((?:19|20)\d\d))?")
_LAST_YEAR_LABEL = re.compile(r"Last Year.s Democracy (?:Percentage|Score)[^\n]*", re.I)
_NUMBERS_LINE = re.compile(r"[\d.,/|%\s]+")
_NUMBERS_THEN_WORDS = re.compile(r"[\d.,/|%\s]*([A-Za-z][A-Za-z \t-]*)")


def _first(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    needle = "democracy score" if pattern is tables._DS_MAX else "democracy percentage"
    return pattern.search(text) if needle in text.lower() else None


def _blank_last_year(text: str, m: Methodology) -> str:
    """Blank last year's percentage and status ("Last Year's Democracy Percentage & Status",
    then "53 100 Semi-Consolidated Democracy" on one line or its parts on lines of their own):
    they are not this edition's values, and last year's regime must not pass for this one's
    on a page that prints none."""
    hit = _LAST_YEAR_LABEL.search(text)
    if hit is None:
        return text
    labels = detect.regime_labels(m)
    lines = text.split("\n")
    start = text.count("\n", 0, hit.start())
    lines[start] = _spaces(lines[start])
    i, numbers = start + 1, 0
    while i < len(lines) and numbers < 4:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if _NUMBERS_LINE.fullmatch(line):
            lines[i] = _spaces(line)
            numbers += 1
            i += 1
            continue
        words = _NUMBERS_THEN_WORDS.fullmatch(line)
        if words and detect.regime_key(words.group(1)).encode() in labels:
            lines[i] = _spaces(line)
        break
    return "\n".join(lines)


def _spaces(line: str) -> str:
    return " " * len(line)


def _list_cut(report: Report, doc: Doc, text: str) -> None:
    """A copy that ends on a bullet of the score changes may have lost the bullets after it:
    the report is marked truncated, and a finding says the list may be incomplete (what a
    reconstruction from the printed changes must know)."""
    body = text.rstrip()
    last = body[body.rfind("\n") + 1:].lstrip()
    if not last or last[0] not in "•▪●◦·*-" or not report.statements:
        return
    report.truncated = True
    report.notes.append(Finding(
        "info", "changes_list_cut",
        "the copy ends inside the list of score changes: changes printed after this bullet "
        "may be missing", doc.line_at(len(body) - 1)))


def _heading(report: Report, doc: Doc, text: str) -> None:
    """Findings about the "Score changes" heading: "No score changes", a page that lists none,
    and a heading year that is not the edition's (the pages of some editions name the year
    of the events, one before the edition: "Score changes in 2022" on the 2023 page)."""
    heading = _HEADING.search(text)
    if heading is None:
        return
    line = doc.line_at(heading.start())
    if heading.group(1):
        report.notes.append(Finding("info", "no_score_changes",
                                    "the page says it has no score changes", line))
    elif not report.statements:
        report.notes.append(Finding(
            "info", "no_change_bullets",
            "the page shows a score changes heading but no bullet under it: either it has "
            "none or the copy lost them (no change is inferred)", line))
    year = int(heading.group(2)) if heading.group(2) else None
    if year is None or report.edition is None:
        return
    if report.edition_line == line and report.edition == year:
        return  # the edition was read from this heading (``text.build`` says how it decided)
    if year == report.edition - 1:
        report.notes.append(Finding(
            "info", "heading_names_previous_year",
            f"the heading says 'Score changes in {year}', the year of the events the "
            f"{report.edition} edition covers; the changes are read as the {report.edition} "
            "edition's", line))
    elif year != report.edition:
        report.notes.append(Finding(
            "warning", "edition_heading_mismatch",
            f"the heading says 'Score changes in {year}' but the page is the "
            f"{report.edition} edition", line))
