"""What the model can and cannot say: single raters, lone raters, whole editions with one
rater per cell, missing categories; and the calibration aid."""

from __future__ import annotations

import numpy as np
import pytest

from demoscope.methodology import nit
from demoscope.stats.calibrate import check_proposal, comparables
from demoscope.stats.estimate import LONE_RATER, ONE_RATER, UNMEASURED, estimate_panel
from demoscope.stats.panel import Panel, Rating
from demoscope.stats.simulate import simulate


@pytest.fixture(scope="module")
def methodology():
    return nit()



def _drop(panel: Panel, keep: np.ndarray) -> Panel:
    """The panel without some ratings (rebuilt, so cells and raters are re-indexed)."""
    i = np.flatnonzero(keep)
    c = panel.rating_cell[i]
    return Panel.from_arrays(np.array(panel.countries)[panel.cell_country[c]], panel.cell_edition[c],
                             np.array(panel.categories)[panel.cell_category[c]],
                             np.array(panel.raters)[panel.rating_rater[i]], panel.rating_value[i])


@pytest.fixture(scope="module")
def thinned(methodology):
    """A panel whose last edition keeps one rating per cell (every cell has one rater)."""
    sim = simulate(methodology, countries=8, editions=6, seed=21, bridge=0.4)
    p = sim.panel
    last = p.cell_edition.max()
    first_of_cell = np.ones(p.n_ratings, dtype=bool)
    seen: set[int] = set()
    for n, c in enumerate(p.rating_cell):
        if p.cell_edition[c] == last:
            first_of_cell[n] = c not in seen
            seen.add(int(c))
    thin = _drop(p, first_of_cell)
    truth = {p.cell_key(c): sim.truth[c] for c in range(p.n_cells)}
    thin.truth = np.array([truth[thin.cell_key(c)] for c in range(thin.n_cells)])  # type: ignore[attr-defined]
    return thin, estimate_panel(thin, methodology), int(last)


def test_a_cell_with_one_rater_has_an_estimate_but_no_interval(thinned):
    panel, est, last = thinned
    counts = panel.cell_counts()
    for c, cell in enumerate(est.cells):
        if counts[c] == 1:
            assert cell.lo is None and cell.hi is None and cell.sd is None
            assert cell.note in (ONE_RATER, LONE_RATER)
            assert cell.estimate is not None
        else:
            assert cell.lo is not None and cell.lo <= cell.estimate <= cell.hi
    assert all(c.lo is None for c in est.cells if c.edition == last)


def test_an_edition_with_one_rater_per_cell_says_so(thinned):
    _panel, est, last = thinned
    assert any(n.startswith(f"edition {last}: every cell has one rater") for n in est.summary["notes"])
    scores = [s for s in est.scores if s.edition == last]
    assert scores and all(s.lo is None and s.estimate is not None and "one rater" in s.note
                          for s in scores)
    assert any(s.lo is not None for s in est.scores if s.edition != last)


def test_single_rater_estimates_still_correct_for_leniency(thinned, methodology):
    """With one rating, the estimate is that rating corrected for its rater's leniency measured
    elsewhere (not the raw rating), and still closer to the truth than the raw rating."""
    panel, est, _last = thinned
    counts = panel.cell_counts()
    raw = panel.cell_means()
    corrected = [c for c, cell in enumerate(est.cells) if counts[c] == 1 and cell.note == ONE_RATER]
    assert corrected
    moved = [abs(est.cells[c].estimate - raw[c]) for c in corrected]
    assert np.mean(moved) > 0.05
    truth = panel.truth[corrected]
    model = np.array([est.cells[c].estimate for c in corrected])
    assert np.sqrt(np.mean((model - truth) ** 2)) < np.sqrt(np.mean((raw[corrected] - truth) ** 2))


def test_a_panel_with_one_rater_everywhere_invents_nothing(methodology):
    ratings = [Rating("Valdoria", 2005 + e, cat, f"author-{e}-{cat}", 3.0 + 0.25 * e)
               for e in range(3) for cat in ("EP", "CS")]
    est = estimate_panel(Panel.from_ratings(ratings), methodology)
    assert est.fit is None
    assert all(c.lo is None and c.note == LONE_RATER for c in est.cells)
    assert [c.estimate for c in est.cells] == [c.mean for c in est.cells]
    assert all(r.leniency is None and r.reliability is None and r.note == UNMEASURED
               for r in est.raters)
    assert all(s.lo is None for s in est.scores)
    assert len([n for n in est.summary["notes"] if "every cell has one rater" in n]) == 3


