"""What one random graph says: Theorem A's verdicts and the closed classes, in one pass.

:func:`sample_statistics` runs one strongly-connected-components pass and
(only when there is a closed class) one breadth-first search, both in
``scipy.sparse.csgraph``, on the flow graph as generated; it records what a
sweep needs from the sample and nothing of size ``K``:

* the number and fraction of collapsing models (Theorem A: a closed class
  lies upstream);
* the closed classes: how many, their sizes (largest first, at most
  :data:`MAX_SIZES` of them), how many models they hold;
* the largest strongly connected component, and optionally the fraction of
  models downstream of it (``giant=True``; one more BFS), the quantity the
  asymptotic law calls ``φ``.

The verdict is the one :func:`graphcollapse.topology.collapsing_support`
computes, from the same two helpers (:func:`~graphcollapse.topology.closed_components`,
:func:`~graphcollapse.topology.downstream`; the tests check that they
agree); this pass keeps the component labels for the class statistics
instead of computing them twice, and needs no transposition.

Examples
--------
>>> import numpy as np
>>> from graphcollapse.ensembles.digraph import FlowDigraph
>>> # a closed 2-cycle 0 <-> 1 feeding 2 -> 3; model 4 trains on 3 and has real data
>>> g = FlowDigraph.from_edges(5, np.array([0, 1, 1, 2, 3]), np.array([1, 0, 2, 3, 4]))
>>> s = sample_statistics(g, np.array([False, False, True, False, True]))
>>> s.collapsing, s.fraction, s.closed_sizes, s.largest_component
(5, 1.0, (2,), 2)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.sparse import csgraph

from graphcollapse.ensembles.digraph import FlowDigraph
from graphcollapse.topology import closed_components, downstream

__all__ = ["SampleStatistics", "sample_statistics", "collapsing_models", "MAX_SIZES"]

#: Closed-class sizes kept per sample (largest first); the count and total are always exact.
MAX_SIZES = 64


@dataclass(frozen=True)
class SampleStatistics:
    """The statistics of one sample (JSON-ready through :meth:`to_json`)."""

    K: int
    edges: int
    real: int                       # models with real data (the rule's and the sourceless)
    collapsing: int
    closed_count: int
    closed_models: int
    closed_sizes: tuple             # largest first, at most MAX_SIZES
    largest_component: int
    giant_downstream: float | None = None
    #: Fraction of all models whose limit exceeds the level (collapsing ones count), or None.
    exceed: float | None = None
    exceed_arithmetic: str | None = None

    @property
    def fraction(self) -> float:
        """Fraction of the models that collapse."""
        return self.collapsing / self.K

    def to_json(self) -> dict:
        out = asdict(self)
        out["closed_sizes"] = list(self.closed_sizes)
        return out

    @classmethod
    def from_json(cls, data: dict) -> "SampleStatistics":
        data = dict(data)
        data["closed_sizes"] = tuple(data["closed_sizes"])
        return cls(**data)


def _reach(flow: FlowDigraph, seeds: np.ndarray) -> np.ndarray:
    """Boolean mask of the models reachable along the flow from any seed."""
    return downstream(flow.indptr, flow.indices, seeds)


def _closed(flow: FlowDigraph, labels: np.ndarray, n_comp: int, real: np.ndarray) -> np.ndarray:
    """Closed components (no member trains on a model outside, none receives real data)."""
    return closed_components(labels, n_comp, flow.sources, flow.indices, real)


def collapsing_models(flow: FlowDigraph, real: np.ndarray) -> np.ndarray:
    """Theorem A on a flow digraph: the boolean mask of collapsing models."""
    n_comp, labels = csgraph.connected_components(flow.flow(), directed=True, connection="strong")
    closed = _closed(flow, labels, n_comp, real)
    seeds = np.flatnonzero(closed[labels])
    return _reach(flow, seeds) if seeds.size else np.zeros(flow.K, dtype=bool)


def sample_statistics(flow: FlowDigraph, real: np.ndarray, *, giant: bool = False) -> SampleStatistics:
    """The statistics of one sample (see the module notes); ``real`` already includes the sourceless."""
    n_comp, labels = csgraph.connected_components(flow.flow(), directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=n_comp)
    closed = _closed(flow, labels, n_comp, real)
    closed_sizes = np.sort(sizes[closed])[::-1]
    seeds = np.flatnonzero(closed[labels])
    collapsing = int(_reach(flow, seeds).sum()) if seeds.size else 0
    downstream = None
    if giant:
        biggest = int(np.argmax(sizes))
        downstream = float(_reach(flow, np.flatnonzero(labels == biggest)).mean())
    return SampleStatistics(
        K=flow.K, edges=flow.edges, real=int(real.sum()), collapsing=collapsing,
        closed_count=int(closed_sizes.size), closed_models=int(closed_sizes.sum()),
        closed_sizes=tuple(int(s) for s in closed_sizes[:MAX_SIZES]), largest_component=int(sizes.max()),
        giant_downstream=downstream)
