"""Simulating schedules, random modes and memory: a generation's layout depends on ``t``, on a drawn mode, on a pool.

:class:`DynamicRun` replaces the plain generation loop for a graph with
:class:`~graphcollapse.graph.dynamics.Dynamics`:

* **schedules**: generation ``t`` uses the layout of the schedule's graph of
  ``t`` (sample counts scaled by ``g(t)``);
* **modes**: every replication draws its mode of generation ``t`` from one
  uniform of its block stream (i.i.d.: the modes' law; Markov: the row of its
  previous mode), so mode sequences are reproducible whatever the chunking;
  every mode's generation is drawn for all replications and each replication
  keeps its own mode's (shapes independent of the draw, as the streams require);
* **memory** (pooled mixing): each model's *pool* keeps the sufficient
  statistics of its batches — additive, so accumulate keeps their running sum,
  a window the last ``L`` of them — and is refitted; a fixed real pool is the
  first ``n_real`` of the generation-0 samples (drawn as their own slot),
  added once generation 0 has left the window.  ``subsample m`` keeps the
  points themselves (``gaussian_mean``) and averages ``m`` of them drawn without
  replacement (the ``m`` smallest of uniform keys).  OLS with a fixed design
  keeps each model's Gram factor (one source per batch): a batch's fit is
  ``β_src + σ G^{-1} Xᵀε`` and a pool's fit the mean of its batches' fits.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.simulation import simulate
>>> g = from_dict({"models": [{"id": "A", "n": 10}], "edges": [{"from": "A", "to": "A", "weight": 1}],
...                "memory": "accumulate"})
>>> r = simulate(g, generations=4, replications=4000, seed=2, method="sufficient")
>>> exact = 0.1 * sum(1 / i**2 for i in range(1, 6))
>>> bool(abs(r.mean_error[4, 0] - exact) < 4 * r.stderr[4, 0])
True
"""

from __future__ import annotations

from collections import deque

import numpy as np

from graphcollapse.errors import InputError, UnsupportedError
from graphcollapse.simulation.engine.plan import REAL, Layout, as_float, make_plan

__all__ = ["DynamicRun"]


class DynamicRun:
    """The generation loop of a process with dynamics (see the module docstring)."""

    def __init__(self, graph, plan, kernel):
        self.graph, self.plan, self.kernel = graph, plan, kernel
        d = graph.dynamics
        self.schedule, self.modes, self.memory = d.schedule, d.modes, d.memory
        self.K = graph.K
        self._layouts: dict = {}
        if self.modes is not None:
            self.mode_layouts = [self._checked(make_plan(g).step, f"mode {n!r}")
                                 for g, n in zip(self.modes.graphs, self.modes.names)]
            self._laws()
        self.fixed_design = self.memory.design == "fixed"
        self.keeps = self.memory.kind != "replace" or self.memory.real == "pool"
        if self.keeps or self.fixed_design:
            self._check_memory()

    # ----------------------------------------------------------- validation
    def _checked(self, layout: Layout, what: str) -> Layout:
        check = getattr(self.kernel, "check", None)
        if check is not None:
            check(layout, what)
        return layout

    def _check_memory(self):
        name = self.plan.family
        if self.graph.mixing != "pooled":
            raise UnsupportedError("the simulator keeps pools for pooled mixing only")
        if (self.memory.kind == "subsample" or self.memory.real == "pool") and name != "gaussian_mean":
            raise UnsupportedError(f"the simulator keeps points and fixed real pools for gaussian_mean, not {name!r}")
        if self.fixed_design:
            if name != "linear_regression":
                raise UnsupportedError('"design": "fixed" is for linear_regression')
            if self.modes is not None or self.schedule is not None or self.memory.kind == "subsample":
                raise UnsupportedError("fixed designs are simulated on a static graph without subsampling")
            self.source = _single_sources(self.plan.step, self.K, self.graph.ids)
        if self.modes is not None and name != "gaussian_mean":
            raise UnsupportedError("memory with random modes is simulated for gaussian_mean only")

    def _laws(self):
        first = self.modes.probabilities
        if first is None:
            from graphcollapse.solvers.dynamics.modes import mode_law

            first = mode_law(self.modes)[0]
        self.first = np.cumsum([as_float(p, "mode probability") for p in first])
        if self.modes.transition is not None:
            rows = [[as_float(v, "switching transition") for v in row] for row in self.modes.transition.tolist()]
            self.rows = np.cumsum(np.array(rows), axis=1)

    # -------------------------------------------------------------- layouts
    def layouts(self, t: int) -> list:
        if self.schedule is not None:
            key = (self.schedule.phase_index(t), self.schedule.factor(t))
            if key not in self._layouts:
                self._layouts[key] = self._checked(make_plan(self.schedule.graph_at(t)).step,
                                                   f"in generation {t}")
            return [self._layouts[key]]
        if self.modes is not None:
            return self.mode_layouts
        return [self.plan.step]

    def _draw_modes(self, streams, previous):
        u = streams.uniform(())
        if previous is None or self.modes.transition is None:
            cum = np.broadcast_to(self.first, (u.size, self.first.size))
        else:
            cum = self.rows[previous]
        return np.minimum((u[:, None] >= cum).sum(axis=1), cum.shape[1] - 1)

    # ------------------------------------------------------------------ run
    def run(self, streams, generations: int, method: str, target: np.ndarray, tick) -> None:
        from graphcollapse.simulation.engine.loop import _generation

        kernel = self.kernel
        if self.fixed_design:
            return _FixedDesign(self).run(streams, generations, method, target, tick)
        if self.keeps:
            return _Pools(self).run(streams, generations, method, target, tick)
        theta, mode = None, None
        for t in range(generations + 1):
            if t == 0:
                theta = _generation(kernel, streams, None, self.plan.initial, method, pooled=True)
            else:
                layouts = self.layouts(t)
                pooled = self.graph.mixing == "pooled"
                fits = [_generation(kernel, streams, theta, layout, method, pooled) for layout in layouts]
                if len(fits) == 1:
                    theta = fits[0]
                else:
                    mode = self._draw_modes(streams, mode)
                    theta = np.take_along_axis(np.stack(fits), mode[None, :, None, None], axis=0)[0]
            target[:, t] = kernel.error(theta)
            tick()


