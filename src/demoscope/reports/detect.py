"""What a document is, read from its content: shape, edition, country, scale, regime.

The shape is never taken from the file name: a web page saved as ``.txt`` is still a web page,
and a PDF's text is recognisable by its ratings table and front matter. Metadata comes from the
places the three shapes print it (titles such as "Nations in Transit 2017 - Belarus", "Belarus
by <author>", "2013 Scores", "Regime Classification:", the scale legend); when a copy lacks a
title the last column of its ratings table names the edition (an edition's table ends with the
edition itself), and the capital in the header names the country.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources

from demoscope.countries import Country, registry
from demoscope.methodology import Direction, Methodology
from demoscope.reports.source import last_tokens

_YEAR = r"((?:19|20)\d\d)"
# Signals are searched in the lower-cased text: plain literals and case-sensitive regexes
# let the regex engine skip ahead, which matters for throughput on long reports. A regex that
# opens on alternatives ("19|20", three phrases) cannot skip, so each alternative is a pattern
# of its own, opening on a literal.
_WEB = (("percentage", re.compile(r"democracy[\s-]+percentage")),
        ("score changes", re.compile(r"score changes in\s+(?:19|20)\d\d")),
        ("last year", re.compile(r"last year.s democracy")),
        # a "Score changes" heading on a line of its own, with or without a year ("header1
        # Score Changes", "No score changes"), and the address of a country page on the site
        # of 2018 on ("…/country/serbia/nations-transit/2018")
        ("score changes", re.compile(r"(?:^|\n)[^\n]{0,16}score changes"
                                     r"(?:[ \t]+in[ \t]+(?:19|20)\d\d)?[ \t.:]*(?:\n|\Z)")),
        ("/nations-transit/", re.compile(r"/country/[a-z][a-z-]*/nations-transit/")))
_PDF_LITERALS = ("ratings and averaged scores", "nit ratings", "nit edition", "nit survey year",
                 "10-year ratings", "capital:", "gni/capita", "regime classification",
                 "nations in transit score")
_YEAR_ROW = r"\d\d(?:[ \t|]+(?:19|20)\d\d){3,}"  # after "19" or "20": a header of 4+ years
# (literal a match opens with, pattern)
_PDF = [("(", re.compile(r"\(\s*1\s*=\s*best")), ("19", re.compile("19" + _YEAR_ROW)),
        ("20", re.compile("20" + _YEAR_ROW))]
_FURNITURE = re.compile(r"(?:^|\n)[ \t]*\d{1,4}[ \t]+$")


def _furniture_at(low: str, before: int | None = None) -> int | None:
    """Offset of the first running head with a page number ("496 Nations in Transit 2008");
    with ``before``, only one that starts before that offset."""
    stop = (len(low) if before is None else before) + len(_RUNNING_HEAD) - 1
    at = low.find(_RUNNING_HEAD, 0, stop)
    while at >= 0:
        if _FURNITURE.search(low, max(0, at - 12), at):
            return at
        at = low.find(_RUNNING_HEAD, at + 1, stop)
    return None


_RUNNING_HEAD = "nations in transit"


_SCORE_BLOCK_TAIL = (r"\d\d\s+scores\s*\n(?:[^\n]*\n){0,4}?[^\n]*"
                     r"democracy score[^\n]*\d[.,]\d")  # after "19" or "20"
_SCORE_BLOCK = [("19", re.compile("19" + _SCORE_BLOCK_TAIL)),
                ("20", re.compile("20" + _SCORE_BLOCK_TAIL))]
_STATEMENT_HINT = re.compile(
    r"ratings?\s+(?:for|in)\s|ratings?\s+(?:remain|improve|deteriorat|declin|worsen|stay)")
# Scale legends, one pattern per wording so each opens with a literal (found, not tested
# at every character): "with 1 representing the highest", "1 = best", "scale of 1 to 7, with 1".
_LOW = tuple(re.compile(p) for p in (r"with 1 representing the highest",
                                     r"1\s*=\s*(?:best|most democratic)",
                                     r"scale of 1 to 7,?\s*with 1\b"))
_HIGH = tuple(re.compile(p) for p in (r"with 7 representing the highest",
                                      r"7\s*=\s*(?:best|most democratic)",
                                      r"scale of 1 to 7,?\s*with 7\b"))

_TITLE_PATTERNS = [
    # "Nations in Transit 2017 - Belarus"
    re.compile(r"Nations in Transit\s+" + _YEAR + r"\s*[-–—:|]\s*([A-Z][^\n|()]{1,60}?)\s*$",
               re.M),
    # "Nations in Transit - Albania (2006)"
    re.compile(r"Nations in Transit\s*[-–—:]\s*([A-Z][^\n()|]{1,60}?)\s*\(\s*" + _YEAR + r"\s*\)"),
    # "Hungary: Nations in Transit 2019 Country Report" (page titles)
    re.compile(r"^[ \t]*([A-Z][^\n:|]{1,60}?)\s*[:|–—]\s*Nations in Transit\s+" + _YEAR, re.M),
]
_EDITION_PATTERNS = [
    re.compile(r"Nations in Transit\s+" + _YEAR + r"(?![\d-])"),
    re.compile(r"Nations in Transit\s*[-–—:][^\n()]{1,60}\(\s*" + _YEAR + r"\s*\)"),
    re.compile(r"^\s*" + _YEAR + r"\s+Scores\b", re.M | re.I),
    re.compile(r"^\s*Year:\s*" + _YEAR + r"\b", re.M),
    re.compile(r"[Ss]core [Cc]hanges in\s+" + _YEAR),
    # the address of a country page or report ("…/country/serbia/nations-transit/2018",
    # "…/report/nations-transit/2015/estonia"), which saved copies print first
    re.compile(r"/nations-transit/" + _YEAR + r"(?!\d)"),
    re.compile(r"NATIONS IN TRANSIT\s+" + _YEAR + r"(?![\d-])"),  # a cover in capitals
]
_EDITION_NEEDLES = ("Nations in Transit", "Nations in Transit", "Scores", "Year:", "hanges in",
                    "/nations-transit/", "NATIONS IN TRANSIT")
_REGIME_LINE = re.compile(r"Regime Classification:?[ \t]*\n?[ \t]*([A-Za-z][^\n|]{3,80})")
_CAPITAL = re.compile(r"Capital:[ \t|]*([^\n|,]{2,40})")
_BY_AUTHOR = re.compile(r"\s+[Bb]y\s+[A-Z]")
# The address of a saved country page ("…/country/north-macedonia/nations-transit/2021")
_COUNTRY_URL = re.compile(r"/country/([a-z][a-z-]{1,60})/nations-transit\b")
# "Valdoria's Democracy Score declined from …" (a page's closing bullet)
_DS_SUBJECT = re.compile(r"\b([A-Z][\w-]+(?: (?:[A-Z][\w-]+|and|of|the)){0,4})['’]s Democracy Score\b")


@dataclass(frozen=True)
class Found:
    """A value read from the document and the line it was read from."""

    value: object
    line: int | None
    how: str


def detect_shape(text: str, low: str | None = None) -> str | None:
    """"webpage", "pdf" or "text" from content; ``None`` when it is no NIT report at all.

    The printed edition opens with its front matter (header, ratings table or score block)
    before the executive summary; a plain-text report opens with the summary and may close
    with a "YEAR Scores" block, so *where* the table sits decides between the two.
    ``low``: the text lower-cased (``text.lower()`` or ``Doc.lower``) when the caller has it."""
    low = text.lower() if low is None else low
    if any(needle in low and p.search(low) for needle, p in _WEB):
        return "webpage"
    summary = low.find("executive summary")
    statements = _STATEMENT_HINT.search(low) is not None
    if summary >= 0 and statements:
        # Only front matter printed before the summary counts: look no further than it.
        return "pdf" if _front_matter(low, summary) else "text"
    if _front_matter(low, None):
        return "pdf"
    if statements:
        return "text"
    # A partial copy (an excerpt, a document with its front matter unreadable) is still a
    # report when a score, a table row or a rating change is readable in it.
    if _ROW_HINT.search(low):
        return "pdf"
    return "text" if _CHANGE_HINT.search(low) else None


# A category or score label followed by a value ("Civil Society 3.50", "Democracy Score: 4.39")
_ROW_HINT = re.compile(
    r"(?:electoral process|civil society|independent media|governance|judicial framework|"
    r"corruption|democracy score|democracy rating)[\s:|*]*(?:[1-7](?:[.,]\d\d?)?|n/a)(?![\d.,])")
# A rating or score change in words, with or without "from" ("score declined from 3.00 to 2.75")
_CHANGE_HINT = re.compile(
    r"(?:rating|score|process|society|media|governance|independence|corruption)s?[ \t]+"
    r"[a-z ]{0,30}?(?:from[ \t]+)?[1-7][.,]\d\d?[ \t]+to[ \t]+[1-7][.,]\d")


def _front_matter(low: str, before: int | None) -> bool:
    """Whether a signal of the printed edition's front matter (a header or table label, a
    "(1 = best" legend, a row of 4+ years, a page head, a score block) is in ``low``; with
    ``before``, one that starts before that offset."""
    end = len(low) if before is None else before
    if any(low.find(x, 0, end + len(x) - 1) >= 0 for x in _PDF_LITERALS):
        return True
    if any(_starts_before(low, literal, p, before) for literal, p in _PDF):
        return True
    if _furniture_at(low, before) is not None:
        return True
    return "scores" in low and any(_starts_before(low, literal, p, before)
                                   for literal, p in _SCORE_BLOCK)


def _starts_before(low: str, literal: str, pattern: re.Pattern[str], before: int | None) -> bool:
    """Whether ``pattern`` (which opens with ``literal``) matches anywhere, or with ``before``
    at an offset before it: only where the literal occurs there is a match tried, so the text
    after the executive summary is not scanned at all."""
    if before is None:
        return pattern.search(low) is not None
    stop = before + len(literal) - 1
    at = low.find(literal, 0, stop)
    while at >= 0:
        if pattern.match(low, at):
            return True
        at = low.find(literal, at + 1, stop)
    return False


def find_edition(text: str, line_at, lowered: str | None = None) -> Found | None:
    """The edition year as printed in a title, score block or page furniture. ``lowered``:
    the text lower-cased (``Doc.lower``) when the caller has it; a score block's "2014
    scores" is found in any case."""
    best: tuple[int, int, int] | None = None  # (pattern rank, offset, year)
    for rank, (needle, pattern) in enumerate(zip(_EDITION_NEEDLES, _EDITION_PATTERNS,
                                                 strict=True)):
        if best is not None and best[1] == 0:
            break  # nothing starts before the text does
        if rank == 2:
            lowered = text.lower() if lowered is None else lowered
            at = lowered.find("scores")
        else:
            at = text.find(needle)
        if at < 0:
            continue
        # The earliest a match can start, from where its needle first occurs: patterns that
        # open with "^\s*" do not scan the text before it, and one that cannot start before
        # the best so far is not searched at all.
        lowest = _EDITION_FROM[rank](text, at)
        if best is not None and lowest >= best[1]:
            continue
        m = _first_score_block(text, at, lowered) if rank == 2 and lowered is not None \
            else pattern.search(text, lowest)
        if m and (best is None or m.start() < best[1]):
            best = (rank, m.start(), int(m.group(1)))
    if best is None:
        return None
    return Found(best[2], line_at(best[1]), "heading" if best[0] == 4 else "title")


