"""Estimates with honest intervals from a panel of raters: the one call behind
``demoscope estimate --ratings``.

What the model can and cannot say (also in ``docs/stats.md``):

* A rater's leniency and noise are measured only against other raters of the same cells. A
  rater who shares no cell with anyone cannot be measured: their leniency and reliability
  are reported as unknown, their ratings are left out of the fit, and a cell only they rated
  is reported as their rating itself, without an interval.
* A cell needs two readings to show how far opinions on it spread. A cell with one rating
  still gets the model's estimate (that rating corrected for the rater's measured leniency,
  and linked to the neighbouring editions), but no interval: its width would come only from
  assumptions (the rater's noise measured elsewhere, the random walk), not from the cell.
  An edition in which every cell has one rater therefore has no intervals at all, and says so.
* The Democracy Score of a country-edition is the weighted mean of its categories' latent
  values; its interval is propagated through the model (the categories share the raters'
  leniencies, so their errors are correlated), never an average of the category intervals.
  It has an interval only when every category has one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from demoscope.methodology import Methodology
from demoscope.stats.fit import Z90, FitResult, Layout, Progress, fit_layout
from demoscope.stats.model import Grid, reliability
from demoscope.stats.panel import Panel

ONE_RATER = "one rater: no interval can be estimated"
LONE_RATER = ("one rater, who shares no cell with another rater: the rating itself, "
              "not adjusted, no interval")
UNMEASURED = "shares no cell with another rater: leniency and reliability cannot be estimated"


def _r(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 4)


@dataclass
class CellEstimate:
    country: str
    edition: int
    category: str
    estimate: float
    lo: float | None
    hi: float | None
    sd: float | None
    raters: int
    mean: float  # plain mean of the raters' values, for comparison
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("estimate", "lo", "hi", "sd", "mean"):
            d[k] = _r(d[k])
        return {"kind": "cell", **d}


@dataclass
class ScoreEstimate:
    country: str
    edition: int
    category: str  # the methodology's score code (DS)
    estimate: float | None
    lo: float | None
    hi: float | None
    sd: float | None
    categories: list[str]
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("estimate", "lo", "hi", "sd"):
            d[k] = _r(d[k])
        return {"kind": "score", **d}


@dataclass
class RaterEstimate:
    rater: str
    leniency: float | None  # + rates higher values than the estimate, in scale points
    leniency_lo: float | None
    leniency_hi: float | None
    reliability: float | None  # 0–1: share of the rater's variance that is signal
    reliability_lo: float | None
    reliability_hi: float | None
    noise: float | None  # sd of the rater's perception noise, scale points
    ratings: int
    countries: int
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, float):
                d[k] = _r(v)
        return {"kind": "rater", **d}


@dataclass
class Estimates:
    """Everything ``estimate`` reports; ``fit`` and ``panel`` are kept for the calibration aid."""

    cells: list[CellEstimate]
    scores: list[ScoreEstimate]
    raters: list[RaterEstimate]
    summary: dict[str, Any]
    panel: Panel
    fit: FitResult | None = None
    fitted_cells: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    fitted_ratings: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    seconds: float = 0.0  # wall time of the fit (kept out of the output: same seed, same bytes)

    def lines(self) -> Iterator[dict[str, Any]]:
        """JSON Lines: cells, Democracy Scores, raters, then one summary line."""
        for c in self.cells:
            yield c.to_json()
        for s in self.scores:
            yield s.to_json()
        for r in self.raters:
            yield r.to_json()
        yield {"kind": "summary", **self.summary}


def estimate_panel(panel: Panel, methodology: Methodology, *, seed: int = 0, draws: int = 400,
                   progress: Progress | None = None) -> Estimates:
    """Fit the measurement model to a panel and report every cell, Democracy Score and rater
    (see the module docstring for what is reported when the data cannot support it)."""
    started = time.perf_counter()
    grid = Grid.of(methodology)
    counts = panel.cell_counts()
    means = panel.cell_means()
    n_r = len(panel.raters)
    shared_rating = counts[panel.rating_cell] > 1
    measured = np.bincount(panel.rating_rater, shared_rating, n_r) > 0
    keep = np.flatnonzero(measured[panel.rating_rater])
    fit = None
    cell_map = np.full(panel.n_cells, -1, dtype=np.int64)
    rater_map = np.full(n_r, -1, dtype=np.int64)
    fitted_cells = np.zeros(0, dtype=np.int64)
    if len(keep):
        fitted_cells = np.unique(panel.rating_cell[keep])
        cell_map[fitted_cells] = np.arange(len(fitted_cells))
        fitted_raters = np.flatnonzero(measured)
        rater_map[fitted_raters] = np.arange(len(fitted_raters))
        layout = Layout.build(panel.cell_country[fitted_cells], panel.cell_category[fitted_cells],
                              panel.cell_edition[fitted_cells], cell_map[panel.rating_cell[keep]],
                              rater_map[panel.rating_rater[keep]],
                              grid.index(panel.rating_value[keep]), len(fitted_raters))
        fit = fit_layout(layout, grid, panel.rating_value[keep], seed=seed, draws=draws,
                         progress=progress)
    if progress:
        progress("intervals and scores", 0, 0)
    cells = _cells(panel, grid, fit, cell_map, counts, means)
    scores = _scores(panel, methodology, grid, fit, cell_map, counts, cells)
    raters = _raters(panel, fit, rater_map)
    notes = _edition_notes(panel, counts)
    if fit is not None and not fit.converged:
        notes.append(f"the fit stopped after {fit.iterations} iterations without converging "
                     "(e.g. every rating at one end of the scale): treat the estimates with care")
    summary = {
        "ratings": panel.n_ratings, "cells": panel.n_cells, "raters": n_r,
        "countries": len(panel.countries), "editions": sorted({int(e) for e in panel.cell_edition}),
        "skipped_without_value": panel.skipped, "fitted_ratings": len(keep),
        "cells_with_interval": sum(c.lo is not None for c in cells),
        "iterations": fit.iterations if fit else 0, "converged": fit.converged if fit else None,
        "hyperparameters": {k: round(v, 4) for k, v in fit.hyper.as_dict().items()} if fit else None,
        "seed": seed,
        "interval": 0.9, "scale": [grid.low, grid.high], "methodology": methodology.code,
        "notes": notes,
    }
    return Estimates(cells, scores, raters, summary, panel, fit, fitted_cells, keep,
                     time.perf_counter() - started)


def _clip(x: np.ndarray, grid: Grid) -> np.ndarray:
    """Latent values beyond the scale's ends (everyone gave the top value) are reported at the
    end: the grid says nothing beyond it."""
    return np.clip(x, grid.low, grid.high)


def _cells(panel: Panel, grid: Grid, fit: FitResult | None, cell_map: np.ndarray,
           counts: np.ndarray, means: np.ndarray) -> list[CellEstimate]:
    out = []
    for c in range(panel.n_cells):
        country, edition, category = panel.cell_key(c)
        j = cell_map[c]
        if j < 0 or fit is None:
            out.append(CellEstimate(country, edition, category, float(means[c]), None, None, None,
                                    int(counts[c]), float(means[c]), LONE_RATER))
            continue
        mu, sd = fit.z_mean[j], fit.z_sd[j]
        est = float(_clip(mu, grid))
        if counts[c] < 2:
            out.append(CellEstimate(country, edition, category, est, None, None, None,
                                    int(counts[c]), float(means[c]), ONE_RATER))
            continue
        lo, hi = _clip(np.array([mu - Z90 * sd, mu + Z90 * sd]), grid)
        out.append(CellEstimate(country, edition, category, est, float(lo), float(hi), float(sd),
                                int(counts[c]), float(means[c])))
    return out


def _scores(panel: Panel, m: Methodology, grid: Grid, fit: FitResult | None, cell_map: np.ndarray,
            counts: np.ndarray, cells: list[CellEstimate]) -> list[ScoreEstimate]:
    """One Democracy Score per country-edition over the categories the panel rates in that
    edition (weights from the methodology); propagated through the fit."""
    eds = panel.cell_edition
    by_edition: dict[int, set[int]] = {}
    for e, k in zip(eds.tolist(), panel.cell_category.tolist(), strict=True):
        by_edition.setdefault(e, set()).add(k)
    groups: dict[tuple[int, int], dict[int, int]] = {}
    for c in range(panel.n_cells):
        groups.setdefault((int(panel.cell_country[c]), int(eds[c])), {})[int(panel.cell_category[c])] = c
    rows, with_interval = [], []
    weights_rows, weights_cols, weights_vals = [], [], []
    for (g, e), cats in sorted(groups.items(), key=lambda kv: (panel.countries[kv[0][0]], kv[0][1])):
        wanted = sorted(by_edition[e], key=lambda k: panel.categories[k])
        codes = [panel.categories[k] for k in wanted]
        missing = [panel.categories[k] for k in wanted if k not in cats]
        base = ScoreEstimate(panel.countries[g], e, m.score.code, None, None, None, None, codes)
        if missing:
            base.note = f"no rating for {', '.join(missing)}: no {m.score.name}"
            rows.append(base)
            continue
        w = np.array([float(m.categories[code].weight) if code in m.categories else 1.0
                      for code in codes])
        w = w / w.sum()
        members = [cats[k] for k in wanted]
        base.estimate = float(np.dot(w, [cells[c].estimate for c in members]))
        single = [panel.categories[panel.cell_category[c]] for c in members if counts[c] < 2]
        if single or fit is None or any(cell_map[c] < 0 for c in members):
            base.note = (f"{', '.join(single)} {'has' if len(single) == 1 else 'have'} one rater: "
                         "no interval can be estimated") if single else ONE_RATER
            rows.append(base)
            continue
        with_interval.append(len(rows))
        for wi, c in zip(w, members, strict=True):
            weights_rows.append(len(with_interval) - 1)
            weights_cols.append(cell_map[c])
            weights_vals.append(wi)
        rows.append(base)
    if with_interval and fit is not None:
        wmat = sp.csr_matrix((weights_vals, (weights_rows, weights_cols)),
                             shape=(len(with_interval), len(fit.z_mean)))
        mean, sd = fit.combination(wmat)
        for i, row_index in enumerate(with_interval):
            row = rows[row_index]
            row.estimate = float(_clip(mean[i], grid))
            row.sd = float(sd[i])
            row.lo, row.hi = (float(v) for v in _clip(np.array([mean[i] - Z90 * sd[i],
                                                                mean[i] + Z90 * sd[i]]), grid))
    return rows


def _raters(panel: Panel, fit: FitResult | None, rater_map: np.ndarray) -> list[RaterEstimate]:
    n_r = len(panel.raters)
    n_ratings = np.bincount(panel.rating_rater, minlength=n_r)
    country_sets: list[set[int]] = [set() for _ in range(n_r)]
    for r, c in zip(panel.rating_rater.tolist(), panel.cell_country[panel.rating_cell].tolist(),
                    strict=True):
        country_sets[r].add(c)
    lenient = noise = None
    if fit is not None:
        a_draws, s_draws = fit.rater_draws()
        latent_var = float(np.var(fit.z_mean)) if len(fit.z_mean) > 1 else 1.0
        lenient = (fit.leniency, np.quantile(a_draws, [0.05, 0.95], axis=1))
        rel_draws = reliability(np.exp(s_draws), latent_var)
        noise = (np.exp(fit.log_noise), reliability(np.exp(fit.log_noise), latent_var),
                 np.quantile(rel_draws, [0.05, 0.95], axis=1))
    out = []
    for r, name in enumerate(panel.raters):
        j = rater_map[r]
        if j < 0 or lenient is None or noise is None:
            out.append(RaterEstimate(name, None, None, None, None, None, None, None,
                                     int(n_ratings[r]), len(country_sets[r]), UNMEASURED))
            continue
        out.append(RaterEstimate(
            name, float(lenient[0][j]), float(lenient[1][0, j]), float(lenient[1][1, j]),
            float(noise[1][j]), float(noise[2][0, j]), float(noise[2][1, j]), float(noise[0][j]),
            int(n_ratings[r]), len(country_sets[r])))
    return out


def _edition_notes(panel: Panel, counts: np.ndarray) -> list[str]:
    notes = []
    for e in sorted({int(x) for x in panel.cell_edition}):
        in_edition = panel.cell_edition == e
        if np.all(counts[in_edition] < 2):
            notes.append(f"edition {e}: every cell has one rater: no interval can be estimated "
                         "for its cells or scores")
    if panel.skipped:
        notes.append(f"{panel.skipped} row(s) without a value were skipped as missing ratings")
    return notes


def estimate_ratings_file(path: str, methodology: Methodology, *, seed: int = 0,
                          progress: Progress | None = None) -> Estimates:
    """Read a ratings CSV (see :func:`~demoscope.stats.panel.read_ratings_csv`) and estimate."""
    from demoscope.stats.panel import read_ratings_csv

    return estimate_panel(read_ratings_csv(path, methodology, progress), methodology, seed=seed,
                          progress=progress)
