"""Simulator of ``gaussian_mean(d, σ²)``: sample means of ``N(θ, σ_j² I_d)``.

The truth is ``θ* = 0`` (the sample mean is shift-equivariant, so the error
does not depend on it); the statistic is the sum of the samples, drawn
directly as ``m θ + sqrt(m σ²) z`` on the sufficient path.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.simulation.engine.plan import make_plan
>>> g = from_dict({"estimator": {"family": "gaussian_mean", "d": 3},
...                "models": [{"id": "A", "n": 10, "real": 1}], "edges": []})
>>> GaussianMeanKernel(make_plan(g)).truth
array([0., 0., 0.])
"""

from __future__ import annotations

import numpy as np

from graphcollapse.simulation.kernels.base import Kernel
from graphcollapse.simulation.engine.plan import as_float

__all__ = ["GaussianMeanKernel"]


def dimension(plan) -> int:
    """The integer ``d`` the estimator parsed (validated there; symbols are refused here)."""
    return int(as_float(plan.estimator.parameters["d"], f"estimator {plan.family!r} d"))


class GaussianMeanKernel(Kernel):
    """Sample means (docs/theory.md 3.1); statistics: the sum of the samples."""

    name = "gaussian_mean"

    def __init__(self, plan):
        super().__init__(plan)
        self.truth = np.zeros(dimension(plan))
        self.width = self.p

    def sample_piece(self, streams, theta, noise, m):
        samples = theta[:, :, None, :] + np.sqrt(noise)[:, None, None] * streams.normal((theta.shape[1], m, self.p))
        return (samples.sum(axis=2),)

    def sufficient(self, streams, theta, count, noise):
        z = streams.normal((theta.shape[1], self.p))
        return (count[:, None] * theta + np.sqrt(count * noise)[:, None] * z,)

    def fit(self, stats, count):
        return stats[0] / count[:, None]
