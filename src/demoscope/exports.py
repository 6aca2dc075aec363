"""Export files of the ratings: tidy or wide frames, CSV/JSON/XLSX/Parquet, the codebook, and
the data version stamped on every file.

Tidy long is the default shape (one row per country, edition, category: see
:mod:`demoscope.read.ratings`); ``wide`` gives one row per country-edition. Every file says
which data it holds (:class:`Stamp`): a ``data_version`` field in each JSON record, workbook
properties and an ``about`` sheet in XLSX, schema metadata in Parquet, and a sidecar
``FILE.meta.json`` beside a CSV file (a comment line would break CSV readers).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from demoscope.errors import InvalidRating
from demoscope.files import Written, write_bytes
from demoscope.methodology import Direction, Methodology
from demoscope.numbers import fmt
from demoscope.read.ratings import COLUMNS, TidyRating, stored_ratings, tidy_rows
from demoscope.store.reads import Reader, data_version

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl import Workbook

FORMATS = ("csv", "json", "xlsx", "parquet")
#: What an export holds: stored ratings (as printed, imported or entered), reconstructed ratings
#: (each row with its provenance: never printed by a source), one row of scores per
#: country-edition (computed, or published headline values where no ratings are held), or the
#: estimates with their 90 % intervals (:mod:`demoscope.read.estimates`).
TABLES = ("ratings", "reconstructed", "scores", "estimates")
RECONSTRUCTED_COLUMNS = [*COLUMNS, "status", "provenance"]
SCORE_COLUMNS = ["country", "iso3", "edition", "status", "democracy_score",
                 "democracy_percentage", "regime", "published_democracy_score",
                 "published_democracy_percentage", "published_regime", "reconstructed",
                 "direction"]


@dataclass(frozen=True)
class Stamp:
    """What an export file carries about its data, so a user can say which data they have."""

    producer: str
    methodology: str
    dataset: str
    data_version: str
    shape: str
    direction: str
    rows: int
    table: str = "ratings"

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=1).encode() + b"\n"


def stamp(m: Methodology, dataset: str, version: str, *, rows: int, wide: bool,
          direction: Direction | None, table: str = "ratings") -> Stamp:
    """The stamp of an export of ``rows`` rows read at data version ``version``."""
    from importlib.metadata import version as installed

    return Stamp(f"demoscope {installed('demoscope')}", f"{m.code} {m.version}", dataset, version,
                 "wide" if wide else "tidy",
                 m.direction_label(direction) if direction else "each edition's own", rows, table)


def frame(rows: Sequence[TidyRating], wide: bool = False, order: list[str] | None = None
          ) -> pd.DataFrame:
    """The tidy frame, or the wide one with category columns in ``order`` (the methodology's
    category order; alphabetical without it)."""
    import pandas as pd

    df = pd.DataFrame(list(rows), columns=COLUMNS)
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


def database_frame(read: Reader, m: Methodology, *, direction: Direction | None = None,
                   wide: bool = False, iso3s: list[str] | None = None, first: int | None = None,
                   last: int | None = None) -> tuple[pd.DataFrame, Stamp]:
    """The database's ratings as a frame, with the stamp of the data it was read from (the
    version is read first: a write that lands meanwhile makes the data newer, never older)."""
    version = data_version(read)
    rows = stored_ratings(read, m, direction=direction, iso3s=iso3s, first=first, last=last)
    df = frame(rows, wide, list(m.categories))
    if wide:
        df = _with_scores(read, m, df, direction, iso3s, first, last)
    return df, stamp(m, version.dataset, version.label, rows=len(df), wide=wide,
                     direction=direction)


def check_table(name: str) -> str:
    """The export table name in lower case, or :class:`InvalidRating` listing them."""
    table = name.lower()
    if table not in TABLES:
        raise InvalidRating(f"table {name!r} is not one of: {', '.join(TABLES)}", field="table")
    return table


def table_frame(read: Reader, m: Methodology, table: str, *, direction: Direction | None = None,
                wide: bool = False, iso3s: list[str] | None = None, first: int | None = None,
                last: int | None = None) -> tuple[pd.DataFrame, Stamp]:
    """One of the export :data:`TABLES` as a frame with its stamp: ``ratings`` is
    :func:`database_frame`; ``reconstructed`` holds the reconstructed ratings, every row marked
    ``status`` = "reconstructed" with its ``provenance`` (wide: one row per country-edition);
    ``scores`` one row per country-edition with its ``status`` and, apart from the computed
    score, the published headline values (the only values of a "headline-only" one)."""
    import pandas as pd

    table = check_table(table)
    if table == "ratings":
        return database_frame(read, m, direction=direction, wide=wide, iso3s=iso3s, first=first,
                              last=last)
    version = data_version(read)
    if table == "reconstructed":
        df = pd.DataFrame(reconstructed_rows(read, m, direction=direction, iso3s=iso3s,
                                             first=first, last=last),
                          columns=RECONSTRUCTED_COLUMNS)
        if wide and len(df):
            df = df.pivot_table(index=["country", "iso3", "edition", "direction", "status",
                                       "provenance"], columns="category", values="rating",
                                aggfunc="first").reset_index()
            df.columns.name = None
            cats = [c for c in m.categories if c in df.columns]
            df = df[[*df.columns[:6], *cats]]
    elif table == "estimates":
        df = estimates_frame(read, m, direction=direction, wide=wide, iso3s=iso3s, first=first,
                             last=last)
    else:
        from demoscope.read.series import scores

        years = sorted(m.editions)
        rows = scores(read, m, iso3s, first if first is not None else years[0],
                      last if last is not None else years[-1], direction)
        rows = [r for r in rows if r["status"] != "none"]
        df = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    return df, stamp(m, version.dataset, version.label, rows=len(df), wide=wide,
                     direction=direction, table=table)


def estimates_frame(read: Reader, m: Methodology, *, direction: Direction | None = None,
                    wide: bool = False, iso3s: list[str] | None = None, first: int | None = None,
                    last: int | None = None) -> pd.DataFrame:
    """Every country-edition-category and score with its estimate and 90 % interval (the public
    fit: published editions only). Wide: one row per country-edition with ``CODE``,
    ``CODE_lo``, ``CODE_hi`` per category and the score (V-Dem's ``_codelow``/``_codehigh``),
    and ``note`` listing the notes of the row's values."""
    import pandas as pd

    from demoscope.read.estimates import ESTIMATE_COLUMNS, estimates, public_fit

    rows = estimates(read, m, public_fit(read, m), iso3s=iso3s, first=first, last=last,
                     direction=direction)
    df = pd.DataFrame(rows, columns=ESTIMATE_COLUMNS)
    if not wide or df.empty:
        return df
    keys = ["country", "iso3", "edition", "direction"]
    codes = [c for c in [*m.categories, m.score.code] if c in set(df["category"])]
    out = df[keys].drop_duplicates().reset_index(drop=True)
    for code in codes:
        part = df[df["category"] == code][[*keys, "estimate", "lo", "hi"]].rename(columns={
            "estimate": code, "lo": f"{code}_lo", "hi": f"{code}_hi"})
        out = out.merge(part, on=keys, how="left")
    notes = (df.dropna(subset=["note"]).groupby(keys)["note"]
             .agg(lambda s: "; ".join(dict.fromkeys(s))).reset_index())
    return out.merge(notes, on=keys, how="left")


def reconstructed_rows(read: Reader, m: Methodology, *, direction: Direction | None = None,
                       iso3s: list[str] | None = None, first: int | None = None,
                       last: int | None = None) -> list[dict[str, object]]:
    """Tidy rows of the reconstructed ratings, each with ``status`` and ``provenance``."""
    from demoscope.countries import registry
    from demoscope.numbers import num
    from demoscope.store.reads import reconstructed

    reg = registry()
    order = {c: i for i, c in enumerate(m.categories)}
    out: list[dict[str, object]] = []
    for (iso3, year), rec in reconstructed(read, m.code, iso3s).items():
        if (first is not None and year < first) or (last is not None and year > last):
            continue
        ed = m.edition(year)
        target = direction or ed.direction
        c = reg.find(iso3)
        for cat, value in rec.values.items():
            out.append({"country": c.name if c else iso3, "iso3": iso3, "edition": year,
                        "category": cat,
                        "rating": num(m.to_direction(value, ed.direction, target)),
                        "direction": m.direction_label(target), "status": "reconstructed",
                        "provenance": rec.provenance})
    out.sort(key=lambda r: (str(r["country"]), int(str(r["edition"])),
                            order.get(str(r["category"]), 99)))
    return out


def _with_scores(read: Reader, m: Methodology, df: pd.DataFrame, direction: Direction | None,
                 iso3s: list[str] | None, first: int | None, last: int | None) -> pd.DataFrame:
    """The wide frame with what a data user needs beside the ratings: the score (computed),
    the printed score, the percentage, the regime, the row's status and flags (values demoscope
    derived) and the source URL; rows with a printed score only are added."""
    import pandas as pd

    from demoscope.read.series import scores
    from demoscope.store.reads import source_urls

    years = sorted(m.editions)
    found = scores(read, m, iso3s, first or years[0], last or years[-1], direction)
    urls = source_urls(read, m.code)
    pct = m.percentage.code if m.percentage else "percentage"
    extra = pd.DataFrame([{
        "country": s["country"], "iso3": s["iso3"], "edition": s["edition"],
        "direction": s["direction"], m.score.code: s["democracy_score"],
        f"published_{m.score.code}": s["published_democracy_score"],
        pct: s["democracy_percentage"], f"published_{pct}": s["published_democracy_percentage"],
        "regime": s["regime"], "published_regime": s["published_regime"], "status": s["status"],
        "flags": " ".join(s["flags"]), "source_url": urls.get((s["iso3"], s["edition"]))}
        for s in found])
    if extra.empty:
        return df
    keys = ["country", "iso3", "edition", "direction"]
    out = df.merge(extra, on=keys, how="outer") if not df.empty else extra
    return out.sort_values(["country", "edition"]).reset_index(drop=True)


def builtin_frame(m: Methodology, *, direction: Direction | None = None, wide: bool = False
                  ) -> pd.DataFrame:
    """The built-in dataset's ratings (no database needed); printed scores are left out."""
    from demoscope.dataset import builtin_records

    recs = [r for r in builtin_records() if r.category in m.categories]
    return frame(tidy_rows(recs, m, direction), wide, list(m.categories))


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
        lines += _score_codebook(m)
    else:
        lines += [("category", f"Category code: {cats}."),
                  ("rating", f"The rating: {scale}."),
                  ("direction", _direction_text(m))]
    return lines


def table_codebook(m: Methodology, table: str) -> list[tuple[str, str]]:
    """``(column, meaning)`` of the columns the ``reconstructed`` and ``scores`` exports add
    or hold (the ``ratings`` columns are :func:`codebook`'s)."""
    pct = m.percentage.name if m.percentage else "percentage"
    if table == "estimates":
        return _estimates_codebook(m)
    if table == "reconstructed":
        return [*codebook(m), (
            "status", "Always 'reconstructed': no source prints this rating. It was rebuilt "
            "from the country's last full row and the score changes printed since, and kept "
            f"only because the row reproduces the printed {m.score.name}"
            f" (and {pct})."),
            ("provenance", "Which full row and which printed changes it comes from, e.g. "
             "'reconstructed from 2018 + changes printed in 2019'.")]
    return [
        ("country", "Country name."), ("iso3", "ISO 3166-1 alpha-3 code."),
        ("edition", f"Edition year of {m.name}."),
        ("status", "What the database holds for the country-edition: complete (every category "
                   "rated), reconstructed, partial, or headline-only (published headline values, "
                   "no category ratings)."),
        ("democracy_score", f"{m.score.name} computed from the stored ratings (exact mean, half "
                            "up); empty unless the row is complete."),
        ("democracy_percentage", f"{pct} computed from the unrounded mean; empty unless complete."),
        ("regime", "Regime type of the computed score."),
        ("published_democracy_score", f"The {m.score.name} as published (a table's, or the "
                                      "headline of a country page), on the row's direction."),
        ("published_democracy_percentage", f"The {pct} as published."),
        ("published_regime", "The regime label as a country page prints it."),
        ("reconstructed", "Provenance of a reconstructed row (its ratings are in the "
                          "reconstructed export), else empty."),
        ("direction", _direction_text(m)),
    ]


def _estimates_codebook(m: Methodology) -> list[tuple[str, str]]:
    """The ``estimates`` export's columns (tidy; the wide file has ``CODE``, ``CODE_lo`` and
    ``CODE_hi`` per category and score instead of the last seven)."""
    from demoscope.read.estimates import NO_PROPOSAL, PUBLISHED_ONLY

    return [
        ("country", "Country name."), ("iso3", "ISO 3166-1 alpha-3 code."),
        ("edition", f"Edition year of {m.name} (editions a team ran with demoscope's workflow "
                    "after the last published one included)."),
        ("category", f"Category code, or {m.score.code} for the {m.score.name}."),
        ("rating", f"The published value: the rating, or the {m.score.name} computed from the "
                   "ratings (rounded as published); empty where a category is missing."),
        ("estimate", "The measurement model's estimate of the value (docs/stats.md) for "
                     "editions run with the workflow, fitted to every participant's latest "
                     f"proposal; elsewhere the published value. The {m.score.name}'s estimate "
                     "is the unrounded weighted mean of its categories' estimates."),
        ("lo", "Lower end of the 90 % interval of the estimate; empty where none can be "
               "estimated (see note). The score's interval is propagated through the model "
               "(its categories share the raters' leniencies), not averaged."),
        ("hi", "Upper end of the 90 % interval; empty where none can be estimated."),
        ("raters", "How many readings the estimate rests on: the participants' proposals, or 1 "
                   "(the published consensus)."),
        ("source", "model (estimated from the proposals) or published (the published value "
                   "is the only reading)."),
        ("note", f"Why there is no interval, e.g. '{PUBLISHED_ONLY}' (every historic edition: "
                 f"only the consensus was published), '{NO_PROPOSAL}', or a cell with one "
                 "proposal."),
        ("direction", _direction_text(m)),
    ]


def _score_codebook(m: Methodology) -> list[tuple[str, str]]:
    """The wide files' score columns (see :func:`database_frame`)."""
    from demoscope.read.coverage import FLAG_TEXT, STATUS_TEXT

    pct = m.percentage
    out = [(m.score.code, f"{m.score.name} computed from the row's ratings ({m.score.decimals} "
                          "decimals, half up); empty where a category is missing."),
           (f"published_{m.score.code}", f"{m.score.name} as the source printed it, where the "
                                         "dataset has it (on the row's scale)."),
           ]
    if pct:
        out.append((pct.code, f"{pct.name} computed from the unrounded mean"
                              + (f"; published from {pct.introduced} only, earlier values are "
                                 "demoscope's (flag percentage_derived)" if pct.introduced else "")
                              + "."))
    out += [("regime", "Regime type from the score bands (the printed score where categories "
                       "are missing), named as the row's edition names it."),
            ("status", "; ".join(f"{k}: {v}" for k, v in STATUS_TEXT.items()) + "."),
            ("flags", "; ".join(f"{k}: {v}" for k, v in FLAG_TEXT.items()) + "."),
            ("source_url", "The publication most of the row's values were read from.")]
    return out


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


def check_format(name: str) -> str:
    """The format name in lower case, or :class:`InvalidRating` listing the formats."""
    fmt_name = name.lower()
    if fmt_name not in FORMATS:
        raise InvalidRating(f"format {name!r} is not one of: {', '.join(FORMATS)}", field="format")
    return fmt_name


def to_bytes(df: pd.DataFrame, fmt_name: str, st: Stamp | None = None) -> bytes:
    """A frame as csv/json/xlsx/parquet bytes, with the stamp inside where the format has room
    for it (JSON, XLSX, Parquet; a CSV's stamp goes beside it, see :func:`write`)."""
    fmt_name = check_format(fmt_name)
    buf = io.BytesIO()
    if fmt_name == "csv":  # values as the site prints them: 4.00, not 4.0
        buf.write(df.to_csv(index=False, float_format="%.2f").encode())
    elif fmt_name == "json":
        out = df.assign(data_version=st.data_version) if st is not None else df
        buf.write(out.to_json(orient="records", indent=1).encode())
    elif fmt_name == "xlsx":
        _xlsx(df, buf, st)
    else:
        _parquet(df, buf, st)
    return buf.getvalue()


def _xlsx(df: pd.DataFrame, buf: io.BytesIO, st: Stamp | None) -> None:
    import pandas as pd

    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        df.to_excel(xw, index=False, sheet_name="ratings")
        if st is None:
            return
        stamp_workbook(xw.book, st)


def stamp_workbook(book: Workbook, st: Stamp) -> None:
    """The stamp in a workbook: its properties (creator, description, ``demoscope.*`` custom
    properties) and an ``about`` sheet of key/value rows (exports and data releases)."""
    from openpyxl.packaging.custom import StringProperty

    book.properties.creator = st.producer
    book.properties.description = f"data version {st.data_version} ({st.methodology})"
    for key, value in asdict(st).items():
        book.custom_doc_props.append(StringProperty(name=f"demoscope.{key}", value=str(value)))
    about = book.create_sheet("about")
    about.append(["key", "value"])
    for key, value in asdict(st).items():
        about.append([key, value])


def parquet_metadata(st: Stamp) -> dict[bytes, bytes]:
    """The stamp as Parquet schema metadata: the key ``demoscope``, the stamp as JSON."""
    return {b"demoscope": json.dumps(asdict(st)).encode()}


def _parquet(df: pd.DataFrame, buf: io.BytesIO, st: Stamp | None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    if st is not None:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               **parquet_metadata(st)})
    pq.write_table(table, buf)


