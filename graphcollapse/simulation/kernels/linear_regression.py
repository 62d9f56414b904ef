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
see :meth:`OLSKernel.pooled_fits`).  When they share ``σ`` and fewer than
``d`` of them are synthetic, the design is drawn in a basis rotated onto the
sources instead, where only an ``r x r`` Bartlett factor per slot and one
small Wishart per model are needed (:meth:`OLSKernel._rotated_fits`).  A fit on a single
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

__all__ = ["OLSKernel", "ROTATED_MIN_SAVING"]

#: Fewest random numbers (per generation) the rotated draw must save to be used: below it, its
#: fixed cost (a few hundred small array operations) exceeds what it saves.
ROTATED_MIN_SAVING = 20_000


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
        if shape.rotated is not None and shape.saving * R >= ROTATED_MIN_SAVING:
            return self._rotated_fits(streams, sources, shape)
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

    def _rotated_fits(self, streams, sources, shape) -> np.ndarray:
        """Pooled fits drawn in a basis rotated onto the sources (the "rotated Bartlett" draw).

        Exact in distribution, for models with ``1 <= r < d`` synthetic slots
        and one noise level ``σ``.  Such a model needs only ``G = Σ_j G_j``
        and ``g = Σ_j G_j θ_j`` (real slots: ``θ = β* = 0``), and then
        ``β̂ = G⁻¹(g + σ L w)`` with ``G = L Lᵀ``.

        1. *Rotate.*  ``Q`` (Householder QR of ``[θ_1 … θ_r]``, a function of
           the sources, independent of the fresh designs) puts every
           ``φ_j = Qᵀθ_j`` in the span of the first ``r`` axes.  The stacked
           rotated designs ``Y = [X_1; …; X_J] Q`` (``N = Σ_j m_j`` rows) are
           again i.i.d. ``N(0, 1)``; with ``H = YᵀY`` and ``c = Σ_j Y_jᵀY_j φ_j``,
           ``β̂ = Q H⁻¹(c + σ L_H w)``.
        2. *Split the columns* ``Y = [Y₁ Y₂]`` after the first ``r``; they are
           independent.  Everything about ``Y₁`` that is needed is the Gram
           matrix of ``U = [Y₁, v]``, ``v = (Y_{1,j} φ_j)_j`` (stacked): its
           entries ``Σ_j B_j B_jᵀ``, ``Σ_j B_j B_jᵀ φ_j``, ``Σ_j |B_jᵀ φ_j|²``
           come from one ``r x r`` Bartlett factor ``B_j`` per slot
           (``Y_{1,j}ᵀ Y_{1,j} ~ Wishart(m_j, I_r)``).
        3. *Project* ``Y₂`` onto the column space of ``U`` and its complement:
           given ``Y₁``, ``Y₂ᵀU = Zᵀ R`` and ``Y₂ᵀY₂ = ZᵀZ + W`` with ``UᵀU = RᵀR``,
           ``Z`` an ``(r+1) x (d-r)`` standard normal matrix and
           ``W ~ Wishart(N − r − 1, I_{d−r})`` independent of it (one Bartlett
           factor per model).  Any ``R`` with ``RᵀR = UᵀU`` gives the same law,
           also where ``U`` is rank deficient.

        Per model this draws ``r`` chi-squares and ``r(r−1)/2`` normals per
        slot, then ``(r+1)(d−r)`` normals and a ``d−r`` Bartlett factor,
        instead of a ``d x d`` Bartlett factor per slot.
        """
        d, R = self.p, sources.shape[0]
        out = np.empty((R, shape.member.shape[0], d))
        for group in shape.rotated:
            out[:, group.models] = np.transpose(_rotated_group(group, streams, sources, d, R))
        return out

    def _pooled_shape(self, layout) -> "_PooledShape":
        found = self._pooled.get(layout)
        if found is None:
            found = self._pooled[layout] = _PooledShape(layout, self.p)
        return found


