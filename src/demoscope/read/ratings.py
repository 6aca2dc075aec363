"""Ratings as tidy rows (one per country, edition and category): the shape of the exports,
``demoscope.load()`` and ``GET /api/v1/ratings``.

Tidy long is the default shape because it is what pandas, R and spreadsheets pivot best. One
function converts values to a requested direction for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Protocol

from typing_extensions import TypedDict

from demoscope.countries import registry
from demoscope.methodology import Direction, Methodology
from demoscope.numbers import num
from demoscope.store import reads
from demoscope.store.reads import Reader

COLUMNS = ["country", "iso3", "edition", "category", "rating", "direction"]


class TidyRating(TypedDict):
    """One rating: country, ISO code, edition, category code, value and its scale."""

    country: str
    iso3: str
    edition: int
    category: str
    rating: float
    direction: str


class RatingsPage(TypedDict):
    total: int
    limit: int
    offset: int
    items: list[TidyRating]
    next: str | None


class RatingLike(Protocol):
    """What :func:`tidy_rows` needs of a stored rating or a dataset record."""

    @property
    def iso3(self) -> str: ...
    @property
    def year(self) -> int: ...
    @property
    def category(self) -> str: ...
    @property
    def value(self) -> Fraction: ...


def tidy_rows(items: Iterable[RatingLike], m: Methodology, direction: Direction | None = None
              ) -> list[TidyRating]:
    """Tidy rows on each edition's own scale, or every value converted to ``direction``.
    Country names are the registry's (the one owner of names; the database keeps the codes)."""
    reg = registry()
    names: dict[str, str] = {}
    out: list[TidyRating] = []
    for f in items:
        ed = m.edition(f.year)
        target = direction or ed.direction
        name = names.get(f.iso3)
        if name is None:
            c = reg.find(f.iso3)
            name = names[f.iso3] = c.name if c else f.iso3
        out.append({"country": name, "iso3": f.iso3, "edition": f.year, "category": f.category,
                    "rating": num(m.to_direction(f.value, ed.direction, target)),
                    "direction": m.direction_label(target)})
    return out


def stored_ratings(read: Reader, m: Methodology, *, direction: Direction | None = None,
                   iso3s: Iterable[str] | None = None, first: int | None = None,
                   last: int | None = None, categories: Iterable[str] | None = None
                   ) -> list[TidyRating]:
    """The database's ratings as tidy rows, ordered by country name, edition and the
    methodology's category order (the order of the exports)."""
    rows = tidy_rows(reads.ratings(read, m.code, first=first, last=last, iso3s=iso3s,
                                   categories=categories), m, direction)
    order = {c: i for i, c in enumerate(m.categories)}
    rows.sort(key=lambda r: (r["country"], r["edition"], order.get(r["category"], 99)))
    return rows


def ratings_page(read: Reader, m: Methodology, *, first: int | None, last: int | None,
                 iso3s: list[str], categories: list[str], direction: Direction | None,
                 limit: int, offset: int, link: Callable[[int], str] | None = None) -> RatingsPage:
    """One page of ratings ordered by ISO code, edition and category code; ``link(offset)``
    makes the address of the next page (None: no ``next``)."""
    for k in categories:
        m.category(k)  # an unknown code is an InvalidRating naming the field
    found = reads.ratings(read, m.code, first=first, last=last, iso3s=iso3s, categories=categories)
    total = len(found)
    nxt = link(offset + limit) if link is not None and offset + limit < total else None
    return {"total": total, "limit": limit, "offset": offset,
            "items": tidy_rows(found[offset:offset + limit], m, direction), "next": nxt}