def _single_sources(layout: Layout, K: int, ids) -> np.ndarray:
    if layout.S != K:
        k = int(np.flatnonzero(layout.slots != 1)[0])
        raise UnsupportedError(f"model {ids[k]!r}: a fixed design is simulated with one source per batch")
    return layout.source


def _per_model(stats: tuple, layout: Layout, keep: np.ndarray, K: int) -> tuple:
    """Sum slot statistics over each model's kept slots (models without one get zeros)."""
    incidence = np.zeros((layout.S, K))
    incidence[np.flatnonzero(keep), layout.model[keep]] = 1.0
    out = []
    for s in stats:
        summed = np.tensordot(s, incidence, axes=([1], [0]))           # (R, *rest, K)
        out.append(np.moveaxis(summed, -1, 1))                         # (R, K, *rest)
    return tuple(out)


def _points_per_model(points: list, layout: Layout, keep: np.ndarray, K: int, p: int) -> list:
    """Concatenate the kept slots' points per model: ``K`` arrays of shape ``(R, n_k, p)``."""
    R = points[0].shape[0] if points else 0
    out = []
    for k in range(K):
        slots = [points[s] for s in np.flatnonzero(keep & (layout.model == k))]
        out.append(np.concatenate(slots, axis=1) if slots else np.zeros((R, 0, p)))
    return out