_YEAR_WORD = re.compile(r"(?<![\d/.,-])((?:19|20)\d\d)(?![\d/-])")
_PRINTED_DS = re.compile(r"(?i)democracy[\s-]+score[\s:|]+(\d[.,]\d\d)(?!\d)")


def heading_edition(text: str, year: int, after: int, m: Methodology, iso3: str | None
                    ) -> tuple[int, str]:
    """The edition of a page whose only dated line is its "Score changes in YEAR" heading,
    and why. Some editions' pages name the edition there, others the year of the events the
    edition covers (one before: "Score changes in 2022" on the 2023 page). What decides:

    1. the published data: the page's country and the Democracy Score it prints match the
       built-in headline of one of the two editions and not the other;
    2. the years the copy mentions after the heading: an edition's text is about the events
       of the year before it, so when the heading's year is mentioned more often than the
       year before it, the heading names the events and the edition is the next year;
    3. else the heading's year (what most editions' pages print), said to be a guess.
    """
    nxt = year + 1
    if nxt not in m.editions:
        return year, f"the heading's year ({year}; no later edition exists)"
    printed = _PRINTED_DS.search(text)
    if iso3 is not None and printed is not None:
        from decimal import Decimal

        from demoscope.dataset import builtin_headlines

        ds = Decimal(printed.group(1).replace(",", "."))
        heads = builtin_headlines()
        match = [y for y in (year, nxt) if (h := heads.get((iso3, y))) is not None
                 and h.score is not None and ds in _as_printed(m, y, h.score)]
        if len(match) == 1:
            return match[0], (f"the published data: the {match[0]} edition's headline prints "
                              f"Democracy Score {ds} for this country")
    counts: dict[int, int] = {}
    for hit in _YEAR_WORD.finditer(text, after):
        y = int(hit.group(1))
        counts[y] = counts.get(y, 0) + 1
    here, before = counts.get(year, 0), counts.get(year - 1, 0)
    if here >= 2 and here > 2 * before:
        return nxt, (f"the copy is about the events of {year} (mentioned {here} times, {year - 1} "
                     f"{before} times): the heading names the year of the events, the edition "
                     "is the next year")
    if before > here:
        return year, (f"the copy is about the events of {year - 1} (mentioned {before} times, "
                      f"{year} {here} times): the heading names the edition")
    return year, (f"a guess: nothing else in the copy dates it, and most editions' pages name "
                  f"the edition in that heading (on some it is the year of the events, so the "
                  f"edition may be {nxt})")


