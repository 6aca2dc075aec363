"""Reconstruction: a country's 2019–2024 rows rebuilt from a full 2018 row and the pages of the
following editions, accepted only where they reproduce the printed score.

The pages are fictional (Valdoria): a "true" row per edition is written here by hand, and the
pages print what the real site prints of such rows — the changes against the previous edition,
the Democracy Score and Percentage (both computed here with plain decimal arithmetic, apart
from the code under test), on the 7-best scale also for 2019 (today's site converts the 1-best
editions). The reconstruction must give back exactly the true rows, and refuse a chain whose
printed score the changes do not reproduce.
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from demoscope.countries import Country, CountryRegistry
from demoscope.dataset import headlines, read_page_items
from demoscope.errors import DataError
from demoscope.methodology import nit
from demoscope.reconstruction import Evidence, reconstruct

M = nit()
CATS = ("EP", "CS", "IM", "NDG", "LDG", "JFI", "CO")
VALDORIA = CountryRegistry([Country("VLD", "Valdoria")])
URL = "https://example.org/country/valdoria/nations-transit/{year}"

#: The true rows, each on its edition's own scale (1-best to 2019, 7-best from 2020).
TRUE = {
    2018: dict(zip(CATS, ("4.25", "3.25", "5.00", "5.50", "3.75", "5.00", "5.50"), strict=True)),
    2019: dict(zip(CATS, ("4.25", "3.50", "5.00", "5.50", "3.75", "5.25", "5.50"), strict=True)),
    2020: dict(zip(CATS, ("4.00", "4.50", "3.00", "2.50", "4.25", "2.75", "2.50"), strict=True)),
    2021: dict(zip(CATS, ("4.00", "4.50", "3.00", "2.50", "4.25", "2.75", "2.50"), strict=True)),
    2022: dict(zip(CATS, ("4.00", "4.75", "2.75", "2.50", "4.25", "2.75", "2.25"), strict=True)),
    2023: dict(zip(CATS, ("4.25", "4.75", "2.75", "2.50", "4.50", "2.75", "2.25"), strict=True)),
    2024: dict(zip(CATS, ("4.25", "4.75", "2.75", "2.75", "4.50", "2.75", "2.25"), strict=True)),
}


def _d(text: str) -> Decimal:
    return Decimal(text)


def _seven(row: dict[str, str], year: int) -> dict[str, Decimal]:
    """The row as the site prints it: 7-best (8 − x for the 1-best editions)."""
    return {c: (8 - _d(v) if year < 2020 else _d(v)) for c, v in row.items()}


def _ds(row7: dict[str, Decimal], own_low: bool) -> Decimal:
    """The printed score on the 7-best scale: the mean rounded half up ON THE EDITION'S OWN
    scale (the method), then mirrored for a 1-best edition."""
    mean = sum(row7.values()) / Decimal(7)
    if own_low:
        own = (8 - mean).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return 8 - own
    return mean.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _dp(row7: dict[str, Decimal]) -> Decimal:
    mean = Fraction(sum(row7.values())) / 7
    value = (mean - 1) / 6 * 100
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), ROUND_HALF_UP)


def pages_csv(true: dict[int, dict[str, str]], *, drop: dict[int, str] | None = None,
              no_bullets: tuple[int, ...] = (), says_none: tuple[int, ...] = ()) -> str:
    """The page items of 2019–2024 for the true rows (as the shared pages file has them)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["country", "iso3", "edition", "printed_scale", "item", "from_value", "to_value",
                "source_url"])
    for year in range(2019, 2025):
        before, now = _seven(true[year - 1], year - 1), _seven(true[year], year)
        ds = _ds(now, year < 2020)
        printed = f"{ds:.2f}"
        url = URL.format(year=year)
        rows = [("DS", "", printed), ("DP", "", f"{_dp(now):.2f}"),
                ("REGIME", "", "Transitional or Hybrid Regime")]
        changed = [c for c in CATS if before[c] != now[c] and c != (drop or {}).get(year)]
        if year in no_bullets:
            rows.append(("NO_CHANGE_BULLETS_IN_COPY", "", ""))
        elif year not in says_none:
            rows += [(f"CHANGE_{c}", f"{before[c]:.2f}", f"{now[c]:.2f}") for c in changed]
            if changed:
                rows.append(("CHANGE_DS", f"{_ds(before, year - 1 < 2020):.2f}", printed))
        for item, a, b in rows:
            w.writerow(["Valdoria", "VLD", year, "7_best", item, a, b, url])
    return out.getvalue()


def evidence(text: str, says_none: tuple[int, ...] = ()) -> dict[int, Evidence]:
    items = read_page_items(text, M, VALDORIA, name="valdoria-pages.csv")
    out = {}
    for (_iso3, year), h in headlines(items, M, name="valdoria-pages.csv").items():
        listed = "none" if year in says_none else h.change_list
        out[year] = Evidence(year, h.changes, listed, h.score, h.percentage)
    return out


def base() -> dict[str, Fraction]:
    return {c: Fraction(v) for c, v in TRUE[2018].items()}


def as_fractions(row: dict[str, str]) -> dict[str, Fraction]:
    return {c: Fraction(v) for c, v in row.items()}