def test_a_rater_who_shares_no_cell_is_not_measured(methodology):
    sim = simulate(methodology, countries=4, editions=4, seed=2)
    p = sim.panel
    extra = Rating("Valdoria", 2005, "EP", "outsider", 4.0)
    rows = [Rating(*p.cell_key(int(p.rating_cell[n]))[:1], p.cell_key(int(p.rating_cell[n]))[1],
                   p.cell_key(int(p.rating_cell[n]))[2], p.raters[p.rating_rater[n]],
                   float(p.rating_value[n])) for n in range(p.n_ratings)]
    est = estimate_panel(Panel.from_ratings([*rows, extra]), methodology)
    outsider = next(r for r in est.raters if r.rater == "outsider")
    assert outsider.leniency is None and outsider.note == UNMEASURED
    cell = next(c for c in est.cells if c.country == "Valdoria")
    assert cell.estimate == 4.0 and cell.lo is None and cell.note == LONE_RATER


def test_a_missing_category_means_no_score(methodology):
    sim = simulate(methodology, countries=3, editions=3, seed=9, categories=["EP", "CS"])
    p = sim.panel
    target = (p.cell_country == 0) & (p.cell_edition == 2006) & (p.cell_category == 0)
    keep = ~target[p.rating_cell]
    est = estimate_panel(_drop(p, keep), methodology)
    score = next(s for s in est.scores if s.country == p.countries[0] and s.edition == 2006)
    assert score.estimate is None and "no rating for" in score.note


def test_calibration_lists_comparables_and_flags_an_outlier(methodology):
    sim = simulate(methodology, countries=10, editions=5, seed=12, bridge=0.5)
    p = sim.panel
    est = estimate_panel(p, methodology)
    c = int(np.argmax(p.cell_counts()))
    country, edition, category = p.cell_key(c)
    rater = p.raters[int(p.rating_rater[p.rating_cell == c][0])]
    cell = est.cells[c]
    far = 7.0 if cell.estimate < 4 else 1.0
    flagged = check_proposal(est, country, edition, category, far, rater=rater)
    assert flagged.outside is True and flagged.others >= 2
    assert flagged.others_lo < flagged.others_estimate < flagged.others_hi
    fine = check_proposal(est, country, edition, category, round(cell.estimate * 4) / 4, rater=rater)
    assert fine.outside is False
    near = flagged.comparables
    assert len(near) == 5 and all(x.category == category for x in near)
    assert all((x.country, x.edition) != (country, edition) for x in near)
    assert [x.distance for x in near] == sorted(x.distance for x in near)
    assert comparables(est, category, 4.0, k=3)[0].distance <= 0.5


def test_what_the_others_imply_is_the_cell_refitted_without_the_proposal(methodology):
    """The interval "the other raters imply" is the cell's posterior with the proposer's own
    reading taken out: it must agree with fitting the panel again without that reading."""
    sim = simulate(methodology, countries=6, editions=3, seed=5, bridge=0.5)
    p = sim.panel
    est = estimate_panel(p, methodology)
    rng = np.random.default_rng(2)
    shared = np.flatnonzero(p.cell_counts()[p.rating_cell] >= 3)
    for n in rng.choice(shared, 4, replace=False):
        c, rater = int(p.rating_cell[n]), p.raters[int(p.rating_rater[n])]
        country, edition, category = p.cell_key(c)
        check = check_proposal(est, country, edition, category, float(p.rating_value[n]),
                               rater=rater, k=0)
        again = estimate_panel(_drop(p, np.arange(p.n_ratings) != n), methodology)
        refit = next(x for x in again.cells if (x.country, x.edition, x.category)
                     == (country, edition, category))
        assert check.others == refit.raters
        assert abs(check.others_estimate - refit.estimate) < 0.05, (check, refit)
        width, refit_width = check.others_hi - check.others_lo, refit.hi - refit.lo
        assert abs(width - refit_width) < 0.1 * refit_width, (check, refit)


def test_calibration_without_other_raters_says_why(methodology):
    sim = simulate(methodology, countries=4, editions=3, seed=3)
    est = estimate_panel(sim.panel, methodology)
    check = check_proposal(est, "Valdoria", 2005, "EP", 4.0)
    assert check.outside is None and "no rating of this cell" in check.note
