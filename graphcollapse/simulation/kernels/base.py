"""The estimator interface of the simulator, and its registry.

A :class:`Kernel` knows one family's parameter, how to draw the *sufficient
statistics* of a slot's samples (sample by sample, or directly from their
distribution), and how to fit the estimator from statistics.  Statistics are
additive over samples, so pooled mixing (one fit on the union of a model's
slots) sums them per model before fitting, and weighted mixing fits each slot
and combines the fits with the weights.  The engine never looks inside.

There is no registry here: each estimator declares its kernel
(:attr:`graphcollapse.estimators.Estimator.kernel`, ``"module:Class"`` in this
package) and :func:`kernel_for` imports it when a simulation needs it.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> from graphcollapse.simulation.engine.plan import make_plan
>>> type(kernel_for(make_plan(from_matrix([["1/2"]], n=[4])))).__name__
'GaussianMeanKernel'
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from importlib import import_module
from typing import ClassVar

import numpy as np

from graphcollapse.errors import InputError
from graphcollapse.simulation.engine.plan import Layout, Plan
from graphcollapse.simulation.engine.streams import BlockStreams

__all__ = ["Kernel", "kernel_for", "PIECE_ELEMENTS"]

#: Largest number of floats one replication's batch of samples may hold in the
#: sample-level path; larger slots are drawn in pieces (statistics add up), so
#: memory does not grow with the sample size.
PIECE_ELEMENTS = 1 << 16


def kernel_for(plan: Plan) -> "Kernel":
    """The kernel simulating ``plan``'s estimator, as the estimator declares it."""
    module, _, name = plan.estimator.kernel_path().partition(":")
    return getattr(import_module(f"graphcollapse.simulation.kernels.{module}"), name)(plan)


class Kernel(ABC):
    """One estimator family, seen by the simulator.

    Subclasses set ``name``, ``truth`` (the true parameter, shape ``(p,)``)
    and ``width`` (floats per sample), and implement :meth:`sample_piece`,
    :meth:`sufficient` and :meth:`fit`; they may override :meth:`generation`
    when a fit can be drawn more directly.  Parameters of the models are
    arrays ``theta`` of shape ``(replications, slots or models, p)``.
    """

    name: ClassVar[str]
    #: Whether the kernel fits the spec's ``"loss"``; closed-form kernels fit the MLE only.
    fits_loss: ClassVar[bool] = False
    #: Whether :meth:`sufficient` exists; without it ``method="sufficient"`` draws the samples.
    has_sufficient: ClassVar[bool] = True
    truth: np.ndarray
    width: int = 1

    def __init__(self, plan: Plan):
        self.plan = plan

    @property
    def p(self) -> int:
        return int(self.truth.size)

    @abstractmethod
    def sample_piece(self, streams: BlockStreams, theta: np.ndarray, noise: np.ndarray, m: int) -> tuple:
        """Statistics of ``m`` samples drawn one by one for each slot of ``theta``."""

    @abstractmethod
    def sufficient(self, streams: BlockStreams, theta: np.ndarray, count: np.ndarray, noise: np.ndarray) -> tuple:
        """Statistics of ``count`` samples per slot, drawn directly from their distribution."""

    def sufficient_applies(self, count: np.ndarray) -> np.ndarray:
        """Slots whose statistics :meth:`sufficient` can draw (default: all)."""
        return np.ones(count.shape, dtype=bool)

    @abstractmethod
    def fit(self, stats: tuple, count: np.ndarray) -> np.ndarray:
        """The estimate from statistics of ``count`` samples, shape ``(replications, X, p)``."""

    def error(self, theta: np.ndarray) -> np.ndarray:
        """Squared parameter error ``||θ̂ - θ*||²`` per replication and model."""
        return np.square(theta - self.truth).sum(axis=-1)

    #: Observables beside the error that :func:`~graphcollapse.simulation.simulate` records by default.
    observables: ClassVar[tuple[str, ...]] = ()

    def observe(self, theta: np.ndarray, name: str) -> np.ndarray:
        """Observable ``name`` of the fits ``theta``, per replication and model (shape ``(R, K)``).

        Kernels with observables override this; :meth:`check_observable` says which names exist.
        """
        raise InputError(f"the {self.name} simulator records no observable {name!r}")

    def check_observable(self, name: str) -> None:
        """Raise :class:`~graphcollapse.errors.InputError` unless :meth:`observe` knows ``name``."""
        if name not in self.observables:
            known = ", ".join(self.observables) or "none"
            raise InputError(f"the {self.name} simulator records no observable {name!r} (known: {known})")

    def scratch_floats(self, layout: Layout, method: str) -> int:
        """Floats of working memory one replication needs in one generation (an estimate)."""
        stats = layout.S * (self.width * self.width + self.width + 2)
        if method == "sufficient":
            return 4 * stats
        biggest = max(idx.size * m for m, idx in layout.groups) * self.width
        return 4 * stats + 3 * min(PIECE_ELEMENTS, biggest)

    # ---------------------------------------------------------------- engine
    def generation(self, streams: BlockStreams, sources: np.ndarray, layout: Layout, method: str,
                   pooled: bool) -> np.ndarray:
        """Every model's fit in one generation, given each slot's generating parameter ``sources``.

        Pooled: one fit on the summed statistics of a model's slots; weighted:
        one fit per slot, combined with the weights.
        """
        stats = self.statistics(streams, sources, layout, method)
        if pooled:
            return self.fit(tuple(layout.per_model(s) for s in stats), layout.totals)
        return layout.per_model(self.fit(stats, layout.count) * layout.weight[:, None])

    def statistics(self, streams: BlockStreams, theta: np.ndarray, layout: Layout, method: str) -> tuple:
        """Statistics of one generation's samples for every slot of ``layout``."""
        direct = self.sufficient_applies(layout.count) if method == "sufficient" \
            else np.zeros(layout.S, dtype=bool)
        parts = []
        if direct.any():
            idx = np.flatnonzero(direct)
            parts.append((idx, self.sufficient(streams, theta[:, idx], layout.count[idx], layout.noise[idx])))
        for m, idx in layout.groups:
            idx = idx[~direct[idx]]
            if idx.size:
                parts.append((idx, self._sampled(streams, theta[:, idx], layout.noise[idx], m)))
        if len(parts) == 1:
            return parts[0][1]
        out = tuple(np.empty((theta.shape[0], layout.S) + s.shape[2:], dtype=float) for s in parts[0][1])
        for idx, stats in parts:
            for target, value in zip(out, stats):
                target[:, idx] = value
        return out

    def _sampled(self, streams, theta, noise, m):
        piece = max(1, PIECE_ELEMENTS // (theta.shape[1] * self.width))
        total = None
        for start in range(0, m, piece):
            stats = self.sample_piece(streams, theta, noise, min(piece, m - start))
            total = stats if total is None else tuple(a + b for a, b in zip(total, stats))
        return total
