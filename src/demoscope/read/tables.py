"""The tables the pages show, as plain rows: what "download what you see" downloads.

Every table page links its own CSV and XLSX; both are built here from the same read model the
page renders, so a file holds exactly the rows and the scale on screen — plus what a data user
needs beside them: the printed score, the percentage, the regime, the status and flags of each
row (see :mod:`demoscope.read.coverage`) and the source URL.
"""

from __future__ import annotations

from typing_extensions import TypedDict

from demoscope.methodology import Methodology
from demoscope.read.coverage import CoverageGrid
from demoscope.read.overview import EditionOverview, Ranking
from demoscope.read.scorecard import CountryYear
from demoscope.read.series import CompareRow, SeriesEntry
from demoscope.store import reads
from demoscope.store.reads import Reader

Cell = str | int | float | None


class Table(TypedDict):
    """A page's table: a file name (without extension), column names and rows."""

    name: str
    columns: list[str]
    rows: list[list[Cell]]


def _score_columns(m: Methodology) -> list[str]:
    pct = [m.percentage.code] if m.percentage else []
    return [m.score.code, f"published_{m.score.code}", *pct, "regime", "status", "flags"]


def edition_table(read: Reader, m: Methodology, ov: EditionOverview) -> Table:
    """The edition page's table: one row per country, on the page's scale."""
    urls = reads.source_urls(read, m.code)
    cats = ov["categories"]
    rows: list[list[Cell]] = []
    for r in ov["countries"]:
        pct = [r["democracy_percentage"]] if m.percentage else []
        rows.append([r["country"], r["iso3"], ov["edition"], ov["label"], r["region"],
                     ov["direction"], *(r["ratings"][c] for c in cats), r["democracy_score"],
                     r["published_democracy_score"], *pct, r["regime"], r["status"],
                     " ".join(r["flags"]), urls.get((r["iso3"], ov["edition"]))])
    return {"name": f"{m.code}-{ov['edition']}-{ov['direction']}",
            "columns": ["country", "iso3", "edition", "label", "region", "direction", *cats,
                        *_score_columns(m), "source_url"],
            "rows": rows}


def country_table(read: Reader, m: Methodology, iso3: str, country: str,
                  series: list[SeriesEntry], codes: list[str], scale: str) -> Table:
    """The country page's table: one row per edition (``scale``: the page's direction)."""
    urls = reads.source_urls(read, m.code)
    rows: list[list[Cell]] = []
    for s in series:
        pct = [s["democracy_percentage"]] if m.percentage else []
        rows.append([country, iso3, s["edition"], s["label"], s["direction"],
                     *(s["ratings"].get(c) for c in codes), s["democracy_score"],
                     s["published_democracy_score"], *pct, s["regime"], s["status"],
                     " ".join(s["flags"]), urls.get((iso3, s["edition"]))])
    return {"name": f"{m.code}-{iso3}-{scale}",
            "columns": ["country", "iso3", "edition", "label", "direction", *codes,
                        *_score_columns(m), "source_url"],
            "rows": rows}


def country_year_table(m: Methodology, cy: CountryYear) -> Table:
    """The country-year page's table: each category (and printed score) with its change,
    source and justification."""
    card = cy["scorecard"]
    changes = {c["category"]: c for c in card["changes"]}
    sources = {s["code"]: s for s in cy["sources"]}
    ed = m.edition(card["edition"])
    rows: list[list[Cell]] = []
    for code in ed.categories:
        ch, src = changes.get(code), sources.get(code)
        rows.append([card["country"], card["iso3"], card["edition"], cy["label"],
                     card["direction"], code, m.category_name(code, ed), card["ratings"].get(code),
                     ch["from"] if ch else None, ch["verb"] if ch else None,
                     src["justification"] if src else None, src["source_url"] if src else None])
    score = card["democracy_score"]
    src = sources.get(m.score.code)
    rows.append([card["country"], card["iso3"], card["edition"], cy["label"], card["direction"],
                 m.score.code, m.score.name,
                 score if score is not None else card["published_democracy_score"], None,
                 None, "printed score" if score is None and card["published_democracy_score"]
                 is not None else None, src["source_url"] if src else None])
    return {"name": f"{m.code}-{card['iso3']}-{card['edition']}-{card['direction']}",
            "columns": ["country", "iso3", "edition", "label", "direction", "code", "name",
                        "value", "previous_value", "change", "note", "source_url"],
            "rows": rows}


def ranking_table(rk: Ranking) -> Table:
    """The ranking page's table."""
    return {"name": f"ranking-{rk['edition']}-{rk['category']}-{rk['direction']}",
            "columns": ["rank", "country", "iso3", "edition", "category", "value", "printed",
                        "regime", "direction", "shown"],
            "rows": [[r["rank"], r["country"], r["iso3"], rk["edition"], rk["category"],
                      r["value"], "yes" if r["published"] else "", r["regime"], rk["direction"],
                      rk["shown"]] for r in rk["ranks"]]}


def compare_table_file(rows: list[CompareRow], names: dict[str, str], code: str,
                       direction: str) -> Table:
    """The compare page's table: one row per edition, one column per country."""
    return {"name": f"compare-{code}-{direction}",
            "columns": ["edition", *names.values(), "category", "direction"],
            "rows": [[r["year"], *(r["values"].get(i) for i in names), code, direction]
                     for r in rows]}


def coverage_table(grid: CoverageGrid) -> Table:
    """The home page's coverage grid: one row per country, one column per edition."""
    return {"name": "coverage",
            "columns": ["country", "iso3", *(grid["labels"][y] for y in grid["editions"])],
            "rows": [[r["country"], r["iso3"], *(r["statuses"][y] for y in grid["editions"])]
                     for r in grid["countries"]]}
