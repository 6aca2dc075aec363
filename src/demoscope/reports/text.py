"""Plain-text reports, and the report body every shape shares.

A plain-text report is "Nations in Transit YEAR", an "Executive Summary:" with one paragraph
per category closing on a rating sentence ("X's rating for electoral process deteriorates from
6.50 to 6.75."; "X's independent media rating remains at 6.75."), full sections headed
"Category Name:", numbered footnotes "[n] ...", and a closing "YEAR Scores" block that copies
often cut off. PDF text and web pages carry the same sentences (web pages as "Score changes"
bullets), so the functions here read them for every shape; :func:`build` assembles a
:class:`~demoscope.reports.model.Report` from any :class:`~demoscope.reports.source.Doc`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache

from demoscope.methodology import Methodology
from demoscope.reports import detect, tables
from demoscope.reports.model import Finding, Footnote, Report, Section, Shape, Statement
from demoscope.reports.source import Doc

_NUM = r"\d(?:[.,]\d{1,2})?"
_VERB = (r"(?:improve[sd]?|deteriorate[sd]?|decline[sd]?|worsen(?:s|ed)?|remain(?:s|ed)?|"
         r"stay(?:s|ed)?)")
_ADVERB = r"(?:\s+(?:slightly|significantly|marginally|further))?"
_TAIL = (rf"\s+(?P<verb>{_VERB}){_ADVERB}\s+(?:(?:unchanged\s+)?at\s+(?P<at>{_NUM})|"
         rf"from\s+(?P<from>{_NUM})\s+to\s+(?P<to>{_NUM}))(?![\d])")
_KINDS = {"improv": "improves", "deterio": "deteriorates", "declin": "deteriorates",
          "worsen": "deteriorates", "remain": "remains", "stay": "remains"}
_BOUNDARY = re.compile(r"[.!?][\"”’)\]]*(?:\[\d{1,3}\])*\s+(?=[\"“(\[]?[A-Z0-9•])")
_SENT_END = re.compile(r"[.!?](?=[\"”’)\]]*(?:\s|\Z))")
_BULLET = re.compile(r"^\s*(?:[•▪●◦·*-]|\d+\.)\s+")
_BULLET_FIRST = frozenset("•▪●◦·*-0123456789")
_LISTING = re.compile(r"^[ \t]*\[(\d{1,3})\][ \t]*(\S.*)$", re.M)
_CITATION = re.compile(r"\[(\d{1,3})\]")
_OTHER_HEADINGS = re.compile(
    r"(?:executive summary|outlook(?: for (?:19|20)\d\d)?|introduction|author|notes|endnotes|"
    r"references|score changes in (?:19|20)\d\d)", re.I)


@cache
def _statement_patterns(m: Methodology) -> tuple[dict[tuple[str, ...], str], re.Pattern[str],
                                                 dict[str, str]]:
    """(category names as word tuples → code, tail pattern, name → code). The tail
    ("deteriorates from 6.50 to 6.75", "remains at 6.75") is found first; the head ("rating
    for electoral process", "independent media rating") is read word by word just before it,
    which keeps long reports fast."""
    names: dict[str, str] = {}
    for cat in m.categories.values():
        for n in (cat.name, *cat.aliases):
            names.setdefault(_norm(n), cat.code)
    for ed in m.editions.values():
        for code, n in ed.names.items():
            names.setdefault(_norm(n), code)
    names["democracy score"] = "DS"
    words = {tuple(k.split()): code for k, code in names.items()}
    tail = re.compile(_TAIL.removeprefix(r"\s+"))  # searched in ASCII-lower-cased text
    return words, tail, names


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


_HEAD_WORD = re.compile(r"[^\s,]+")
_RATING_WORDS = ("rating", "ratings", "score", "scores")


def _head(text: str, end: int, words: dict[tuple[str, ...], str]) -> tuple[str, int] | None:
    """(category, start offset) of the words just before a tail: "rating for|in <cat>",
    "<cat> rating|score", or "Democracy Score" alone."""
    toks = list(_HEAD_WORD.finditer(text, max(0, end - 160), end))[-10:]
    low = [t.group().lower() for t in toks]
    longest = max(len(k) for k in words)

    def cat_ending_at(i: int) -> tuple[str, int] | None:  # category whose last word is low[i]
        for n in range(min(longest, i + 1), 0, -1):
            code = words.get(tuple(low[i - n + 1: i + 1]))
            if code:
                before = text[toks[i - n + 1].start() - 1: toks[i - n + 1].start()]
                if before == "-":
                    return None
                return code, i - n + 1
        return None

    if not low:
        return None
    last = len(low) - 1
    if low[last] in _RATING_WORDS:
        hit = cat_ending_at(last - 1) if last >= 1 else None
        if hit:
            return hit[0], toks[hit[1]].start()
    hit = cat_ending_at(last)
    if hit:
        code, first = hit
        j = first - 1
        if j >= 0 and low[j] == "the":
            j -= 1
        if j >= 1 and low[j] in ("for", "in", "of") and low[j - 1] in ("rating", "ratings"):
            return code, toks[j - 1].start()
        if code == "DS":
            return code, toks[first].start()
    return None


def _norm(text: str) -> str:
    return " ".join(text.replace(",", " ").split()).lower()


@dataclass
class Paragraph:
    start: int
    end: int


@dataclass
class Body:
    statements: list[Statement] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    summary: str = ""
    summary_paragraphs: dict[str, tuple[int, str]] = field(default_factory=dict)
    footnotes: list[Footnote] = field(default_factory=list)
    citations: dict[int, tuple[int, ...]] = field(default_factory=dict)
    notes: list[Finding] = field(default_factory=list)


def paragraphs(text: str) -> list[Paragraph]:
    """Paragraph spans: blank lines separate paragraphs, and every bullet starts one."""
    out: list[Paragraph] = []
    start: int | None = None
    offset = 0
    for line in text.split("\n"):
        end = offset + len(line)
        if not line.strip():
            if start is not None:
                out.append(Paragraph(start, offset - 1))
                start = None
        elif line.lstrip()[:1] in _BULLET_FIRST and _BULLET.match(line):
            if start is not None:
                out.append(Paragraph(start, offset - 1))
            start = offset
        elif start is None:
            start = offset
        offset = end + 1
    if start is not None:
        out.append(Paragraph(start, len(text)))
    return out


def read_statements(doc: Doc, text: str, m: Methodology) -> list[Statement]:
    """Every rating sentence, in document order, with its sentence and justification."""
    words, tail, _ = _statement_patterns(m)
    paras = paragraphs(text)
    out: list[Statement] = []
    for t in tail.finditer(text.translate(_ASCII_LOWER)):  # same offsets as ``text``
        found = _head(text, t.start(), words)
        if found is None:
            continue
        cat, start = found
        verb = text[t.start("verb"): t.end("verb")]
        kind = next(v for k, v in _KINDS.items() if verb.lower().startswith(k))
        to_raw = t.group("to") or t.group("at")
        frm = t.group("from")
        para = _containing(paras, start, len(text))
        s_start, s_end = _sentence(text, start, t.end(), para)
        sentence = " ".join(_BULLET.sub("", text[s_start:s_end]).split())
        # Web bullets justify inside the same sentence ("... to 1.50 to reflect ..."),
        # essays in the sentences around it: the justification is all but the statement.
        rest = text[para.start:start] + " " + text[t.end():para.end]
        rest = " ".join(_BULLET.sub("", rest).split())
        out.append(Statement(
            category=cat,
            from_value=_value(frm, cat) if frm else None,
            to_value=_value(to_raw, cat),
            verb=verb, kind=kind, sentence=sentence,
            line=doc.line_at(start), justification=rest))
    return out


def _value(raw: str, code: str) -> Fraction | Decimal:
    return tables.parse_value(raw, code)


def _containing(paras: list[Paragraph], pos: int, size: int) -> Paragraph:
    for p in paras:
        if p.start <= pos <= p.end:
            return p
    return Paragraph(0, size)  # pragma: no cover - every offset is inside some paragraph


def _sentence(text: str, start: int, end: int, para: Paragraph) -> tuple[int, int]:
    window_start = max(para.start, start - 2000)
    s_start = window_start
    for b in _BOUNDARY.finditer(text, window_start, start):
        s_start = b.end()
    e = _SENT_END.search(text, end, para.end + 1)
    s_end = e.end() if e else para.end
    return s_start, s_end


def _heading_code(line: str, m: Methodology) -> tuple[bool, str | None]:
    """(is a heading, category code or None) for a line standing alone."""
    t = line.strip().rstrip(":.").strip()
    if not t or len(t) > 60:
        return False, None
    names = _statement_patterns(m)[2]
    code = names.get(_norm(t))
    if code and code != "DS" and (t[0].isupper()):
        return True, code
    if _OTHER_HEADINGS.fullmatch(t):
        return True, None
    return False, None


def read_body(doc: Doc, text: str, m: Methodology) -> Body:
    """Statements, summary paragraphs, sections and footnotes of the body ``text``."""
    body = Body(statements=read_statements(doc, text, m))
    lines = text.split("\n")
    offsets = []
    off = 0
    for line in lines:
        offsets.append(off)
        off += len(line) + 1
    listings = list(_LISTING.finditer(text))
    listing_starts = {mm.start() for mm in listings}
    headings: list[tuple[int, str, str | None]] = []  # (line index, heading, code)
    for i, line in enumerate(lines):
        if len(line) > 64 or not line.strip() or line.lstrip()[0] == "[":
            continue
        is_heading, code = _heading_code(line, m)
        if not is_heading:
            continue
        nxt = next((lines[j] for j in range(i + 1, min(i + 6, len(lines))) if lines[j].strip()),
                   "")
        if len(nxt.split()) < 6 or nxt.lstrip()[:1].isdigit():
            continue  # a table label alone on its line, not a section heading
        headings.append((i, line.strip().rstrip(":").strip(), code))
    first_listing = _index_of(offsets, listings[0].start()) if listings else len(lines)
    for n, (i, heading, code) in enumerate(headings):
        stop = headings[n + 1][0] if n + 1 < len(headings) else first_listing
        stop = max(stop, i + 1)
        content = "\n".join(lines[i + 1:stop]).strip()
        if _norm(heading) == "executive summary":
            body.summary = content
            joined = "\n".join(lines[i + 1:stop])
            for p in paragraphs(joined):
                ptext = joined[p.start:p.end]
                lead = re.match(r"\s*([A-Z][A-Za-z ,]{2,60}?)[.:]\s", ptext)
                if lead:
                    c = _statement_patterns(m)[2].get(_norm(lead.group(1)))
                    if c and c != "DS" and c not in body.summary_paragraphs:
                        line_no = doc.line_at(offsets[i + 1] + p.start)
                        body.summary_paragraphs[c] = (line_no, ptext.strip())
            continue
        body.sections.append(Section(code, heading, doc.line_at(offsets[i]), content))
    cited: dict[int, list[int]] = {}
    for mm in _CITATION.finditer(text):
        line_start = text.rfind("\n", 0, mm.start()) + 1
        if line_start in listing_starts and not text[line_start:mm.start()].strip():
            continue  # the "[n]" that opens a footnote listing, not a citation
        cited.setdefault(int(mm.group(1)), []).append(doc.line_at(mm.start()))
    body.citations = {k: tuple(v) for k, v in sorted(cited.items())}
    for mm in listings:
        number = int(mm.group(1))
        body.footnotes.append(Footnote(number, mm.group(2).strip(), doc.line_at(mm.start()),
                                       body.citations.get(number, ())))
    return body


def _index_of(offsets: list[int], pos: int) -> int:
    from bisect import bisect_right

    return bisect_right(offsets, pos) - 1


def build(doc: Doc, shape: Shape, m: Methodology, text: str | None = None) -> Report:
    """Assemble a Report from a document: metadata, tables, statements, body, printed scores.

    ``text`` is the cleaned text to read (same line structure as ``doc.text``)."""
    text = doc.text if text is None else text
    report = Report(file=doc.file, shape=shape)
    prepared = tables.prepare(text)
    groups = tables.find_groups(prepared, m, doc.line_at)
    edition = detect.find_edition(text, doc.line_at)
    header_last = tables.header_years(groups)
    if edition is not None:
        report.edition, report.edition_line = int(edition.value), edition.line  # type: ignore[arg-type]
        if header_last and max(header_last) != report.edition:
            report.notes.append(Finding(
                "warning", "edition_table_mismatch",
                f"the title says {report.edition} but the ratings table ends with "
                f"{max(header_last)}", edition.line))
    elif header_last:
        report.edition = max(header_last)
        report.notes.append(Finding(
            "info", "edition_from_table",
            f"no edition printed in a title; {report.edition} read from the table's last column",
            None))
    direction, _how = detect.find_scale(text, report.edition, m)
    report.scale = m.direction_label(direction)
    name, country, line = detect.find_country(text, doc.line_at)
    report.country, report.country_line = name, line
    report.iso3 = country.iso3 if country else None
    placed = tables.assign(groups, report.edition, m)
    report.tables, report.cell_lines = placed.values, placed.lines
    report.notes.extend(placed.notes)
    report.truncated = placed.truncated
    if report.edition is not None:
        row = report.tables.get(report.edition, {})
        ds, dp = row.get("DS"), row.get("DP")
        report.democracy_score = ds if isinstance(ds, Decimal) else None
        report.democracy_percentage = dp if isinstance(dp, Decimal) else None
        if ds is not None:
            report.score_line = report.cell_lines.get((report.edition, "DS"))
    report.regime, report.regime_line = detect.find_regime(text, m, doc.line_at)
    body = read_body(doc, text, m)
    report.statements = body.statements
    report.sections = body.sections
    report.summary = body.summary
    report.summary_paragraphs = body.summary_paragraphs
    report.footnotes = body.footnotes
    report.citations = body.citations
    report.notes.extend(body.notes)
    if re.search(r"^\s*(?:19|20)\d\d\s+Scores\s*\Z", text, re.M) and not report.tables:
        report.truncated = True
        report.notes.append(Finding("info", "scores_cut_off",
                                    "the closing scores block is cut off", None))
    return report


def parse(doc: Doc, m: Methodology) -> Report:
    """A plain-text report."""
    return build(doc, "text", m)
