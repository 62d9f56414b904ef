"""Simulation of any M-estimator family: ``custom`` log-densities, and built-ins fitted with a ``loss``.

Samples are drawn from the family's own density ``exp(logpdf(x; θ))`` by
inversion (:mod:`.inversion`: probability tables for ``values`` and
``integers`` supports, a quadrature-tabulated CDF with Newton refinement for
intervals), and every model refits by minimising its loss (the negative
log-likelihood unless the spec gives ``"loss"``) with the vectorised Newton
method of :mod:`.mfit`, all replications and models at once.

There is no sufficient statistic for a general density, so this kernel
always draws the samples: ``method="sufficient"`` gives the same numbers as
``method="samples"`` (and the result says ``"samples"``), and memory grows with the sample sizes (about
``(12 + p + p²)`` floats per sample and replication of a chunk).

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.simulation import simulate
>>> g = from_dict({"estimator": {"family": "custom", "params": ["q"], "theta": {"q": "1/4"},
...                              "logpdf": "x*log(q) + (1 - x)*log(1 - q)", "support": {"values": [0, 1]}},
...                "models": [{"id": "A", "n": 100, "real": 1}], "edges": []})
>>> r = simulate(g, generations=1, replications=2000, seed=3)
>>> bool(abs(r.mean_error[1, 0] - 3 / 1600) < 4 * r.stderr[1, 0])     # q(1 - q)/n
True
"""

from __future__ import annotations

import numpy as np

from graphcollapse.errors import InputError
from graphcollapse.simulation.numerics.inversion import interval_scale, invert_interval, invert_table
from graphcollapse.simulation.kernels.base import Kernel
from graphcollapse.simulation.numerics.logdensity import compile_family
from graphcollapse.simulation.numerics.mfit import fit_rows
from graphcollapse.simulation.engine.plan import Layout
from graphcollapse.simulation.engine.streams import BlockStreams

__all__ = ["LossKernel"]


class LossKernel(Kernel):
    """Exact sampling from ``exp(logpdf)`` and numerical minimisation of the loss."""

    name = "custom"
    fits_loss = True
    has_sufficient = False

    def __init__(self, plan):
        super().__init__(plan)
        self.model = compile_family(plan.graph)
        self.truth = self.model.truth
        self.where = repr(self.model.name)
        kind, *bounds = self.model.support
        if kind == "interval":
            self.centre, self.scale = interval_scale(self.model.logpdf, self.truth, *bounds, self.where)

    # -------------------------------------------------------------- samples
    def draw(self, streams: BlockStreams, theta: np.ndarray, m: int) -> np.ndarray:
        """``m`` samples for every slot of ``theta`` (shape ``(replications, slots, p)``)."""
        R, S, p = theta.shape
        u = streams.uniform((S, m)).reshape(R * S, m)
        rows = theta.reshape(R * S, p)
        kind, *bounds = self.model.support
        if kind == "values":
            x = invert_table(self.model.logpdf, rows, u, values=bounds[0], where=self.where)
        elif kind == "integers":
            x = invert_table(self.model.logpdf, rows, u, lo=bounds[0], where=self.where)
        else:
            x = invert_interval(self.model.logpdf, rows, u, *bounds, centre=self.centre, scale=self.scale,
                                where=self.where)
        return x.reshape(R, S, m)

    def sample_piece(self, streams, theta, noise, m):
        return (self.draw(streams, theta, m),)

    def sufficient(self, streams, theta, count, noise):  # never called: has_sufficient is False
        raise InputError(f"estimator {self.where}: no sufficient-statistic sampler")

    def fit(self, stats, count):
        """Fits of samples ``stats[0]`` (shape ``(replications, slots, m)``), started at ``θ*``.

        :meth:`generation` starts from the generating parameters instead; this
        is the kernel interface's entry point.
        """
        return self._fit(stats[0], np.broadcast_to(self.truth, stats[0].shape[:2] + (self.p,)))

    def _fit(self, x: np.ndarray, start: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Fits of samples ``x`` (shape ``(replications, slots, m)``) from ``start`` (``(…, slots, p)``)."""
        R, S, m = x.shape
        rows_mask = None if mask is None else np.broadcast_to(mask, x.shape).reshape(R * S, m)
        fits = fit_rows(self.model.loss, x.reshape(R * S, m), start.reshape(R * S, self.p), mask=rows_mask,
                        where=self.where)
        return fits.reshape(R, S, self.p)

    def scratch_floats(self, layout: Layout, method: str) -> int:
        samples = int(layout.count.sum()) if layout.S > layout.K else int(layout.totals.max()) * layout.K
        return 2 * samples * (12 + self.p + self.p * self.p)

    # ------------------------------------------------------------ generation
    def generation(self, streams, sources, layout, method, pooled):
        """Every model's fit: one fit per model on the union of its slots (pooled), or per slot (weighted).

        Fits start from the parameters that generated their samples (the
        count-weighted mean of them, pooled), which are within ``O(n^{-1/2})``
        of the estimate.
        """
        R, p = sources.shape[0], self.p
        drawn = [(idx, self.draw(streams, sources[:, idx], m)) for m, idx in layout.groups]
        if not pooled:
            fits = np.empty((R, layout.S, p))
            for idx, x in drawn:
                fits[:, idx] = self._fit(x, sources[:, idx])
            return layout.per_model(fits * layout.weight[:, None])
        totals = layout.totals
        width = int(totals.max())
        before = layout.count.cumsum() - layout.count          # samples in earlier slots
        offset = before - before[layout.starts][layout.model]    # ... of the same model
        pooled_x = np.zeros((R, layout.K, width))
        for idx, x in drawn:
            for j, s in enumerate(idx):
                k, lo = layout.model[s], offset[s]
                pooled_x[:, k, lo:lo + x.shape[2]] = x[:, j]
        mask = np.arange(width) < totals[:, None]
        start = layout.per_model(sources * layout.count[:, None]) / totals[:, None]
        return self._fit(pooled_x, start, mask)