def edition_from_data(text: str, m: Methodology, iso3: str) -> tuple[int, str] | None:
    """The edition of an undated copy (a page saved without its address, whose heading names
    no year) from the published data: the one edition whose built-in headline for this
    country is the Democracy Score the copy prints. ``None`` when none or several match."""
    printed = _PRINTED_DS.search(text)
    if printed is None:
        return None
    from decimal import Decimal

    from demoscope.dataset import builtin_headlines

    ds = Decimal(printed.group(1).replace(",", "."))
    heads = builtin_headlines()
    match = [y for y in m.editions if (h := heads.get((iso3, y))) is not None
             and h.score is not None and ds in _as_printed(m, y, h.score)]
    if len(match) != 1:
        return None
    return match[0], (f"the published data: only the {match[0]} edition's headline prints "
                      f"Democracy Score {ds} for this country")


def _as_printed(m: Methodology, year: int, value: Fraction) -> set[object]:
    """A stored headline score as a page may print it: on the edition's own scale or, for
    an edition published on the other one, converted (today's site)."""
    from decimal import Decimal

    other = m.scale.convert(value)
    return {Decimal(value.numerator) / Decimal(value.denominator),
            Decimal(other.numerator) / Decimal(other.denominator)}


def _after_nonspace(text: str, at: int, count: int) -> int:
    """The offset just after the ``count + 1``-th non-space character before ``at`` (0 if
    there are fewer): a match with exactly ``count`` of them before ``at`` starts there or
    later."""
    i = at
    seen = 0
    while i > 0:
        i -= 1
        if not text[i].isspace():
            seen += 1
            if seen > count:
                return i + 1
    return 0


