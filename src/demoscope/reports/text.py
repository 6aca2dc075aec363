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
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from functools import cache

from demoscope.methodology import Methodology
from demoscope.reports import columns, detect, names, tables
from demoscope.reports.model import Finding, Footnote, Report, Section, Shape, Statement
from demoscope.reports.source import (
    JUSTIFICATION_WINDOW,
    MAX_STATEMENTS,
    Doc,
    Overgrown,
    last_tokens,
)
from demoscope.scoring import change_verb

_NUM = r"\d(?:[.,]\d{1,2})?"
# The verbs of a rating change. "improves"/"deteriorates" (and their kin) say which way the
# rating went; "decreased", "rose", "fell", "dropped" only say which way the *number* went,
# which is an improvement on one scale and a deterioration on the other: their kind is
# decided from the numbers and the report's scale (``build``), and a finding says so.
_VERB = (r"(?:improve[sd]?|deteriorate[sd]?|decline[sd]?|worsen(?:s|ed)?|remain(?:s|ed)?|"
         r"stay(?:s|ed)?|unchanged|decrease[sd]?|increase[sd]?|fall(?:s|en)?|fell|rise[sn]?|"
         r"rose|drop(?:s|ped)?)")
_ADVERB = r"(?:\s+(?:slightly|significantly|marginally|further))?"
_BY = (r"(?:\s+by\s+(?:\d(?:[.,]\d{1,2})?|a\s+quarter|one\s+quarter|half\s+a|a\s+half)"
       r"(?:\s+(?:of\s+a\s+)?points?)?)?")
_TAIL = (rf"\s+(?P<verb>{_VERB}){_ADVERB}{_BY}\s+(?:(?:unchanged\s+)?at\s+(?P<at>{_NUM})|"
         rf"(?P<fromword>from\s+)?(?P<from>{_NUM})\s+to\s+(?P<to>{_NUM})|"
         rf"to\s+(?P<to2>{_NUM}),?\s+from\s+(?P<from2>{_NUM}))(?![\d])")
#: Kind of change by the start of the verb; "" = the numbers decide (see ``_VERB``).
_KINDS = {"improv": "improves", "deterio": "deteriorates", "declin": "deteriorates",
          "worsen": "deteriorates", "remain": "remains", "stay": "remains",
          "unchang": "remains", "decreas": "", "increas": "", "fall": "", "fell": "",
          "rise": "", "rose": "", "drop": ""}
#: Every printed verb starts with one of these (``_VERB``'s alternatives): the tail search
#: looks for them with ``str.find`` and tries the tail pattern only there.
_VERB_STEMS = ("improve", "deteriorate", "decline", "worsen", "remain", "stay", "unchanged",
               "decrease", "increase", "fall", "fell", "rise", "rose", "drop")


def _kind_of(verb: str) -> str:
    v = verb.lower()
    return next(kind for stem, kind in _KINDS.items() if v.startswith(stem))


_BOUNDARY = re.compile(r"[.!?][\"”’)\]]*(?:\[\d{1,3}\])*\s+(?=[\"“(\[]?[A-Z0-9•])")
_SENT_END = re.compile(r"[.!?](?=[\"”’)\]]*(?:\s|\Z))")
_BULLET = re.compile(r"^\s*(?:[•▪●◦·*-]|\d+\.)\s+")
_BULLET_FIRST = frozenset("•▪●◦·*-0123456789")
_CITATION = re.compile(r"\[(\d{1,3})\]")
# A summary paragraph's lead ("Electoral Process. ..."): the name runs up to the first "." or
# ":", so a possessive repeat is the same as a lazy one, and fails at once in prose.
_SUMMARY_LEAD = re.compile(r"\s*([A-Z][A-Za-z ,]{2,60}+)[.:]\s")
_SCORES_TAIL = re.compile(r"(?:19|20)\d\d")
_OTHER_HEADINGS = re.compile(
    r"(?:executive summary|outlook(?: for (?:19|20)\d\d)?|introduction|author|notes|endnotes|"
    r"references|score changes in (?:19|20)\d\d)", re.I)
_OTHER_FIRST_WORDS = ("executive", "outlook", "introduction", "author", "notes", "endnotes",
                      "references", "score")  # the first word of each ``_OTHER_HEADINGS``


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


_RATING_WORDS = ("rating", "ratings", "score", "scores")


