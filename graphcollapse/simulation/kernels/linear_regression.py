"""Simulator of ``linear_regression(d, σ²)``: OLS on a fresh Gaussian design.

Coordinates are whitened, so the design is ``x ~ N(0, I_d)`` and the error
``||β̂ - β*||²`` is the excess risk ``||β̂ - β*||²_{Σx}`` for any design
covariance (MODEL.md 3.2); the truth is ``β* = 0`` (OLS is equivariant).
A slot of ``m`` samples from a model with coefficients ``β`` contributes
``G = XᵀX`` and ``h = Xᵀy`` with ``y = Xβ + ε``, ``ε ~ N(0, σ_j² I_m)``; a
model's fit solves ``G β̂ = h`` with the sums over its slots (pooled) or per
slot (weighted).  The sample path draws ``X`` and ``ε`` and forms both.

Sufficient path: ``G ~ Wishart(m, I_d)`` through the Bartlett decomposition
``G = A Aᵀ`` (``A`` lower triangular, ``A_ii² ~ χ²_{m-i}`` for
``i = 0..d-1``, ``A_ij ~ N(0, 1)`` below the diagonal), and
``Xᵀε | G ~ N(0, σ_j² G)``, drawn as ``σ_j A z``, so ``h = A (Aᵀβ + σ_j z)``;
pooled models with several slots sum these and solve.  A fit on a single
slot (generation 0, weighted mixing, pooled models with one source) needs
no Gram matrix at all: see :meth:`OLSKernel.single_fits`.  Slots with fewer
than ``d`` samples (possible inside a pooled fit) are drawn sample by sample.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.simulation.engine.plan import make_plan
>>> g = from_dict({"estimator": {"family": "linear_regression", "d": 2, "sigma2": 1},
...                "models": [{"id": "A", "n": 3, "real": 1}], "edges": []})
>>> OLSKernel(make_plan(g))
Traceback (most recent call last):
...
graphcollapse.errors.InputError: model 'A': OLS on 3 samples in generation 0 (d = 2) has infinite expected ...
"""

from __future__ import annotations

import numpy as np

from graphcollapse.errors import InputError
from graphcollapse.simulation.kernels.gaussian_mean import dimension
from graphcollapse.simulation.kernels.base import Kernel

__all__ = ["OLSKernel"]


class OLSKernel(Kernel):
    """Ordinary least squares (MODEL.md 3.2); statistics ``(XᵀX, Xᵀy)``."""

    name = "linear_regression"

    def __init__(self, plan):
        super().__init__(plan)
        d = dimension(plan)
        self.truth = np.zeros(d)
        self.width = d + 1
        self._lower = np.tril_indices(d, -1)
        self._diag = np.arange(d)
        self.check(plan.initial, "in generation 0")
        self.check(plan.step, "per generation")

    def check(self, layout, what):
        d = self.p
        per_model = self.plan.mixing == "pooled" or layout is self.plan.initial
        sizes = layout.totals if per_model else layout.count
        owners = np.arange(layout.K) if per_model else layout.model
        small = np.flatnonzero(sizes < d + 2)
        if small.size:
            k = int(owners[small[0]])
            raise InputError(
                f"model {self.plan.graph.ids[k]!r}: OLS on {int(sizes[small[0]])} samples {what} (d = {d}) has "
                f"infinite expected error; every fit needs at least d + 2 = {d + 2} samples")

    # ----------------------------------------------------------- sample path
    def sample_piece(self, streams, theta, noise, m):
        d = self.p
        Z = streams.normal((theta.shape[1], m, d + 1))            # a row per sample: x (d values), then ε
        moments = np.matmul(np.swapaxes(Z, -1, -2), Z)           # [[XᵀX, Xᵀε], [εᵀX, εᵀε]]
        gram = moments[..., :d, :d]
        h = np.matmul(gram, theta[..., None])[..., 0] + np.sqrt(noise)[:, None] * moments[..., :d, d]
        return gram, h

    def fit(self, stats, count):
        gram, h = stats
        return np.linalg.solve(gram, h[..., None])[..., 0]

    # ------------------------------------------------------- sufficient path
    def sufficient_applies(self, count):
        return count >= self.p

    def factors(self, streams, theta, count, noise):
        """Bartlett factors ``A`` and ``u = Aᵀθ + σ z`` of every slot: ``G = A Aᵀ``, ``h = A u``."""
        d, S = self.p, theta.shape[1]
        chi2 = streams.chisquare(count[:, None] - self._diag, (S, d))
        z = streams.normal((S, d * (d - 1) // 2 + d))
        A = np.zeros(theta.shape[:2] + (d, d))
        A[..., self._diag, self._diag] = np.sqrt(chi2)
        A[..., self._lower[0], self._lower[1]] = z[..., d:]
        u = (np.swapaxes(A, -1, -2) * theta[..., None, :]).sum(axis=-1) + np.sqrt(noise)[:, None] * z[..., :d]
        return A, u

    def sufficient(self, streams, theta, count, noise):
        A, u = self.factors(streams, theta, count, noise)
        return np.matmul(A, np.swapaxes(A, -1, -2)), np.matmul(A, u[..., None])[..., 0]

    def single_fits(self, streams, theta, count, noise):
        """Fits on one slot each, drawn as ``β̂ = β + σ z / sqrt(χ²_{m-d+1})``.

        Given ``G``, ``β̂ - β ~ N(0, σ² G⁻¹)``, i.e. ``σ G^{-1/2} z``; its law is
        rotation invariant and ``zᵀz / zᵀG⁻¹z ~ χ²_{m-d+1}`` independently
        of ``z`` (Muirhead, Theorem 3.2.12), so ``G^{-1/2} z`` has the law of
        ``z / sqrt(χ²_{m-d+1})``: ``d + 1`` draws per fit instead of a Wishart.
        """
        S, d = theta.shape[1], self.p
        chi2 = streams.chisquare(count - d + 1, (S,))
        z = streams.normal((S, d))
        return theta + np.sqrt(noise)[:, None] * z / np.sqrt(chi2)[..., None]

    def generation(self, streams, sources, layout, method, pooled):
        if method != "sufficient" or not self.sufficient_applies(layout.count).all():
            return super().generation(streams, sources, layout, method, pooled)
        if not pooled:
            fits = self.single_fits(streams, sources, layout.count, layout.noise)
            return layout.per_model(fits * layout.weight[:, None])
        out = np.empty((sources.shape[0], layout.K, self.p))
        alone = layout.slots == 1
        if alone.any():
            first = layout.starts[alone]
            out[:, alone] = self.single_fits(streams, sources[:, first], layout.count[first], layout.noise[first])
        models, positions, starts = layout.shared
        if models.size:
            stats = self.sufficient(streams, sources[:, positions], layout.count[positions], layout.noise[positions])
            out[:, models] = self.fit(tuple(np.add.reduceat(s, starts, axis=1) for s in stats), None)
        return out