# Per edition pattern: the earliest start of a match whose needle is at ``at`` or later.
_EDITION_FROM = (
    lambda text, at: at,  # "Nations in Transit 2011": the needle opens the match
    lambda text, at: at,
    lambda text, at: _after_nonspace(text, at, 4),  # "^\s*2011\s+Scores": 4 digits before
    lambda text, at: _after_nonspace(text, at, 0),  # "^\s*Year:"
    lambda text, at: max(0, at - 7),  # "[Ss]core [Cc]hanges in": 7 characters before
    lambda text, at: at,  # "/nations-transit/2018"
    lambda text, at: at,  # "NATIONS IN TRANSIT 2021"
)


def _first_score_block(text: str, at: int, lowered: str) -> re.Match[str] | None:
    """``_EDITION_PATTERNS[2].search(text)`` for a text whose first "Scores" is at ``at``.
    "Scores" is common in PDF text ("Ratings and Averaged Scores"); the pattern ends with it,
    so each occurrence is tried on the few characters that can belong to its match: the
    first hit is the leftmost match, and the text is not scanned from end to end."""
    pattern = _EDITION_PATTERNS[2]
    while at >= 0:
        m = pattern.search(text, _after_nonspace(text, at, 4), at + 7)  # + "Scores" + \b
        if m:
            return m
        at = lowered.find("scores", at + 1)
    return None


def find_scale(text: str, edition: int | None, m: Methodology,
               lowered: str | None = None) -> tuple[Direction, str, int | None]:
    """(direction, what decided it, offset of the scale statement or None). The printed scale
    legend decides; else the Democracy Percentage (a 2020+ site feature); else the edition's
    own direction from the methodology. ``lowered``: the text lower-cased (``text.lower()``
    or ``Doc.lower``) when the caller has it."""
    lowered = text.lower() if lowered is None else lowered
    legend = "represent" in lowered or "=" in lowered or "scale of" in lowered
    low = _first_hit(_LOW, lowered) if legend else None
    high = _first_hit(_HIGH, lowered) if legend else None
    if low is not None and high is None:
        return Direction.LOW_BEST, "legend", low
    if high is not None and low is None:
        return Direction.HIGH_BEST, "legend", high
    if "percentage" in lowered and re.search(r"democracy[\s-]+percentage", lowered):
        return Direction.HIGH_BEST, "percentage", None
    if edition is not None:
        if edition in m.editions:
            return m.editions[edition].direction, "edition", None
        earlier = [y for y in m.editions if y <= edition]
        ref = max(earlier) if earlier else min(m.editions)
        return m.editions[ref].direction, "edition", None
    return Direction.LOW_BEST, "default", None