def write(df: pd.DataFrame, fmt_name: str, target: str | Path, st: Stamp | None = None
          ) -> Written:
    """Write a frame to ``target`` safely (:func:`demoscope.files.write_bytes`: a regular file
    atomically, ``-`` or ``/dev/stdout`` to standard output, a device or FIFO written through,
    nothing else replaced) and, for CSV into a regular file, the stamp to ``target.meta.json``
    beside it. Returns where the data went."""
    data = to_bytes(df, fmt_name, st)
    written = write_bytes(target, data)
    if st is not None and fmt_name == "csv" and written.kind == "file":
        write_bytes(sidecar(Path(target)), st.to_json())
    return written


def sidecar(target: Path) -> Path:
    """Where a CSV file's stamp goes: ``ratings.csv`` → ``ratings.csv.meta.json``."""
    return target.with_name(target.name + ".meta.json")


def table_bytes(columns: Sequence[str], rows: Sequence[Sequence[object]], fmt_name: str,
                st: Stamp) -> bytes:
    """A page's table (:mod:`demoscope.read.tables`) as CSV or XLSX: numbers with two decimals
    as the site prints them (``4.00``, not ``4.0``; exact: the values are quarter points and
    two-decimal scores), and the data version inside the file (a last ``data_version`` column
    in CSV, the ``about`` sheet and properties in XLSX)."""
    import pandas as pd

    df = pd.DataFrame([list(r) for r in rows], columns=list(columns))
    if fmt_name == "csv":
        out = df.assign(data_version=st.data_version)
        return out.to_csv(index=False, float_format="%.2f").encode()
    if fmt_name != "xlsx":
        raise InvalidRating(f"format {fmt_name!r} is not one of: csv, xlsx", field="format")
    buf = io.BytesIO()
    _xlsx(df, buf, st)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(buf.getvalue()))
    for row in book["ratings"].iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    book["ratings"].title = "table"
    out_buf = io.BytesIO()
    book.save(out_buf)
    return out_buf.getvalue()


def table_stamp(m: Methodology, version: str, dataset: str, name: str, direction: str,
                rows: int) -> Stamp:
    """The stamp of a page's table."""
    from importlib.metadata import version as installed

    return Stamp(f"demoscope {installed('demoscope')}", f"{m.code} {m.version}", dataset, version,
                 f"table {name}", direction, rows)
