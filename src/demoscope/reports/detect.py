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
from dataclasses import dataclass
from functools import cache
from importlib import resources

from demoscope.countries import Country, registry
from demoscope.methodology import Direction, Methodology

_YEAR = r"((?:19|20)\d\d)"
# Signals are searched in the lower-cased text: plain literals and case-sensitive regexes
# let the regex engine skip ahead, which matters for throughput on long reports.
_WEB = re.compile(r"democracy[\s-]+percentage|score changes in\s+(?:19|20)\d\d|"
                  r"last year.s democracy")
_PDF_LITERALS = ("ratings and averaged scores", "nit ratings", "nit edition", "nit survey year",
                 "10-year ratings", "capital:", "gni/capita", "regime classification",
                 "nations in transit score")
_PDF = [re.compile(r"\(\s*1\s*=\s*best"),
        re.compile(r"(?:19|20)\d\d(?:[ \t|]+(?:19|20)\d\d){3,}")]
_FURNITURE = re.compile(r"(?:^|\n)[ \t]*\d{1,4}[ \t]+$")


def _furniture_at(low: str) -> int | None:
    """Offset of the first running head with a page number ("496 Nations in Transit 2008")."""
    at = low.find("nations in transit")
    while at >= 0:
        if _FURNITURE.search(low, max(0, at - 12), at):
            return at
        at = low.find("nations in transit", at + 1)
    return None
_SCORE_BLOCK = re.compile(r"(?:19|20)\d\d\s+scores\s*\n(?:[^\n]*\n){0,4}?[^\n]*"
                          r"democracy score[^\n]*\d[.,]\d")
_SUMMARY = re.compile(r"executive summary")
_STATEMENT_HINT = re.compile(
    r"rating\s+(?:for|in)\s|rating\s+(?:remains|improve|deteriorat|declin|worsen)")
_LOW = re.compile(r"with 1 representing the highest|1\s*=\s*(?:best|most democratic)|"
                  r"scale of 1 to 7,?\s*with 1\b")
_HIGH = re.compile(r"with 7 representing the highest|7\s*=\s*(?:best|most democratic)|"
                   r"scale of 1 to 7,?\s*with 7\b")

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
    re.compile(r"^\s*" + _YEAR + r"\s+Scores\b", re.M),
    re.compile(r"^\s*Year:\s*" + _YEAR + r"\b", re.M),
    re.compile(r"[Ss]core [Cc]hanges in\s+" + _YEAR),
]
_EDITION_NEEDLES = ("Nations in Transit", "Nations in Transit", "Scores", "Year:", "hanges in")
_REGIME_LINE = re.compile(r"Regime Classification:?[ \t]*\n?[ \t]*([A-Za-z][^\n|]{3,80})")
_CAPITAL = re.compile(r"Capital:[ \t|]*([^\n|,]{2,40})")
_BY_AUTHOR = re.compile(r"\s+[Bb]y\s+[A-Z]")


@dataclass(frozen=True)
class Found:
    """A value read from the document and the line it was read from."""

    value: object
    line: int | None
    how: str


def detect_shape(text: str) -> str | None:
    """"webpage", "pdf" or "text" from content; ``None`` when it is no NIT report at all.

    The printed edition opens with its front matter (header, ratings table or score block)
    before the executive summary; a plain-text report opens with the summary and may close
    with a "YEAR Scores" block, so *where* the table sits decides between the two."""
    low = text.lower()
    if ("percentage" in low or "score changes" in low or "last year" in low) and \
            _WEB.search(low):
        return "webpage"
    hits = [at for at in (low.find(x) for x in _PDF_LITERALS) if at >= 0]
    hits += [mm.start() for p in _PDF if (mm := p.search(low))]
    if (at := _furniture_at(low)) is not None:
        hits.append(at)
    if "scores" in low and (mm := _SCORE_BLOCK.search(low)):
        hits.append(mm.start())
    front = min(hits) if hits else None
    summary = _SUMMARY.search(low)
    statements = _STATEMENT_HINT.search(low) is not None
    if front is not None and (summary is None or front < summary.start() or not statements):
        return "pdf"
    if statements:
        return "text"
    return "pdf" if front is not None else None


def find_edition(text: str, line_at) -> Found | None:
    """The edition year as printed in a title, score block or page furniture."""
    best: tuple[int, int, int] | None = None  # (pattern rank, offset, year)
    for rank, (needle, pattern) in enumerate(zip(_EDITION_NEEDLES, _EDITION_PATTERNS,
                                                 strict=True)):
        if needle not in text:
            continue
        m = pattern.search(text)
        if m and (best is None or m.start() < best[1]):
            best = (rank, m.start(), int(m.group(1)))
    if best is None:
        return None
    return Found(best[2], line_at(best[1]), "title")