def _first_hit(patterns: tuple[re.Pattern[str], ...], lowered: str) -> int | None:
    """Where the first of ``patterns`` that occurs first occurs (the first match found)."""
    for p in patterns:
        hit = p.search(lowered)
        if hit:
            return hit.start()
    return None


def find_country(text: str, line_at) -> tuple[str | None, Country | None, int | None]:
    """(name as printed, registry country or None, line): see :func:`find_country_how`."""
    return find_country_how(text, line_at)[:3]


def find_country_how(text: str,
                     line_at) -> tuple[str | None, Country | None, int | None, str]:
    """(name as printed, registry country or None, line). Unknown countries keep their
    printed name so a report about them still parses fully.

    What the document itself prints comes first (a title; a name before "by Author", "|
    Freedom House" or "10-year ratings"; the name under the "Nations in Transit YEAR" heading;
    the subject of its rating sentences or of its Democracy Score), then the page address, the
    capital in the header, and the registry names the text mentions most: a name the registry
    does not know is still the country when the document prints it so."""
    reg = registry()
    for pattern in _TITLE_PATTERNS:
        # "X: Nations in Transit YEAR" page titles sit at the top; the others anywhere.
        m = _page_title(text) if pattern is _TITLE_PATTERNS[2] else pattern.search(text)
        if m:
            gi = 2 if pattern is _TITLE_PATTERNS[0] else 1
            name = m.group(gi).strip(" -–|")
            if not name or re.fullmatch(r"(?:19|20)\d\d", name):
                continue
            # "X: Nations in Transit YEAR" is a title only at the top or with a known country.
            if pattern is _TITLE_PATTERNS[2] and reg.find(name) is None and \
                    line_at(m.start()) > 8:
                continue
            if pattern is _TITLE_PATTERNS[0]:
                name = _title_continued(text, m.end(gi), name, reg)
            return name, reg.find(name), line_at(m.start(gi)), "title"
    head = text[:4000]
    # A name followed by " by Author" or "| Freedom House": no name ending after the last
    # "by X" or "|" of the first 4040 characters can be one, so the search stops there.
    bound = max((mm.start() for p in _BY_CAPITAL for mm in p.finditer(text, 0, 4040)),
                default=-1)
    bound = max(bound, text.rfind("|", 0, 4040))
    if bound >= 0:
        for m in _names_in(head):
            if m.end() > bound:
                break
            after = text[m.end(): m.end() + 40]
            if _BY_AUTHOR.match(after) or _FREEDOM_HOUSE.match(after):
                return m.group(), reg.find(m.group()), line_at(m.start()), "header"
    named = _named_in_header(head)
    if named:
        name, pos = named
        return name, reg.find(name), line_at(pos), "header"
    subjects: list[tuple[str, int]] = []  # read lazily: the first known country ends it
    known: dict[str, Country | None] = {}
    for name, pos in _subjects(text[:60000]):
        if name not in known:
            known[name] = reg.find(name.split()[-1]) or reg.find(name)
        found = known[name]
        if found:
            return found.name, found, line_at(pos), "subject"
        subjects.append((name, pos))
    if len({name for name, _ in subjects}) == 1:  # one subject throughout: an unknown country
        name, pos = subjects[0]
        return name, None, line_at(pos), "subject"
    ds = _DS_SUBJECT.search(text[:60000])
    if ds:
        return ds.group(1), reg.find(ds.group(1)), line_at(ds.start(1)), "score"
    url = _COUNTRY_URL.search(head)
    slug = " ".join(url.group(1).split("-")) if url else None
    if url and slug:
        by_url = reg.find(slug)
        if by_url:
            return by_url.name, by_url, line_at(url.start(1)), "address"
        # an unknown country's page: its address names it
        name = " ".join(w if w in ("and", "of", "the") else w.capitalize() for w in slug.split())
        return name, None, line_at(url.start(1)), "address"
    cm = _CAPITAL.search(text[:20000])
    if cm:
        country = capital_country(cm.group(1))
        if country:
            return country.name, country, line_at(cm.start()), "capital"
    counts: dict[str, tuple[int, int]] = {}
    for m in _names_in(text[:60000]):
        c = reg.find(m.group())
        if c:
            n, first = counts.get(c.iso3, (0, m.start()))
            counts[c.iso3] = (n + 1, first)
    if counts:
        iso3 = max(counts, key=lambda k: (counts[k][0], -counts[k][1]))
        return reg.by_iso3[iso3].name, reg.by_iso3[iso3], line_at(counts[iso3][1]), "mentions"
    if subjects:  # a country the registry does not know, named as the rating's subject
        name, pos = subjects[0]
        return name, None, line_at(pos), "subject"
    owner = _most_possessive(text[:60000])
    if owner:
        name, pos = owner
        seat = capital_country(name)  # "Tallinn’s mayor": the capital names its country
        if seat:
            return seat.name, seat, line_at(pos), "capital"
        return name, reg.find(name), line_at(pos), "possessive"
    return None, None, None, ""


