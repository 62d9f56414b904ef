"""Simulator of ``linear_regression(d, σ²)``: OLS on a fresh Gaussian design.

Coordinates are whitened, so the design is ``x ~ N(0, I_d)`` and the error
``||β̂ - β*||²`` is the excess risk ``||β̂ - β*||²_{Σx}`` for any design
covariance (docs/theory.md 3.2); the truth is ``β* = 0`` (OLS is equivariant).
A slot of ``m`` samples from a model with coefficients ``β`` contributes
``G = XᵀX`` and ``h = Xᵀy`` with ``y = Xβ + ε``, ``ε ~ N(0, σ_j² I_m)``; a
model's fit solves ``G β̂ = h`` with the sums over its slots (pooled) or per
slot (weighted).  The sample path draws ``X`` and ``ε`` and forms both.

Sufficient path: ``G ~ Wishart(m, I_d)`` through the Bartlett decomposition
``G = A Aᵀ`` (``A`` lower triangular, ``A_ii² ~ χ²_{m-i}`` for
``i = 0..d-1``, ``A_ij ~ N(0, 1)`` below the diagonal), and
``Xᵀε | G ~ N(0, σ_j² G)``, drawn as ``σ_j A z``, so ``h = A (Aᵀβ + σ_j z)``;
pooled models with several slots sum these and solve (when the slots share
``σ``, the summed noise ``N(0, σ² Σ_j G_j)`` is drawn once per model instead:
see :meth:`OLSKernel.pooled_fits`).  A fit on a single
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

import threading

import numpy as np

from graphcollapse.errors import InputError
from graphcollapse.simulation.kernels.gaussian_mean import dimension
from graphcollapse.simulation.kernels.base import Kernel
from graphcollapse.simulation.numerics.smallspd import column, spd_solve

__all__ = ["OLSKernel"]


class OLSKernel(Kernel):
    """Ordinary least squares (docs/theory.md 3.2); statistics ``(XᵀX, Xᵀy)``."""

    name = "linear_regression"

    def __init__(self, plan):
        super().__init__(plan)
        d = dimension(plan)
        self.truth = np.zeros(d)
        self.width = d + 1
        self._lower = np.tril_indices(d, -1)
        self._diag = np.arange(d)
        self._workspace = _Workspace()
        self._pooled: dict = {}  # layout -> _PooledShape
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
        models = layout.shared[0]
        if models.size:
            out[:, models] = self.pooled_fits(streams, sources, layout)
        return out

    def pooled_fits(self, streams, sources, layout):
        """Pooled fits of the models with several slots (``layout.shared``), given each slot's ``sources``.

        Every slot's Bartlett factor ``A`` has the law of :meth:`factors` (drawn
        in another order and layout, block by block of replications); the
        noise ``Σ_j σ_j X_jᵀ ε_j`` of a model is ``N(0, Σ_j σ_j² G_j)`` given the
        designs, drawn once per model as ``σ L w`` (``G = L Lᵀ``) when its slots
        share ``σ`` and slot by slot (``σ_j A_j w_j``) otherwise.  The
        arithmetic runs on a structure of arrays (axis 0: the entries; then
        slots; then replications, contiguous) in buffers reused from one
        generation to the next: ``A`` and ``G`` column by column (packed), the
        sums per model (one matrix product with the slot-model
        incidence matrix), and one Cholesky solve of all the fits
        (:func:`~graphcollapse.simulation.numerics.smallspd.spd_solve`).
        """
        d, R = self.p, sources.shape[0]
        shape = self._pooled_shape(layout)
        S, M, P = shape.member.shape[1], shape.member.shape[0], d * (d + 1) // 2
        A, stats, scratch, w, theta = self._workspace.buffers(d, S, R, M if shape.shared else S)
        cols = []  # column c of every slot's A (rows c..d-1): sqrt(χ²_{m-c}) on the diagonal, normals below
        top = 0
        for c in range(d):
            cols.append(A[top:top + d - c])
            top += d - c
        for generator, rows in streams.blocks():
            b = rows.stop - rows.start
            chi2 = np.empty((d, S, b))
            if shape.gamma_groups is None:
                generator.standard_gamma(shape.half_df, out=chi2)
            else:  # few distinct counts: one scalar-shape call per (column, count) is faster
                for c, lo, hi, half in shape.gamma_groups:
                    generator.standard_gamma(half, out=chi2[c, lo:hi])
            lower = generator.standard_normal((P - d, S, b))
            w[..., rows] = generator.standard_normal(w.shape[:2] + (b,))
            chi2 *= 2.0
            np.sqrt(chi2, out=chi2)
            taken = 0
            for c in range(d):
                cols[c][0, :, rows] = chi2[c]
                cols[c][1:, :, rows] = lower[taken:taken + d - 1 - c]
                taken += d - 1 - c
        theta[...] = np.transpose(sources[:, shape.positions])  # (d, S, R)
        for b in range(d):  # column b of G: G[b.., b] = Σ_{c <= b} A[b.., c] A[b, c]
            target = stats[column(b, d)]
            np.multiply(cols[0][b:], cols[0][b], out=target)
            for c in range(1, b + 1):
                target += np.multiply(cols[c][b - c:], cols[c][b - c], out=scratch[:d - b])
        h = stats[P:]  # h = Σ_c A[:, c] u_c with u = Aᵀθ (+ σ w slot by slot)
        for c in range(d):
            u = np.add.reduce(np.multiply(cols[c], theta[c:], out=scratch[:d - c]), axis=0)
            if not shape.shared:
                u += shape.sigma[:, None] * w[c]
            if c == 0:
                np.multiply(cols[0], u, out=h)
            else:
                h[c:] += np.multiply(cols[c], u, out=scratch[:d - c])
        sums = np.matmul(shape.member, stats)  # per model (faster than numpy.add.reduceat on this axis)
        shift = shape.sigma[:, None] * w if shape.shared else None
        return np.transpose(spd_solve(sums[:P], sums[P:], shift))

    def _pooled_shape(self, layout) -> "_PooledShape":
        found = self._pooled.get(layout)
        if found is None:
            found = self._pooled[layout] = _PooledShape(layout, self.p)
        return found


class _PooledShape:
    """What :meth:`OLSKernel.pooled_fits` needs of a layout, computed once.

    The shared slots are put in order of sample count (the incidence matrix
    ``member`` sums them per model whatever their order), so the Bartlett
    chi-squares with equal degrees of freedom are contiguous.
    """

    #: Most distinct slot counts for which the chi-squares are drawn one scalar shape at a time.
    MAX_GROUPS = 4

    def __init__(self, layout, d: int):
        models, positions, starts = layout.shared
        S = positions.size
        model = np.repeat(np.arange(models.size), np.diff(np.append(starts, S)))
        count, noise = layout.count[positions], layout.noise[positions]
        order = np.argsort(count, kind="stable")
        self.positions = positions[order]
        self.member = np.zeros((models.size, S))
        self.member[model[order], np.arange(S)] = 1.0
        self.shared = bool(np.all(noise == noise[starts][model]))
        self.sigma = np.sqrt(noise[starts] if self.shared else noise[order])
        count = count[order]
        self.half_df = (count[None, :, None] - np.arange(d)[:, None, None]) / 2.0
        values, firsts = np.unique(count, return_index=True)
        ends = np.append(firsts[1:], S)
        self.gamma_groups = None if values.size > self.MAX_GROUPS else \
            [(c, lo, hi, (m - c) / 2.0) for c in range(d) for m, lo, hi in zip(values.tolist(), firsts, ends)]


class _Workspace(threading.local):
    """Buffers reused from one generation to the next, one set per thread (chunks run side by side).

    Fresh arrays of this size cost page faults every generation; reused ones do not.
    """

    def __init__(self):
        self.key, self.arrays = None, None

    def buffers(self, d: int, S: int, R: int, width: int):
        """``A`` (packed by columns), ``stats``, ``scratch``, ``w``, ``theta``: ``S`` slots, ``R`` replications."""
        key = (d, S, R, width)
        if self.key != key:
            P = d * (d + 1) // 2
            self.key = key
            self.arrays = (np.empty((P, S, R)), np.empty((P + d, S, R)), np.empty((d, S, R)),
                           np.empty((d, width, R)), np.empty((d, S, R)))
        return self.arrays
