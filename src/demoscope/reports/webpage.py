"""Web pages of the 2018–2024 editions: regime, Democracy Percentage/Score, score changes.

The country page prints the regime label, "Democracy Percentage 51.19 /100", "Democracy Score
4.07 /7", last year's percentage and status, and a "Score changes in YEAR" list ("Civil Society
rating improved from 1.25 to 1.50 to reflect ..."), closing with the Democracy Score's own
change. From the 2020 site on, every value (also of older editions shown there) is on the
inverted 7-best scale; the page's legend says so and :func:`detect.find_scale` reads it.

HTML goes through libxml2's HTML parser (lxml), within bounds (tags, visible text, no
recursion): block elements become lines, table rows become ``cell | cell`` lines, list items
become bullets, and every text line remembers its source line for findings.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from demoscope.errors import ReportParseError
from demoscope.methodology import Methodology
from demoscope.reports import detect, tables
from demoscope.reports.model import Finding, Report
from demoscope.reports.source import Doc, Overgrown, normalise
from demoscope.reports.text import build

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "div", "dl",
    "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "table",
    "tbody", "thead", "tfoot", "title", "tr", "ul",
})
#: Blocks followed by a blank line (a paragraph break in the text).
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "section",
                        "article"})
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})
#: Text that is never visible, even inside a table cell.
_HIDDEN = frozenset({"script", "style", "template"})
#: At most this many tags ("<" characters) in a page. A country report's page has a few
#: thousand; a page with more is refused before it is parsed, so that no file, whatever its
#: markup, costs more than a second or two and a bounded amount of memory.
MAX_TAGS = 200_000
#: At most this much visible text in a page (characters). A country report's page shows a few
#: hundred thousand; reading is refused as soon as a page shows more (the readers' copies of
#: a text cost some ten times its size at their peak).
MAX_PAGE_TEXT = 5_000_000
_MARKUP = re.compile(r"<[A-Za-z]")


def html_to_doc(html: str, file: str) -> Doc:
    """Readable text of an HTML page with a line map back to the HTML source.

    libxml2's HTML parser (through lxml) reads the page: linear in its size, whatever the
    markup (Python's ``html.parser`` is quadratic on some malformed markup: 200 KB of ``<a``
    took 16 s), and it records each element's source line. The page is refused first when it
    has more than :data:`MAX_TAGS` tags, then walked without recursion: block elements become
    lines, table rows ``cell | cell |`` lines, list items bullets."""
    if _MARKUP.search(html) is None:  # no markup at all: plain text that was named .html
        return Doc(file, normalise(html, file), "text")
    tags = html.count("<")
    if tags > MAX_TAGS:
        raise ReportParseError(file, f"web page has {tags:,} tags, more than the {MAX_TAGS:,} a "
                               "country report page could have; not read")
    root = _parse(html, file)
    lines = _Lines()
    try:
        _read_lines(root, lines)
    except Overgrown as exc:
        raise ReportParseError(file, f"web page has {exc}: no country report page has that "
                               "much; not read") from None
    del root  # the tree can go before the text is assembled (memory: bounded work)
    out_lines: list[str] = []
    line_map: list[int] = []
    for src, text in lines.out:
        if not text and (not out_lines or not out_lines[-1]):
            continue
        out_lines.append(text)
        line_map.append(src)
    del lines
    joined = "\n".join(out_lines)
    del out_lines
    text = normalise(joined, file)
    del joined
    if not text.strip():
        raise ReportParseError(file, "HTML page has no text")
    return Doc(file, text, "html", line_map)


#: libxml2 counts source lines in 16 bits: an element after line 65,535 says 65,535. Beyond
#: it, the line each element was read on is kept in this attribute (see :func:`_parse`).
_BIG_LINES = 65_535
_LINE = "data-demoscope-line"


def _parse(html: str, file: str) -> Any:
    """The page's element tree, with every element's source line readable by :func:`_line`."""
    from lxml import etree

    data = html.encode("utf-8", "surrogatepass")
    # huge_tree: libxml2's own limits (10 MB of input held at once, 256 levels) would make it
    # stop in the middle of ordinary large pages; the limits above (size, tags, visible text)
    # bound the work instead, and whatever libxml2 still calls fatal is refused below
    parser = etree.HTMLParser(recover=True, no_network=True, remove_comments=True,
                              remove_pis=True, encoding="utf-8", huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError) as exc:
        raise ReportParseError(file, f"not parseable HTML ({type(exc).__name__})") from None
    # In recover mode libxml2 reads past every mistake of ordinary pages; what it calls fatal
    # (too deep, a text node over its limit) makes it drop content silently: refuse instead.
    fatal = [e.message.strip() for e in parser.error_log if e.level == etree.ErrorLevels.FATAL]
    if any("depth" in f.lower() for f in fatal):
        raise ReportParseError(file, "HTML nested too deeply to read")
    if fatal:
        raise ReportParseError(file, f"HTML the parser cannot read whole ({fatal[0][:100]})")
    if root is None:
        raise ReportParseError(file, "HTML page has no text")
    if data.count(b"\n") >= _BIG_LINES - 1:
        _note_big_lines(root, data)
    return root


#: What the scan for start tags passes over: comments, and the raw text of script, style,
#: textarea and title elements (a "<p" in a script is no element).
_SCAN = re.compile(rb"<!--.*?(?:-->|\Z)|<(script|style|textarea|title)\b[^>]{0,4096}>.*?(?:</\1\s*>|\Z)"
                   rb"|<([A-Za-z][A-Za-z0-9:_-]*)", re.S | re.I)


def _note_big_lines(root: Any, data: bytes) -> None:
    """Give every element past libxml2's 16-bit line counter its source line (in
    :data:`_LINE`): the start tags of the source from line 65,535 on, scanned in order, are
    matched to those elements in document order by name. libxml2 creates an element for each
    start tag, in order; the tags it drops (a second ``<body>``) are passed over, and the
    elements it implies (``html``, ``head``, ``body``) come before any such line."""
    at = -1
    for _ in range(_BIG_LINES - 1):
        at = data.find(b"\n", at + 1)
    line, counted = _BIG_LINES, at + 1
    tags: list[tuple[bytes, int]] = []
    for hit in _SCAN.finditer(data, at + 1):
        name = hit.group(1) or hit.group(2)
        if name is None:
            continue
        line += data.count(b"\n", counted, hit.start())
        counted = hit.start()
        tags.append((name.lower(), line))
    j = 0
    for el in root.iter():
        if not isinstance(el.tag, str) or (el.sourceline or 0) < _BIG_LINES:
            continue
        name = el.tag.lower().encode()
        while j < len(tags) and tags[j][0] != name:
            j += 1
        if j == len(tags):
            break
        el.set(_LINE, str(tags[j][1]))
        j += 1


def _line(el: Any) -> int | None:
    line = el.sourceline
    if line is not None and line >= _BIG_LINES:
        noted = el.get(_LINE)
        return int(noted) if noted else line
    return line


class _Lines:
    """The text lines being built, each with its source line, and the text of the current
    one."""

    def __init__(self) -> None:
        self.out: list[tuple[int, str]] = []
        self.buf: list[str] = []
        self.line = 1
        self.size = 0
        self.pending = 0

    def add(self, text: str, at: int | None) -> None:
        if not self.buf:
            self.line = at or self.line
            self.pending = 0
        self.pending += len(text)
        if self.pending > 2 * MAX_PAGE_TEXT:  # (checked before the words are split)
            raise Overgrown("characters of visible text", MAX_PAGE_TEXT)
        self.buf.append(text)

    def flush(self) -> None:
        text = " ".join("".join(self.buf).split())
        if text:
            self.out.append((self.line, text))
            self.size += len(text) + 1
            if self.size > MAX_PAGE_TEXT:
                raise Overgrown("characters of visible text", MAX_PAGE_TEXT)
        self.buf.clear()


def _read_lines(root: Any, lines: _Lines) -> None:
    """The page's title first (BeautifulSoup's first ``<title>``), then its text in order."""
    title = next(root.iter("title"), None)
    if title is not None:
        words = "".join(_strings(title, hidden=frozenset())).split()
        if words:
            lines.out.append((_line(title) or 1, " ".join(words)))
    _walk(root, lines)
    lines.flush()


def _walk(root: Any, lines: _Lines) -> None:
    """Document order without recursion: an element's text, then each child followed by its
    tail (the text after it, which belongs to the parent)."""
    stack: list[tuple[int, Any]] = [(0, root)]
    while stack:
        step, el = stack.pop()
        if step == 2:  # the tail of ``el``, text of its parent
            lines.add(el.tail, _line(el.getparent()))
            continue
        tag = el.tag if isinstance(el.tag, str) else ""
        if step == 1:  # leaving ``el``
            lines.flush()
            if tag in _PARAGRAPH:
                lines.out.append((lines.line, ""))
            continue
        if tag == "tr":
            lines.flush()
            cells = [" ".join(" ".join(_strings(c)).split()) for c in el
                     if isinstance(c.tag, str) and c.tag in ("td", "th")]
            if any(cells):
                lines.out.append((_line(el) or lines.line, " | ".join(cells) + " |"))
            continue
        block = tag in _BLOCK
        if block:
            lines.flush()
            lines.line = _line(el) or lines.line
            if tag == "li":
                lines.buf.append("• ")
            stack.append((1, el))
        if el.text:
            lines.add(el.text, _line(el))
        for child in reversed(el):
            if child.tail:
                stack.append((2, child))
            if isinstance(child.tag, str) and child.tag not in _SKIP:
                stack.append((0, child))


def _strings(el: Any, hidden: frozenset[str] = _HIDDEN) -> list[str]:
    """Every text string inside ``el`` in document order (BeautifulSoup's ``get_text``
    pieces), leaving out script, style and template text."""
    out: list[str] = []
    stack: list[tuple[bool, Any]] = [(False, el)]
    while stack:
        tail, node = stack.pop()
        if tail:
            out.append(node.tail)
            continue
        if node.text and (node is el or node.tag not in hidden):
            out.append(node.text)
        for child in reversed(node):
            if child.tail:
                stack.append((True, child))
            if isinstance(child.tag, str) and child.tag not in hidden:
                stack.append((False, child))
    return out


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
    if report.regime is None:
        _regime_before_scores(report, doc, text, m)
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
    needle = "score" if pattern is tables._DS_MAX else "percentage"
    low = text.lower()
    return pattern.search(text) if needle in low and "democracy" in low else None


def _blank_last_year(text: str, m: Methodology) -> str:
    """Blank last year's percentage and status ("Last Year's Democracy Percentage & Status",
    then "53 100 Semi-Consolidated Democracy" on one line or its parts on lines of their own):
    they are not this edition's values, and last year's regime must not pass for this one's
    on a page that prints none."""
    hit = _LAST_YEAR_LABEL.search(text)
    if hit is None:
        return text
    labels = detect.regime_labels(m)
    # only the label's line and the few after it change: split that stretch, not the page
    first = text.rfind("\n", 0, hit.start()) + 1
    last = first
    for _ in range(_LAST_YEAR_SPAN):
        nl = text.find("\n", last)
        if nl < 0:
            last = len(text)
            break
        last = nl + 1
    lines = text[first:last].split("\n")
    start = 0
    label = _LAST_YEAR_ONLY.match(text, hit.start())
    rest = lines[start][label.end() - first:] if label else ""
    if label is not None and rest.strip():
        # the page's lines run together ("... Democracy Score 4.07 7 Last Year's Democracy
        # Percentage & Status 55 100 Semi-Consolidated Democracy The ratings are ..."): only
        # the label, its numbers and its regime are last year's; the rest of the line stays
        lines[start] = (lines[start][:hit.start() - first] + _spaces(lines[start][
            hit.start() - first:label.end() - first]) + _blank_last_values(rest, labels))
        return "".join((text[:first], "\n".join(lines), text[last:]))
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
    return "".join((text[:first], "\n".join(lines), text[last:]))


# A regime label and the score block after it on one line, the page's lines run together
# ("Semi-Consolidated Democracy DEMOCRACY-PERCENTAGE Democracy Percentage 51.19 100 ...")
_BEFORE_SCORES = re.compile(r"(?m)^[ \t]*([A-Za-z][A-Za-z \t-]{5,60}?)[ \t]+"
                            r"(?=Democracy[ \t-]+(?:Percentage|Score)\b)", re.I)


def _regime_before_scores(report: Report, doc: Doc, text: str, m: Methodology) -> None:
    """The regime printed at the head of the score block's line, where a page's lines run
    together and no line is the band name alone (last year's was blanked before)."""
    labels = detect.regime_labels(m)
    for hit in _BEFORE_SCORES.finditer(text):
        if detect.regime_key(hit.group(1)).encode() in labels:
            report.regime = detect.tidy_regime(hit.group(1), m)
            report.regime_line = doc.line_at(hit.start(1))
            return


_LAST_YEAR_ONLY = re.compile(r"Last Year.s Democracy (?:Percentage|Score)(?:[ \t]*(?:&|and)[ \t]*"
                             r"Status)?", re.I)
_LEADING_NUMBERS = re.compile(r"[\d.,/|%\s]*")


def _blank_last_values(rest: str, labels: frozenset[bytes]) -> str:
    """``rest`` (what follows last year's label on its line) with last year's numbers and the
    regime after them blanked; the words after those kept."""
    numbers = _LEADING_NUMBERS.match(rest)
    end = numbers.end() if numbers else 0
    words = list(re.finditer(r"\S+", rest[end:]))
    for k in range(min(6, len(words)), 0, -1):
        stop = end + words[k - 1].end()
        if detect.regime_key(rest[end:stop]).encode() in labels:
            end = stop
            break
    return _spaces(rest[:end]) + rest[end:]


#: Lines after "Last Year's ..." that may hold its numbers and status (with blank lines).
_LAST_YEAR_SPAN = 64


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