@cache
def _names_by_last_word(m: Methodology) -> dict[str, tuple[tuple[int, tuple[str, ...], str], ...]]:
    """Category names as word tuples, by their last word, longest first:
    ``{last word: ((word count, words, code), ...)}``."""
    words = _statement_patterns(m)[0]
    out: dict[str, list[tuple[int, tuple[str, ...], str]]] = {}
    for key, code in words.items():
        out.setdefault(key[-1], []).append((len(key), key, code))
    return {w: tuple(sorted(v, key=lambda e: -e[0])) for w, v in out.items()}


#: Words that may stand between a statement's head and its verb ("rating for electoral
#: process thus deteriorates from ...").
_PRE_VERB = frozenset({"thus", "therefore", "also", "again", "further", "consequently",
                       "accordingly", "hence", "still", "slightly", "significantly",
                       "marginally", "both", ",", "has", "have", "had", "was", "were", "is",
                       "been", "-", "–", ":"})


def _head(text: str, end: int, m: Methodology) -> tuple[tuple[str, ...], int, str] | None:
    """(categories, start offset, slip) of the words just before a tail: "rating for|in <cat>",
    "<cat> rating|score", "ratings for <cat> and <cat>" (one value for both), or "Democracy
    Score" alone. ``slip`` is the name as printed when it is a near miss of a category's name
    ("Judicial Framework and Independent rating"), else ""."""
    toks, start_of = last_tokens(text, max(0, end - 160), end, 12, comma=True)
    if not toks:
        return None
    low = [t.lower().strip(":;") if t != "&" else "and" for t in toks]
    ending = _names_by_last_word(m)
    slips: list[str] = []

    def cat_ending_at(i: int) -> tuple[str, int] | None:  # category whose last word is low[i]
        if i < 0:
            return None
        exact, hit = 0, None
        for n, key, code in ending.get(low[i], ()):  # the longest name that fits wins
            if n <= i + 1 and tuple(low[i - n + 1: i + 1]) == key:
                first = start_of(i - n + 1)
                if text[first - 1: first] == "-":
                    return None
                exact, hit = n, (code, i - n + 1)
                break
        if exact > 1:
            return hit
        # a near miss of a longer name ("Independant Media", whose last word alone is the
        # one-word alias "media"; "Judicial Framework and Independent")
        for n in range(min(5, i + 1), exact, -1):
            near = names.near_name(low[i - n + 1: i + 1], m)
            if near is not None:
                slips.append(" ".join(toks[i - n + 1: i + 1]))
                return near[0], i - n + 1
        return hit

    def listed(j: int) -> bool:  # token j ends an item of a list: a comma follows it
        after = start_of(j) + len(toks[j])
        return text[after: after + 1] == ","

    def found(codes: tuple[str, ...], at: int) -> tuple[tuple[str, ...], int, str]:
        return codes, at, slips[-1] if slips else ""

    last = len(low) - 1
    while last > 0 and low[last] in _PRE_VERB:
        last -= 1
    if low[last] in _RATING_WORDS:
        hit = cat_ending_at(last - 1) if last >= 1 else None
        if hit:
            return found((hit[0],), start_of(hit[1]))
    hit = cat_ending_at(last)
    if hit:
        codes = [hit[0]]
        first = hit[1]
        j = first - 1
        # "ratings for civil society and independent media remain at ...", "ratings for
        # electoral process, civil society, and corruption remain at ...": all of them
        while j >= 0 and len(codes) < 7:
            k = j - 1 if low[j] == "and" else j
            other = cat_ending_at(k) if k >= 0 and (low[j] == "and" or listed(j)) else None
            if not other or other[0] == "DS" or other[0] in codes:
                break
            codes.insert(0, other[0])
            j = other[1] - 1
        if j >= 0 and low[j] == "the":
            j -= 1
        if j >= 1 and low[j] in ("for", "in", "of") and low[j - 1] in ("rating", "ratings"):
            return found(tuple(codes), start_of(j - 1))
        if hit[0] == "DS":
            return found(("DS",), start_of(hit[1]))
        # a bullet that names the category alone ("Civil Society declined from ..."): the
        # name as a heading prints it, capitalised, where prose writes it in lower case
        if len(codes) == 1 and toks[hit[1]][:1].isupper() and toks[last][:1].isupper() and \
                (hit[1] == 0 or low[hit[1] - 1] in _BULLET_WORDS):
            return found(tuple(codes), start_of(hit[1]))
    return None