def find_scale(text: str, edition: int | None, m: Methodology) -> tuple[Direction, str]:
    """The printed scale legend decides; else the Democracy Percentage (a 2020+ site feature);
    else the edition's own direction from the methodology."""
    lowered = text.lower()
    legend = "represent" in lowered or "=" in lowered or "scale of" in lowered
    low = _LOW.search(lowered) if legend else None
    high = _HIGH.search(lowered) if legend else None
    if low and not high:
        return Direction.LOW_BEST, "legend"
    if high and not low:
        return Direction.HIGH_BEST, "legend"
    if "percentage" in lowered and re.search(r"democracy[\s-]+percentage", lowered):
        return Direction.HIGH_BEST, "percentage"
    if edition is not None:
        if edition in m.editions:
            return m.editions[edition].direction, "edition"
        earlier = [y for y in m.editions if y <= edition]
        ref = max(earlier) if earlier else min(m.editions)
        return m.editions[ref].direction, "edition"
    return Direction.LOW_BEST, "default"


def find_country(text: str, line_at) -> tuple[str | None, Country | None, int | None]:
    """(name as printed, registry country or None, line). Unknown countries keep their
    printed name so a report about them still parses fully."""
    reg = registry()
    for pattern in _TITLE_PATTERNS:
        # "X: Nations in Transit YEAR" page titles sit at the top; the others anywhere.
        m = pattern.search(text, 0, 3000 if pattern is _TITLE_PATTERNS[2] else len(text))
        if m:
            gi = 2 if pattern is _TITLE_PATTERNS[0] else 1
            name = m.group(gi).strip(" -–|")
            if not name or re.fullmatch(r"(?:19|20)\d\d", name):
                continue
            # "X: Nations in Transit YEAR" is a title only at the top or with a known country.
            if pattern is _TITLE_PATTERNS[2] and reg.find(name) is None and \
                    line_at(m.start()) > 8:
                continue
            return name, reg.find(name), line_at(m.start(gi))
    for m in _names_in(text[:4000]):
        after = text[m.end(): m.end() + 40]
        if _BY_AUTHOR.match(after) or re.match(r"\s*\|\s*Freedom House", after):
            return m.group(), reg.find(m.group()), line_at(m.start())
    subjects = _subjects(text[:60000])
    for name, pos in subjects:
        found = reg.find(name.split()[-1]) or reg.find(name)
        if found:
            return found.name, found, line_at(pos)
    if len({name for name, _ in subjects}) == 1:  # one subject throughout: an unknown country
        name, pos = subjects[0]
        return name, None, line_at(pos)
    cm = _CAPITAL.search(text[:20000])
    if cm:
        country = capital_country(cm.group(1))
        if country:
            return country.name, country, line_at(cm.start())
    counts: dict[str, tuple[int, int]] = {}
    for m in _names_in(text[:60000]):
        c = reg.find(m.group())
        if c:
            n, first = counts.get(c.iso3, (0, m.start()))
            counts[c.iso3] = (n + 1, first)
    if counts:
        iso3 = max(counts, key=lambda k: (counts[k][0], -counts[k][1]))
        return reg.by_iso3[iso3].name, reg.by_iso3[iso3], line_at(counts[iso3][1])
    if subjects:  # a country the registry does not know, named as the rating's subject
        name, pos = subjects[0]
        return name, None, line_at(pos)
    return None, None, None


_RATING = re.compile(r"\brating\b")
_WORD = re.compile(r"\S+")


def _subjects(text: str) -> list[tuple[str, int]]:
    """Possessive subjects of rating sentences ("Valdoria's rating for ...", "Valdoria's
    corruption rating ..."), found by walking back word by word from each "rating"."""
    out = []
    for r in _RATING.finditer(text):
        words = list(_WORD.finditer(text, max(0, r.start() - 120), r.start()))[-9:]
        for i in range(len(words) - 1, -1, -1):
            w = words[i].group()
            if w.endswith(("'s", "’s")) and w[:1].isupper():
                parts = [words[i]]
                for j in range(i - 1, max(i - 4, -1), -1):
                    if words[j].group()[:1].isupper() and words[j].group()[-1:].isalpha():
                        parts.insert(0, words[j])
                    else:
                        break
                name = " ".join(p.group() for p in parts)[:-2]
                out.append((name, parts[0].start()))
                break
            if not (w.islower() or w == ","):
                break
    return out


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


def find_regime(text: str, m: Methodology, line_at) -> tuple[str | None, int | None]:
    """The printed regime type: after "Regime Classification:" or, on web pages, the line that
    is a band name. Returned as printed, spaces around hyphens tidied ("Semi - Consolidated")."""
    rm = _REGIME_LINE.search(text)
    if rm:
        return tidy_regime(rm.group(1)), line_at(rm.start(1))
    labels = {regime_key(n) for b in m.bands for n in (b.name, *b.names.values())}
    offset = 0
    for line in text.split("\n"):
        if regime_key(line) in labels and line.strip():
            return tidy_regime(line), line_at(offset)
        offset += len(line) + 1
    return None, None


def tidy_regime(text: str) -> str:
    return re.sub(r"\s*-\s*", "-", " ".join(text.split())).strip(" .:")


def regime_key(text: str) -> str:
    """Compare regime names loosely: case, hyphen spacing and "Government" do not matter."""
    t = re.sub(r"[^a-z]", "", text.lower())
    return t.replace("transitionalgovernmentor", "transitionalor")
