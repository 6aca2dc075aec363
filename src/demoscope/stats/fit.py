"""The fast fit: a Laplace approximation at the joint posterior mode, hyperparameters by EM.

Why this method (the long version is in ``docs/stats.md``): the model's unknowns are one latent
value per cell and three parameters per rater. Given the rater parameters, the cells of one
country-category form a chain whose prior precision is tridiagonal, so the chains can be
eliminated exactly, in time linear in the number of ratings; what remains is a sparse system
over the rater parameters (raters interact only through the cells they share). Newton's method
on the joint mode therefore costs a handful of sparse factorisations, and the same factorisation
gives the Gaussian (Laplace) approximation of the joint posterior, including the strong
correlation between a country's latent values and the leniencies of the raters who rate it —
the correlation that coordinate-wise methods (Gibbs, mean-field VB) move along slowly or drop.
Hyperparameters (random-walk innovation, rater pools) are set by expectation-maximisation on
the Laplace moments (empirical Bayes); they are few and informed by every chain and rater.

Intervals: a cell's posterior variance is its variance given the rater parameters (the
tridiagonal inverse, exact) plus the variance the rater parameters' uncertainty induces
(computed from draws of the rater parameters, seeded, so results are deterministic). Linear
combinations such as the Democracy Score get their variance the same way, so their intervals
are propagated through the model rather than averaged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spl

from demoscope.errors import DemoscopeError
from demoscope.stats.model import Derivs, Grid, Hyper, ordinal_terms

Progress = Callable[[str, int, int], None]  # (stage, done, total; 0 when unknown)
#: A rater's leniency gets its own departure in a country (a *unit*) only with at least this
#: many ratings there: with fewer, a departure cannot be told from noise, and a unit for every
#: rater-country pair of a panel whose raters each rate many countries a little would make the
#: leniency system dense.
MIN_UNIT_RATINGS = 10
Z90 = 1.6448536269514722  # standard normal 95th percentile: 90 % central intervals


class FitError(DemoscopeError):
    """The fit could not reach a mode (should not happen on valid panels; reported, not hidden).
    Exit status 1, as a plain :class:`DemoscopeError`."""


# -- layout ----------------------------------------------------------------------------------


@dataclass
class Layout:
    """Index arrays for the fit. Cells are grouped into chains (one per country-category,
    padded to the longest chain). A *unit* is a rater in one country where they have at least
    :data:`MIN_UNIT_RATINGS` ratings: it carries the departure δ of the rater's leniency there.
    Noise is a rater's."""

    n_cells: int
    n_raters: int
    n_units: int
    n_chains: int
    width: int  # longest chain
    obs_cell: np.ndarray
    obs_rater: np.ndarray
    obs_unit: np.ndarray  # -1 where the rater has too few ratings in that country for a unit
    ud: np.ndarray  # ratings that have a unit
    obs_y: np.ndarray
    obs_slot: np.ndarray
    unit_rater: np.ndarray
    cell_flat: np.ndarray  # chain * width + slot
    chain_cells: np.ndarray  # (I, width) cell index, -1 in padding
    inv_dt: np.ndarray  # (I, width) 1/years since previous edition; 0 for first and padding
    valid: np.ndarray  # (I, width) bool
    obs_chain: np.ndarray
    chain_group: np.ndarray  # country of each chain
    chain_kind: np.ndarray  # category of each chain
    n_groups: int
    n_kinds: int

    @classmethod
    def build(cls, cell_group: np.ndarray, cell_kind: np.ndarray, cell_edition: np.ndarray,
              obs_cell: np.ndarray, obs_rater: np.ndarray, obs_y: np.ndarray,
              n_raters: int) -> Layout:
        """Cells sorted by country (``cell_group``), category (``cell_kind``) and edition; a
        chain is a country-category, a unit a rater in a country."""
        cell_chain_key = cell_group.astype(np.int64) * (int(cell_kind.max()) + 1) + cell_kind
        n_cells = len(cell_edition)
        start = np.concatenate([[True], cell_chain_key[1:] != cell_chain_key[:-1]])
        cell_chain = np.cumsum(start) - 1
        n_chains = int(cell_chain[-1]) + 1
        firsts = np.flatnonzero(start)
        cell_slot = np.arange(n_cells) - firsts[cell_chain]
        width = int(np.bincount(cell_chain).max())
        cell_flat = cell_chain * width + cell_slot
        flat_cells = np.full(n_chains * width, -1, dtype=np.int64)
        flat_cells[cell_flat] = np.arange(n_cells)
        chain_cells = flat_cells.reshape(n_chains, width)
        gaps = np.zeros(n_cells)
        gaps[1:] = cell_edition[1:] - cell_edition[:-1]
        later = ~start
        if np.any(gaps[later] <= 0):
            raise FitError("editions must increase within a chain")
        inv_dt = np.zeros(n_chains * width)
        inv_dt[cell_flat[later]] = 1.0 / gaps[later]
        # units: (rater, country) pairs with enough ratings to tell a departure from noise
        unit_key = obs_rater.astype(np.int64) * (int(cell_group.max()) + 1) + cell_group[obs_cell]
        keys, key_of_obs, key_count = np.unique(unit_key, return_inverse=True, return_counts=True)
        big = key_count >= MIN_UNIT_RATINGS
        unit_ids = keys[big]
        new_index = np.full(len(keys), -1, dtype=np.int64)
        new_index[big] = np.arange(int(big.sum()))
        obs_unit = new_index[key_of_obs.ravel()]
        n_units = len(unit_ids)
        ud = np.flatnonzero(obs_unit >= 0)
        groups, chain_group = np.unique(cell_group[firsts], return_inverse=True)
        kinds, chain_kind = np.unique(cell_kind[firsts], return_inverse=True)
        return cls(n_cells, n_raters, n_units, n_chains, width, obs_cell, obs_rater, obs_unit, ud,
                   obs_y, cell_slot[obs_cell], unit_ids // (int(cell_group.max()) + 1), cell_flat,
                   chain_cells, inv_dt.reshape(n_chains, width), chain_cells >= 0,
                   cell_chain[obs_cell], chain_group.ravel(), chain_kind.ravel(), len(groups),
                   len(kinds))

    def delta(self, th: np.ndarray) -> np.ndarray:
        """Each rating's departure δ of its rater in its country (0 without a unit)."""
        out = np.zeros(len(self.obs_cell)) if th.ndim == 1 else np.zeros((len(self.obs_cell), th.shape[1]))
        out[self.ud] = th[self.n_raters + self.obs_unit[self.ud]]
        return out

    def pad(self, values: np.ndarray) -> np.ndarray:
        out = np.zeros(self.n_chains * self.width)
        out[self.cell_flat] = values
        return out.reshape(self.n_chains, self.width)

    def unpad(self, padded: np.ndarray) -> np.ndarray:
        return padded.reshape(-1, *padded.shape[2:])[self.cell_flat]


