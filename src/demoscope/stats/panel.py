"""A panel of ratings: who rated which country-edition-category with which value.

:class:`Panel` holds the ratings as index arrays (what the fit needs) plus their labels (what
people read). :func:`read_ratings_csv` reads the ``country, edition, category, rater, value``
file that ``demoscope estimate --ratings`` takes, checking every row against the methodology:
a bad row stops the read with one :class:`~demoscope.errors.DataError` naming file, line and
field, and nothing is estimated from a half-read file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from demoscope.errors import DataError, DemoscopeError
from demoscope.files import write_text
from demoscope.methodology import Methodology, frac

COLUMNS = ("country", "edition", "category", "rater", "value")
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "—"})


@dataclass(frozen=True)
class Rating:
    """One rating as read: ``line`` is where it came from (for messages), 0 when built in code."""

    country: str
    edition: int
    category: str
    rater: str
    value: float
    line: int = 0


@dataclass
class Panel:
    """Ratings indexed for the fit. Cells are sorted by country, category, edition, so that each
    country-category (a *chain* linked over editions) is a contiguous run of cells."""

    countries: list[str]
    categories: list[str]
    raters: list[str]
    cell_country: np.ndarray  # (C,) index into countries
    cell_category: np.ndarray  # (C,) index into categories
    cell_edition: np.ndarray  # (C,) edition year
    rating_cell: np.ndarray  # (N,) index into cells
    rating_rater: np.ndarray  # (N,) index into raters
    rating_value: np.ndarray  # (N,) value on the methodology's grid
    source: str = "<memory>"
    skipped: int = 0  # rows without a value (missing ratings) left out when reading
    notes: list[str] = field(default_factory=list)

    @property
    def n_ratings(self) -> int:
        return len(self.rating_value)

    @property
    def n_cells(self) -> int:
        return len(self.cell_edition)

    def cell_counts(self) -> np.ndarray:
        return np.bincount(self.rating_cell, minlength=self.n_cells)

    def cell_means(self) -> np.ndarray:
        """The plain mean of the raters' values per cell: the baseline the model must beat."""
        return np.bincount(self.rating_cell, self.rating_value, self.n_cells) / self.cell_counts()

    def cell_key(self, c: int) -> tuple[str, int, str]:
        return (self.countries[self.cell_country[c]], int(self.cell_edition[c]),
                self.categories[self.cell_category[c]])

    @classmethod
    def from_ratings(cls, ratings: Iterable[Rating], *, source: str = "<memory>",
                     skipped: int = 0) -> Panel:
        """Index ratings; a rater who rates the same cell twice is an error naming both lines."""
        rows = list(ratings)
        if not rows:
            raise DataError("no ratings to estimate from", where=source)
        country = [r.country for r in rows]
        try:
            return cls.from_arrays(country, [r.edition for r in rows], [r.category for r in rows],
                                   [r.rater for r in rows], [r.value for r in rows],
                                   source=source, skipped=skipped)
        except _Duplicate as dup:
            first, second = rows[dup.first], rows[dup.second]
            where = f"{source}:{second.line}:rater" if second.line else source
            raise DataError(
                f"rater {second.rater!r} rates {second.country} {second.edition} {second.category} "
                f"twice (also on line {first.line})", field="rater", where=where) from None

    @classmethod
    def from_arrays(cls, country: Sequence[str] | np.ndarray, edition: Sequence[int] | np.ndarray,
                    category: Sequence[str] | np.ndarray, rater: Sequence[str] | np.ndarray,
                    value: Sequence[float] | np.ndarray, *, source: str = "<memory>",
                    skipped: int = 0) -> Panel:
        """Index parallel sequences of labels and values (the simulator's fast path)."""
        countries, ci = np.unique(np.asarray(country, dtype=object).astype(str), return_inverse=True)
        categories, ki = np.unique(np.asarray(category, dtype=object).astype(str), return_inverse=True)
        raters, ri = np.unique(np.asarray(rater, dtype=object).astype(str), return_inverse=True)
        ed = np.asarray(edition, dtype=np.int64)
        val = np.asarray(value, dtype=float)
        keys = np.stack([ci.ravel(), ki.ravel(), ed], axis=1)
        uniq, cell = np.unique(keys, axis=0, return_inverse=True)
        cell = cell.ravel().astype(np.int64)
        rr = ri.ravel().astype(np.int64)
        pair = cell * len(raters) + rr
        order = np.argsort(pair, kind="stable")
        dup = np.flatnonzero(pair[order][1:] == pair[order][:-1])
        if len(dup):
            raise _Duplicate(int(order[dup[0]]), int(order[dup[0] + 1]))
        return cls([str(x) for x in countries], [str(x) for x in categories],
                   [str(x) for x in raters], uniq[:, 0], uniq[:, 1],
                   uniq[:, 2], cell, rr, val, source=source, skipped=skipped)