#: What may stand before a category named alone at the start of a bullet.
_BULLET_WORDS = frozenset({"•", "▪", "●", "◦", "·", "*", "-", "–", "—", "header1", "header2"})


def _norm(text: str) -> str:
    return " ".join(text.replace(",", " ").split()).lower()


#: A paragraph's span: (start, end), the end just past the last character of its last line.
Paragraph = tuple[int, int]


@dataclass
class Body:
    statements: list[Statement] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    summary: str = ""
    summary_paragraphs: dict[str, tuple[int, str]] = field(default_factory=dict)
    footnotes: list[Footnote] = field(default_factory=list)
    citations: dict[int, tuple[int, ...]] = field(default_factory=dict)
    notes: list[Finding] = field(default_factory=list)


def paragraphs(text: str, lines: list[str] | None = None) -> list[Paragraph]:
    """Paragraph spans: blank lines separate paragraphs, and every bullet starts one.
    ``lines``: ``text.split("\\n")`` when the caller has it."""
    out: list[Paragraph] = []
    start: int | None = None
    offset = 0
    for line in text.split("\n") if lines is None else lines:
        if not line or line.isspace():
            if start is not None:
                out.append((start, offset - 1))
                start = None
        elif (line[0] if not line[0].isspace() else line.lstrip()[0]) in _BULLET_FIRST \
                and _BULLET.match(line):
            if start is not None:
                out.append((start, offset - 1))
            start = offset
        elif start is None:
            start = offset
        offset += len(line) + 1
    if start is not None:
        out.append((start, len(text)))
    return out


def _tails(low: str, tail: re.Pattern[str]):
    """``tail.finditer(low)``, found faster: a tail starts with one of the verbs, so only the
    places ``str.find`` gives for them are tried, in order and without overlaps as finditer
    would. (A regex opening on six alternative words scans every character; a report is long.)
    """
    starts: list[int] = []
    for stem in _VERB_STEMS:
        at = low.find(stem)
        while at >= 0:
            starts.append(at)
            at = low.find(stem, at + 1)
    starts.sort()
    done = 0
    for at in starts:
        if at >= done and (t := tail.match(low, at)):
            done = t.end()
            yield t


def _lowered(doc: Doc) -> str:
    """The text with A–Z lower-cased and every offset kept: :attr:`Doc.lower`, shared with the
    other readers, unless the text holds one of the two characters ``str.lower`` (which
    Doc.lower then is) turns longer ("İ") or into ASCII ("K", Kelvin sign)."""
    text = doc.text
    if "\u0130" in text or "\u212a" in text:
        return text.translate(_ASCII_LOWER)
    return doc.lower


def read_statements(doc: Doc, text: str, m: Methodology) -> list[Statement]:
    """Every rating sentence, in document order, with its sentence and justification."""
    return _read_statements(doc.view(text), m, paragraphs(text), [])


def _read_statements(doc: Doc, m: Methodology, paras: list[Paragraph],
                     notes: list[Finding]) -> list[Statement]:
    tail = _statement_patterns(m)[1]
    text = doc.text
    out: list[Statement] = []
    for t in _tails(_lowered(doc), tail):  # same offsets as ``text``
        found = _head(text, t.start(), m)
        if found is None:
            continue
        cats, start, slip = found
        line = doc.line_at(start)
        verb = text[t.start("verb"): t.end("verb")]
        kind = _kind_of(verb)
        to_raw = t.group("to") or t.group("at") or t.group("to2")
        frm = t.group("from") or t.group("from2")
        if _COPY_END.match(text, t.end()) and not _two_decimals(to_raw):
            notes.append(Finding(
                "warning", "statement_cut",
                f"the copy ends inside a rating change ({text[start:t.end()].strip()!r}): the "
                "last number is cut, so the change is not read", line))
            continue
        para = _containing(paras, start, len(text))
        s_start, s_end = _sentence(text, start, t.end(), para)
        sentence = " ".join(_BULLET.sub("", text[s_start:s_end]).split())
        # Web bullets justify inside the same sentence ("... to 1.50 to reflect ..."),
        # essays in the sentences around it: the justification is all but the statement.
        rest = (text[max(para[0], start - JUSTIFICATION_WINDOW):start] + " "
                + text[t.end():min(para[1], t.end() + JUSTIFICATION_WINDOW)])
        rest = " ".join(_BULLET.sub("", rest).split())
        if slip:
            notes.append(Finding(
                "info", "category_name_slip",
                f"{slip!r} is no category name; read as {_category_name(m, cats[-1])}, the name "
                "it nearly spells", line))
        if t.group("from") and not t.group("fromword"):
            notes.append(Finding(
                "info", "statement_without_from",
                f"the change prints no 'from' ({text[t.start('verb'):t.end()]!r}); "
                f"{frm} is read as the previous value", line))
        if _COPY_END.match(text, para[1]) and not _SENT_END.search(text, t.end(), para[1] + 1):
            notes.append(Finding(
                "info", "statement_cut_short",
                "the copy ends inside this rating change; its numbers are read, the rest of "
                "its sentence is missing", line))
        if len(out) >= MAX_STATEMENTS:
            raise Overgrown("rating sentences", MAX_STATEMENTS)
        out.extend(Statement(
            category=cat,
            from_value=_value(frm, cat) if frm else None,
            to_value=_value(to_raw, cat),
            verb=verb, kind=kind, sentence=sentence,
            line=line, justification=rest) for cat in cats)
    return out


