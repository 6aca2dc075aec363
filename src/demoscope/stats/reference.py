"""The NUTS reference fit: the same measurement model, sampled with numpyro.

Slow (hours for a real panel, as V-Dem's Stan runs are) but exact up to Monte Carlo error, and
used by the tests on small panels and by ``bench/bench_stats.py`` to check the fast fit.
numpyro and JAX are an optional extra (``pip install 'demoscope[reference]'``, installed by
``make install``); the fast fit never imports them.

The model is written once more here in JAX, with the same layout as the fast fit. Where the
fast fit sets hyperparameters by empirical Bayes, the reference gives them weakly informative
priors (scales from :func:`~demoscope.stats.model.hyperprior_scales`) and samples them; the
difference is part of what the comparison checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from demoscope.errors import ConfigError
from demoscope.stats.fit import Layout
from demoscope.stats.model import Grid, hyperprior_scales


@dataclass
class ReferenceResult:
    """Posterior draws from NUTS: latent values per fitted cell, rater leniencies, log noises."""

    z: np.ndarray  # (S, C)
    leniency: np.ndarray  # (S, R) ratings-weighted unit leniencies, as the fast fit reports
    log_noise: np.ndarray  # (S, R)
    seconds: float
    divergences: int

    @property
    def z_mean(self) -> np.ndarray:
        return self.z.mean(axis=0)

    def z_interval(self, level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
        q = (1 - level) / 2
        return np.quantile(self.z, q, axis=0), np.quantile(self.z, 1 - q, axis=0)


def _imports() -> tuple[Any, ...]:
    try:
        import jax
        import jax.numpy as jnp
        import numpyro
        import numpyro.distributions as dist
        from jax.scipy.special import log_ndtr
        from numpyro.infer import MCMC, NUTS
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError("the NUTS reference needs numpyro and JAX: "
                          "pip install 'demoscope[reference]'") from exc
    jax.config.update("jax_enable_x64", True)
    return jax, jnp, numpyro, dist, log_ndtr, MCMC, NUTS


def reference_fit(layout: Layout, grid: Grid, *, warmup: int = 500, samples: int = 500,
                  chains: int = 1, seed: int = 0, progress_bar: bool = False) -> ReferenceResult:
    """Sample the model's posterior with NUTS (numpyro) for ratings laid out like the fast fit."""
    import time

    jax, jnp, numpyro, dist, log_ndtr, MCMC, NUTS = _imports()
    L = layout
    scales = hyperprior_scales(grid)
    cuts = grid.cuts
    lower = jnp.asarray(np.maximum(cuts[L.obs_y], -1e6))
    upper = jnp.asarray(np.minimum(cuts[L.obs_y + 1], 1e6))
    obs_cell = jnp.asarray(L.obs_cell)
    ud = jnp.asarray(L.ud)
    ud_unit = jnp.asarray(L.obs_unit[L.ud])
    obs_rater = jnp.asarray(L.obs_rater)
    sqrt_dt = jnp.asarray(np.where(L.inv_dt > 0, 1.0 / np.sqrt(np.where(L.inv_dt > 0, L.inv_dt, 1)), 0.0))
    flat = jnp.asarray(L.cell_flat)
    chain_group = jnp.asarray(L.chain_group)
    chain_kind = jnp.asarray(L.chain_kind)
    valid = jnp.asarray(L.valid)

    def log_prob_interval(u: Any, lo: Any) -> Any:
        flip = lo > 0
        a = jnp.where(flip, -lo, u)
        b = jnp.where(flip, -u, lo)
        la, lb = log_ndtr(a), log_ndtr(b)
        return la + jnp.log1p(-jnp.exp(jnp.minimum(lb - la, -1e-300)))

    def model() -> None:
        mu_k = numpyro.sample("mu_k", dist.Normal(grid.middle, scales["mu0_sd"]).expand([L.n_kinds]))
        s0 = numpyro.sample("s0", dist.HalfNormal(scales["s0"] / 2))
        s_c = numpyro.sample("s_c", dist.HalfNormal(scales["s0"] / 2))
        omega = numpyro.sample("omega", dist.HalfNormal(scales["omega"]))
        sigma_a = numpyro.sample("sigma_a", dist.HalfNormal(scales["sigma_a"]))
        sigma_d = numpyro.sample("sigma_d", dist.HalfNormal(scales["sigma_a"]))
        mu_s = numpyro.sample("mu_s", dist.Normal(scales["mu_s_mean"], scales["mu_s_sd"]))
        tau_s = numpyro.sample("tau_s", dist.HalfNormal(scales["tau_s"]))
        c = s_c * numpyro.sample("c_raw", dist.Normal(0, 1).expand([L.n_groups]))
        eps = numpyro.sample("eps", dist.Normal(0, 1).expand([L.n_chains, L.width]))
        start = mu_k[chain_kind] + c[chain_group] + s0 * eps[:, 0]
        steps = omega * sqrt_dt[:, 1:] * eps[:, 1:]
        zp = jnp.concatenate([start[:, None], start[:, None] + jnp.cumsum(steps, axis=1)], axis=1)
        zp = jnp.where(valid, zp, 0.0)
        z = numpyro.deterministic("z", zp.reshape(-1)[flat])
        a_r = numpyro.deterministic(
            "a_r", sigma_a * numpyro.sample("a_raw", dist.Normal(0, 1).expand([L.n_raters])))
        delta = numpyro.deterministic(
            "delta", sigma_d * numpyro.sample("d_raw", dist.Normal(0, 1).expand([L.n_units])))
        s = numpyro.deterministic(
            "s", mu_s + tau_s * numpyro.sample("s_raw", dist.Normal(0, 1).expand([L.n_raters])))
        eta = (z[obs_cell] + a_r[obs_rater]).at[ud].add(delta[ud_unit])
        sigma = jnp.exp(s[obs_rater])
        numpyro.factor("ratings", jnp.sum(log_prob_interval((upper - eta) / sigma,
                                                             (lower - eta) / sigma)))

    started = time.perf_counter()
    mcmc = MCMC(NUTS(model, target_accept_prob=0.9), num_warmup=warmup, num_samples=samples,
                num_chains=chains, chain_method="sequential", progress_bar=progress_bar)
    mcmc.run(jax.random.PRNGKey(seed), extra_fields=("diverging",))
    draws = mcmc.get_samples()
    seconds = time.perf_counter() - started
    counts = np.bincount(L.obs_unit[L.ud], minlength=L.n_units).astype(float)
    per_rater = np.bincount(L.obs_rater, minlength=L.n_raters).astype(float)
    w = np.zeros((L.n_units, L.n_raters))
    w[np.arange(L.n_units), L.unit_rater] = counts / per_rater[L.unit_rater]
    lenient = np.asarray(draws["a_r"]) + np.asarray(draws["delta"]) @ w
    return ReferenceResult(np.asarray(draws["z"]), lenient, np.asarray(draws["s"]), seconds,
                           int(np.sum(np.asarray(mcmc.get_extra_fields()["diverging"]))))
