"""The support of one random interaction graph, stored in the direction data flows.

A generator returns a :class:`FlowDigraph`: the CSR form of the *flow*
graph, row ``j`` listing the models that train on ``j``'s outputs (edge
``j → k``).  That is the direction collapse spreads in, so the breadth-first
search of Theorem A needs no transposition, and strong components are the
same in both directions.  Nothing here is ever dense: memory is ``O(K + E)``.

Examples
--------
>>> import numpy as np
>>> g = FlowDigraph.from_edges(3, np.array([0, 1, 1]), np.array([1, 0, 2]))
>>> g.K, g.edges, g.in_degree.tolist(), g.out_degree.tolist()
(3, 3, [1, 1, 1], [1, 2, 0])
>>> g.support().toarray().astype(int).tolist()   # row k = what model k trains on
[[0, 1, 0], [1, 0, 0], [0, 1, 0]]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

__all__ = ["FlowDigraph", "index_dtype"]


def index_dtype(K: int, edges: int = 0):
    """The smallest index type scipy's graph routines accept for this size (int32 when it fits)."""
    return np.int32 if max(K, edges) < 2**31 - 1 else np.int64


@dataclass(frozen=True, eq=False)
class FlowDigraph:
    """A simple digraph on ``K`` models in CSR form, rows = sources of the data flow.

    Attributes
    ----------
    K : int
    indptr, indices : numpy.ndarray
        ``indices[indptr[j]:indptr[j+1]]`` are the models that train on model ``j``.
        No duplicate edges (generators erase them); self-loops only where the
        ensemble allows them.
    """

    K: int
    indptr: np.ndarray
    indices: np.ndarray

    @classmethod
    def from_edges(cls, K: int, sources, targets, *, unique: bool = False) -> "FlowDigraph":
        """From edge arrays ``sources[e] → targets[e]`` (a counting sort, ``O(K + E)``).

        ``unique=True`` promises there are no duplicate edges; otherwise they
        are erased (a sort of the edge keys).
        """
        sources = np.asarray(sources, dtype=np.int64)
        targets = np.asarray(targets, dtype=np.int64)
        if not unique and sources.size:
            keys = np.unique(sources * K + targets)  # sorted by source, then target
            sources, targets = keys // K, keys % K
        else:
            order = np.argsort(sources, kind="stable")
            sources, targets = sources[order], targets[order]
        return cls.from_sorted(K, sources, targets)

    @classmethod
    def from_sorted(cls, K: int, sources: np.ndarray, targets: np.ndarray) -> "FlowDigraph":
        """From edges already sorted by source (no check beyond the lengths)."""
        dtype = index_dtype(K, targets.size)
        indptr = np.zeros(K + 1, dtype=dtype)
        np.cumsum(np.bincount(sources, minlength=K), out=indptr[1:])
        return cls(K, indptr, targets.astype(dtype, copy=False))

    @property
    def edges(self) -> int:
        return int(self.indices.size)

    @cached_property
    def out_degree(self) -> np.ndarray:
        """Number of models training on each model."""
        return np.diff(self.indptr).astype(np.int64)

    @cached_property
    def in_degree(self) -> np.ndarray:
        """Number of sources of each model."""
        return np.bincount(self.indices, minlength=self.K)

    @cached_property
    def sources(self) -> np.ndarray:
        """Source of every edge, aligned with :attr:`indices` (``O(E)`` memory, built on demand)."""
        return np.repeat(np.arange(self.K, dtype=self.indices.dtype), self.out_degree)

    def flow(self) -> sp.csr_array:
        """The flow graph as a scipy CSR matrix (shares the index arrays)."""
        data = np.ones(self.indices.size, dtype=np.int8)
        return sp.csr_array((data, self.indices, self.indptr), shape=(self.K, self.K))

    def support(self) -> sp.csr_array:
        """The support of ``W`` (row ``k`` = the sources of model ``k``) as a boolean CSR matrix."""
        return sp.csr_array(self.flow().T.tocsr().astype(bool))

    def relabel(self, permutation) -> "FlowDigraph":
        """The same digraph with model ``i`` renamed ``permutation[i]``."""
        permutation = np.asarray(permutation, dtype=np.int64)
        return FlowDigraph.from_edges(self.K, permutation[self.sources], permutation[self.indices], unique=True)