def _rotated_group(group, streams, sources, d: int, R: int) -> np.ndarray:
    """The fits ``(d, models, R)`` of one :class:`_RotatedGroup` (see :meth:`OLSKernel._rotated_fits`).

    Structure of arrays as in :meth:`OLSKernel.pooled_fits`: column ``i`` of
    every slot's ``B`` is one array ``(r - i, slots, R)`` (diagonal entry
    first); so is column ``i`` of every model's Bartlett factor ``D`` of ``W``.
    """
    r, M, S = group.r, group.member.shape[0], group.member.shape[1]
    q, e = d - r, r + 1  # columns of Y₂; columns of U = [Y₁, v]
    P = d * (d + 1) // 2
    colB, colD, Z, w, stats = group.workspace.buffers(d, r, S, M, R)
    # 1. Householder QR of the sources [θ_1 … θ_r] of every model: Q = H_0 … H_{r-1}, φ = Qᵀθ.
    X = np.transpose(sources[:, group.synthetic], (3, 2, 1, 0)).copy()  # (d, r, M, R)
    reflectors = []
    with np.errstate(invalid="ignore", divide="ignore"):
        for i in range(r):
            v = X[i:, i].copy()
            norm = np.sqrt(np.add.reduce(v * v, axis=0))
            v[0] += np.where(v[0] >= 0, norm, -norm)
            f = np.add.reduce(v * v, axis=0)
            f = np.where(f > 0, 2.0 / f, 0.0)
            for j in range(i + 1, r):
                X[i:, j] -= v * (f * np.add.reduce(v * X[i:, j], axis=0))
            X[i, i] = np.where(X[i, i] >= 0, -norm, norm)  # the reflected column: ∓‖x‖ e_i
            reflectors.append((v, f))
    # Random draws, replication block by replication block (each block its own stream).
    for generator, rows in streams.blocks():
        b = rows.stop - rows.start
        _bartlett_draw(generator, group.gamma_B, colB, S, rows)
        _bartlett_draw(generator, group.gamma_W, colD, M, rows)
        Z[..., rows] = generator.standard_normal((e, q, M, b))
        w[..., rows] = generator.standard_normal((d, M, b))
    for col in (*colB, *colD):
        np.sqrt(np.multiply(col[0], 2.0, out=col[0]), out=col[0])
    # 2. Per slot: B Bᵀ (packed), B Bᵀφ and |Bᵀφ|²; summed per model into the Gram matrix of U.
    phi = np.zeros((r, S, R))  # φ of every slot (zero for real data)
    for j in range(r):
        phi[:j + 1, group.column_slots[j]] = X[:j + 1, j]
    t = [np.add.reduce(colB[i] * phi[i:], axis=0) for i in range(r)]  # Bᵀφ
    top = 0
    for bcol in range(r):  # B Bᵀ, column bcol: Σ_{i <= bcol} B[bcol.., i] B[bcol, i]
        target = stats[top:top + r - bcol]
        np.multiply(colB[0][bcol:], colB[0][bcol], out=target)
        for i in range(1, bcol + 1):
            target += colB[i][bcol - i:] * colB[i][bcol - i]
        top += r - bcol
    for a in range(r):  # B (Bᵀφ)
        np.multiply(colB[0][a], t[0], out=stats[top + a])
        for i in range(1, a + 1):
            stats[top + a] += colB[i][a - i] * t[i]
    np.multiply(t[0], t[0], out=stats[top + r])
    for i in range(1, r):
        stats[top + r] += t[i] * t[i]
    sums = np.matmul(group.member, stats)
    gram = np.empty((e, e, M, R))  # UᵀU, full
    top = 0
    for bcol in range(r):
        for a in range(bcol, r):
            gram[a, bcol] = gram[bcol, a] = sums[top + a - bcol]
        top += r - bcol
    gram[r, :r] = gram[:r, r] = sums[top:top + r]
    gram[r, r] = sums[top + r]
    # 3. UᵀU = L Lᵀ (positive semidefinite: a vanishing pivot gives a zero column), then G and h.
    L = np.zeros((e, e, M, R))
    with np.errstate(invalid="ignore", divide="ignore"):
        for j in range(e):
            pivot = gram[j, j] - np.add.reduce(L[j, :j] * L[j, :j], axis=0)
            root = np.sqrt(np.maximum(pivot, 0.0))
            L[j, j] = root
            inverse = np.where(root > 0, 1.0 / root, 0.0)
            for a in range(j + 1, e):
                L[a, j] = (gram[a, j] - np.add.reduce(L[a, :j] * L[j, :j], axis=0)) * inverse
    G = np.empty((P, M, R))
    h = np.empty((d, M, R))
    for bcol in range(r):  # columns 0..r-1 of G: Y₁ᵀY₁ above, Y₂ᵀY₁ = Zᵀ Lᵀ below
        start = bcol * d - bcol * (bcol - 1) // 2
        G[start:start + r - bcol] = gram[bcol:r, bcol]
        G[start + r - bcol:start + d - bcol] = np.add.reduce(Z[:bcol + 1] * L[bcol, :bcol + 1, None], axis=0)
    h[:r] = gram[r, :r]
    h[r:] = np.add.reduce(Z * L[r, :, None], axis=0)
    for bq in range(q):  # Y₂ᵀY₂ = ZᵀZ + D Dᵀ
        start = (r + bq) * d - (r + bq) * (r + bq - 1) // 2
        target = G[start:start + q - bq]
        np.add.reduce(Z[:, bq:] * Z[:, bq, None], axis=0, out=target)
        for i in range(bq + 1):
            target += colD[i][bq - i:] * colD[i][bq - i]
    beta = spd_solve(G, h, group.sigma[:, None] * w)
    for v, f in reversed(reflectors):  # back from the rotated basis: β̂ = Q β
        i = d - v.shape[0]
        beta[i:] -= v * (f * np.add.reduce(v * beta[i:], axis=0))
    return beta