def test_a_full_2018_row_and_six_pages_give_every_row_to_2024():
    says_none = (2021,)  # the 2021 page says "No score changes"
    chain = reconstruct(M, 2018, base(), evidence(pages_csv(TRUE, says_none=says_none), says_none))
    assert [r.year for r in chain.rows] == [2019, 2020, 2021, 2022, 2023, 2024]
    for r in chain.rows:
        assert r.values == as_fractions(TRUE[r.year]), r.year  # on each edition's own scale
    assert chain.rows[0].provenance == "reconstructed from 2018 + changes printed in 2019"
    assert chain.rows[-1].provenance == ("reconstructed from 2018 + changes printed in 2019, "
                                         "2020, 2021, 2022, 2023 and 2024")
    assert chain.notes == []


def test_the_2019_page_prints_the_7_best_scale_and_is_converted():
    items = read_page_items(pages_csv(TRUE), M, VALDORIA)
    h = headlines(items, M)[("VLD", 2019)]
    # printed 7-best: the score and the bullets become 8 − x in the 1-best 2019 edition
    assert h.score_printed is not None and h.score == 8 - Fraction(h.score_printed)
    cs = next(c for c in h.changes if c.code == "CS")
    assert (cs.before, cs.after) == (Fraction("3.25"), Fraction("3.50"))


def test_a_printed_score_the_chain_does_not_reproduce_is_refused():
    """The 2022 page prints its score and percentage, but its list lacks one of the year's
    changes (Corruption): 2019–2021 stand, 2022 is refused with a finding, and nothing after
    it is built on it."""
    text = pages_csv(TRUE, drop={2022: "CO"}, says_none=(2021,))
    chain = reconstruct(M, 2018, base(), evidence(text, says_none=(2021,)))
    assert [r.year for r in chain.rows] == [2019, 2020, 2021]
    assert [(n.year, n.code) for n in chain.notes] == [(2022, "chain_score_mismatch")]
    assert "refused" in chain.notes[0].message


def test_a_change_that_starts_elsewhere_is_refused():
    text = pages_csv(TRUE).replace("CHANGE_CS,4.75,4.50", "CHANGE_CS,5.00,4.50")
    chain = reconstruct(M, 2018, base(), evidence(text))
    assert chain.rows == [] and chain.notes[0].code == "chain_from_mismatch"


def test_a_copy_without_bullets_ends_the_chain():
    """'No bullet in the copy' may be a cut copy: the chain stops there (an info finding),
    even though the printed score is unchanged."""
    chain = reconstruct(M, 2018, base(), evidence(pages_csv(TRUE, no_bullets=(2021,))))
    assert [r.year for r in chain.rows] == [2019, 2020]
    assert [(n.year, n.code, n.severity) for n in chain.notes] == [
        (2021, "chain_changes_unknown", "info")]


def test_cancelling_changes_hidden_by_a_cut_copy_are_not_invented():
    """Two changes that cancel out leave the score and percentage as they were: a copy that
    shows no bullets must not be read as 'unchanged'."""
    true = {**TRUE, 2021: {**TRUE[2020], "EP": "4.25", "CS": "4.25"}}
    true[2022] = {**true[2021], "CS": "4.75", "IM": "2.75", "CO": "2.25", "EP": "4.00"}
    chain = reconstruct(M, 2018, base(), evidence(pages_csv(true, no_bullets=(2021,))))
    assert 2021 not in [r.year for r in chain.rows]


def test_a_missing_edition_ends_the_chain():
    ev = evidence(pages_csv(TRUE, says_none=(2021,)), (2021,))
    del ev[2020]
    chain = reconstruct(M, 2018, base(), ev)
    assert [r.year for r in chain.rows] == [2019] and chain.notes == []


@pytest.mark.parametrize(("old", "new", "field", "why"), [
    ("Valdoria,VLD,2019,7_best,DS,,", "Valdoria,VLD,2019,9_best,DS,,", "printed_scale", ""),
    ("CHANGE_CS,4.75,4.50", "CHANGE_CS,4.75,4.60", "to_value", "grid"),
    ("CHANGE_CS,4.75,4.50", "CHANGE_XX,4.75,4.50", "category", ""),
    ("Valdoria,VLD,2019,7_best,REGIME,,Transitional or Hybrid Regime",
     "Valdoria,VLD,2019,7_best,REGIME,,Benevolent Monarchy", "to_value", "regime"),
    ("Valdoria,VLD,2019,7_best,DP,,", "Valdoria,VLD,2019,7_best,DP,,10.00,", "to_value",
     "contradict"),
])
def test_a_bad_row_names_file_line_and_field(old, new, field, why):
    text = pages_csv(TRUE)
    assert old in text
    if new.endswith(","):  # replace the whole value
        at = text.index(old) + len(old)
        bad = text[:at - len(old)] + new + text[text.index(",", at) + 1:]
    else:
        bad = text.replace(old, new, 1)
    with pytest.raises(DataError) as exc:
        read_page_items(bad, M, VALDORIA, name="pages.csv")
    line = next(i for i, row in enumerate(bad.splitlines(), 1) if new in row)
    assert exc.value.where == f"pages.csv:{line}" and exc.value.field == field
    assert why in exc.value.message


def test_a_duplicate_item_is_refused():
    text = pages_csv(TRUE)
    dup = text.splitlines()[1]
    with pytest.raises(DataError, match="duplicate item"):
        read_page_items(text + dup + "\n", M, VALDORIA, name="pages.csv")
