"""Facts of the built-in dataset that answers are checked against."""

from __future__ import annotations


def years_of(iso3: str | None = None) -> list[int]:
    """Editions of the built-in dataset (of one country), as facts to check answers against."""
    from demoscope.dataset import builtin_records

    return sorted({r.year for r in builtin_records() if iso3 in (None, r.iso3)})


def countries_in(year: int) -> set[str]:
    from demoscope.dataset import builtin_records

    return {r.iso3 for r in builtin_records() if r.year == year}


def ratings_in(year: int) -> int:
    """How many category ratings (not printed scores) the dataset has for an edition."""
    from demoscope.dataset import builtin_records
    from demoscope.methodology import nit

    return sum(1 for r in builtin_records() if r.year == year and r.category in nit().categories)


def page_years_of(iso3: str) -> list[int]:
    """Editions whose country page the built-in dataset holds for one country."""
    from demoscope.dataset import builtin_page_items

    return sorted({r.year for r in builtin_page_items() if r.iso3 == iso3})
