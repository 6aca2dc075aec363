"""Estimates from the workflow's proposals (demoscope.read.estimates), on a real database per
backend: a published edition with five raters per cell and a draft after it (tests/estimates/
panel.py). The intervals are the model's, the score's is propagated, historic editions say
that no interval can be estimated, drafts stay out of public answers, and the calibration aid
and the divergence view carry the model."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
from panel import RATERS, SINGLE

from demoscope.errors import InvalidRating, NotFound
from demoscope.methodology import Direction, nit
from demoscope.read import assessment, estimates
from demoscope.scoring import democracy_score
from demoscope.stats.estimate import ONE_RATER
from demoscope.stats.fit import Z90
from demoscope.store import reads


@pytest.fixture(scope="module")
def m():
    return nit()


@pytest.fixture(scope="module")
def read(workflow_db):
    return reads.reader_for_url(workflow_db["url"])


@pytest.fixture(scope="module")
def public(read, m):
    return estimates.public_fit(read, m)


def test_the_public_fit_takes_the_published_edition_only(workflow_db, read, m, public):
    year, draft = workflow_db["year"], workflow_db["draft_year"]
    assert public.years == (year,) and public.error is None
    assert {y for (_, y, _) in public.cells} == {year}
    # each person's latest proposal per cell: five readings in every cell
    assert {len(ps) for ps in public.current.values()} == {len(RATERS)}
    assert public.est is not None and public.est.summary["converged"] is True
    assert estimates.edition_fit(read, m, draft).years == (year, draft)
    rows = estimates.estimates(read, m, public, first=draft)
    assert rows == [], "a draft edition is never in a public answer"


def test_a_workflow_edition_has_intervals_and_recovers_the_truth(workflow_db, read, m, public):
    year, truth = workflow_db["year"], workflow_db["truth"]
    rows = estimates.estimates(read, m, public, first=year, last=year)
    cells = [r for r in rows if r["category"] != m.score.code]
    assert len(cells) == len(truth) == 4 * len(m.edition(year).categories)
    assert all(r["source"] == "model" and r["raters"] == len(RATERS) and r["note"] is None
               for r in rows)
    assert all(r["lo"] <= r["estimate"] <= r["hi"] and r["hi"] - r["lo"] > 0.1 for r in rows)
    # the published rating beside the estimate is the consensus the workflow published
    stored = {(r.iso3, r.category): float(r.value)
              for r in reads.ratings(read, m.code, first=year, last=year)}
    assert {(r["iso3"], r["category"]): r["rating"] for r in cells} == stored
    covered = np.mean([r["lo"] - 0.01 <= truth[(r["iso3"], r["category"])] <= r["hi"] + 0.01
                       for r in cells])
    assert covered >= 0.75, covered
    # the raters' leniencies are found
    lenient = [public.raters[name].leniency for name in RATERS]
    assert np.corrcoef(lenient, [v[0] for v in RATERS.values()])[0, 1] >= 0.9


def test_the_score_interval_is_propagated_not_averaged(workflow_db, read, m, public):
    year = workflow_db["year"]
    est = public.est
    assert est is not None and est.fit is not None
    cats = m.edition(year).categories
    for iso3 in workflow_db["countries"]:
        rows = {r["category"]: r for r in estimates.estimates(read, m, public, iso3s=[iso3],
                                                              first=year, last=year)}
        ds = rows[m.score.code]
        # the same combination computed here from the fit: one weight per category's cell
        fitted = {int(c): i for i, c in enumerate(est.fitted_cells)}
        keys = {est.panel.cell_key(c): fitted[c] for c in range(est.panel.n_cells) if c in fitted}
        w = sp.csr_matrix(([1 / len(cats)] * len(cats), ([0] * len(cats),
                                                         [keys[(iso3, year, c)] for c in cats])),
                          shape=(1, len(est.fit.z_mean)))
        mean, sd = est.fit.combination(w)
        assert ds["estimate"] == pytest.approx(mean[0], abs=1e-3)
        assert ds["hi"] - ds["lo"] == pytest.approx(2 * Z90 * sd[0], abs=2e-3)
        averaged = np.mean([rows[c]["hi"] - rows[c]["lo"] for c in cats])
        assert ds["hi"] - ds["lo"] < 0.95 * averaged  # not the mean of the category intervals
        values = {c: Fraction(str(rows[c]["rating"])) for c in cats}
        assert ds["rating"] == float(democracy_score(m, m.edition(year), values).printed)


def test_a_historic_edition_says_no_interval_can_be_estimated(read, m, public):
    rows = estimates.estimates(read, m, public, first=2008, last=2008)
    stored = reads.ratings(read, m.code, first=2008, last=2008)
    assert len([r for r in rows if r["category"] != m.score.code]) == len(stored) > 100
    for r in rows:
        assert r["lo"] is None and r["hi"] is None and r["source"] == "published"
        assert r["note"] == estimates.PUBLISHED_ONLY or r["note"].startswith("no rating for")
        if r["category"] != m.score.code:
            assert r["estimate"] == r["rating"] and r["raters"] == 1
    ds = next(r for r in rows if r["category"] == m.score.code and r["estimate"] is not None)
    values = {x.category: x.value for x in stored if x.iso3 == ds["iso3"]}
    exact = democracy_score(m, m.edition(2008), values).mean
    assert ds["estimate"] == pytest.approx(float(exact), abs=1e-4)


def test_estimates_on_the_other_scale_are_mirrored(workflow_db, read, m, public):
    year = workflow_db["year"]
    own = estimates.estimates(read, m, public, first=year, last=year)
    other = estimates.estimates(read, m, public, first=year, last=year,
                                direction=Direction.LOW_BEST)
    assert own[0]["direction"] == "7_best" and other[0]["direction"] == "1_best"
    for a, b in zip(own, other, strict=True):
        assert b["estimate"] == pytest.approx(8 - a["estimate"], abs=1e-4)
        assert (b["lo"], b["hi"]) == (pytest.approx(8 - a["hi"], abs=1e-4),
                                      pytest.approx(8 - a["lo"], abs=1e-4))


def test_unknown_category_is_refused(read, m, public):
    with pytest.raises(InvalidRating):
        estimates.estimates(read, m, public, categories=["XX"])
    only = estimates.estimates(read, m, public, categories=[m.score.code], first=2008, last=2008)
    assert {r["category"] for r in only} == {m.score.code}


def test_a_cell_with_one_proposal_has_an_estimate_and_no_interval(workflow_db, read, m):
    draft = workflow_db["draft_year"]
    iso3 = workflow_db["countries"][-1]
    fit = estimates.edition_fit(read, m, draft)
    cell = estimates.cell_model(m, fit, iso3, draft, SINGLE)
    assert cell["estimate"] is not None and cell["lo"] is None and cell["note"] == ONE_RATER
    score = estimates.cell_model(m, fit, iso3, draft, m.score.code)
    assert score["lo"] is None and "no interval" in score["note"]
    other = estimates.cell_model(m, fit, workflow_db["countries"][0], draft, SINGLE)
    assert other["lo"] is not None and other["raters"] == len(RATERS)


def test_the_divergence_view_carries_the_model(workflow_db, read, m):
    draft = workflow_db["draft_year"]
    dv = assessment.divergence(read, m, draft)
    assert dv["model"]["editions"] == [workflow_db["year"], draft]
    assert [r["user"] for r in dv["raters"]] == sorted(RATERS)
    for r in dv["raters"]:
        assert r["leniency_lo"] < r["leniency"] < r["leniency_hi"]
        assert 0 < r["reliability_lo"] <= r["reliability"] <= r["reliability_hi"] < 1
        assert r["role"] == "reviewer" and r["ratings"] == 2 * 4 * 7 - (0 if r["user"] == "rv1" else 1)
    lenient = [r["leniency"] for r in dv["raters"]]
    assert np.corrcoef(lenient, [RATERS[r["user"]][0] for r in dv["raters"]])[0, 1] >= 0.9
    flagged = 0
    for c in dv["countries"]:
        assert c["score_model"]["estimate"] is not None
        for k in c["categories"]:
            assert k["model"]["estimate"] is not None
            if len(k["proposals"]) > 1:
                assert k["model"]["lo"] < k["model"]["estimate"] < k["model"]["hi"]
            flagged += sum(bool(p["outside"]) for p in k["proposals"])
            # the flag is the calibration aid's, for the same person and value
            for p in k["proposals"][:1]:
                cal = estimates.check(m, _fit(read, m, draft), c["iso3"], draft, k["category"],
                                      Fraction(str(p["value"])), p["user"])
                assert cal.outside == p["outside"]
    # the harshest and the most lenient raters are far from the others somewhere
    assert flagged > 0


_FITS: dict = {}


def _fit(read, m, year):
    key = (id(read), year)
    if key not in _FITS:
        _FITS[key] = estimates.edition_fit(read, m, year)
    return _FITS[key]


def test_the_calibration_aid_flags_and_compares(workflow_db, read, m):
    draft = workflow_db["draft_year"]
    iso3, other = workflow_db["countries"][0], workflow_db["countries"][1]
    fit = _fit(read, m, draft)
    cell = estimates.cell_model(m, fit, iso3, draft, "CS")
    far = Fraction(7) if cell["estimate"] < 4 else Fraction(1)
    cal = estimates.calibration(read, m, fit, iso3, draft, "CS", far, "rv3")
    assert cal["outside"] is True and cal["others"] == len(RATERS) - 1
    assert cal["others_lo"] < cal["others_estimate"] < cal["others_hi"]
    assert cal["adjusted"] == pytest.approx(float(far) - fit.raters["rv3"].leniency, abs=1e-3)
    near = Fraction(round(cal["others_estimate"] * 4), 4)
    assert estimates.calibration(read, m, fit, iso3, draft, "CS", near, "rv3")["outside"] is False
    # without a value: the person's current proposal
    mine = [p for p in fit.current[(iso3, draft, "CS")] if p.username == "rv5"][-1]
    assert estimates.calibration(read, m, fit, iso3, draft, "CS", None, "rv5")["value"] == float(mine.value)
    # comparables: same category, one per country, the country itself left out, nearest first
    comp = cal["comparables"]
    assert len(comp) == 6 and all(c["category"] == "CS" for c in comp)
    assert len({c["iso3"] for c in comp}) == 6 and iso3 not in {c["iso3"] for c in comp}
    half = float(m.scale.step) / 2  # nearest first, in half grid steps
    assert [int(c["distance"] / half) for c in comp] == sorted(int(c["distance"] / half) for c in comp)
    assert comp[0]["distance"] == pytest.approx(abs(comp[0]["estimate"] - float(far)), abs=1e-4)
    # another workflow country's cell comes with its interval and its reasons
    mid = estimates.cell_model(m, fit, other, draft, "CS")
    value = Fraction(round(mid["estimate"] * 4), 4)
    got = estimates.calibration(read, m, fit, iso3, draft, "CS", value, "rv3")["comparables"]
    theirs = next(c for c in got if c["iso3"] == other)
    assert theirs["lo"] is not None and theirs["raters"] == len(RATERS)
    assert any(j["source"].startswith("proposal by rv") for j in theirs["justifications"])
    # historic comparables are on this edition's scale (7 = most democratic from 2020)
    old = [c for c in comp if c["edition"] < 2020]
    for c in old:
        printed = reads.row(read, m.code, c["iso3"], c["edition"])["CS"]
        assert c["estimate"] == float(8 - printed) and c["lo"] is None


def test_the_calibration_aid_refuses_what_is_not_there(workflow_db, read, m):
    fit = _fit(read, m, workflow_db["draft_year"])
    with pytest.raises(NotFound):
        estimates.calibration(read, m, fit, "KAZ", 2008, "CS", None, "rv1")
    with pytest.raises(InvalidRating):
        estimates.calibration(read, m, fit, "KAZ", workflow_db["draft_year"], "CS", "5.1", "rv1")
    with pytest.raises(NotFound):
        estimates.calibration(read, m, fit, "POL", workflow_db["draft_year"], "CS", None, "rv1")


def test_the_edition_estimates_follow_the_ratings_file_contract(workflow_db, read, m):
    year, draft = workflow_db["year"], workflow_db["draft_year"]
    est = estimates.edition_estimates(read, m, draft)
    lines = list(est.lines())
    kinds = [x["kind"] for x in lines]
    assert kinds.count("cell") == 28 and kinds.count("score") == 4 and kinds.count("rater") == 5
    assert lines[-1]["kind"] == "summary" and lines[-1]["panel_editions"] == [year, draft]
    assert lines[-1]["source"] == "proposals" and lines[-1]["cells_with_interval"] == 27
    cell = next(x for x in lines if x["kind"] == "cell")
    assert set(cell) == {"kind", "country", "edition", "category", "estimate", "lo", "hi", "sd",
                         "raters", "mean", "note"}
    historic = estimates.edition_estimates(read, m, 2008)
    hl = list(historic.lines())
    assert all(x["lo"] is None and x["hi"] is None for x in hl if x["kind"] in ("cell", "score"))
    assert "no interval can be estimated" in hl[-1]["notes"][0] and hl[-1]["source"] == "published"
    assert reads.ratings(read, m.code, first=2021, last=2021) == []
    with pytest.raises(NotFound):
        estimates.edition_estimates(read, m, 2021)