#: Nothing but white space (and a last stop) up to the end of the copy.
_COPY_END = re.compile(r"\s*[.,]?\s*\Z")


def _two_decimals(raw: str) -> bool:
    """Whether a number is printed with two decimals, as every real copy prints its ratings
    and scores: a shorter number where the copy ends is a cut one ("to 4.", "to 4.7")."""
    return len(raw) == 4


def _category_name(m: Methodology, code: str) -> str:
    if code in m.categories:
        return m.categories[code].name
    return names.SCORE_LABELS.get(code, (code,))[0]


def _value(raw: str, code: str) -> Fraction | Decimal:
    return tables.parse_value(raw, code)


def _containing(paras: list[Paragraph], pos: int, size: int) -> Paragraph:
    """The paragraph holding ``pos`` (paragraphs are sorted and do not overlap)."""
    i = bisect_right(paras, (pos, size + 1)) - 1
    if i >= 0 and pos <= paras[i][1]:
        return paras[i]
    return 0, size  # pragma: no cover - every offset is inside some paragraph


def _sentence(text: str, start: int, end: int, para: Paragraph) -> tuple[int, int]:
    para_start, para_end = para
    window_start = max(para_start, start - 2000)
    s_start = window_start
    for b in _BOUNDARY.finditer(text, window_start, start):
        s_start = b.end()
    window_end = min(para_end + 1, end + JUSTIFICATION_WINDOW)
    e = _SENT_END.search(text, end, window_end)
    s_end = e.end() if e else min(para_end, window_end)
    return s_start, s_end


@cache
def _heading_first_words(m: Methodology) -> frozenset[str]:
    """First words of every heading ``_heading_code`` accepts: a line starting otherwise is
    no heading, which spares normalising it."""
    names = _statement_patterns(m)[2]
    return frozenset({k.split()[0] for k in names if k} | set(_OTHER_FIRST_WORDS))


def _heading_code(line: str, m: Methodology) -> tuple[bool, str | None]:
    """(is a heading, category code or None) for a line standing alone."""
    t = line.strip().lstrip("#").strip().rstrip(":.").strip()  # "## Corruption" (Markdown)
    if not t or len(t) > 60:
        return False, None
    if t.isascii():  # (re.I also folds a few non-ASCII letters to ASCII: those go the long way)
        first = t.replace(",", " ").split(maxsplit=1)
        if not first or first[0].lower() not in _heading_first_words(m):
            return False, None
    names = _statement_patterns(m)[2]
    code = names.get(_norm(t))
    if code and code != "DS" and (t[0].isupper()):
        return True, code
    if _OTHER_HEADINGS.fullmatch(t):
        return True, None
    return False, None