class _Duplicate(Exception):
    def __init__(self, first: int, second: int):
        self.first, self.second = first, second


def _fail(path: str, line: int, column: str, message: str) -> DataError:
    return DataError(message, field=column, where=f"{path}:{line}:{column}")


def iter_ratings_csv(path: Path, methodology: Methodology) -> Iterator[Rating | int]:
    """Yield each valid rating of a CSV file, or the line number of a row without a value."""
    name = str(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise DataError(f"cannot read ratings: {exc.strerror or exc}", where=name) from exc
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError("the file is empty: expected a header "
                            f"'{','.join(COLUMNS)}'", where=f"{name}:1") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise DataError(f"not a readable CSV file: {exc}", where=f"{name}:1") from exc
        names = [h.strip().lower() for h in header]
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            raise _fail(name, 1, missing[0], f"missing column {missing[0]!r}: the header must name "
                        f"{', '.join(COLUMNS)} (it has: {', '.join(h.strip() for h in header)})")
        pos = {c: names.index(c) for c in COLUMNS}
        width = max(pos.values()) + 1
        categories: dict[str, str] = {}
        values: dict[str, float] = {}
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                raise DataError(f"not a readable CSV row: {exc}",
                                where=f"{name}:{reader.line_num}") from exc
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < width:
                col = next(c for c in COLUMNS if pos[c] >= len(row))
                raise _fail(name, line, col, f"the row has {len(row)} fields: no {col}")
            country = row[pos["country"]].strip()
            if not country:
                raise _fail(name, line, "country", "empty country")
            rater = row[pos["rater"]].strip()
            if not rater:
                raise _fail(name, line, "rater", "empty rater")
            ed_text = row[pos["edition"]].strip()
            try:
                edition = int(ed_text)
            except ValueError:
                raise _fail(name, line, "edition", f"edition {ed_text!r} is not a whole year") from None
            cat_text = row[pos["category"]].strip()
            code = categories.get(cat_text)
            if code is None:
                try:
                    code = methodology.resolve_category(cat_text)
                except DemoscopeError as exc:
                    raise _fail(name, line, "category", exc.message) from None
                categories[cat_text] = code
            text = row[pos["value"]].strip()
            if text.lower() in MISSING:
                yield line
                continue
            value = values.get(text)
            if value is None:
                try:
                    exact: Fraction = methodology.check_value(frac(text))
                except DemoscopeError as exc:
                    raise _fail(name, line, "value", exc.message) from None
                value = values[text] = float(exact)
            yield Rating(country, edition, code, rater, value, line)


def read_ratings_csv(path: str | Path, methodology: Methodology,
                     progress: Callable[[str, int, int], None] | None = None) -> Panel:
    """Read and check a ratings file (columns ``country, edition, category, rater, value``; any
    order, other columns ignored; a blank or ``NA`` value is a missing rating and is skipped).

    Values must lie on the methodology's grid, categories be its codes or names. Editions are
    whole years; they need not be editions the methodology published, since a research panel
    may rate years the index never covered. All values of a file are taken on one scale."""
    p = Path(path)
    ratings: list[Rating] = []
    skipped = 0
    for item in iter_ratings_csv(p, methodology):
        if isinstance(item, Rating):
            ratings.append(item)
            if progress and len(ratings) % 100_000 == 0:
                progress(f"reading: {len(ratings):,} ratings", len(ratings), 0)
        else:
            skipped += 1
    if not ratings:
        raise DataError("no ratings with a value in the file", where=str(p))
    return Panel.from_ratings(ratings, source=str(p), skipped=skipped)


def write_ratings_csv(path: str | Path, panel: Panel, extra: dict[str, np.ndarray] | None = None
                      ) -> Path:
    """Write a panel in the format :func:`read_ratings_csv` reads; ``extra`` adds per-cell
    columns (e.g. a simulation's ``truth``, which the reader ignores)."""
    p = Path(path)
    extra = extra or {}
    cells = panel.rating_cell
    country = np.array(panel.countries, dtype=object)[panel.cell_country[cells]]
    category = np.array(panel.categories, dtype=object)[panel.cell_category[cells]]
    rater = np.array(panel.raters, dtype=object)[panel.rating_rater]
    handle = io.StringIO(newline="")
    w = csv.writer(handle)
    w.writerow([*COLUMNS, *extra])
    cols = [country, panel.cell_edition[cells], category, rater,
            [f"{v:.2f}" for v in panel.rating_value],
            *([f"{x:.4f}" for x in values[cells]] for values in extra.values())]
    w.writerows(zip(*cols, strict=True))
    write_text(p, handle.getvalue())  # atomically, never replacing what is not a file
    return p