class _Pools:
    """Pooled memory: accumulate, window, a fixed real pool; subsample keeps the points (gaussian_mean)."""

    def __init__(self, run: DynamicRun):
        self.run_ = run
        self.kernel = run.kernel
        memory = run.memory
        self.window = None if memory.kind in ("accumulate", "subsample") else (memory.window or 1)
        self.subsample = memory.subsample
        self.pool_real = memory.real == "pool"
        self.K = run.K
        if self.subsample is not None and run.modes is not None:
            raise UnsupportedError("subsampling with random modes is not simulated (pools of different sizes)")
        plan = run.plan
        self.n_real = np.zeros(self.K, dtype=np.int64)
        for slot in np.flatnonzero(plan.step.is_real):
            self.n_real[plan.step.model[slot]] = plan.step.count[slot]
        if self.pool_real and np.any(self.n_real > plan.initial.count):
            k = int(np.flatnonzero(self.n_real > plan.initial.count)[0])
            raise InputError(f"model {run.graph.ids[k]!r}: a fixed real pool of {self.n_real[k]} samples cannot "
                             f"come from its {plan.initial.count[k]} generation-0 samples")

    def _initial_layout(self) -> tuple[Layout, np.ndarray]:
        """Generation 0, with the fixed real pool as its own slot (``is_pool`` marks it)."""
        init = self.run_.plan.initial
        if not self.pool_real:
            return init, np.zeros(init.S, dtype=bool)
        model, count, is_pool = [], [], []
        for k in range(self.K):
            for c, flag in ((int(self.n_real[k]), True), (int(init.count[k] - self.n_real[k]), False)):
                if c > 0:
                    model.append(k)
                    count.append(c)
                    is_pool.append(flag)
        S = len(model)
        layout = Layout(source=np.full(S, REAL, dtype=np.int64), model=np.array(model, dtype=np.int64),
                        weight=np.ones(S), count=np.array(count, dtype=np.int64),
                        noise=np.full(S, init.noise[0]), K=self.K)
        return layout, np.array(is_pool)

    def _slots(self, streams, theta, layout, method):
        """Slot statistics ``(R, S, …)`` — or, for subsampling, each slot's points ``(R, count, p)``."""
        kernel = self.kernel
        if theta is None:
            sources = np.broadcast_to(kernel.truth, (streams.replications, layout.S, kernel.p))
        else:
            sources = theta[:, np.maximum(layout.source, 0)]
            sources[:, layout.is_real] = kernel.truth
        if self.subsample is None:
            return kernel.statistics(streams, sources, layout, method)
        return [sources[:, s, None, :] + np.sqrt(layout.noise[s]) * streams.normal((int(layout.count[s]), kernel.p))
                for s in range(layout.S)]

    def _reduce(self, slots, layout, keep):
        counts = np.bincount(layout.model[keep], weights=layout.count[keep], minlength=self.K)
        if self.subsample is None:
            return _per_model(slots, layout, keep, self.K), counts
        return _points_per_model(slots, layout, keep, self.K, self.kernel.p), counts

    def run(self, streams, generations, method, target, tick):
        run = self.run_
        history: deque = deque(maxlen=self.window)
        total = count = real_pool = mode = theta = None
        for t in range(generations + 1):
            if t == 0:
                layout, is_pool = self._initial_layout()
                slots = self._slots(streams, None, layout, method)
                batch, counts = self._reduce(slots, layout, np.ones(layout.S, dtype=bool))
                if self.pool_real and self.subsample is None:
                    real_pool = self._reduce(slots, layout, is_pool)
            else:
                options = []
                for lay in run.layouts(t):
                    keep = ~lay.is_real if self.pool_real else np.ones(lay.S, dtype=bool)
                    options.append(self._reduce(self._slots(streams, theta, lay, method), lay, keep))
                if len(options) == 1:
                    batch, counts = options[0]
                else:
                    mode = run._draw_modes(streams, mode)
                    batch, counts = _select(options, mode)
            history.append((batch, counts))
            if self.subsample is not None:
                theta = _subsample_fit(streams, history, self.subsample, self.K, self.kernel.p)
            elif self.window is None:  # accumulate: running sums
                total = batch if total is None else tuple(a + b for a, b in zip(total, batch))
                count = counts if count is None else count + counts
                theta = _fit(self.kernel, total, count)
            else:
                pool = tuple(sum(parts) for parts in zip(*(b for b, _ in history)))
                pool_count = sum(c for _, c in history)
                if self.pool_real and t >= self.window:  # generation 0 has left: add the fixed real pool once
                    pool = tuple(a + b for a, b in zip(pool, real_pool[0]))
                    pool_count = pool_count + real_pool[1]
                theta = _fit(self.kernel, pool, pool_count)
            target[:, t] = self.kernel.error(theta)
            tick()


def _select(options, mode):
    """Each replication's own mode's batch statistics and counts."""
    stats = []
    for i in range(len(options[0][0])):
        stacked = np.stack([o[0][i] for o in options])
        index = mode.reshape((1, -1) + (1,) * (stacked.ndim - 2))
        stats.append(np.take_along_axis(stacked, index, axis=0)[0])
    return tuple(stats), np.stack([o[1] for o in options])[mode]