def read_body(doc: Doc, text: str, m: Methodology) -> Body:
    """Statements, summary paragraphs, sections and footnotes of the body ``text``.

    ``text`` has ``doc.text``'s line structure; its lines, line starts and paragraphs are
    computed once here and shared by every part of the body."""
    doc = doc.view(text)
    paras = paragraphs(text, doc.lines)
    body = Body()
    body.statements = _read_statements(doc, m, paras, body.notes)
    lines = doc.lines
    offsets = doc.starts
    # Citations "[n]" and footnote listings (a line opening on "[n]" and text) in one pass.
    cited: dict[int, list[int]] = {}
    listings: list[tuple[int, int, str]] = []  # (line start, number, footnote text)
    for mm in _CITATION.finditer(text):
        at = mm.start()
        line_start = text.rfind("\n", 0, at) + 1
        before = text[line_start:at]
        if not before.strip(" \t"):
            line_end = text.find("\n", mm.end())
            rest = text[mm.end(): len(text) if line_end < 0 else line_end].lstrip(" \t")
            if rest and not rest[0].isspace():
                listings.append((line_start, int(mm.group(1)), rest))
                continue  # the "[n]" that opens a footnote listing, not a citation
        cited.setdefault(int(mm.group(1)), []).append(doc.line_at(at))
    headings: list[tuple[int, str, str | None]] = []  # (line index, heading, code)
    for i in [i for i, n in enumerate(map(len, lines)) if 0 < n <= 64]:  # short lines only
        line = lines[i]
        if line.isspace() or line.lstrip()[0] == "[":
            continue
        is_heading, code = _heading_code(line, m)
        if not is_heading:
            continue
        nxt = next((lines[j] for j in range(i + 1, min(i + 6, len(lines)))
                    if lines[j] and not lines[j].isspace()), "")
        if len(nxt.split()) < 6 or nxt.lstrip()[:1].isdigit():
            continue  # a table label alone on its line, not a section heading
        headings.append((i, line.strip().lstrip("#").strip().rstrip(":").strip(), code))
    first_listing = bisect_right(offsets, listings[0][0]) - 1 if listings else len(lines)
    for n, (i, heading, code) in enumerate(headings):
        stop = headings[n + 1][0] if n + 1 < len(headings) else first_listing
        stop = max(stop, i + 1)
        lo, hi = _span(offsets, len(text), i + 1, stop)
        content = text[lo:hi].strip()
        if _norm(heading) == "executive summary":
            body.summary = content
            if lo < hi:
                _summary_paragraphs(body, doc, m, paras, lo, hi)
            continue
        body.sections.append(Section(code, heading, doc.line_at(offsets[i]), content))
    body.citations = {k: tuple(v) for k, v in sorted(cited.items())}
    for line_start, number, note in listings:
        body.footnotes.append(Footnote(number, note.strip(), doc.line_at(line_start),
                                       body.citations.get(number, ())))
    return body


def _span(offsets: list[int], size: int, first: int, stop: int) -> tuple[int, int]:
    """Offsets of lines ``first`` to ``stop - 1`` joined ("\\n".join(lines[first:stop]))."""
    if first >= stop or first >= len(offsets):
        return 0, 0
    return offsets[first], offsets[stop] - 1 if stop < len(offsets) else size


def _summary_paragraphs(body: Body, doc: Doc, m: Methodology, paras: list[Paragraph],
                        lo: int, hi: int) -> None:
    """Summary paragraphs that open on a category name ("Electoral Process. ..."). The
    paragraphs of the summary's lines alone are the text's paragraphs cut to ``lo``–``hi``."""
    names = _statement_patterns(m)[2]
    text = doc.text
    for k in range(max(0, bisect_right(paras, (lo, hi + 1)) - 1), len(paras)):
        p_start, p_end = paras[k]
        if p_start > hi:
            break
        p_start, p_end = max(p_start, lo), min(p_end, hi)
        if p_start >= p_end:
            continue
        ptext = text[p_start:p_end]
        lead = _SUMMARY_LEAD.match(ptext)
        if lead:
            c = names.get(_norm(lead.group(1)))
            if c and c != "DS" and c not in body.summary_paragraphs:
                body.summary_paragraphs[c] = (doc.line_at(p_start), ptext.strip())


def _scores_cut_off(text: str) -> bool:
    """The text ends on a bare "YEAR Scores" line (``^\\s*(?:19|20)\\d\\d\\s+Scores\\s*\\Z``
    in multi-line mode), read from the end instead of scanning the whole text."""
    body = text.rstrip()
    if not body.endswith("Scores"):
        return False
    head = body[:-6]
    year_end = len(head.rstrip())
    if year_end == len(head) or not _SCORES_TAIL.fullmatch(head, year_end - 4, year_end):
        return False
    before = head[: year_end - 4]
    content = before.rstrip()
    return not content or "\n" in before[len(content):]


#: A word broken over two lines with a hyphen ("national democ-\nratic governance"), the
#: second half on the next line, lower-case, after any indentation.
_BROKEN_WORD = re.compile(r"([A-Za-z]+)-\n([ \t]*)([a-z]+)")


