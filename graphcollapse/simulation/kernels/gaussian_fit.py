"""Simulator of ``gaussian_fit``: every model re-fits mean and covariance and generates from its fit.

The truth is ``N(0, Σ)`` (mean and covariance fits are shift-equivariant, so
the mean error does not depend on ``μ``).  A model's parameter is its mean
followed by its covariance, row by row (``d + d²`` floats).

Statistics of a slot of ``m`` samples from ``N(μ_j, Σ_j)`` are taken about
the slot's own generating mean, ``u = x − μ_j`` (so they never lose digits
to a large mean): the sum ``Σ u`` and the scatter ``Σ u uᵀ``, both additive
over pieces.  On the sufficient path they are drawn directly: ``Σ u ~
N(0, m Σ_j)`` and, independently, the scatter about the sample mean ``~
Wishart(m − 1, Σ_j)`` (a chi-square for ``d = 1``), drawn by the Bartlett
decomposition — trapezoidal when ``m − 1 < d``, where the Wishart matrix is
singular.  Fits combine slots exactly: a pooled fit's scatter is the
within-slot scatter plus the between-slot spread ``Σ_j m_j (x̄_j − x̄)(x̄_j − x̄)ᵀ``;
a weighted fit is ``Σ_j w_j (x̄_j, Σ̂_j)``, plus ``Σ_j w_j (x̄_j − μ̂)(x̄_j − μ̂)ᵀ``
for the mixture rule.

Recorded beside the mean error ``‖μ̂_k‖²``: ``"variance"`` (``tr Σ̂_k``; on request
``"shrinkage"``, ``tr Σ̂_k / tr Σ``) and ``"w2"``, the squared 2-Wasserstein distance between
``N(μ̂_k, Σ̂_k)`` and the truth,
``‖μ̂_k‖² + tr Σ̂_k + tr Σ − 2 tr (Σ^{1/2} Σ̂_k Σ^{1/2})^{1/2}``.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.simulation.engine.plan import make_plan
>>> g = from_dict({"estimator": {"family": "gaussian_fit", "d": 2, "sigma2": 3},
...                "models": [{"id": "A", "n": 10, "real": 1}], "edges": []})
>>> GaussianFitKernel(make_plan(g)).truth.tolist()
[0.0, 0.0, 3.0, 0.0, 0.0, 3.0]
"""

from __future__ import annotations

import numpy as np

from graphcollapse.simulation.engine.plan import as_float
from graphcollapse.simulation.kernels.base import Kernel

__all__ = ["GaussianFitKernel", "standard_wishart", "square_root"]


def square_root(cov: np.ndarray) -> np.ndarray:
    """A factor ``B`` with ``B Bᵀ = cov`` for every ``(…, d, d)`` PSD matrix (rank-deficient ones included)."""
    if cov.shape[-1] == 1:
        return np.sqrt(np.maximum(cov, 0.0))
    values, vectors = np.linalg.eigh(cov)
    return vectors * np.sqrt(np.maximum(values, 0.0))[..., None, :]


def standard_wishart(streams, df: np.ndarray, d: int) -> np.ndarray:
    """``Wishart(df, I_d)`` draws per slot, shape ``(R, S, d, d)``, by the Bartlett decomposition.

    ``W = A Aᵀ`` with ``A`` lower triangular: ``A_ii² ~ χ²(df − i)`` and
    ``A_ij ~ N(0, 1)`` for ``j < i``.  When ``df < d`` the rows below ``df``
    have normal entries in the first ``df`` columns only (the Gram matrix of
    ``d`` normal vectors in ``R^df``), which is the singular Wishart law.
    """
    df = np.asarray(df, dtype=float)
    S = df.size
    if d == 1:
        return streams.chisquare(df, (S,))[..., None, None]
    A = np.zeros((streams.replications, S, d, d))
    for i in range(d):
        A[:, :, i, i] = np.sqrt(streams.chisquare(np.maximum(df - i, 0.0), (S,)))
    below = streams.normal((S, d, d))
    rows, cols = np.tril_indices(d, -1)
    keep = cols[None, :] < df[:, None]                          # (S, pairs): column j exists iff j < df
    A[:, :, rows, cols] = below[:, :, rows, cols] * keep
    return A @ np.swapaxes(A, -1, -2)