def _title_continued(text: str, end: int, name: str, reg) -> str:
    """A title's country name broken over two lines ("Nations in Transit 2013 - Bosnia and\n
    Herzegovina"): joined with the next line when the name ends on "and", "of" or "the", or
    when only the joined name is a known country."""
    more = _TITLE_TAIL.match(text, end)
    if more is None:
        return name
    joined = f"{name} {more.group(1)}"
    if name.rsplit(" ", 1)[-1] in ("and", "of", "the") or (
            reg.find(name) is None and reg.find(joined) is not None):
        return joined
    return name


_TITLE_TAIL = re.compile(r"[ \t]*\n[ \t]*([A-Z][\w'’-]+(?:[ \t]+(?:[A-Z][\w'’-]+|and|of|the)){0,3})"
                         r"[ \t]*(?:\n|\Z)")


# Words a name before "by Author" never ends with or contains (titles, headings, filler)
_NOT_NAME = frozenset({"Report", "Reports", "This", "The", "Summary", "Executive", "Nations",
                       "Transit", "Freedom", "House", "Country", "Page", "Total", "File",
                       "Type", "Document", "Author", "Authors", "Edited", "Written", "Its",
                       "Of", "And", "Advisers", "Introduction", "Overview", "Published",
                       "Prepared", "Compiled", "Translated", "Source", "Photo", "Map"})
# What follows a country's name in a document's header: " by Author", " 10-year ratings",
# " | Freedom House" (found with str.find; the name is read backwards from there)
_AFTER_NAME = (" by ", " By ", " 10-year ratings", "| Freedom House")
_NAME_WORD = re.compile(r"[A-Z][\w'’-]+|and|of|the")
_UNDER_TITLE = re.compile(
    r"(?m)^[ \t]*Nations in Transit[ \t]+(?:19|20)\d\d[ \t]*\n(?:[ \t]*\n){0,3}[ \t]*"
    r"([A-Z][\w'’-]+(?:[ \t]+(?:[A-Z][\w'’-]+|and|of|the)){0,3})[ \t]*$")


def _named_in_header(head: str) -> tuple[str, int] | None:
    """A name the registry may not know, printed where documents print their country: before
    "by Author" ("Valdoria by Ana Example"), before "| Freedom House" or "10-year ratings", or
    on its own line under the "Nations in Transit YEAR" heading of a page."""
    hits = sorted(at for needle in _AFTER_NAME if (at := head.find(needle)) >= 0)
    for at in hits:
        if head.startswith((" by ", " By "), at) and not head[at + 4: at + 5].isupper():
            continue
        name = _name_before(head, at)
        if name:
            return name
    under = _UNDER_TITLE.search(head)
    if under and not _is_band_line(under.group(1)) and under.group(1).split()[0] not in _NOT_NAME:
        return under.group(1), under.start(1)
    return None


def _name_before(text: str, end: int) -> tuple[str, int] | None:
    """The capitalised words (at most four, "and"/"of"/"the" between them) that end at
    ``end`` on one line, less leading title words ("This Report Valdoria" → "Valdoria")."""
    line_start = text.rfind("\n", 0, end) + 1
    words = text[line_start:end].rstrip(" \t|").split()
    name: list[str] = []
    for w in reversed(words[-4:]):
        if not _NAME_WORD.fullmatch(w) or w in _NOT_NAME:
            break
        name.insert(0, w)
    while name and not name[0][0].isupper():
        name.pop(0)
    # the name opens its line, or follows a title's words ("... of This Report Valdoria By")
    before = words[: len(words) - len(name)]
    if not name or (before and before[-1] not in _NOT_NAME and before[-1][-1] not in ".:;!?"):
        return None
    joined = " ".join(name)
    at = text.rfind(joined, line_start, end)
    return joined, at