@cache
def _unbreakable(m: Methodology) -> frozenset[str]:
    """The words a rating statement is read by: every word of a category's or score's name
    (of five letters or more; short ones are not hyphenated), and the rating words."""
    return frozenset(w for key in _statement_patterns(m)[0] for w in key if len(w) >= 5) | \
        frozenset(_RATING_WORDS)


def join_broken_words(text: str, m: Methodology) -> str:
    """``text`` with the words a statement is read by joined where a PDF's hyphenation broke
    them over a line ("democ-\nratic" → "democratic\n "), every offset after the join and
    every line break kept: the word ends its first line, a space pads the next. Other
    hyphenated line ends ("one-\nparty") are printed compounds as likely as broken words,
    and are left as they are."""
    if "-\n" not in text:
        return text
    words = _unbreakable(m)

    def join(hit: re.Match[str]) -> str:
        first, indent, rest = hit.groups()
        word = (first + rest).lower()
        if word in words or word.startswith(_VERB_STEMS):
            return f"{first}{rest}\n{indent} "
        return hit.group()

    return _BROKEN_WORD.sub(join, text)


def build(doc: Doc, shape: Shape, m: Methodology, text: str | None = None) -> Report:
    """Assemble a Report from a document: metadata, tables, statements, body, printed scores.

    ``text`` is the cleaned text to read (same line structure as ``doc.text``)."""
    text = join_broken_words(doc.text if text is None else text, m)
    view = doc.view(text)
    report = Report(file=doc.file, shape=shape)
    cuts: list[tuple[int, str, str]] = []
    prepared = tables.prepare(text, view.lower, cuts)
    for i, run, cells in cuts:
        report.notes.append(Finding(
            "info", "value_glue_cut",
            f"{run!r} is ratings printed without separators or trailing zeros; read as "
            f"{cells!r}, the only way to cut it into quarter-point ratings",
            doc.line_at(doc.starts[i]) if i < len(doc.starts) else None))
    # prepare() keeps every line break but may insert spaces ("4.254.00" → "4.25 4.00"), so
    # offsets into the prepared copy map to lines through its own line starts
    at = doc.line_at if len(prepared) == len(text) else Doc(
        doc.file, prepared, doc.kind, doc.line_map).line_at
    groups = tables.find_groups(prepared, m, at)
    edition = detect.find_edition(text, doc.line_at, view.lower)
    header_last = columns.header_end(groups, m)
    name, country, line, named_by = detect.find_country_how(text, doc.line_at)
    if edition is not None and edition.how == "heading" and not header_last:
        year = int(edition.value)  # type: ignore[call-overload]
        after = view.starts[edition.line] if edition.line and edition.line < len(view.starts) \
            else 0
        decided, why = detect.heading_edition(text, year, after, m,
                                              country.iso3 if country else None)
        edition = detect.Found(decided, edition.line, "heading")
        report.notes.append(Finding(
            "info" if not why.startswith("a guess") else "warning", "edition_from_heading",
            f"no title or page address names the edition; read from the 'Score changes in "
            f"{year}' heading as the {decided} edition, decided by {why}", edition.line))
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
    elif country is not None and shape == "webpage" and (
            dated := detect.edition_from_data(text, m, country.iso3)) is not None:
        report.edition, why = dated
        report.notes.append(Finding(
            "warning", "edition_from_data",
            f"no edition printed (no title, address or dated heading); {report.edition} read "
            f"from {why}", None))
    elif (eras := columns.edition_from_eras(groups, m)) is not None:
        report.edition, why, line = eras
        report.notes.append(Finding(
            "info", "edition_inferred",
            f"no edition and no year header printed; {report.edition} inferred from the "
            f"methodology's eras: {why}, so the table's last column is {report.edition}", line))
    direction, how, scale_at = detect.find_scale(text, report.edition, m, view.lower)
    report.scale, report.scale_source = m.direction_label(direction), how
    report.scale_line = view.line_at(scale_at) if scale_at is not None else None
    report.country, report.country_line = name, line
    if named_by in _COUNTRY_WHY:
        report.notes.append(Finding("info", "country_inferred",
                                    f"the report prints no title naming its country; {name!r} "
                                    f"is read from {_COUNTRY_WHY[named_by]}", line))
    report.iso3 = country.iso3 if country else None
    placed = columns.assign(groups, report.edition, m)
    report.tables, report.cell_lines = placed.values, placed.lines
    report.notes.extend(placed.notes)
    report.truncated = placed.truncated
    if report.edition is not None:
        row = report.tables.get(report.edition, {})
        ds, dp = row.get("DS"), row.get("DP")
        score_line = report.cell_lines.get((report.edition, "DS"))
    else:  # a partial copy with no edition: its undated score block is still its own
        ds, dp = (placed.undated.get(c, (None, None))[0] for c in ("DS", "DP"))
        score_line = placed.undated["DS"][1] if "DS" in placed.undated else None
        report.undated = placed.undated_rows
        if not report.undated:
            report.undated = {c: [v] for c, (v, _line) in placed.undated.items()}
        report.notes.append(Finding(
            "warning", "edition_unknown",
            "no title, address, heading or year header says which edition this is: the "
            "values are read but cannot be placed under years (see 'undated')",
            score_line))
    report.democracy_score = ds if isinstance(ds, Decimal) else None
    report.democracy_percentage = dp if isinstance(dp, Decimal) else None
    if ds is not None:
        report.score_line = score_line
    _scale_note(report, m, direction, how, text, view)
    report.regime, report.regime_line = detect.find_regime(text, m, doc.line_at, view.lines,
                                                            view.lower)
    body = read_body(view, text, m)
    report.statements = _numeric_kinds(body.statements, report, m, direction)
    report.sections = body.sections
    report.summary = body.summary
    report.summary_paragraphs = body.summary_paragraphs
    report.footnotes = body.footnotes
    report.citations = body.citations
    report.notes.extend(body.notes)
    if not report.tables and _scores_cut_off(text):
        report.truncated = True
        report.notes.append(Finding("info", "scores_cut_off",
                                    "the closing scores block is cut off", None))
    return report


