"""The analyst API: ``demoscope.load()`` and score helpers without a database."""

from __future__ import annotations

from decimal import Decimal

import demoscope


def test_load_builtin_tidy_frame():
    df = demoscope.load()
    assert list(df.columns) == ["country", "iso3", "edition", "category", "rating", "direction"]
    assert len(df) == 2960 - 373
    assert set(df.direction) == {"1_best"}
    one = df[(df.iso3 == "KAZ") & (df.edition == 2008) & (df.category == "CS")]
    assert one.rating.tolist() == [5.5]


def test_load_converted_and_wide():
    df = demoscope.load(direction="7_best", wide=True)
    row = df[(df.iso3 == "KAZ") & (df.edition == 2008)].iloc[0]
    assert (row["CS"], row["direction"]) == (2.5, "7_best")


def test_load_from_a_database(db_url):
    df = demoscope.load(db_url)
    assert len(df) == 2960 - 373


def test_score_helpers():
    row = {"EP": 6.75, "CS": 5.5, "IM": 6.75, "NDG": 6.75, "LDG": 6.25, "JFI": 6.25, "CO": 6.5}
    assert demoscope.democracy_score(row, 2008) == Decimal("6.39")
    assert demoscope.democracy_score(row, 2008, direction="7_best") == Decimal("1.61")
    assert demoscope.democracy_percentage(row, 2008) == Decimal("10.12")
    assert demoscope.regime(row, 2008) == "Consolidated Authoritarian Regime"
    assert demoscope.to_direction("6.75", "1_best", "7_best") == Decimal("1.25")
