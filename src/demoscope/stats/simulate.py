"""Simulated rater panels with a known truth, for tests, benchmarks and docs.

A panel looks like an expert survey run over many editions: each country has a pool of raters
who join and leave (each covers a run of consecutive editions), rate every category of their
country in the editions they cover, and skip some ratings at random; some raters also rate a
second country for a while (bridges, as V-Dem's lateral coders). The truth moves like real
scores: a country level with category offsets, small yearly drift and, rarely, a regime change
that moves every category at once. Raters differ in leniency, scale use and noise, and report
the grid point nearest to what they perceive, clipped to the scale's ends.

The generating process is the model's family on purpose (to check recovery against a known
truth) with two departures a real panel has: regime-change jumps (heavy-tailed innovations, not
the model's Gaussian random walk) and a truth kept within the scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from demoscope.methodology import Methodology
from demoscope.stats.model import Grid
from demoscope.stats.panel import Panel


@dataclass
class Simulation:
    """A simulated panel and its truth, aligned to the panel's own cell and rater order."""

    panel: Panel
    truth: np.ndarray  # latent value per panel cell
    leniency: np.ndarray  # per panel rater: offset at the scale's middle
    scale_use: np.ndarray  # per panel rater: slope of perceived on latent value
    noise: np.ndarray  # per panel rater: sd of perception noise


def simulate(methodology: Methodology, *, countries: int = 12, editions: int = 10,
             first_edition: int = 2005, categories: list[str] | None = None,
             raters_per_country: tuple[int, int] = (3, 6), missing: float = 0.15,
             bridge: float = 0.2, leniency_sd: float = 0.35, scale_sd: float = 0.08,
             noise_median: float = 0.35, noise_spread: float = 0.35, drift: float = 0.12,
             jump_rate: float = 0.03, seed: int = 0) -> Simulation:
    """Draw a panel (see the module docstring). Sizes and spreads are in the methodology's
    units; ``categories`` default to the methodology's last edition's categories."""
    rng = np.random.default_rng(seed)
    grid = Grid.of(methodology)
    cats = categories or list(methodology.editions[max(methodology.editions)].categories)
    k = len(cats)
    years = first_edition + np.arange(editions)
    lo, hi = grid.low, grid.high
    # truth: (country, category, edition)
    level = rng.uniform(lo + 0.75, hi - 0.75, countries)
    offset = rng.normal(0, 0.4, (countries, k))
    steps = rng.normal(0, drift, (countries, k, editions))
    jumps = (rng.random((countries, 1, editions)) < jump_rate) * rng.normal(0, 0.8, (countries, 1, editions))
    steps = steps + jumps * rng.uniform(0.5, 1.5, (countries, k, 1))
    steps[:, :, 0] = 0
    truth = level[:, None, None] + offset[:, :, None] + np.cumsum(steps, axis=2)
    truth = _reflect(truth, lo + grid.step, hi - grid.step)
    # raters: pools per country, tenures, bridges
    country_of: list[int] = []
    start_of: list[int] = []
    stop_of: list[int] = []
    rater_country2: list[tuple[int, int]] = []
    start2: list[int] = []
    stop2: list[int] = []
    for c in range(countries):
        for _ in range(rng.integers(raters_per_country[0], raters_per_country[1] + 1)):
            a, b = _tenure(rng, editions)
            country_of.append(c)
            start_of.append(a)
            stop_of.append(b)
            if countries > 1 and rng.random() < bridge:
                other = int((c + rng.integers(1, countries)) % countries)
                a2, b2 = _tenure(rng, editions)
                rater_country2.append((len(country_of) - 1, other))
                start2.append(a2)
                stop2.append(b2)
    n_raters = len(country_of)
    lenient = rng.normal(0, leniency_sd, n_raters)
    slope = np.exp(rng.normal(0, scale_sd, n_raters))
    noise = noise_median * np.exp(rng.normal(0, noise_spread, n_raters))
    # assignments: (rater, country, edition) spans, every category
    spans = [(r, country_of[r], start_of[r], stop_of[r]) for r in range(n_raters)]
    spans += [(r, o, a, b) for (r, o), a, b in zip(rater_country2, start2, stop2, strict=True)]
    r_idx = np.concatenate([np.full((b - a) * k, r) for r, _c, a, b in spans])
    c_idx = np.concatenate([np.full((b - a) * k, c) for _r, c, a, b in spans])
    e_idx = np.concatenate([np.repeat(np.arange(a, b), k) for _r, _c, a, b in spans])
    k_idx = np.concatenate([np.tile(np.arange(k), b - a) for _r, _c, a, b in spans])
    keep = rng.random(len(r_idx)) >= missing
    r_idx, c_idx, e_idx, k_idx = r_idx[keep], c_idx[keep], e_idx[keep], k_idx[keep]
    z = truth[c_idx, k_idx, e_idx]
    m = grid.middle
    x = m + lenient[r_idx] + slope[r_idx] * (z - m) + noise[r_idx] * rng.standard_normal(len(z))
    value = grid.round(x)
    width = len(str(countries))
    names = np.array([f"C{i:0{width}d}" for i in range(countries)])
    rater_names = np.array([f"R{i:05d}" for i in range(n_raters)])
    panel = Panel.from_arrays(names[c_idx], years[e_idx], np.array(cats)[k_idx], rater_names[r_idx],
                              value, source="simulation")
    # align truth with the panel's cells and raters
    cidx = {n: i for i, n in enumerate(names)}
    kidx = {n: i for i, n in enumerate(cats)}
    pc = np.array([cidx[n] for n in panel.countries])[panel.cell_country]
    pk = np.array([kidx[n] for n in panel.categories])[panel.cell_category]
    pe = panel.cell_edition - first_edition
    ridx = np.array([int(n[1:]) for n in panel.raters])
    return Simulation(panel, truth[pc, pk, pe], lenient[ridx], slope[ridx], noise[ridx])


def simulate_ratings(methodology: Methodology, n_ratings: int, *, seed: int = 0,
                     **kw: Any) -> Simulation:
    """A panel of about ``n_ratings`` ratings: editions and categories as given (default 20
    editions, the methodology's latest categories), countries scaled to reach the size."""
    editions = kw.pop("editions", 20)
    cats = kw.get("categories") or list(methodology.editions[max(methodology.editions)].categories)
    lo, hi = kw.get("raters_per_country", (3, 6))
    per_country = editions * len(cats) * (lo + hi) / 2 * (1 - kw.get("missing", 0.15))
    countries = max(2, round(n_ratings / per_country))
    return simulate(methodology, countries=countries, editions=editions, seed=seed, **kw)


def _tenure(rng: np.random.Generator, editions: int) -> tuple[int, int]:
    """A run of consecutive editions: the whole period for half the raters, else a stretch."""
    if editions <= 2 or rng.random() < 0.5:
        return 0, editions
    length = int(rng.integers(max(2, editions // 4), editions + 1))
    start = int(rng.integers(0, editions - length + 1))
    return start, start + length


def _reflect(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    span = hi - lo
    y = np.mod(x - lo, 2 * span)
    return lo + np.where(y > span, 2 * span - y, y)
