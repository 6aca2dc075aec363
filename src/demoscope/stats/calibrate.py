"""Calibration aid: does a proposed value mean the same here as elsewhere?

For a proposed value in a category, :func:`check_proposal` lists the comparable
country-editions (same category, nearest estimated values, across countries and editions) so
an author can check that "5.25 in civil society" means what it means elsewhere, and flags a
proposal that sits outside the 90 % interval the *other* raters of that cell imply (the cell's
posterior with the proposer's own rating taken out: a Gaussian cavity of the Laplace fit).
The workflow will add each comparable's justification when it lands; this module only needs
estimates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from demoscope.stats.estimate import Estimates
from demoscope.stats.fit import Z90


@dataclass
class Comparable:
    country: str
    edition: int
    category: str
    estimate: float
    lo: float | None
    hi: float | None
    raters: int
    distance: float


@dataclass
class ProposalCheck:
    country: str
    edition: int
    category: str
    value: float
    rater: str | None
    others: int  # raters of the cell other than the proposer
    others_estimate: float | None  # what the other raters imply for the cell
    others_lo: float | None
    others_hi: float | None
    outside: bool | None  # None: the other raters imply no interval
    adjusted: float | None  # the value corrected for the proposer's measured leniency
    comparables: list[Comparable] = field(default_factory=list)
    note: str | None = None


def comparables(est: Estimates, category: str, value: float, *, k: int = 5,
                exclude: tuple[str, int] | None = None) -> list[Comparable]:
    """The ``k`` country-editions of ``category`` whose estimates are nearest ``value``
    (ties: narrower interval first), leaving out ``exclude`` (country, edition)."""
    rows = [c for c in est.cells if c.category == category
            and (exclude is None or (c.country, c.edition) != exclude)]
    rows.sort(key=lambda c: (abs(c.estimate - value),
                             (c.hi - c.lo) if c.lo is not None and c.hi is not None else np.inf,
                             c.country, c.edition))
    return [Comparable(c.country, c.edition, c.category, c.estimate, c.lo, c.hi, c.raters,
                       round(abs(c.estimate - value), 4)) for c in rows[:k]]


def check_proposal(est: Estimates, country: str, edition: int, category: str, value: float, *,
                   rater: str | None = None, k: int = 5) -> ProposalCheck:
    """Check one proposal against the other raters of its cell and list comparables."""
    p = est.panel
    near = comparables(est, category, value, k=k, exclude=(country, edition))
    check = ProposalCheck(country, edition, category, value, rater, 0, None, None, None, None,
                          None, near)
    fit = est.fit
    if rater is not None and fit is not None:
        measured = next((x for x in est.raters if x.rater == rater), None)
        if measured is not None and measured.leniency is not None:
            check.adjusted = round(value - measured.leniency, 4)
    try:
        ci = p.countries.index(country)
        ki = p.categories.index(category)
    except ValueError:
        check.note = "no rating of this cell in the panel: nothing to compare with"
        return check
    match = np.flatnonzero((p.cell_country == ci) & (p.cell_category == ki)
                           & (p.cell_edition == edition))
    if not len(match):
        check.note = "no rating of this cell in the panel: nothing to compare with"
        return check
    c = int(match[0])
    in_cell = p.rating_cell == c
    own = np.zeros_like(in_cell)
    if rater is not None and rater in p.raters:
        own = in_cell & (p.rating_rater == p.raters.index(rater))
    check.others = int(in_cell.sum() - own.sum())
    if check.others < 2 or fit is None:
        check.note = ("no other rater rated this cell" if check.others == 0 else
                      "one other rater: no interval can be estimated")
        return check
    j = int(np.searchsorted(est.fitted_cells, c))
    if j >= len(est.fitted_cells) or est.fitted_cells[j] != c:
        check.note = "the other raters of this cell could not be measured"
        return check
    # The sites are Gaussian factors in the latent value *given* the leniencies, so the own
    # reading is taken out of the conditional posterior (precision 1/z_cond_var), and the
    # variance the leniencies' uncertainty adds is put back afterwards. (Taking it out of the
    # marginal instead, whose precision is far below the sum of the sites', overshoots: the
    # others' estimate then lands beyond them.)
    cond = float(fit.z_cond_var[j])
    induced = max(float(fit.z_sd[j]) ** 2 - cond, 0.0)
    prec = 1.0 / cond
    lin = prec * fit.z_mean[j]
    if own.any():
        n = np.flatnonzero(own)[0]
        pos = np.flatnonzero(est.fitted_ratings == n)
        if len(pos):
            prec -= fit.site_precision[pos[0]]
            lin -= fit.site_linear[pos[0]]
    if prec <= 0:
        check.note = "the other raters of this cell imply no interval"
        return check
    mean, sd = lin / prec, np.sqrt(1.0 / prec + induced)
    lo, hi = np.clip([mean - Z90 * sd, mean + Z90 * sd], *est.summary["scale"])
    check.others_estimate = round(float(np.clip(mean, *est.summary["scale"])), 4)
    check.others_lo, check.others_hi = round(float(lo), 4), round(float(hi), 4)
    check.outside = bool(value < lo or value > hi)
    return check