# -- tridiagonal chains ----------------------------------------------------------------------


def _tri_factor(diag: np.ndarray, off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LDLᵀ of each chain's tridiagonal precision (rows of ``diag``; ``off[:, t]`` couples
    slots t and t+1). Returns the pivots D and the subdiagonal of the unit factor L."""
    n, width = diag.shape
    d = np.empty_like(diag)
    lsub = np.zeros((n, max(width - 1, 0)))
    d[:, 0] = diag[:, 0]
    for t in range(1, width):
        lsub[:, t - 1] = off[:, t - 1] / d[:, t - 1]
        d[:, t] = diag[:, t] - lsub[:, t - 1] * off[:, t - 1]
    return d, lsub


def _tri_solve(d: np.ndarray, lsub: np.ndarray, b: np.ndarray, rows: np.ndarray | None = None
               ) -> np.ndarray:
    """Solve each chain's system for right-hand sides ``b`` of shape (n, width, k); ``rows``
    says which chain's factor each right-hand side uses (default: the i-th)."""
    y = np.array(b, dtype=float, copy=True)
    dd = d if rows is None else d[rows]
    ll = lsub if rows is None else lsub[rows]
    width = y.shape[1]
    for t in range(1, width):
        y[:, t] -= ll[:, t - 1, None] * y[:, t - 1]
    y /= dd[:, :, None]
    for t in range(width - 2, -1, -1):
        y[:, t] -= ll[:, t, None] * y[:, t + 1]
    return y