class GaussianFitKernel(Kernel):
    """Mean and covariance fits (MODEL.md 7.1); statistics: ``Σ u`` and ``Σ u uᵀ`` about the slot's mean."""

    name = "gaussian_fit"
    observables = ("variance", "w2")

    def __init__(self, plan):
        super().__init__(plan)
        params = plan.estimator.parameters
        d = int(as_float(params["d"], f"estimator {self.name!r} d"))
        if "covariance" in params:
            cov = np.array([[as_float(x, f"estimator {self.name!r} covariance") for x in row]
                            for row in params["covariance"].tolist()], dtype=float)
        else:
            cov = as_float(params["sigma2"], f"estimator {self.name!r} sigma2") * np.eye(d)
        self.d = d
        self.ddof = int(params["ddof"])
        self.mixture = params["weighted_variance"] == "mixture"
        self.covariance = cov
        self.truth = np.concatenate([np.zeros(d), cov.ravel()])
        self.width = d
        values, vectors = np.linalg.eigh(cov)
        self._root = (vectors * np.sqrt(values)) @ vectors.T     # the symmetric Σ^{1/2}, for the W2 distance

    # ------------------------------------------------------------ layout
    def _split(self, theta):
        d = self.d
        return theta[..., :d], theta[..., d:].reshape(theta.shape[:-1] + (d, d))

    # -------------------------------------------------------- statistics
    def sample_piece(self, streams, theta, noise, m):
        _, cov = self._split(theta)
        u = np.einsum("rsij,rsmj->rsmi", square_root(cov), streams.normal((theta.shape[1], m, self.d)))
        return u.sum(axis=2), np.einsum("rsmi,rsmj->rsij", u, u)

    def sufficient(self, streams, theta, count, noise):
        _, cov = self._split(theta)
        B = square_root(cov)
        z = streams.normal((count.size, self.d))
        total = np.sqrt(count.astype(float))[:, None] * np.einsum("rsij,rsj->rsi", B, z)
        within = B @ standard_wishart(streams, count - 1, self.d) @ np.swapaxes(B, -1, -2)
        return total, within + _outer(total, total) / count[:, None, None]

    def fit(self, stats, count):
        """``(μ̂, Σ̂)`` from ``(Σ x, scatter about the sample mean)`` of ``count`` samples."""
        total, scatter = stats
        mean = total / count[:, None]
        cov = scatter / (count - self.ddof)[:, None, None]
        return np.concatenate([mean, cov.reshape(cov.shape[:-2] + (-1,))], axis=-1)

    def generation(self, streams, sources, layout, method, pooled):
        """Every model's fit: slot means and scatters, pooled (with the between-slot spread) or weighted."""
        total, centred = self.statistics(streams, sources, layout, method)
        m = layout.count.astype(float)
        means = sources[..., :self.d] + total / m[:, None]
        scatter = centred - _outer(total, total) / m[:, None, None]     # about each slot's own sample mean
        if pooled:
            n = layout.totals.astype(float)
            pooled_mean = layout.per_model(means * m[:, None]) / n[:, None]
            spread = _outer(means - pooled_mean[:, layout.model], means - pooled_mean[:, layout.model])
            return self.fit((pooled_mean * n[:, None], layout.per_model(scatter + m[:, None, None] * spread)),
                            layout.totals)
        fits = self.fit((means * m[:, None], scatter), layout.count)
        w = layout.weight
        combined = layout.per_model(fits * w[:, None])
        if self.mixture:
            deviation = means - combined[:, layout.model, :self.d]
            spread = layout.per_model(_outer(deviation, deviation) * w[:, None, None])
            combined[..., self.d:] += spread.reshape(spread.shape[:-2] + (-1,))
        return combined

    # ---------------------------------------------------------- observing
    def error(self, theta):
        return np.square(theta[..., :self.d]).sum(axis=-1)

    def check_observable(self, name):
        if name != "shrinkage":      # on request: the variance in units of the truth's, tr Σ̂_k / tr Σ
            super().check_observable(name)

    def observe(self, theta, name):
        self.check_observable(name)
        mean, cov = self._split(theta)
        variance = np.trace(cov, axis1=-2, axis2=-1)
        if name == "variance":
            return variance
        if name == "shrinkage":
            return variance / np.trace(self.covariance)
        if self.d == 1:
            gap = np.sqrt(np.maximum(cov[..., 0, 0], 0.0)) - np.sqrt(self.covariance[0, 0])
            return np.square(mean[..., 0]) + np.square(gap)
        inner = np.linalg.eigvalsh(self._root @ cov @ self._root)
        cross = np.sqrt(np.maximum(inner, 0.0)).sum(axis=-1)
        return np.square(mean).sum(axis=-1) + variance + np.trace(self.covariance) - 2.0 * cross


def _outer(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a[..., :, None] * b[..., None, :]