#: Where a country's name came from when no title or header prints it (an inference).
_COUNTRY_WHY = {"address": "the page address", "capital": "the capital the header names",
                "mentions": "the country the text names most often",
                "possessive": "the name the text puts most often in the possessive"}
_SCALE_WHY = {"legend": "its scale statement says so",
              "percentage": "it prints a Democracy Percentage, which the 7-best site "
                            "introduced with its scale"}


def _scale_note(report: Report, m: Methodology, direction, how: str, text: str,
                view: Doc) -> None:
    """A finding when the copy prints an edition on the other scale than the edition's own
    (today's site shows the editions before 2020 converted to the 7-best scale): the values
    stay as printed, with ``scale`` as printed, and the finding says how they convert."""
    ed = m.editions.get(report.edition) if report.edition is not None else None
    if ed is None or ed.direction is direction or how not in _SCALE_WHY:
        return
    example = ""
    if report.democracy_score is not None:
        own = m.scale.convert(Fraction(report.democracy_score))
        example = (f" (the Democracy Score {report.democracy_score} printed here is "
                   f"{float(own):.2f} in the {ed.year} edition)")
    low, high = m.scale.min, m.scale.max
    report.notes.append(Finding(
        "info", "scale_converted",
        f"values are printed on the {report.scale} scale ({_SCALE_WHY[how]}); the {ed.year} "
        f"edition published them on the {m.direction_label(ed.direction)} scale. They are kept "
        f"as printed; on the edition's own scale each value is {low + high} − x{example}",
        report.scale_line or report.edition_line))


def _numeric_kinds(statements: list[Statement], report: Report, m: Methodology,
                   direction) -> list[Statement]:
    """Give a kind to changes whose verb only says which way the number moved ("decreased",
    "rose"): on the report's scale the numbers decide, and a finding says so."""
    out = []
    for s in statements:
        if s.kind or s.from_value is None:
            out.append(s if s.kind else replace(s, kind="remains"))
            continue
        kind = change_verb(m, direction, Fraction(s.from_value), Fraction(s.to_value))
        report.notes.append(Finding(
            "info", "verb_read_from_numbers",
            f"{s.verb!r} says only which way the number moved; on the {report.scale} scale "
            f"{s.from_value} to {s.to_value} {_AS[kind]}", s.line))
        out.append(replace(s, kind=kind))
    return out


_AS = {"improves": "is an improvement", "deteriorates": "is a deterioration",
       "remains": "is no change"}


def parse(doc: Doc, m: Methodology) -> Report:
    """A plain-text report."""
    return build(doc, "text", m)
