"""The real country pages of editions 2018–2024 (shipped as the built-in pages dataset): the copy
is the shared data, every item is valid, and every chain they allow reproduces the printed
Democracy Score (and Percentage) — the facts ../shared/README.md states."""

from __future__ import annotations

from fractions import Fraction
from importlib import resources

from demoscope.dataset import PAGES_FILE, builtin_headlines, builtin_page_items, builtin_records
from demoscope.methodology import nit
from demoscope.reconstruction import Evidence, reconstruct
from demoscope.scoring import democracy_score, percentage
from demoscope.services.reconstructing import chains
from shared_paths import shared_dir

M = nit()


def _rows() -> dict[str, dict[int, dict[str, Fraction]]]:
    out: dict[str, dict[int, dict[str, Fraction]]] = {}
    for r in builtin_records():
        if r.category in M.categories:
            out.setdefault(r.iso3, {}).setdefault(r.year, {})[r.category] = r.value
    return out


def _evidence(iso3: str) -> dict[int, Evidence]:
    return {y: Evidence(y, h.changes, h.change_list, h.score, h.percentage)
            for (i, y), h in builtin_headlines().items() if i == iso3}


def test_builtin_pages_are_the_shared_data(shared):
    shipped = (resources.files("demoscope") / "data" / PAGES_FILE).read_text(encoding="utf-8")
    assert shipped == (shared_dir() / "data" / PAGES_FILE).read_text(encoding="utf-8")


def test_every_item_is_read_and_converted_to_its_editions_scale():
    items = builtin_page_items()
    assert len(items) == 377 and len(builtin_headlines()) == 80
    serbia = builtin_headlines()[("SRB", 2018)]
    # printed 4.04 on the 7-best scale: 3.96 in the (1-best) 2018 edition, as its table prints
    assert serbia.score_printed == "4.04" and serbia.score == Fraction("3.96")
    table_ds = next(r.value for r in builtin_records()
                    if (r.iso3, r.year, r.category) == ("SRB", 2018, "DS"))
    assert serbia.score == table_ds


def test_the_shipped_chains_reproduce_the_printed_scores():
    rows = _rows()
    accepted = {}
    for iso3, by_year in rows.items():
        got, notes = chains(M, by_year, _evidence(iso3))
        assert [n for n in notes if n.severity == "warning"] == [], iso3
        for r in got:
            accepted[(iso3, r.year)] = r
    assert sorted(accepted) == [("GEO", 2019), ("LTU", 2019), ("MDA", 2019), ("SRB", 2019)]
    heads = builtin_headlines()
    for key, r in accepted.items():
        ed = M.edition(r.year)
        score = democracy_score(M, ed, r.values)
        assert Fraction(score.printed) == heads[key].score, key
        assert Fraction(percentage(M, score.mean, ed.direction)) == heads[key].percentage, key
        assert r.provenance == "reconstructed from 2018 + changes printed in 2019"


def test_serbia_2017_and_the_2018_page_give_the_printed_2018_row():
    """Where a printed row exists, the chain is a check of the method: 2017's row plus the
    changes the 2018 page prints is the 2018 table row, cell for cell."""
    rows = _rows()["SRB"]
    chain = reconstruct(M, 2017, rows[2017], {2018: _evidence("SRB")[2018]})
    assert [r.year for r in chain.rows] == [2018]
    assert chain.rows[0].values == rows[2018]
