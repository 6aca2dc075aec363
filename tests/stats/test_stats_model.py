"""The likelihood's derivatives, the grid read from the methodology, the simulator."""

from __future__ import annotations

import numpy as np
import pytest

from demoscope.methodology import nit, parse_methodology
from demoscope.stats.model import Grid, ordinal_terms
from demoscope.stats.simulate import simulate


@pytest.fixture(scope="module")
def methodology():
    return nit()



def test_grid_comes_from_the_methodology(methodology):
    g = Grid.of(methodology)
    assert (g.low, g.high, g.step, g.size) == (1.0, 7.0, 0.25, 25)
    assert g.cuts[1] == pytest.approx(1.125) and g.cuts[-2] == pytest.approx(6.875)
    assert g.middle == 4.0


def test_a_custom_scale_gets_its_own_grid():
    data = {"index": {"code": "x"}, "scale": {"min": "0", "max": "10", "step": "0.5"},
            "categories": [{"code": "A", "name": "Alpha"}],
            "eras": [{"editions": [2020], "direction": "high_best", "categories": ["A"]}]}
    g = Grid.of(parse_methodology(data))
    assert (g.size, g.middle) == (21, 5.0)
    assert g.round(np.array([-3.0, 4.74, 4.76, 11.0])).tolist() == [0.0, 4.5, 5.0, 10.0]


def test_derivatives_match_finite_differences(methodology):
    rng = np.random.default_rng(0)
    g = Grid.of(methodology)
    y = rng.integers(0, g.size, 200)
    eta = g.points[y] + rng.normal(0, 0.6, 200)
    s = rng.normal(-1, 0.4, 200)
    d = ordinal_terms(y, eta, s, g.cuts)
    h = 1e-6
    up = ordinal_terms(y, eta + h, s, g.cuts)
    np.testing.assert_allclose(d.d_eta, (up.loglik - d.loglik) / h, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(d.d_eta2, (up.d_eta - d.d_eta) / h, rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(d.d_eta_s, (ordinal_terms(y, eta, s + h, g.cuts).d_eta - d.d_eta) / h,
                               rtol=1e-3, atol=1e-3)
    sp = ordinal_terms(y, eta, s + h, g.cuts)
    np.testing.assert_allclose(d.d_s, (sp.loglik - d.loglik) / h, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(d.d_s2, (sp.d_s - d.d_s) / h, rtol=1e-3, atol=1e-3)
    assert np.all(d.d_eta2 <= 0)  # log-concave in η: the Newton system stays positive definite


def test_likelihood_is_stable_far_in_the_tails(methodology):
    g = Grid.of(methodology)
    y = np.array([0, 24, 12, 12])
    d = ordinal_terms(y, np.array([40.0, -40.0, 30.0, -30.0]), np.full(4, -2.0), g.cuts)
    assert np.all(np.isfinite(d.loglik)) and np.all(np.isfinite(d.d_eta))


def test_simulator_is_seeded_and_on_the_grid(methodology):
    a, b = simulate(methodology, seed=5), simulate(methodology, seed=5)
    np.testing.assert_array_equal(a.panel.rating_value, b.panel.rating_value)
    np.testing.assert_array_equal(a.truth, b.truth)
    v = a.panel.rating_value
    assert np.all((v >= 1) & (v <= 7)) and np.all(np.mod(v * 4, 1) == 0)
    assert len(a.truth) == a.panel.n_cells and len(a.leniency) == len(a.panel.raters)
    counts = a.panel.cell_counts()
    assert counts.min() >= 1 and counts.mean() > 2  # several raters per cell, some missing
    assert np.any(counts < counts.max())