def _fit(kernel, stats, count):
    count = np.asarray(count, dtype=float)
    if kernel.name == "gaussian_mean":   # counts may differ per replication (random modes)
        return stats[0] / count[..., None]
    return kernel.fit(stats, count)


def _subsample_fit(streams, history, m, K, p):
    """The mean of ``m`` points drawn without replacement from each model's pool (all of it if smaller)."""
    R = streams.replications
    theta = np.empty((R, K, p))
    for k in range(K):
        pool = np.concatenate([batch[k] for batch, _ in history], axis=1)
        N = pool.shape[1]
        if N <= m:
            theta[:, k] = pool.mean(axis=1)
            continue
        keys = streams.uniform((N,))
        chosen = np.argpartition(keys, m - 1, axis=1)[:, :m]
        theta[:, k] = np.take_along_axis(pool, chosen[..., None], axis=1).mean(axis=1)
    return theta


class _FixedDesign:
    """OLS with each model's design drawn once and reused by every batch, one source per batch.

    A batch's fit is ``β_src + σ_src G⁻¹ Xᵀε``; sufficient path: ``G = A Aᵀ``
    (Bartlett) and ``G⁻¹ Xᵀε = A^{-T} w``, ``w ~ N(0, I_d)``; sample path: ``X``
    itself and ``ε`` per batch.  A pool's fit is the mean of its batches'
    fits (the same design, so the pooled normal equations average them).
    """

    def __init__(self, run: DynamicRun):
        self.run_ = run
        plan = run.plan
        if np.any(plan.initial.count != plan.step.totals):
            k = int(np.flatnonzero(plan.initial.count != plan.step.totals)[0])
            raise InputError(f"model {run.graph.ids[k]!r}: a fixed design is reused by every batch, so n0 must "
                             f"equal n ({plan.initial.count[k]} != {plan.step.totals[k]})")
        memory = run.memory
        self.window = None if memory.kind == "accumulate" else (memory.window or 1)

    def _design(self, streams, method, d):
        n = self.run_.plan.initial.count
        K = n.size
        if method == "samples":
            X = [streams.normal((int(n[k]), d)) for k in range(K)]             # (R, n_k, d) each
            return ("samples", X)
        lower = np.tril_indices(d, -1)
        chi2 = streams.chisquare(n[:, None] - np.arange(d), (K, d))
        z = streams.normal((K, d * (d - 1) // 2))
        A = np.zeros((streams.replications, K, d, d))
        A[..., np.arange(d), np.arange(d)] = np.sqrt(chi2)
        A[..., lower[0], lower[1]] = z
        return ("sufficient", np.linalg.inv(np.swapaxes(A, -1, -2)))           # A^{-T}

    def _noise(self, streams, design, d):
        kind, value = design
        if kind == "sufficient":
            w = streams.normal((value.shape[1], d))
            return np.matmul(value, w[..., None])[..., 0]
        out = []
        for X in value:
            eps = streams.normal((X.shape[1],))
            out.append(np.linalg.solve(np.matmul(np.swapaxes(X, -1, -2), X),
                                       np.matmul(np.swapaxes(X, -1, -2), eps[..., None]))[..., 0])
        return np.stack(out, axis=1)

    def run(self, streams, generations, method, target, tick):
        run = self.run_
        kernel = run.kernel
        d = kernel.p
        design = self._design(streams, method, d)
        step = run.plan.step
        sigma_step = np.sqrt(step.noise)
        sigma0 = np.sqrt(run.plan.initial.noise)
        history: deque = deque(maxlen=self.window)
        total = None
        theta = None
        for t in range(generations + 1):
            noise = self._noise(streams, design, d)
            if t == 0:
                batch = sigma0[None, :, None] * noise
            else:
                source = theta[:, np.maximum(run.source, 0)]
                source[:, run.source == REAL] = kernel.truth
                batch = source + sigma_step[None, :, None] * noise
            history.append(batch)
            if self.window is None:
                total = batch if total is None else total + batch
                theta = total / (t + 1)
            else:
                theta = sum(history) / len(history)
            target[:, t] = kernel.error(theta)
            tick()
