"""demoscope: run and read democracy assessments the way Nations in Transit did.

The analyst API::

    import demoscope
    df = demoscope.load()                       # tidy: country, iso3, edition, category, rating, direction
    df7 = demoscope.load(direction="7_best")    # every value on the 2020+ scale (8 − x)
    demoscope.democracy_score({"EP": 6.75, "CS": 5.5, ...}, edition=2008)   # Decimal('6.39')

Imports are lazy so the command line starts fast.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    import pandas as pd

    from demoscope.methodology import Methodology

__all__ = ["__version__", "democracy_percentage", "democracy_score", "get_methodology", "load",
           "regime", "to_direction"]


def get_methodology(name: str = "nit") -> Methodology:
    """The methodology object (built-in name or path to a TOML file)."""
    from demoscope.methodology import load_methodology

    return load_methodology(name)


def load(database_url: str | None = None, *, direction: str | None = None, wide: bool = False,
         methodology_name: str = "nit") -> pd.DataFrame:
    """Ratings as a tidy pandas DataFrame.

    Without ``database_url`` this is the built-in dataset (real published NIT ratings), no
    database needed. With a SQLAlchemy URL it reads that demoscope database instead.
    ``direction`` ("1_best"/"7_best") converts every value; default: each edition's own scale.
    """
    from demoscope import exports

    m = get_methodology(methodology_name)
    d = m.scale.parse_direction(direction) if direction else None
    if database_url is None:
        return exports.builtin_frame(m, direction=d, wide=wide)
    from demoscope.store.reads import reader_for_url

    return exports.database_frame(reader_for_url(database_url), m, direction=d, wide=wide)[0]


def _fractions(values: dict[str, Any]) -> dict[str, Fraction]:
    from demoscope.numbers import frac

    return {k.upper(): frac(v) for k, v in values.items() if v is not None}


def democracy_score(values: dict[str, Any], edition: int, *, direction: str | None = None,
                    methodology_name: str = "nit") -> Decimal:
    """The printed Democracy Score of a row of ratings given on ``edition``'s own scale."""
    from demoscope.scoring import democracy_score as ds

    m = get_methodology(methodology_name)
    d = m.scale.parse_direction(direction) if direction else None
    return ds(m, m.edition(edition), _fractions(values), d).printed


def democracy_percentage(values: dict[str, Any], edition: int, *,
                         methodology_name: str = "nit") -> Decimal:
    """Democracy Percentage (0–100, from the unrounded mean) of a row on ``edition``'s scale."""
    from demoscope.scoring import democracy_score as ds
    from demoscope.scoring import percentage

    m = get_methodology(methodology_name)
    s = ds(m, m.edition(edition), _fractions(values))
    return percentage(m, s.mean, s.direction)


def regime(values: dict[str, Any], edition: int, *, methodology_name: str = "nit") -> str | None:
    """Regime type of a complete row, labelled as that edition labels it."""
    from demoscope.scoring import classify
    from demoscope.scoring import democracy_score as ds

    m = get_methodology(methodology_name)
    r = classify(m, ds(m, m.edition(edition), _fractions(values)))
    return r.name if r else None


def to_direction(value: Any, source: str, target: str, *, methodology_name: str = "nit") -> Decimal:
    """Convert one rating between scale directions (NIT: ``8 − x``)."""
    from demoscope.numbers import frac, round_half_up

    m = get_methodology(methodology_name)
    s = m.scale
    return round_half_up(s.to_direction(frac(value), s.parse_direction(source),
                                        s.parse_direction(target)), 2)
