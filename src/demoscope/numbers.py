"""Exact numbers: reading them from text, rounding half-up, printing them as the reports do.

The ground floor of the package: it imports nothing from demoscope but the errors, so the
methodology, scoring, the store and the readers can all build on it without a cycle.
Ratings stay :class:`~fractions.Fraction` until they are printed; the store keeps exact
integers of hundredths (:func:`x100`).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import overload

from demoscope.errors import InvalidRating

#: The longest number accepted as text (sign, digits and point). Far more than any rating or
#: methodology number needs, and short enough that reading, comparing or printing one costs
#: nothing (``1e999999999`` once made a command build a billion-digit integer).
MAX_NUMBER_LENGTH = 24

#: A plain decimal: an optional minus, ASCII digits, at most one point with digits after it.
#: No exponent, no fraction bar, no full-width or other Unicode digits, no NaN or infinity.
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def parse_decimal(text: str, *, field: str = "value", max_length: int = MAX_NUMBER_LENGTH
                  ) -> Fraction:
    """The exact value of a plain decimal written as text (``"5.75"``, ``"-2"``, ``"06.25"``).

    Why this strict: a number a person or a file gives demoscope is a rating or a methodology
    setting, always written as a plain decimal. Anything else (``1e0``, ``25/4``, ``６``,
    ``nan``, ``1e999999999``) is far more likely a mistake than a wish, and some of it costs
    unbounded work to evaluate; it is refused with :class:`InvalidRating` naming ``field``."""
    t = text.strip()
    if len(t) > max_length:
        raise InvalidRating(f"{field} {t[:max_length]!r}… is too long for a number "
                            f"(at most {max_length} characters)", field=field)
    if not _PLAIN.fullmatch(t):
        raise InvalidRating(f"{field} {t!r} is not a number: write a plain decimal such as 5.75",
                            field=field)
    return Fraction(t)


def frac(text: str | int | float | Decimal | Fraction, *, field: str = "value") -> Fraction:
    """An exact number from text such as ``"6.25"`` (a plain decimal: see
    :func:`parse_decimal`). Floats go through their shortest repr so that 6.25 and "6.25"
    agree; use text wherever a value is read from a file. Integers and decimals are bounded
    like text (at most :data:`MAX_NUMBER_LENGTH` digits)."""
    if isinstance(text, Fraction):
        return text
    if isinstance(text, bool):
        raise InvalidRating(f"{field} {text!r} is not a number", field=field)
    if isinstance(text, int):
        if abs(text) >= 10**MAX_NUMBER_LENGTH:
            raise InvalidRating(f"{field} is too large a number", field=field)
        return Fraction(text)
    if isinstance(text, float):
        if not math.isfinite(text):
            raise InvalidRating(f"{field} {text!r} is not a number", field=field)
        return parse_decimal(repr(float(text)), field=field)  # (numpy's repr differs)
    if isinstance(text, Decimal):
        if not text.is_finite() or abs(text.adjusted()) >= MAX_NUMBER_LENGTH:
            raise InvalidRating(f"{field} {text} is not a number in range", field=field)
        return Fraction(text)
    if isinstance(text, str):
        return parse_decimal(text, field=field)
    raise InvalidRating(f"{field} {text!r} is not a number", field=field)


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