def _is_band_line(line: str) -> bool:
    key = re.sub(r"[^a-z]", "", line.lower())
    return any(w in key for w in ("democracy", "regime", "authoritarian", "consolidated"))


#: Words that make a possessive a person's ("President Valdez's"), not a country's.
_TITLES = frozenset({"President", "Prime", "Minister", "Mr", "Ms", "Mrs", "Dr", "Chairman",
                     "Speaker", "King", "Queen", "General", "Judge", "Mayor", "Patriarch"})
_POSSESSIVE = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+){0,2})['’]s\b")


def _most_possessive(text: str) -> tuple[str, int] | None:
    """The proper name the text puts most often in the possessive ("Valdoria’s parliament"):
    the last resort for a copy that names its country nowhere else."""
    counts: dict[str, tuple[int, int]] = {}
    for m in _POSSESSIVE.finditer(text):
        if any(w in _NOT_NAME or w in _TITLES for w in m.group(1).split()):
            continue
        n, first = counts.get(m.group(1), (0, m.start()))
        counts[m.group(1)] = (n + 1, first)
    if not counts:
        return None
    name = max(counts, key=lambda k: (counts[k][0], -counts[k][1]))
    return name, counts[name][1]


_BY_CAPITAL = (re.compile(r"by\s+[A-Z]"), re.compile(r"By\s+[A-Z]"))
_FREEDOM_HOUSE = re.compile(r"\s*\|\s*Freedom House")
_TITLE_NEEDLE = "Nations in Transit"


def _page_title(text: str) -> re.Match[str] | None:
    """``_TITLE_PATTERNS[2].search(text, 0, 3000)`` without scanning every line start.

    The pattern is "^[ \\t]*NAME\\s*SEP\\s*Nations in Transit YEAR" with NAME on one line: for a
    match around a given "Nations in Transit", SEP is the last non-space character before it
    and the match starts on the line of the last non-space character before SEP. So each
    occurrence names one place to try, and the first that matches is the leftmost match."""
    pattern = _TITLE_PATTERNS[2]
    tried = -1
    at = text.find(_TITLE_NEEDLE, 0, 3000)
    while at >= 0:
        sep = _last_nonspace(text, at)
        name_end = _last_nonspace(text, sep) if sep >= 0 else -1
        if name_end >= 0:
            line_start = text.rfind("\n", 0, name_end) + 1
            if line_start != tried:
                tried = line_start
                m = pattern.match(text, line_start, 3000)
                if m:
                    return m
        at = text.find(_TITLE_NEEDLE, at + 1, 3000)
    return None


def _last_nonspace(text: str, before: int) -> int:
    """Offset of the last non-space character before ``before``, or -1."""
    i = before - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i


_RATING = re.compile(r"\brating\b")


def _subjects(text: str) -> Iterator[tuple[str, int]]:
    """Possessive subjects of rating sentences ("Valdoria's rating for ...", "Valdoria's
    corruption rating ..."), found by walking back word by word from each "rating"."""
    at = text.find("rating")
    while at >= 0:
        # "\brating\b", tested by hand: a regex opening on "\b" cannot skip ahead
        end = at + 6
        if (at == 0 or not _is_word(text[at - 1])) and (end == len(text)
                                                         or not _is_word(text[end])):
            subject = _subject_before(text, at)
            if subject is not None:
                yield subject
        at = text.find("rating", end)


def _is_word(ch: str) -> bool:
    """``\\w`` for one character."""
    return ch.isalnum() or ch == "_"


def _subject_before(text: str, at: int) -> tuple[str, int] | None:
    words, start_of = last_tokens(text, max(0, at - 120), at, 9)
    for i in range(len(words) - 1, -1, -1):
        w = words[i]
        if w.endswith(("'s", "’s")) and w[:1].isupper():
            first = i
            for j in range(i - 1, max(i - 4, -1), -1):
                if words[j][:1].isupper() and words[j][-1:].isalpha():
                    first = j
                else:
                    break
            name = " ".join(words[first: i + 1])[:-2]
            return name, start_of(first)
        if not (w.islower() or w == ","):
            break
    return None


@cache
def _name_pattern() -> re.Pattern[str]:
    keys: set[str] = set()
    for c in registry():
        keys.update(n for n in (c.name, *c.aliases, *(n for _, n in c.names)) if len(n) > 3)
    alts = sorted(keys, key=len, reverse=True)
    return re.compile("(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w-])")


def _names_in(text: str):
    """Registry names in ``text`` as whole words (the preceding character is checked here so
    the pattern starts with literals, which the regex engine scans for quickly)."""
    for m in _name_pattern().finditer(text):
        prev = text[m.start() - 1: m.start()]
        if not prev or not (prev.isalnum() or prev in "-_"):
            yield m


@cache
def _capitals() -> dict[str, str]:
    raw = (resources.files("demoscope.reports") / "capitals.toml").read_bytes()
    data = tomllib.loads(raw.decode())
    return {_fold(city): iso3 for iso3, cities in data["capitals"].items() for city in cities}


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z ]", " ", t).split())


