"""The fast paths of the reader give what the plain regexes they replace give.

Each helper below was written for throughput (a literal found with ``str.find`` before a
pattern is tried, ``bytes.translate`` to rule out a scan, ``str.split`` instead of a match
object per word...). Every test compares one with the straightforward form it stands for, on
generated text made of the pieces that matter to it, so a later edit to either side that
breaks the equivalence fails here rather than in a corpus file.
"""

from __future__ import annotations

import re
import sys
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demoscope.errors import ReportParseError
from demoscope.methodology import Direction, nit
from demoscope.reports import audit, detect, source, tables, text
from demoscope.reports.source import Doc, last_tokens
from demoscope.scoring import democracy_score


def _texts(pieces: list[str], max_size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


_ODD = ["\u0130", "\u212a", "\u017f", "\u0663", "\uff13", "\u2003", "\x85", "\u3000", "’", "é",
        "ж", "\ud800"]
_FAST = settings(max_examples=200, deadline=None)


def test_digit_lead_bytes_cover_every_unicode_digit() -> None:
    digit = re.compile(r"\d")
    leads = {chr(c).encode("utf-8", "surrogatepass")[0] for c in range(0x80, sys.maxunicode + 1)
             if digit.match(chr(c))}
    assert leads == set(tables.DIGIT_LEAD_BYTES)


def _prepare_reference(s: str) -> str:
    """``tables.prepare`` as plain substitutions over the whole text."""
    if "=" in s:
        s = tables._LEGEND.sub(tables._blank, s)
    if "/" in s:
        s = tables._OUT_OF.sub(tables._out_of, s)
        s = tables._NA.sub(tables._na, s)
    lowered = s.lower()
    at = lowered.find("democracy")
    while at >= 0:
        hit = tables._DS_MAX.match(s, at) or tables._DP_MAX.match(s, at)
        if hit:
            s = s[: hit.start(2)] + " " * len(hit.group(2)) + s[hit.end(2):]
        at = lowered.find("democracy", at + 1)
    s = "\n".join(" " * len(line) if tables._RUNNING_HEAD_LINE.fullmatch(line)
                  else tables._RUNNING_HEAD_INLINE.sub(tables._blank, line)
                  for line in s.split("\n"))
    s = tables._PAGE_NUMBER_LINE.sub(tables._blank, s)
    s = tables._LETTER_DIGIT.sub(lambda m: " " + m.group(), s)
    return tables._DIGIT_RUN.sub(tables._unglue, s)


_TABLE_BITS = ["1", "2", "0", "9", ".", ",", "a", "Z", "*", ":", ")", " ", "\n", "\n", "٣", "７",
               "20", "19", "4.25", "n/a", "N/A", "/", "= ", "(1 = best)", "/ 7", "/100",
               "Democracy Score: 4.36 7", "democracy percentage 55.5 100", "12345678",
               "4.254.003.75", "Process4.25", "٣٣٣٣.٣٣٣", "Nations in Transit 2018",
               " 212 ", "Democracy\nScore 3.25 7", *_ODD]


@_FAST
@given(_texts(_TABLE_BITS))
def test_prepare_is_the_plain_substitutions(s: str) -> None:
    want = _prepare_reference(s)
    assert tables.prepare(s) == want
    assert tables.prepare(s, Doc("x", s).lower) == want


@settings(max_examples=40, deadline=None)
@given(st.lists(_texts(_TABLE_BITS, 8), min_size=30, max_size=80).map("\n".join))
def test_prepare_with_many_glued_lines(s: str) -> None:
    assert tables.prepare(s) == _prepare_reference(s)


def _paragraphs_reference(s: str) -> list[tuple[int, int]]:
    out, start, offset = [], None, 0
    for line in s.split("\n"):
        if not line.strip():
            if start is not None:
                out.append((start, offset - 1))
                start = None
        elif line.lstrip()[:1] in text._BULLET_FIRST and text._BULLET.match(line):
            if start is not None:
                out.append((start, offset - 1))
            start = offset
        elif start is None:
            start = offset
        offset += len(line) + 1
    if start is not None:
        out.append((start, len(s)))
    return out


@_FAST
@given(_texts(["\n", "\n", " ", "\t", "a", "b", "-", "•", "1", "2", ".", "*", "\n\n", " \n",
               "x", *_ODD]))
def test_paragraphs(s: str) -> None:
    assert text.paragraphs(s) == _paragraphs_reference(s)


@_FAST
@given(_texts(["a", "b", "ab", " ", "  ", "\n", ",", "’s", "-", "x,y", *_ODD]),
       st.integers(0, 60), st.integers(0, 60), st.integers(1, 10))
def test_last_tokens(s: str, a: int, b: int, n: int) -> None:
    start, end = min(a, b, len(s)), min(max(a, b), len(s))
    for comma, pattern in ((False, re.compile(r"\S+")), (True, re.compile(r"[^\s,]+"))):
        want = [(mm.start(), mm.group()) for mm in pattern.finditer(s, start, end)][-n:]
        words, start_of = last_tokens(s, start, end, n, comma)
        assert [(start_of(k), w) for k, w in enumerate(words)] == want


def test_first_words_find_what_the_alternation_finds() -> None:
    m = nit()
    pattern, _ = tables.label_lexicon(m)
    words = set(re.findall(r"\(\?P<L\d+>([A-Za-z]+)", pattern.pattern))
    alternation = re.compile("|".join(sorted({w.capitalize() for w in words}
                                             | {w.upper() for w in words}, key=len,
                                             reverse=True)))
    bits = [*sorted({w.capitalize() for w in words} | {w.upper() for w in words}),
            "CIVILOCAL", "CIVILOCALOCAL", "INTERNATIONAL", "x", " ", "C", "OCAL", "ONAL"]

    @_FAST
    @given(_texts(bits, 15))
    def check(s: str) -> None:
        assert tables._label_starts(s, m) == [mm.start() for mm in alternation.finditer(s)]

    check()


_STATEMENT_BITS = ["rating for civil society ", "Rating ", "improves from 5.75 to 5.50",
                   "remains at 6.75", "remained", "remain", "stays unchanged at 3", "stay",
                   "deteriorated slightly from 2,5 to 3", "declines", "worsens", "IMPROVES",
                   " ", ".", "4", "at ", "from ", "to ", *_ODD]


@_FAST
@given(_texts(_STATEMENT_BITS, 20))
def test_tails_are_finditer(s: str) -> None:
    tail = text._statement_patterns(nit())[1]
    low = text._lowered(Doc("x", s))
    assert len(low) == len(s)
    want = [mm.span() for mm in tail.finditer(s.translate(text._ASCII_LOWER))]
    assert [t.span() for t in text._tails(low, tail)] == want


@_FAST
@given(_texts(["A", "Z", "a", "z", " ", "\n", "1", "é", "É", "Ж", "ж", "ß", *_ODD]))
def test_doc_lower_is_str_lower_for_every_reader(s: str) -> None:
    """Same length; ASCII where str.lower gives ASCII; and no difference a reader's pattern
    (ASCII words, \\s, \\d, \\w) can see."""
    fast, slow = Doc("x", s).lower, s.lower()
    if "\u0130" in s or "\u212a" in s:
        assert fast == slow
        return
    assert len(fast) == len(slow) == len(s)
    for a, b in zip(fast, slow, strict=True):
        if a != b:
            assert not a.isascii() and not b.isascii()
            for cls in (r"\s", r"\d", r"\w"):
                assert bool(re.match(cls, a)) == bool(re.match(cls, b))


@_FAST
@given(_texts(["2011", "1999", "Scores", "scores", " ", "\n", "\t", "x", "20", "11", "\u2003"],
              12))
def test_scores_cut_off(s: str) -> None:
    want = re.search(r"^\s*(?:19|20)\d\d\s+Scores\s*\Z", s, re.M) is not None
    assert text._scores_cut_off(s) == want


@_FAST
@given(_texts(["Nations in Transit 2011", "Nations in Transit", " 2011", "Hungary", "X",
               ": ", "| ", "–", " ", "\n", "\n\n", "a", "2019", "Scores", "2010 Scores",
               "Year: 2009", "Score changes in 2020", "score Changes in 2018", "(2006)",
               " - Albania ", "/nations-transit/2018", "nations-transit/", "NATIONS IN TRANSIT 2021",
               *_ODD], 25))
def test_titles_and_editions(s: str) -> None:
    page_title = detect._TITLE_PATTERNS[2].search(s, 0, 3000)
    got = detect._page_title(s)
    assert (got and got.span()) == (page_title and page_title.span())
    best = None
    for rank, pattern in enumerate(detect._EDITION_PATTERNS):
        mm = pattern.search(s)
        if mm and (best is None or mm.start() < best[1]):
            best = (rank, mm.start(), int(mm.group(1)))
    found = detect.find_edition(s, lambda offset: offset)
    assert (found and (found.value, found.line)) == (best and (best[2], best[1]))


@_FAST
@given(_texts(["rating", "Rating", "ratings", "xrating", "rating_", "Valdoria's ",
               "Bosnia and Herzegovina's ", "the ", ", ", " ", "\n", "corruption ", *_ODD],
              20))
def test_subjects(s: str) -> None:
    word = re.compile(r"\S+")
    want = []
    for r in re.finditer(r"\brating\b", s):
        words = list(word.finditer(s, max(0, r.start() - 120), r.start()))[-9:]
        for i in range(len(words) - 1, -1, -1):
            w = words[i].group()
            if w.endswith(("'s", "’s")) and w[:1].isupper():
                first = i
                for j in range(i - 1, max(i - 4, -1), -1):
                    if words[j].group()[:1].isupper() and words[j].group()[-1:].isalpha():
                        first = j
                    else:
                        break
                want.append((" ".join(x.group() for x in words[first: i + 1])[:-2],
                             words[first].start()))
                break
            if not (w.islower() or w == ","):
                break
    assert list(detect._subjects(s)) == want


@_FAST
@given(_texts(["Consolidated Democracy", "Semi-Consolidated", " Authoritarian Regime",
               "Transitional Government or Hybrid Regime", "consolidated democracy", "-",
               " ", "\n", "x", "K", *_ODD], 12))
def test_regime_line_by_keys(s: str) -> None:
    m = nit()
    labels = {detect.regime_key(n) for b in m.bands for n in (b.name, *b.names.values())}
    want: tuple[str | None, int | None] = (None, None)
    offset = 0
    for line in s.split("\n"):
        if detect.regime_key(line) in labels and line.strip():
            want = (detect.tidy_regime(line, m), offset)
            break
        offset += len(line) + 1
    if "Regime Classification" not in s:
        assert detect.find_regime(s, m, lambda o: o) == want
        assert detect.find_regime(s, m, lambda o: o, s.split("\n"), Doc("x", s).lower) == want


@_FAST
@given(_texts(["Nations in Transit 2011", "Executive Summary", "executive summary",
               "rating for civil society", "(1 = best", "2001 2002 2003 2004", "capital:",
               "496 Nations in Transit 2008", "\n", " ", "x", "2011 Scores\nDemocracy Score 4.5",
               "democracy percentage", "Score changes in 2019", "Score Changes\n",
               "No score changes", "/country/x/nations-transit/", "Civil Society 3.50",
               "rating improved 2.50 to 2.75", *_ODD], 20))
def test_detect_shape(s: str) -> None:
    assert detect.detect_shape(s) == _detect_shape_reference(s)
    assert detect.detect_shape(s, Doc("x", s).lower) == _detect_shape_reference(s)


def _detect_shape_reference(s: str) -> str | None:
    low = s.lower()
    web = re.compile(r"democracy[\s-]+percentage|score changes in\s+(?:19|20)\d\d|"
                     r"last year.s democracy|/country/[a-z][a-z-]*/nations-transit/|"
                     r"(?:^|\n)[^\n]{0,16}score changes(?:[ \t]+in[ \t]+(?:19|20)\d\d)?"
                     r"[ \t.:]*(?:\n|\Z)")
    if web.search(low):
        return "webpage"
    hits = [at for at in (low.find(x) for x in detect._PDF_LITERALS) if at >= 0]
    hits += [mm.start() for p in (r"\(\s*1\s*=\s*best",
                                  r"(?:19|20)\d\d(?:[ \t|]+(?:19|20)\d\d){3,}")
             if (mm := re.search(p, low))]
    if (at := detect._furniture_at(low)) is not None:
        hits.append(at)
    block = re.search(r"(?:19|20)\d\d\s+scores\s*\n(?:[^\n]*\n){0,4}?[^\n]*"
                      r"democracy score[^\n]*\d[.,]\d", low)
    if block:
        hits.append(block.start())
    front = min(hits) if hits else None
    summary = low.find("executive summary")
    statements = detect._STATEMENT_HINT.search(low) is not None
    if front is not None and (summary < 0 or front < summary or not statements):
        return "pdf"
    if statements:
        return "text"
    if front is not None or detect._ROW_HINT.search(low):
        return "pdf"
    return "text" if detect._CHANGE_HINT.search(low) else None


def test_source_reads_up_to_the_limit(tmp_path) -> None:
    """The size read from the open file only sizes the first read: the bytes are the file's,
    and the limit is the limit."""
    p = tmp_path / "r.txt"
    p.write_bytes(b"x" * 5000)
    assert source.read_bytes(p, 10_000) == b"x" * 5000
    assert source.read_bytes(p, 5000) == b"x" * 5000
    with pytest.raises(ReportParseError, match="limit"):
        source.read_bytes(p, 4999)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_row_score_is_democracy_score(data) -> None:
    m = nit()
    ed = m.editions[data.draw(st.sampled_from(sorted(m.editions)))]
    quarters = st.integers(4, 28).map(lambda q: Fraction(q, 4))
    own = {c: data.draw(quarters) for c in ed.categories}
    direction = data.draw(st.sampled_from(list(Direction)))
    want = democracy_score(m, ed, own, direction)
    assert audit._row_score(m, ed, own, direction) == (want.mean, want.printed)
