"""Exact numbers: reading them from text, rounding half-up, printing them as the reports do.

The ground floor of the package: it imports nothing from demoscope but the errors, so the
methodology, scoring, the store and the readers can all build on it without a cycle.
Ratings stay :class:`~fractions.Fraction` until they are printed; the store keeps exact
integers of hundredths (:func:`x100`).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import overload

from demoscope.errors import InvalidRating


def frac(text: str | int | float | Fraction) -> Fraction:
    """An exact number from text such as ``"6.25"``. Floats go through their shortest repr so
    that 6.25 and "6.25" agree; use text wherever a value is read from a file."""
    if isinstance(text, Fraction):
        return text
    if isinstance(text, float):
        text = repr(text)
    try:
        return Fraction(str(text).strip())
    except (ValueError, ZeroDivisionError) as exc:
        raise InvalidRating(f"{text!r} is not a number") from exc


def round_half_up(value: Fraction, decimals: int = 2) -> Decimal:
    """Round an exact value half away from zero to ``decimals`` places, as the reports print
    (the 1999–2004 tables print 2.125 as 2.13: half-up, not half-even)."""
    scale = 10**decimals
    num, den = value.numerator, value.denominator  # integer arithmetic: this is a hot path
    n = (2 * abs(num) * scale + den) // (2 * den)  # floor(|v|·scale + 1/2)
    return Decimal((1 if num < 0 and n else 0, tuple(int(d) for d in str(n)), -decimals))


def fmt(value: Fraction, decimals: int = 2) -> str:
    """A value as printed in the reports: two decimals (``5.50``), exact for quarter points."""
    return f"{round_half_up(value, decimals):.{decimals}f}"


@overload
def num(value: Fraction) -> float: ...
@overload
def num(value: None) -> None: ...
@overload
def num(value: Fraction | None) -> float | None: ...
def num(value: Fraction | None) -> float | None:
    """A JSON number as printed (two decimals); quarter points are exact in binary floats."""
    return None if value is None else float(fmt(value))


def plain(value: Fraction) -> str:
    """The shortest plain form of a value for messages: ``6``, ``6.25``."""
    return str(float(value)) if value.denominator != 1 else str(value.numerator)


def x100(value: Fraction) -> int:
    """Exact hundredths of a value (6.25 → 625), as the store keeps it; refuses anything finer."""
    scaled = value * 100
    if scaled.denominator != 1:
        raise InvalidRating(f"{float(value)} has more than two decimals", field="value")
    return scaled.numerator


def from_x100(n: int) -> Fraction:
    """The exact value of stored hundredths (625 → 25/4)."""
    return Fraction(n, 100)
