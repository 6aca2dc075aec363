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


def frame(rows: list[dict], wide: bool = False) -> pd.DataFrame:
    import pandas as pd

    df = pd.DataFrame(rows, columns=COLUMNS)
    if not wide:
        return df
    wide_df = df.pivot_table(index=["country", "iso3", "edition", "direction"], columns="category",
                             values="rating", aggfunc="first").reset_index()
    wide_df.columns.name = None
    return wide_df


def db_frame(session: Session, m: Methodology, *, direction: Direction | None = None,
             wide: bool = False, **filters) -> pd.DataFrame:
    """Ratings from the database as a DataFrame (filters as :func:`store.repo.ratings`)."""
    from demoscope.store import repo

    return frame(rows_from_facts(repo.ratings(session, m, **filters), m, direction), wide)


def builtin_frame(m: Methodology, *, direction: Direction | None = None, wide: bool = False
                  ) -> pd.DataFrame:
    """The built-in dataset's ratings (no database needed); printed scores are left out."""
    from demoscope.dataset import builtin_records

    recs = [r for r in builtin_records() if r.category in m.categories]
    return frame(rows_from_facts(recs, m, direction), wide)


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
