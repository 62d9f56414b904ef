"""Graphs from and to other representations: networkx digraphs and weight matrices.

Examples
--------
>>> g = from_matrix([[0, 1], [1, 0]])
>>> from_networkx(to_networkx(g)) == g
True
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import scipy.sparse as sp
import sympy

from graphcollapse.errors import InputError, guarded
from graphcollapse.graph.core import MIXING_RULES, InteractionGraph
from graphcollapse.graph.floats import float_graph
from graphcollapse.graph.schema import declare_symbols, from_dict
from graphcollapse.numbers.parse import to_exact

__all__ = ["from_networkx", "to_networkx", "from_matrix"]


@guarded
def from_networkx(digraph, *, name: str | None = None, mixing: str | None = None,
                  symbols: Sequence[str] | None = None, estimator: Mapping | None = None) -> InteractionGraph:
    """Build a graph from a ``networkx.DiGraph``.

    Edge attribute ``weight`` (and optionally ``n``); node attributes ``real``,
    ``n``, ``n0``, ``n_real``, ``sigma2``.  Graph attributes ``name``,
    ``mixing``, ``symbols`` and ``estimator`` are used unless overridden by
    the keyword arguments.  Node labels become string ids.

    Examples
    --------
    >>> import networkx as nx
    >>> d = nx.DiGraph()
    >>> d.add_node("A", real=1, n=10); d.add_node("B", n=10)
    >>> d.add_edge("A", "B", weight=1)
    >>> from_networkx(d).edges[0]
    EdgeSpec(source='A', target='B', weight=1, n=10)
    """
    import networkx as nx

    if not isinstance(digraph, nx.DiGraph) or digraph.is_multigraph():
        raise InputError("from_networkx expects a networkx.DiGraph")
    info = digraph.graph
    labels = {node: str(node) for node in digraph.nodes}
    if len(set(labels.values())) != len(labels):
        raise InputError("from_networkx: two nodes have the same string label")
    data = {
        "name": name if name is not None else info.get("name", ""),
        "mixing": mixing if mixing is not None else info.get("mixing", "pooled"),
        "symbols": list(symbols if symbols is not None else info.get("symbols", [])),
        "models": [{"id": labels[node], **attrs} for node, attrs in digraph.nodes(data=True)],
        "edges": [{"from": labels[u], "to": labels[v], **attrs} for u, v, attrs in digraph.edges(data=True)],
    }
    chosen = estimator if estimator is not None else info.get("estimator")
    if chosen is not None:
        data["estimator"] = dict(chosen)
    return from_dict(data)


@guarded
def from_matrix(W, real=None, n=None, ids=None, *, name: str = "", mixing: str = "pooled",
                symbols: Sequence[str] = (), estimator: Mapping | None = None, sigma2=None,
                tolerance: float | None = None) -> InteractionGraph:
    """Build a graph from a weight matrix ``W`` (row ``k`` = what model ``k`` trains on).

    Parameters
    ----------
    W : array-like or scipy.sparse matrix, shape (K, K)
        ``W[k, j]`` is the weight of model ``j``'s outputs in model ``k``'s
        training data.  Integer, fraction, string or SymPy entries give an
        exact graph; a float array gives a float graph (for large graphs).
    real : sequence, optional
        Real-data weights ``r``; by default ``1 - W @ 1`` (which must then be
        non-negative).
    n : int or sequence, optional
        Samples per generation (default 1 for every model).
    ids : sequence of str, optional
        Model ids (default ``"0"``, ``"1"``, ...).
    tolerance : float, optional
        Float graphs only: entries and real weights of absolute value at most
        this count as zero (default: only ``0.0`` is zero, the input as given;
        the implied real weight comes from the correctly rounded row sum).

    Examples
    --------
    >>> g = from_matrix([["1/2", 0], [1, 0]])
    >>> g.real
    (1/2, 0)
    >>> import numpy as np, scipy.sparse as sp
    >>> big = from_matrix(sp.csr_array(np.array([[0.5, 0.0], [1.0, 0.0]])))
    >>> big.is_exact, big.real_float()
    (False, array([0.5, 0. ]))
    """
    presorted = False
    if sp.issparse(W):
        if W.shape[0] != W.shape[1]:
            raise InputError(f"from_matrix: W must be square, got shape {W.shape}")
        K = W.shape[0]
        if np.issubdtype(W.dtype, np.floating):
            # scipy's compiled routines put the matrix in canonical CSR form (rows
            # sorted, columns sorted within rows); duplicates are an error, so they
            # are detected on the raw entries first.
            csr = sp.csr_array(W, copy=True)
            before = csr.nnz
            csr.sum_duplicates()
            if csr.nnz != before:
                raise InputError("from_matrix: W has duplicate entries")
            rows = np.repeat(np.arange(K, dtype=np.int64), np.diff(csr.indptr))
            cols, values, presorted = csr.indices.astype(np.int64), csr.data, True
        else:
            coo = sp.coo_array(W)
            rows, cols, values = coo.row, coo.col, coo.data
        is_float = np.issubdtype(values.dtype, np.floating)
    else:
        array = np.asarray(W, dtype=object if not isinstance(W, np.ndarray) else None)
        if array.ndim != 2 or array.shape[0] != array.shape[1]:
            raise InputError(f"from_matrix: W must be a square matrix, got shape {array.shape}")
        K = array.shape[0]
        is_float = np.issubdtype(array.dtype, np.floating)
        if array.dtype == object:
            is_float = False
        rows, cols = np.nonzero(array != 0) if array.dtype != object else _object_nonzero(array)
        values = array[rows, cols]
    if K == 0:
        raise InputError("graph has no models")
    if mixing not in MIXING_RULES:
        raise InputError(f'from_matrix: mixing must be "pooled" or "weighted", not {mixing!r}')
    if ids is not None:
        ids = [str(i) for i in ids]
        if len(ids) != K:
            raise InputError(f"from_matrix: {len(ids)} ids for {K} models")
        if len(set(ids)) != K:
            raise InputError("from_matrix: duplicate model ids")
    if is_float:
        return float_graph(K, rows, cols, values, real, n, ids, name, mixing, estimator, sigma2, presorted,
                           tolerance=tolerance)
    if tolerance is not None:
        raise InputError("from_matrix: tolerance applies to float matrices; exact entries are decided exactly")

    model_ids = ids if ids is not None else [str(i) for i in range(K)]
    declared = declare_symbols(symbols)
    exact_values = [to_exact(v, declared, where=f"W[{r}, {c}]") for r, c, v in zip(rows.tolist(), cols.tolist(), values)]
    if real is None:
        sums = [sympy.Integer(0)] * K
        for r, v in zip(rows.tolist(), exact_values):
            sums[r] = sums[r] + v
        real_values = [sympy.cancel(1 - s) if s.free_symbols else 1 - s for s in sums]
    else:
        real_values = list(real)
        if len(real_values) != K:
            raise InputError(f"from_matrix: {len(real_values)} real-data weights for {K} models")
    sizes = [n] * K if n is None or np.isscalar(n) or isinstance(n, (str, sympy.Basic)) else list(n)
    if len(sizes) != K:
        raise InputError(f"from_matrix: {len(sizes)} sample sizes for {K} models")
    models = []
    for k in range(K):
        entry = {"id": model_ids[k], "n": 1 if sizes[k] is None else sizes[k], "real": real_values[k]}
        if sigma2 is not None:
            entry["sigma2"] = sigma2[k] if isinstance(sigma2, (list, tuple, np.ndarray)) else sigma2
        models.append(entry)
    edges = [{"from": model_ids[c], "to": model_ids[r], "weight": v}
             for r, c, v in zip(rows.tolist(), cols.tolist(), exact_values) if v != 0]
    data = {"name": name, "mixing": mixing, "symbols": list(declared), "models": models, "edges": edges}
    if estimator is not None:
        data["estimator"] = dict(estimator)
    return from_dict(data)


def _object_nonzero(array: np.ndarray):
    mask = np.vectorize(lambda v: not (isinstance(v, (int, float)) and v == 0)
                        and not (isinstance(v, str) and v.strip() in {"0", "0.0", ""})
                        and not (isinstance(v, sympy.Basic) and v == 0), otypes=[bool])(array)
    return np.nonzero(mask)


def to_networkx(graph: InteractionGraph):
    """A ``networkx.DiGraph`` with node and edge attributes; lossless for exact graphs."""
    import networkx as nx

    out = nx.DiGraph(name=graph.name, mixing=graph.mixing, symbols=[s.name for s in graph.symbols],
                     estimator=graph.estimator)
    for spec in graph.models:
        attrs = {key: getattr(spec, key) for key in ("n", "n0", "real", "n_real", "sigma2")}
        out.add_node(spec.id, **{k: v for k, v in attrs.items() if v is not None})
    for edge in graph.edges:
        attrs = {"weight": edge.weight}
        if edge.n is not None:
            attrs["n"] = edge.n
        out.add_edge(edge.source, edge.target, **attrs)
    return out
