"""Ratings as tables for analysts: the tidy long frame, the wide frame, and exports.

Tidy long is the default shape (one row per country, edition, category) because it is what
pandas, R and spreadsheets pivot best; ``wide`` gives one row per country-edition.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from demoscope.errors import InvalidRating
from demoscope.methodology import Direction, Methodology, fmt

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy.orm import Session

COLUMNS = ["country", "iso3", "edition", "category", "rating", "direction"]
FORMATS = ("csv", "json", "xlsx", "parquet")


def rows_from_facts(facts: Iterable, m: Methodology, direction: Direction | None = None) -> list[dict]:
    """Tidy rows from stored facts or dataset records, on each edition's own scale unless a
    ``direction`` is given (then every value is converted to it)."""
    out = []
    for f in facts:
        ed = m.edition(f.year)
        target = direction or ed.direction
        value = m.to_direction(f.value, ed.direction, target)
        out.append({"country": f.country, "iso3": f.iso3, "edition": f.year,
                    "category": f.category, "rating": float(fmt(value)),
                    "direction": m.direction_label(target)})
    return out


def frame(rows: list[dict], wide: bool = False, order: list[str] | None = None) -> pd.DataFrame:
    """The tidy frame, or the wide one with category columns in ``order`` (the methodology's
    category order; alphabetical without it)."""
    import pandas as pd

    df = pd.DataFrame(rows, columns=COLUMNS)
    if not wide:
        return df
    wide_df = df.pivot_table(index=["country", "iso3", "edition", "direction"], columns="category",
                             values="rating", aggfunc="first").reset_index()
    wide_df.columns.name = None
    if order:
        cats = [c for c in order if c in wide_df.columns]
        cats += [c for c in wide_df.columns[4:] if c not in cats]
        wide_df = wide_df[[*wide_df.columns[:4], *cats]]
    return wide_df


def codebook(m: Methodology, wide: bool = False) -> list[tuple[str, str]]:
    """``(column, meaning)`` for every column of an export, generated from the methodology so
    a data file and its documentation cannot drift apart."""
    s = m.scale
    cats = "; ".join(f"{c.code} = {c.name}" for c in m.categories.values())
    scale = (f"{fmt(s.min)} to {fmt(s.max)} in steps of {fmt(s.step)}; "
             f"a value converts to the other direction as {fmt(s.min + s.max, 0)} − x, exactly")
    lines = [
        ("country", "Country name as the database holds it."),
        ("iso3", "ISO 3166-1 alpha-3 code (user-assigned XKX for Kosovo)."),
        ("edition", f"Edition year of {m.name}{_coverage_text(m)}."),
    ]
    if wide:
        lines.append(("direction", _direction_text(m)))
        lines += [(c.code, f"{c.name} rating ({scale}); empty where the edition does not rate it.")
                  for c in m.categories.values()]
    else:
        lines += [("category", f"Category code: {cats}."),
                  ("rating", f"The rating: {scale}."),
                  ("direction", _direction_text(m))]
    return lines


def _coverage_text(m: Methodology) -> str:
    ed = next(iter(m.editions.values()), None)
    if ed is None:
        return ""
    lag = ed.year - ed.coverage_start.year
    return ("; an edition covers the events of its own year" if lag == 0 else
            f"; edition YEAR covers the events of YEAR − {lag} (1 January – 31 December)")


def _direction_text(m: Methodology) -> str:
    low, high = (m.direction_label(d) for d in (Direction.LOW_BEST, Direction.HIGH_BEST))
    return (f"Scale of the row's values: {low} = {fmt(m.scale.min, 0)} is most democratic, "
            f"{high} = {fmt(m.scale.max, 0)} is most democratic. Each edition publishes one of "
            "them; an export asked for one direction converts every value to it.")


def db_frame(session: Session, m: Methodology, *, direction: Direction | None = None,
             wide: bool = False, **filters) -> pd.DataFrame:
    """Ratings from the database as a DataFrame (filters as :func:`store.repo.ratings`)."""
    from demoscope.store import repo

    return frame(rows_from_facts(repo.ratings(session, m, **filters), m, direction), wide,
                 list(m.categories))


def builtin_frame(m: Methodology, *, direction: Direction | None = None, wide: bool = False
                  ) -> pd.DataFrame:
    """The built-in dataset's ratings (no database needed); printed scores are left out."""
    from demoscope.dataset import builtin_records

    recs = [r for r in builtin_records() if r.category in m.categories]
    return frame(rows_from_facts(recs, m, direction), wide, list(m.categories))


def write(df: pd.DataFrame, fmt_name: str, target: Path | None) -> bytes | None:
    """Write a frame as csv/json/xlsx/parquet to ``target`` (atomically: a temp file renamed),
    or return the bytes when ``target`` is None (stdout or an HTTP download)."""
    import io
    import os
    import tempfile

    if fmt_name not in FORMATS:
        raise InvalidRating(f"format {fmt_name!r} is not one of: {', '.join(FORMATS)}",
                            field="format")
    buf = io.BytesIO()
    if fmt_name == "csv":
        buf.write(df.to_csv(index=False).encode())
    elif fmt_name == "json":
        buf.write(df.to_json(orient="records", indent=1).encode())
    elif fmt_name == "xlsx":
        df.to_excel(buf, index=False, sheet_name="ratings")
    else:
        df.to_parquet(buf, index=False)
    data = buf.getvalue()
    if target is None:
        return data
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, target)
    return None