def capital_country(city: str) -> Country | None:
    """The country whose capital the header names ("Capital: Yerevan" → Armenia)."""
    words = _fold(city).split()
    for n in range(min(3, len(words)), 0, -1):  # "Bucharest Population: 21.5 million"
        iso3 = _capitals().get(" ".join(words[:n]))
        if iso3:
            return registry().by_iso3.get(iso3)
    return None


def find_regime(text: str, m: Methodology, line_at, lines: list[str] | None = None,
                lowered: str | None = None) -> tuple[str | None, int | None]:
    """The printed regime type: after "Regime Classification:" or, on web pages, the line that
    is a band name. Returned as printed, spaces around hyphens tidied ("Semi - Consolidated").
    ``lines``, ``lowered``: ``text.split("\\n")`` and the text lower-cased (``text.lower()`` or
    ``Doc.lower``) when the caller has them."""
    rm = _REGIME_LINE.search(text)
    labels = regime_labels(m)
    if rm:
        name = rm.group(1)
        end, joined = rm.end(1), name
        for _ in range(2):
            # a label broken over lines ("Regime Classification: Semi-\nConsolidated
            # Authoritarian\nRegime"): the next lines complete it
            if regime_key(joined).encode() in labels:
                name = joined
                break
            more = _NEXT_LINE.match(text, end)
            if more is None:
                break
            joined, end = f"{joined} {more.group(1)}", more.end(1)
        else:
            if regime_key(joined).encode() in labels:
                name = joined
        return tidy_regime(name, m), line_at(rm.start(1))
    lowered = text.lower() if lowered is None else lowered
    # regime_key() of every line at once: the lower-cased text's letters a-z and line breaks
    # (in UTF-8 every other character is bytes outside a-z), split at the line breaks.
    keys = lowered.encode("utf-8", "surrogatepass").translate(None, _NOT_KEY).split(b"\n")
    offset = 0
    for line, key in zip(text.split("\n") if lines is None else lines, keys, strict=True):
        if key and key.replace(b"transitionalgovernmentor", b"transitionalor") in labels \
                and line.strip():
            return tidy_regime(line, m), line_at(offset)
        offset += len(line) + 1
    return None, None


_NEXT_LINE = re.compile(r"[ \t]*\n[ \t]*([A-Za-z][^\n|]{3,60})")
_NOT_KEY = bytes(b for b in range(256) if not (97 <= b <= 122 or b == 10))


@cache
def regime_labels(m: Methodology) -> frozenset[bytes]:
    """:func:`regime_key` of every band name, as bytes."""
    return frozenset(regime_key(n).encode() for b in m.bands for n in (b.name, *b.names.values()))


def tidy_regime(text: str, m: Methodology | None = None) -> str:
    """The regime as printed, spaces around hyphens tidied; with ``m``, a band name printed
    in another case ("CONSOLIDATED DEMOCRACY", "Consolidated democracy") in the method's."""
    tidy = re.sub(r"\s*-\s*", "-", " ".join(text.split())).strip(" .:")
    if m is not None and not tidy.istitle():
        low = tidy.lower()
        for name in (n for b in m.bands for n in (b.name, *b.names.values())):
            if name.lower() == low:
                return name
    return tidy


def regime_key(text: str) -> str:
    """Compare regime names loosely: case, hyphen spacing and "Government" do not matter."""
    t = re.sub(r"[^a-z]", "", text.lower())
    return t.replace("transitionalgovernmentor", "transitionalor")