class _RotatedWorkspace(threading.local):
    """Buffers of :func:`_rotated_group` reused from one generation to the next, per thread."""

    def __init__(self):
        self.key, self.arrays = None, None

    def buffers(self, d: int, r: int, S: int, M: int, R: int):
        key = (d, r, S, M, R)
        if self.key != key:
            self.key = key
            q = d - r
            self.arrays = ([np.empty((r - i, S, R)) for i in range(r)], [np.empty((q - i, M, R)) for i in range(q)],
                           np.empty((r + 1, q, M, R)), np.empty((d, M, R)),
                           np.empty((r * (r + 1) // 2 + r + 1, S, R)))
        return self.arrays


class _RotatedGroup:
    """Models of a pooled layout with the same number ``r < d`` of synthetic slots (and one noise level each).

    Slots are put in order of sample count and models in order of the
    degrees of freedom ``N - r - 1`` of their ``W``, so that equal chi-square shapes
    are contiguous and drawn one scalar shape at a time.
    """

    def __init__(self, layout, d: int, models: np.ndarray, local: np.ndarray):
        chosen = np.isin(layout.model, models)
        self.r = r = int((~layout.is_real[chosen]).sum() // models.size)
        slots = np.flatnonzero(chosen)
        rest = np.array([int(layout.count[layout.model == k].sum()) - r - 1 for k in models])  # N - r - 1
        order = np.argsort(rest, kind="stable")
        models, rest = models[order], rest[order]
        self.models = local[order]                       # positions among the layout's shared models
        slots = slots[np.argsort(layout.count[slots], kind="stable")]
        where = {int(k): i for i, k in enumerate(models)}
        owner = np.array([where[int(layout.model[slot])] for slot in slots], dtype=np.int64)
        self.member = np.zeros((models.size, slots.size))
        self.member[owner, np.arange(slots.size)] = 1.0
        # Column j of the sources of model i: its j-th synthetic slot (in layout order).
        synthetic = np.zeros((models.size, r), dtype=np.int64)
        self.column_slots = [np.zeros(models.size, dtype=np.int64) for _ in range(r)]
        position = {int(slot): s for s, slot in enumerate(slots)}
        for i, k in enumerate(models.tolist()):
            mine = [int(x) for x in np.flatnonzero((layout.model == k) & ~layout.is_real)]
            for j, slot in enumerate(mine):
                synthetic[i, j] = slot
                self.column_slots[j][i] = position[slot]
        self.synthetic = synthetic
        count = layout.count[slots]
        self.gamma_B = _gamma_groups(count, r)
        self.gamma_W = _gamma_groups(rest, d - r)  # W ~ Wishart(N - r - 1, I_{d-r})
        self.sigma = np.sqrt(layout.noise[layout.starts[models]])
        self.workspace = _RotatedWorkspace()


def _gamma_groups(dof: np.ndarray, columns: int):
    """Shapes of the Bartlett chi-squares ``χ²_{dof - i}`` (``i < columns``) over sorted ``dof``.

    ``("groups", [(i, lo, hi, shape)…])`` for few distinct values (one scalar-shape draw each),
    else ``("array", shapes)`` (one draw with an array of shapes).
    """
    values, firsts = np.unique(dof, return_index=True)
    if values.size > _PooledShape.MAX_GROUPS:
        return "array", ((dof[None, :] - np.arange(columns)[:, None]) / 2.0)[..., None]
    ends = np.append(firsts[1:], dof.size)
    return "groups", [(i, int(lo), int(hi), (float(v) - i) / 2.0)
                      for i in range(columns) for v, lo, hi in zip(values.tolist(), firsts, ends)]


def _chi(generator, groups, shape) -> np.ndarray:
    """Bartlett chi-squares (halved: Gamma draws) of the given ``(columns, n, b)`` shape."""
    kind, spec = groups
    if kind == "array":
        return generator.standard_gamma(np.broadcast_to(spec, shape))
    out = np.empty(shape)
    for i, lo, hi, half in spec:
        generator.standard_gamma(half, out=out[i, lo:hi])
    return out


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
        # The rotated draw (OLSKernel._rotated_fits) where every model has one noise level and fewer
        # synthetic slots than d; models grouped by their number of synthetic slots.
        self.rotated, self.saving = None, 0
        synthetic = np.bincount(layout.model[positions], weights=~layout.is_real[positions],
                                minlength=layout.K)[models].astype(np.int64)
        if self.shared and np.all((synthetic >= 1) & (synthetic < d)):
            self.rotated = [_RotatedGroup(layout, d, models[synthetic == r], np.flatnonzero(synthetic == r))
                            for r in np.unique(synthetic).tolist()]
            # Random numbers saved per replication (a chi-square counted as two normals).
            slots = layout.slots[models]
            r, q = synthetic, d - synthetic
            plain = slots * (2 * d + d * (d - 1) // 2)
            rotated = slots * (2 * r + r * (r - 1) // 2) + (r + 1) * q + 2 * q + q * (q - 1) // 2
            self.saving = int((plain - rotated).sum())


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


def _bartlett_draw(generator, gamma, columns, count: int, rows: slice) -> None:
    """Fill the Bartlett factors' columns for the replications ``rows``: chi-square diagonals, normals below.

    ``columns[i]`` holds column ``i`` of ``count`` lower-triangular ``k x k`` factors (``k = len(columns)``):
    its row 0 the diagonal entry's chi-square draw (shape ``gamma``), the rest the normals below it.
    """
    k, b = len(columns), rows.stop - rows.start
    chi = _chi(generator, gamma, (k, count, b))
    lower = generator.standard_normal((k * (k - 1) // 2, count, b))
    taken = 0
    for i in range(k):
        columns[i][0, :, rows] = chi[i]
        columns[i][1:, :, rows] = lower[taken:taken + k - 1 - i]
        taken += k - 1 - i

