"""The result of a simulation: raw errors, their means and standard errors.

Examples
--------
>>> import numpy as np
>>> from graphcollapse.graph import from_matrix
>>> r = SimulationResult(graph=from_matrix([[1]]), family="gaussian_mean", method="samples",
...                      seed_entropy=0, errors=np.array([[[1.0], [2.0]], [[3.0], [6.0]]]))
>>> r.mean_error.tolist(), r.stderr.tolist()
([[2.0], [4.0]], [[1.0], [2.0]])
>>> r.generations, r.replications
(1, 2)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping

import numpy as np

from graphcollapse.errors import InputError
from graphcollapse.graph import InteractionGraph

__all__ = ["SimulationResult"]


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Monte Carlo errors of every model, generation and replication.

    Attributes
    ----------
    graph : InteractionGraph
        The simulated graph (with its estimator spec).
    family : str
    method : {"samples", "sufficient"}
    seed_entropy : int
        Entropy of the root ``SeedSequence``: passing it as ``seed`` repeats the run.
    errors : numpy.ndarray, shape (replications, generations + 1, K)
        Squared parameter error ``||θ̂_k(t) - θ*||²`` of each replication, in
        model order.  It is the plain squared error in every family (whitened
        coordinates for regression, i.e. the excess risk; no factor ``n`` for
        the M-estimators), so its mean estimates the toolkit's ``E_k(t)``.
    """

    graph: InteractionGraph
    family: str
    method: str
    seed_entropy: int
    errors: np.ndarray
    #: Further observables the kernel recorded (``{name: array shaped like errors}``), e.g. the fitted variance.
    observables: Mapping[str, np.ndarray] = field(default_factory=dict)

    @property
    def ids(self) -> tuple[str, ...]:
        return self.graph.ids

    @property
    def replications(self) -> int:
        return int(self.errors.shape[0])

    @property
    def generations(self) -> int:
        return int(self.errors.shape[1] - 1)

    @cached_property
    def mean_error(self) -> np.ndarray:
        """Monte Carlo estimate of ``E_k(t)``, shape ``(generations + 1, K)``."""
        return self.errors.mean(axis=0)

    @cached_property
    def stderr(self) -> np.ndarray:
        """Standard error of :attr:`mean_error` (sample standard deviation / sqrt(R))."""
        if self.replications < 2:
            return np.full(self.mean_error.shape, np.nan)
        return self.errors.std(axis=0, ddof=1) / np.sqrt(self.replications)

    def values(self, name: str = "error") -> np.ndarray:
        """The draws of observable ``name`` (``"error"`` or a recorded one), shape ``(R, generations + 1, K)``."""
        if name == "error":
            return self.errors
        try:
            return self.observables[name]
        except KeyError:
            known = ", ".join(("error", *self.observables))
            raise InputError(f"the simulation recorded no observable {name!r} (recorded: {known})") from None

    def mean(self, name: str = "error") -> np.ndarray:
        """Monte Carlo estimate of observable ``name``, shape ``(generations + 1, K)``."""
        return self.values(name).mean(axis=0)

    def stderr_of(self, name: str = "error") -> np.ndarray:
        """Standard error of :meth:`mean` (sample standard deviation / sqrt(R))."""
        draws = self.values(name)
        if self.replications < 2:
            return np.full(draws.shape[1:], np.nan)
        return draws.std(axis=0, ddof=1) / np.sqrt(self.replications)
