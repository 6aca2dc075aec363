"""The fast fit against the NUTS reference (numpyro) of the same model, on a small panel."""

from __future__ import annotations

import numpy as np
import pytest

from demoscope.methodology import nit
from demoscope.stats.estimate import estimate_panel
from demoscope.stats.model import Grid
from demoscope.stats.reference import reference_fit
from demoscope.stats.simulate import simulate


@pytest.fixture(scope="module")
def methodology():
    return nit()



@pytest.fixture(scope="module")
def both(methodology):
    sim = simulate(methodology, countries=6, editions=5, categories=["EP", "CS", "IM"],
                   bridge=0.5, seed=4)
    est = estimate_panel(sim.panel, methodology, seed=0)
    ref = reference_fit(est.fit.layout, Grid.of(methodology), warmup=250, samples=250, seed=1)
    return sim, est, ref


def test_fast_fit_is_within_the_reference_error(both):
    sim, est, ref = both
    truth = sim.truth[est.fitted_cells]
    fast = np.clip(est.fit.z_mean, 1, 7)
    nuts = np.clip(ref.z_mean, 1, 7)
    rmse_fast = np.sqrt(np.mean((fast - truth) ** 2))
    rmse_nuts = np.sqrt(np.mean((nuts - truth) ** 2))
    assert rmse_fast <= 1.1 * rmse_nuts, (rmse_fast, rmse_nuts)
    # the two posteriors agree cell by cell, not only on average
    assert np.sqrt(np.mean((fast - nuts) ** 2)) < 0.25 * rmse_nuts
    assert ref.divergences <= 5  # of 250 draws: the reference itself is trustworthy


def test_interval_widths_agree_with_the_reference(both):
    _sim, est, ref = both
    ratio = est.fit.z_sd / ref.z.std(axis=0)
    # empirical Bayes hyperparameters make the fast intervals a little narrower on a panel this
    # small (about 15 raters); they must stay close
    assert 0.75 <= np.median(ratio) <= 1.15, np.median(ratio)


def test_leniencies_agree_with_the_reference(both):
    _sim, est, ref = both
    assert np.corrcoef(est.fit.leniency, ref.leniency.mean(axis=0))[0, 1] > 0.95
