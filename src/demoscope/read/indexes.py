"""Lists: the countries and editions a database holds, and the methodology in brief.

``demoscope countries --json`` and ``GET /api/v1/countries`` print the same list; the
editions list has two faces with contracts of their own (the CLI's lists the countries
rated, the API's counts them), both built here from one query.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from demoscope.countries import registry
from demoscope.methodology import Direction, Edition, Methodology
from demoscope.store import reads
from demoscope.store.reads import Reader


class CountryEntry(TypedDict):
    iso3: str
    country: str
    region: str
    subregion: str
    aliases: list[str]
    editions: list[int]


class EditionEntry(TypedDict):
    """``GET /api/v1/editions``: an edition and how many countries it rates in the database."""

    edition: int
    label: str
    direction: str
    categories: list[str]
    countries: int


class EditionCoverage(TypedDict):
    """``demoscope editions --json``: an edition, the countries it rates and how many ratings."""

    edition: int
    label: str
    direction: str
    categories: list[str]
    countries: list[str]
    ratings: int


class Scale(TypedDict):
    min: float
    max: float
    step: float


class ScoreRuleOut(TypedDict):
    code: str
    name: str
    decimals: int
    rounding: str


class CategoryOut(TypedDict):
    code: str
    name: str
    covers: str


class MethodologyEdition(TypedDict):
    edition: int
    label: str
    direction: str
    categories: list[str]


class MethodologySummary(TypedDict):
    """``demoscope methodology --json`` and ``GET /api/v1/methodology``. A band carries its
    ``code``, ``name``, a ``[low, high]`` range under each direction label it has (``1_best``,
    ``7_best``) and its ``percentage`` range (or null)."""

    code: str
    name: str
    version: str
    scale: Scale
    score: ScoreRuleOut
    categories: list[CategoryOut]
    editions: list[MethodologyEdition]
    bands: list[dict[str, Any]]


def countries(read: Reader, m: Methodology) -> list[CountryEntry]:
    """Every country in the database with region, aliases and the editions it is rated in,
    ordered by name."""
    years = reads.rated_years(read, m.code)
    reg = registry()
    out: list[CountryEntry] = []
    for iso3 in reads.country_codes(read):
        c = reg.find(iso3)
        out.append({"iso3": iso3, "country": c.name if c else iso3,
                    "region": c.region if c else "", "subregion": c.subregion if c else "",
                    "aliases": list(c.aliases) if c else [], "editions": years.get(iso3, [])})
    out.sort(key=lambda e: e["country"])
    return out


def editions(read: Reader, m: Methodology) -> list[EditionEntry]:
    """Every edition of the methodology with its label, scale, categories and how many
    countries it rates in the database (0 for editions not loaded)."""
    cover = reads.edition_coverage(read, m.code)
    return [{"edition": e.year, "label": e.label, "direction": m.direction_label(e.direction),
             "categories": list(e.categories), "countries": len(cover.get(e.year, {}))}
            for e in _with_continued(m, cover)]


def edition_coverage(read: Reader, m: Methodology) -> list[EditionCoverage]:
    """Every edition with the ISO codes it rates in the database and its number of ratings."""
    cover = reads.edition_coverage(read, m.code)
    return [{"edition": e.year, "label": e.label, "direction": m.direction_label(e.direction),
             "categories": list(e.categories), "countries": sorted(cover.get(e.year, {})),
             "ratings": sum(cover.get(e.year, {}).values())}
            for e in _with_continued(m, cover)]


def _with_continued(m: Methodology, cover: dict[int, dict[str, int]]) -> list[Edition]:
    """The methodology's editions, then the later ones a team published (continued editions
    with data in the database)."""
    return [*m.editions.values(), *(m.edition(y) for y in sorted(cover) if y not in m.editions)]


def sample_countries(read: Reader, m: Methodology) -> list[str]:
    """Countries to start with where a page or an example needs some: the methodology's
    ``[site] compare`` list, or the first three countries of the database."""
    return list(m.site.get("compare", ())) or reads.country_codes(read)[:3]


def methodology_summary(m: Methodology) -> MethodologySummary:
    """The methodology in brief: scale, score rule, categories, editions and regime bands
    (each band's ranges under the direction labels, e.g. ``"1_best": [1.0, 2.99]``)."""
    return {
        "code": m.code, "name": m.name, "version": m.version,
        "scale": {"min": float(m.scale.min), "max": float(m.scale.max),
                  "step": float(m.scale.step)},
        "score": {"code": m.score.code, "name": m.score.name, "decimals": m.score.decimals,
                  "rounding": m.score.rounding},
        "categories": [{"code": c.code, "name": c.name, "covers": c.covers}
                       for c in m.categories.values()],
        "editions": [{"edition": e.year, "label": e.label,
                      "direction": m.direction_label(e.direction),
                      "categories": list(e.categories)} for e in m.editions.values()],
        "bands": [{"code": b.code, "name": b.name,
                   **{m.direction_label(d): [float(x) for x in b.ranges[d]]
                      for d in Direction if d in b.ranges},
                   "percentage": [float(x) for x in b.percentage] if b.percentage else None}
                  for b in m.bands],
    }


class SearchResult(TypedDict):
    """What a reader's query names: a country (and an edition, for "Hungary 2008"), or the
    names to suggest."""

    query: str
    iso3: str | None
    edition: int | None
    suggestions: list[str]


def search(m: Methodology, text: str) -> SearchResult:
    """Read a search box: a country by code, name, alias or unique prefix ("czech"), with an
    optional edition year before or after it ("Hungary 2008", "2000 Poland" → the 1999–2000
    edition); else suggestions, prefixes first ("mac" → North Macedonia)."""
    import re

    words = text.split()
    year: int | None = None
    for i in (len(words) - 1, 0):
        if words and re.fullmatch(r"\d{4}", words[i]):
            year = int(words.pop(i))
            break
    name = " ".join(words)
    reg = registry()
    found = reg.search(name) if name else None
    ed = m.edition_for(year) if year is not None else None
    return {"query": text, "iso3": found.iso3 if found else None,
            "edition": ed.year if ed else None,
            "suggestions": [] if found else reg.suggest(name) if name else []}