def _tri_inverse(d: np.ndarray, lsub: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Diagonal and first off-diagonal of each chain's inverse precision."""
    n, width = d.shape
    diag = np.empty_like(d)
    off = np.zeros((n, max(width - 1, 0)))
    diag[:, -1] = 1.0 / d[:, -1]
    for t in range(width - 2, -1, -1):
        off[:, t] = -lsub[:, t] * diag[:, t + 1]
        diag[:, t] = 1.0 / d[:, t] + lsub[:, t] ** 2 * diag[:, t + 1]
    return diag, off


# -- sparse symmetric factorisation ----------------------------------------------------------


class _Factor:
    """A symmetric positive definite sparse matrix factorised by SuperLU without pivoting
    (``P S Pᵀ = L D Lᵀ``): solves, and draws from ``N(0, S⁻¹)``. Raises ``ValueError`` when
    the matrix is not positive definite."""

    def __init__(self, s: sp.spmatrix):
        self.n = s.shape[0]
        self.lu = spl.splu(sp.csc_matrix(s), permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                           options={"SymmetricMode": True})
        if not np.array_equal(self.lu.perm_r, self.lu.perm_c):
            raise ValueError("pivoting happened: not positive definite")
        self.d = self.lu.U.diagonal()
        if not np.all(np.isfinite(self.d)) or self.d.min() <= 0:
            raise ValueError("not positive definite")

    def solve(self, b: np.ndarray) -> np.ndarray:
        return self.lu.solve(b)

    def draw(self, white: np.ndarray) -> np.ndarray:
        """``S⁻¹ Pᵀ L D^½ w`` has covariance ``S⁻¹`` for standard normal ``w``."""
        v = self.lu.L @ (np.sqrt(self.d)[:, None] * white)
        return self.solve(v[self.lu.perm_r])


# -- state and derivatives -------------------------------------------------------------------

GH_NODES, GH_WEIGHTS = np.polynomial.hermite.hermgauss(3)
GH_WEIGHTS = GH_WEIGHTS / np.sqrt(np.pi)


@dataclass
class _Point:
    z: np.ndarray  # (C,) latent values
    th: np.ndarray  # (R + U + G,) rater leniencies a_r, unit departures δ, country levels c


@dataclass
class _System:
    """Everything one Newton step needs, and what the Laplace approximation keeps."""

    f: float
    g_z: np.ndarray
    g_th: np.ndarray
    d: np.ndarray  # chain LDLᵀ pivots
    lsub: np.ndarray
    h_zt: sp.csr_matrix  # (C, R + U + G) cross Hessian
    x: sp.csr_matrix  # (C, R + U + G) H_zz⁻¹ H_zθ
    factor: _Factor
    derivs: Derivs
    eta: np.ndarray


class _Problem:
    """Negative log posterior of (latent values, leniencies, country levels) for fixed noise
    and hyperparameters, and its Newton system with the chains eliminated.

    θ stacks the R rater leniencies ``a_r``, the U departures ``δ`` of a rater's leniency in
    one country (a *unit*), and the G country levels ``c``. A rating's linear predictor is
    ``z + a_r + δ_u``. A chain's first latent value has prior ``N(μ_k + c_g, s0²)``
    (category mean plus its country's level ``c_g ~ N(0, s_c²)``): categories of a country
    share its level, which the model must not mistake for the leniency of the raters who rate
    only that country. Every θ has a diagonal Gaussian prior, so the system stays as sparse as
    the pattern of who rates what."""

    def __init__(self, layout: Layout, grid: Grid):
        self.L = layout
        self.cuts = grid.cuts
        L = layout
        R, U = L.n_raters, L.n_units
        self.n_th = R + U + L.n_groups
        # (chain, column) pairs: raters and units from the ratings, then each chain's country
        # column (its first cell's prior couples them)
        n_cols = self.n_th
        ud = L.ud
        key_a = L.obs_chain * n_cols + L.obs_rater
        key_d = L.obs_chain[ud] * n_cols + R + L.obs_unit[ud]
        keys, inv = np.unique(np.concatenate([key_a, key_d]), return_inverse=True)
        inv = inv.ravel()
        n_obs = len(L.obs_cell)
        self.obs_pair_a, self.obs_pair_d = inv[:n_obs], inv[n_obs:]
        self.n_data_pairs = len(keys)
        self.pair_chain = np.concatenate([keys // n_cols, np.arange(L.n_chains)])
        self.pair_col = np.concatenate([keys % n_cols, R + U + L.chain_group])
        q_idx, t_idx = np.nonzero(L.valid[self.pair_chain])
        self.q_idx, self.t_idx = q_idx, t_idx
        self.x_rows = L.chain_cells[self.pair_chain[q_idx], t_idx]
        self.x_cols = self.pair_col[q_idx]
        self.first = L.chain_cells[:, 0]

    def _prior(self, pt: _Point, h: Hyper, mu_k: np.ndarray, grad: bool
               ) -> tuple[float, np.ndarray, np.ndarray]:
        """Negative log prior, and its gradient in z and θ when ``grad`` (else empty arrays)."""
        L = self.L
        R, U = L.n_raters, L.n_units
        zp = L.pad(pt.z)
        a, dl, c = pt.th[:R], pt.th[R:R + U], pt.th[R + U:]
        prec = L.inv_dt / h.omega**2
        first = zp[:, 0] - mu_k[L.chain_kind] - c[L.chain_group]
        diff = zp[:, 1:] - zp[:, :-1]
        f = (0.5 * np.sum(first**2) / h.s0**2 + 0.5 * np.sum(prec[:, 1:] * diff**2)
             + 0.5 * (np.sum(a**2) / h.sigma_a**2 + np.sum(dl**2) / h.sigma_d**2
                      + np.sum(c**2) / h.s_c**2))
        if not grad:
            return f, np.zeros(0), np.zeros(0)
        gp = np.zeros_like(zp)
        gp[:, 0] += first / h.s0**2
        step = prec[:, 1:] * diff
        gp[:, 1:] += step
        gp[:, :-1] -= step
        gc = c / h.s_c**2 - np.bincount(L.chain_group, first, L.n_groups) / h.s0**2
        return f, L.unpad(gp), np.concatenate([a / h.sigma_a**2, dl / h.sigma_d**2, gc])

    def predictor(self, pt: _Point) -> np.ndarray:
        L = self.L
        return pt.z[L.obs_cell] + pt.th[L.obs_rater] + L.delta(pt.th)

    def objective(self, pt: _Point, s: np.ndarray, h: Hyper, mu_k: np.ndarray) -> float:
        d = ordinal_terms(self.L.obs_y, self.predictor(pt), s[self.L.obs_rater], self.cuts,
                          second=False)
        f, _, _ = self._prior(pt, h, mu_k, grad=False)
        return float(f - d.loglik.sum())

    def system(self, pt: _Point, s: np.ndarray, h: Hyper, mu_k: np.ndarray) -> _System:
        """Gradient, Hessian pieces and the factorised Schur complement at ``pt``. The
        Hessian is positive definite everywhere: the ordinal probit is log-concave in the
        linear predictor, which is linear in the latent value and the leniencies."""
        L = self.L
        R, U, G = L.n_raters, L.n_units, L.n_groups
        n_th = self.n_th
        eta = self.predictor(pt)
        d = ordinal_terms(L.obs_y, eta, s[L.obs_rater], self.cuts)
        f_prior, gz_prior, gth_prior = self._prior(pt, h, mu_k, grad=True)
        f = float(f_prior - d.loglik.sum())
        w = -d.d_eta2  # ≥ 0: the ordinal probit is log-concave in η
        g_z = gz_prior - np.bincount(L.obs_cell, d.d_eta, L.n_cells)
        g_th = gth_prior
        g_th[:R] -= np.bincount(L.obs_rater, d.d_eta, R)
        ud, uu = L.ud, L.obs_unit[L.ud]
        g_th[R:R + U] -= np.bincount(uu, d.d_eta[ud], U)
        # latent block: chain priors plus data, tridiagonal per chain
        prec = L.inv_dt / h.omega**2
        diag = np.zeros_like(prec)
        diag[:, 0] = 1.0 / h.s0**2
        diag += prec
        diag[:, :-1] += prec[:, 1:]
        diag += L.pad(np.bincount(L.obs_cell, w, L.n_cells))
        diag[~L.valid] = 1.0
        dd, lsub = _tri_factor(diag, -prec[:, 1:])
        # cross block H_zθ and X = H_zz⁻¹ H_zθ, per (chain, column) pair
        n_first = len(self.first)
        h_zt = sp.csr_matrix((np.concatenate([w, w[ud], np.full(n_first, -1.0 / h.s0**2)]),
                              (np.concatenate([L.obs_cell, L.obs_cell[ud], self.first]),
                               np.concatenate([L.obs_rater, R + uu, R + U + L.chain_group]))),
                             shape=(L.n_cells, n_th))
        rhs = np.zeros((len(self.pair_chain), L.width, 1))
        rhs[self.obs_pair_a, L.obs_slot, 0] = w
        rhs[self.obs_pair_d, L.obs_slot[ud], 0] = w[ud]
        rhs[self.n_data_pairs:, 0, 0] = -1.0 / h.s0**2
        xp = _tri_solve(dd, lsub, rhs, self.pair_chain)[:, :, 0]
        x = sp.csr_matrix((xp[self.q_idx, self.t_idx], (self.x_rows, self.x_cols)),
                          shape=(L.n_cells, n_th))
        # θ block (data and priors) minus the chains' Schur complement
        diag_th = np.concatenate([np.bincount(L.obs_rater, w, R) + 1.0 / h.sigma_a**2,
                                  np.bincount(uu, w[ud], U) + 1.0 / h.sigma_d**2,
                                  np.bincount(L.chain_group, minlength=G) / h.s0**2 + 1.0 / h.s_c**2])
        ad = np.bincount(uu, w[ud], U)
        h_tt = sp.csr_matrix((np.concatenate([diag_th, ad, ad]),
                              (np.concatenate([np.arange(n_th), L.unit_rater, R + np.arange(U)]),
                               np.concatenate([np.arange(n_th), R + np.arange(U), L.unit_rater]))),
                             shape=(n_th, n_th))
        schur = h_tt - (h_zt.T @ x)
        schur = ((schur + schur.T) * 0.5).tocsc()
        try:
            factor = _Factor(schur)
        except (ValueError, RuntimeError):
            raise FitError("the leniency system is not positive definite") from None
        return _System(f, g_z, g_th, dd, lsub, h_zt, x, factor, d, eta)

    def direction(self, sys_: _System) -> tuple[np.ndarray, np.ndarray]:
        L = self.L
        t1 = L.unpad(_tri_solve(sys_.d, sys_.lsub, L.pad(sys_.g_z)[:, :, None])[:, :, 0])
        dth = sys_.factor.solve(-sys_.g_th + sys_.h_zt.T @ t1)
        return -t1 - sys_.x @ dth, dth


# -- the noise step and the hyperparameters (EM on the Laplace moments) ----------------------


@dataclass
class _Moments:
    """Posterior moments at the current mode, from the Laplace approximation."""

    var_z: np.ndarray  # per cell
    cond_diag: np.ndarray  # (I, width) conditional variances given θ
    cond_off: np.ndarray  # (I, width-1) conditional covariances of consecutive editions
    dev: np.ndarray  # (C, M) θ-induced deviations of the latent values
    th_draws: np.ndarray  # (R + U + G, M) deviations of θ
    var_eta: np.ndarray  # per rating: variance of its linear predictor


def _moments(layout: Layout, sys_: _System, th_draws: np.ndarray) -> _Moments:
    L = layout
    cdiag, coff = _tri_inverse(sys_.d, sys_.lsub)
    dev = -(sys_.x @ th_draws)
    cond = L.unpad(cdiag)
    var_z = cond + np.mean(dev**2, axis=1)
    eta_dev = th_draws[L.obs_rater] + L.delta(th_draws) + dev[L.obs_cell]
    var_eta = cond[L.obs_cell] + np.mean(eta_dev**2, axis=1)
    return _Moments(var_z, cdiag, coff, dev, th_draws, var_eta)


def _noise_step(layout: Layout, cuts: np.ndarray, eta: np.ndarray, var_eta: np.ndarray,
                s: np.ndarray, h: Hyper) -> tuple[np.ndarray, np.ndarray]:
    """One Newton step on each rater's log noise for the expected log likelihood over the
    posterior of the linear predictor (Gauss-Hermite): the EM step that keeps a rater's noise
    from collapsing onto latent values fitted to that same rater's ratings. Returns the new
    log noise and its approximate posterior variance."""
    L = layout
    R = L.n_raters
    r = L.obs_rater
    sr = s[r]
    spread = np.sqrt(2 * np.maximum(var_eta, 0.0))
    grad = np.zeros(R)
    curv = np.zeros(R)
    for node, weight in zip(GH_NODES, GH_WEIGHTS, strict=True):
        d = ordinal_terms(L.obs_y, eta + spread * node, sr, cuts)
        grad += weight * np.bincount(r, d.d_s, R)
        curv += weight * np.bincount(r, d.d_s2, R)
    grad -= (s - h.mu_s) / h.tau_s**2
    curv -= 1.0 / h.tau_s**2
    step = np.where(curv < 0, -grad / np.where(curv < 0, curv, -1.0), np.sign(grad) * 0.25)
    new = s + np.clip(step, -0.5, 0.5)
    return new, 1.0 / np.maximum(-curv, 1.0 / h.tau_s**2)


def _hyper_step(layout: Layout, pt: _Point, s: np.ndarray, var_s: np.ndarray, mo: _Moments,
                hyper: Hyper, floors: Hyper) -> tuple[Hyper, np.ndarray]:
    """EM update of the hyperparameters (and the category means) from the current moments."""
    L = layout
    R, U = L.n_raters, L.n_units
    zp = L.pad(pt.z)
    c = pt.th[R + U:]
    dc = mo.th_draws[R + U:]
    first_cells = L.chain_cells[:, 0]
    lev = zp[:, 0] - c[L.chain_group]
    mu_k = np.bincount(L.chain_kind, lev, L.n_kinds) / np.bincount(L.chain_kind, minlength=L.n_kinds)
    e_first = ((lev - mu_k[L.chain_kind]) ** 2 + mo.cond_diag[:, 0]
               + np.mean((mo.dev[first_cells] - dc[L.chain_group]) ** 2, axis=1))
    s0 = float(np.sqrt(np.mean(e_first)))
    s_c = float(np.sqrt(np.mean(c**2 + np.mean(dc**2, axis=1))))
    later = L.inv_dt[:, 1:] > 0
    omega = hyper.omega
    if later.any():
        ci, ti = np.nonzero(later)
        cur, prev = L.chain_cells[ci, ti + 1], L.chain_cells[ci, ti]
        e2 = ((pt.z[cur] - pt.z[prev]) ** 2 + mo.cond_diag[ci, ti + 1] + mo.cond_diag[ci, ti]
              - 2 * mo.cond_off[ci, ti] + np.mean((mo.dev[cur] - mo.dev[prev]) ** 2, axis=1))
        omega = float(np.sqrt(np.mean(e2 * L.inv_dt[:, 1:][later])))
    var_th = np.mean(mo.th_draws**2, axis=1)
    a, dl = pt.th[:R], pt.th[R:R + U]
    sigma_a = float(np.sqrt(np.mean(a**2 + var_th[:R])))
    sigma_d = hyper.sigma_d
    multi = np.bincount(L.unit_rater, minlength=R)[L.unit_rater] > 1
    if multi.any():  # only raters of several countries tell δ from a_r
        sigma_d = float(np.sqrt(np.mean(dl[multi] ** 2 + var_th[R:R + U][multi])))
    mu_s = float(np.mean(s))
    new = Hyper(mu0=float(np.mean(mu_k)), s0=s0, s_c=s_c, omega=omega, sigma_a=sigma_a,
                sigma_d=sigma_d, mu_s=mu_s, tau_s=float(np.sqrt(np.mean((s - mu_s) ** 2 + var_s))))
    return new.with_floor(floors), mu_k


# -- result ----------------------------------------------------------------------------------


@dataclass
class FitResult:
    """Posterior summaries of the fast fit (Laplace approximation, EB hyperparameters).

    ``z_mean``/``z_sd`` per fitted cell on the methodology's scale (unclipped); per fitted
    rater, ``leniency`` (``a_r`` plus the ratings-weighted mean of their departures by country)
    and ``log_noise``
    (posterior modes), with :meth:`rater_draws` for their intervals."""

    z_mean: np.ndarray
    z_sd: np.ndarray
    z_cond_var: np.ndarray
    theta: np.ndarray  # (R + U + G,) posterior mode of a_r, δ, c
    log_noise: np.ndarray
    log_noise_var: np.ndarray
    th_draws: np.ndarray  # (R + U + G, M) deviations of θ from its mode
    noise_draws: np.ndarray  # (R, M) deviations of the log noises
    hyper: Hyper
    category_means: np.ndarray
    iterations: int
    converged: bool
    x: sp.csr_matrix
    layout: Layout
    site_precision: np.ndarray  # per rating: its Gaussian site precision on its cell
    site_linear: np.ndarray  # per rating: the site's linear term

    def _rater_weights(self) -> sp.csr_matrix:
        """A rater's effective leniency: ``a_r`` plus the ratings-weighted mean of their
        departures ``δ`` in the countries they rate."""
        L = self.layout
        R, U = L.n_raters, L.n_units
        counts = np.bincount(L.obs_unit[L.ud], minlength=U).astype(float)
        per_rater = np.bincount(L.obs_rater, minlength=R).astype(float)
        return sp.csr_matrix((np.concatenate([np.ones(R), counts / per_rater[L.unit_rater]]),
                              (np.concatenate([np.arange(R), L.unit_rater]),
                               np.concatenate([np.arange(R), R + np.arange(U)]))),
                             shape=(R, R + U))

    @property
    def leniency(self) -> np.ndarray:
        return self._rater_weights() @ self.theta[: self.layout.n_raters + self.layout.n_units]

    def rater_draws(self) -> tuple[np.ndarray, np.ndarray]:
        """(R, M) draws of the raters' leniencies and log noises."""
        n = self.layout.n_raters + self.layout.n_units
        return (self._rater_weights() @ (self.theta[:n, None] + self.th_draws[:n]),
                self.log_noise[:, None] + self.noise_draws)

    def combination(self, weights: sp.spmatrix) -> tuple[np.ndarray, np.ndarray]:
        """Mean and sd of linear combinations of cells (rows of ``weights``, C columns), each
        row taking at most one cell per chain (e.g. a Democracy Score: one cell per category).
        Given θ, chains are independent, so the variance is the weighted sum of conditional
        variances plus the θ-induced part, from the same draws."""
        w = sp.csr_matrix(weights)
        mean = w @ self.z_mean
        cond = (w.multiply(w)) @ self.z_cond_var
        dev = (w @ self.x) @ self.th_draws
        return mean, np.sqrt(cond + np.mean(dev**2, axis=1))


def _var_from_draws(x: sp.csr_matrix, draws: np.ndarray, chunk: int = 64) -> np.ndarray:
    out = np.zeros(x.shape[0])
    m = draws.shape[1]
    for i in range(0, m, chunk):
        dev = x @ draws[:, i:i + chunk]
        out += np.sum(dev**2, axis=1)
    return out / m


# -- the fit ---------------------------------------------------------------------------------


def _initial(layout: Layout, grid: Grid, values: np.ndarray
             ) -> tuple[_Point, np.ndarray, Hyper, np.ndarray]:
    L = layout
    counts = np.bincount(L.obs_cell, minlength=L.n_cells)
    z = np.bincount(L.obs_cell, values, L.n_cells) / counts
    resid = values - z[L.obs_cell]
    a = np.bincount(L.obs_rater, resid, L.n_raters) / np.bincount(L.obs_rater, minlength=L.n_raters)
    a = a - a.mean()
    uu = L.obs_unit[L.ud]
    dl = (np.bincount(uu, resid[L.ud], L.n_units) / np.maximum(np.bincount(uu, minlength=L.n_units), 1)
          - a[L.unit_rater])
    n = counts[L.obs_cell]
    shared = n > 1
    # residuals from the cell mean shrink by (n-1)/n: undo it for a first noise guess
    r2 = np.where(shared, resid**2 * n / np.maximum(n - 1, 1), 0.0)
    ms = np.bincount(L.obs_rater, r2, L.n_raters)
    ns = np.bincount(L.obs_rater, shared.astype(float), L.n_raters)
    pooled = np.sqrt(np.sum(r2) / max(np.sum(shared), 1.0)) if shared.any() else grid.step
    sd = np.where(ns > 2, np.sqrt(ms / np.maximum(ns, 1)), pooled)
    s = np.log(np.maximum(sd, grid.step / 2))
    zp = L.pad(z)
    first = zp[:, 0]
    mu_k = np.bincount(L.chain_kind, first, L.n_kinds) / np.bincount(L.chain_kind, minlength=L.n_kinds)
    dev = first - mu_k[L.chain_kind]
    c = np.bincount(L.chain_group, dev, L.n_groups) / np.bincount(L.chain_group, minlength=L.n_groups)
    later = L.inv_dt[:, 1:] > 0
    steps = (zp[:, 1:] - zp[:, :-1])[later] ** 2 * L.inv_dt[:, 1:][later]
    omega = np.sqrt(np.mean(steps) / 2) if len(steps) else grid.span / 12
    spread = max(float(np.std(a)), grid.step / 2)
    rest = dev - c[L.chain_group]
    hyper = Hyper(mu0=float(mu_k.mean()), s0=max(float(np.std(rest)), grid.step),
                  s_c=max(float(np.std(c)), grid.step), omega=max(float(omega), grid.step / 4),
                  sigma_a=spread, sigma_d=spread / 2, mu_s=float(np.mean(s)),
                  tau_s=max(float(np.std(s)), 0.1))
    return _Point(z, np.concatenate([a, dl, c])), s, hyper, mu_k


def _floors(grid: Grid) -> Hyper:
    return Hyper(mu0=0.0, s0=grid.step / 2, s_c=grid.step / 2, omega=grid.span * 1e-4,
                 sigma_a=grid.span * 1e-3, sigma_d=grid.span * 1e-3, mu_s=0.0, tau_s=1e-2)


def fit_layout(layout: Layout, grid: Grid, values: np.ndarray, *, seed: int = 0, draws: int = 400,
               em_draws: int = 16, max_iter: int = 300, tol: float = 1e-5,
               progress: Progress | None = None) -> FitResult:
    """Fit the model to ratings laid out by :class:`Layout` (``values`` on the grid, one per
    rating). Deterministic for a given ``seed``: the only randomness is the draws used for
    variances, taken from one seeded generator.

    Each iteration takes one Newton step on (latent values, leniencies, country levels) for the
    current noise and hyperparameters; near the mode it also takes one EM step for each rater's
    noise and for the hyperparameters, using the Laplace moments."""
    rng = np.random.default_rng(seed)
    L = layout
    prob = _Problem(L, grid)
    n_th = prob.n_th
    pt, s, hyper, mu_k = _initial(L, grid, values)
    var_s = np.full(L.n_raters, hyper.tau_s**2)
    floors = _floors(grid)
    white_em = rng.standard_normal((n_th, em_draws))
    white = rng.standard_normal((n_th, draws))
    white_s = rng.standard_normal((L.n_raters, draws))
    z_tol = tol * grid.span
    em_tol = 2e-4 * grid.span  # 0.0012 scale points on NIT's 1–7: far below a quarter point
    em_z: np.ndarray | None = None
    converged = False
    em = False
    iteration = 0
    for iteration in range(1, max_iter + 1):
        sys_ = prob.system(pt, s, hyper, mu_k)
        # EM round at the current point, from the same factorisation (applied after the step)
        update = None
        if em:
            mo = _moments(L, sys_, sys_.factor.draw(white_em))
            s_new, var_new = _noise_step(L, prob.cuts, sys_.eta, mo.var_eta, s, hyper)
            update = (s_new, var_new, *_hyper_step(L, pt, s_new, var_new, mo, hyper, floors))
        dz, dth = prob.direction(sys_)
        big = max(np.max(np.abs(dz)) / (grid.span / 4), np.max(np.abs(dth)) / (grid.span / 4), 1.0)
        dz, dth = dz / big, dth / big
        slope = float(sys_.g_z @ dz + sys_.g_th @ dth)
        step, trial = 1.0, pt
        for _ in range(40):
            cand = _Point(pt.z + step * dz, pt.th + step * dth)
            f_new = prob.objective(cand, s, hyper, mu_k)
            if np.isfinite(f_new) and f_new <= sys_.f + 1e-4 * step * min(slope, 0.0):
                trial = cand
                break
            step *= 0.5
        move_z = float(np.max(np.abs(trial.z - pt.z)))
        move = max(move_z, float(np.max(np.abs(trial.th - pt.th))))
        pt = trial
        if progress:
            progress(f"fitting: iteration {iteration}", iteration, 0)
        if update is not None:
            s_new, var_s, hyper, mu_k = update
            s_move = float(np.max(np.abs(s_new - s)))
            em_move = float(np.max(np.abs(pt.z - em_z))) if em_z is not None else np.inf
            em_z = pt.z.copy()
            s = s_new
            # EM creeps along directions that barely move the estimates (e.g. the split of the
            # overall level between category means and leniencies): stop on the estimates
            if move_z < z_tol * 10 and em_move < em_tol and s_move < 1e-2:
                converged = True
                break
        em = em or move < 1e-2
    sys_ = prob.system(pt, s, hyper, mu_k)
    th_draws = sys_.factor.draw(white)
    cdiag, _ = _tri_inverse(sys_.d, sys_.lsub)
    cond = L.unpad(cdiag)
    var = cond + _var_from_draws(sys_.x, th_draws)
    d = sys_.derivs
    prec_site = -d.d_eta2
    lin_site = d.d_eta + prec_site * pt.z[L.obs_cell]
    return FitResult(pt.z, np.sqrt(var), cond, pt.th.copy(), s, var_s, th_draws,
                     np.sqrt(var_s)[:, None] * white_s, hyper, mu_k, iteration, converged,
                     sys_.x, L, prec_site, lin_site)
