"""Strongly connected components, closed classes and the absorbing chain.

Everything here depends on the *support* of the graph (which weights are
not identically zero), so it is exact even for float graphs.  The Markov
chain of Theorem A moves from a model to one of its sources ``j`` with
probability ``w_kj`` and to real data ``R`` with probability ``r_k``; its
closed (recurrent) classes are the closed strongly connected components.

The fast path for huge graphs is :func:`collapsing_support`: one
strongly-connected-components pass and one breadth-first search, both in
``scipy.sparse.csgraph``, no Python loop per model.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> g = from_matrix([[0, 1, 0], [1, 0, 0], ["1/2", 0, "1/2"]], real=[0, 0, 0])
>>> top = Topology(g)
>>> [list(map(int, c)) for c in top.components], top.closed.tolist()
([[0, 1], [2]], [True, False])
>>> top.periods
(2, 1)
>>> top.stationary_distribution(0)
(1/2, 1/2)
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import scipy.sparse as sp
import sympy
from scipy.sparse import csgraph

from graphcollapse.graph import InteractionGraph
from graphcollapse.linalg import domain
from graphcollapse.numbers.forms import tidy

__all__ = ["Topology", "collapsing_support", "closed_components", "downstream"]


def collapsing_support(support: sp.csr_array, has_real: np.ndarray) -> np.ndarray:
    """Theorem A on the support: which models have a closed class upstream.

    Parameters
    ----------
    support : sparse (K, K) boolean, ``support[k, j]`` iff ``k`` trains on ``j``.
    has_real : (K,) boolean, models that receive real data.

    Returns
    -------
    numpy.ndarray of bool, shape (K,)

    Notes
    -----
    A strongly connected component is closed when no member trains on a model
    outside it and none receives real data.  Collapse spreads along the data
    flow, so one breadth-first search from a virtual node wired to every
    member of every closed class marks all collapsing models.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> s = sp.csr_array(np.array([[1, 0, 0], [0, 0, 0], [1, 1, 0]], dtype=bool))
    >>> collapsing_support(s, np.array([False, True, False])).tolist()
    [True, False, True]
    """
    support = sp.csr_array(support)
    K = support.shape[0]
    indptr, sources = support.indptr, support.indices
    targets = np.repeat(np.arange(K, dtype=sources.dtype), np.diff(indptr))
    n_comp, labels = csgraph.connected_components(support, directed=True, connection="strong")
    seeds = np.flatnonzero(closed_components(labels, n_comp, sources, targets, has_real)[labels])
    if seeds.size == 0:
        return np.zeros(K, dtype=bool)
    # Data flows source -> target: the flow graph is the transpose, whose CSR
    # form is the CSC form of the support (an O(edges) counting transpose).
    flow = support.tocsc()
    return downstream(flow.indptr, flow.indices, seeds)


def closed_components(labels: np.ndarray, n_comp: int, sources: np.ndarray, targets: np.ndarray,
                      has_real: np.ndarray) -> np.ndarray:
    """Which strongly connected components are closed: no member trains outside, none has real data.

    ``labels`` are the component labels of the models, ``sources[e] → targets[e]`` the edges.

    >>> import numpy as np
    >>> closed_components(np.array([0, 0, 1]), 2, np.array([0, 1, 1]), np.array([1, 0, 2]),
    ...                   np.zeros(3, dtype=bool)).tolist()
    [True, False]
    """
    open_ = np.zeros(n_comp, dtype=bool)
    target_labels = labels[targets]
    open_[target_labels[labels[sources] != target_labels]] = True
    open_[labels[np.asarray(has_real, dtype=bool)]] = True
    return ~open_


def downstream(indptr: np.ndarray, indices: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Models reachable along the data flow from any seed (seeds included), by one breadth-first search.

    ``indptr``/``indices`` are the CSR arrays of the *flow* graph (row ``j``
    lists the models that train on ``j``).  A virtual node, appended as one
    extra row, feeds every seed, so one search covers them all.

    >>> import numpy as np
    >>> downstream(np.array([0, 1, 2, 2]), np.array([1, 2]), np.array([1])).tolist()
    [False, True, True]
    """
    K = indptr.size - 1
    dtype = indices.dtype
    flow_indptr = np.concatenate([indptr, [indptr[-1] + seeds.size]]).astype(dtype)
    flow_indices = np.concatenate([indices, seeds.astype(dtype)])
    flow = sp.csr_array((np.ones(flow_indices.size, dtype=np.int8), flow_indices, flow_indptr), shape=(K + 1, K + 1))
    reached = csgraph.breadth_first_order(flow, K, directed=True, return_predecessors=False)
    out = np.zeros(K + 1, dtype=bool)
    out[reached] = True
    return out[:K]


class Topology:
    """The exact topology of an interaction graph (cached, computed on demand).

    Component positions are in topological order of the condensation:
    every component comes after all components it trains on.

    Parameters
    ----------
    graph : InteractionGraph
    """

    def __init__(self, graph: InteractionGraph):
        self.graph = graph

    @classmethod
    def of(cls, graph: InteractionGraph) -> "Topology":
        """The topology of ``graph``, computed once per graph and shared by every solver.

        A graph is immutable, so its topology is a derived quantity of it; it is
        cached on the graph (the graph itself knows nothing about topology).

        >>> from graphcollapse.graph import from_matrix
        >>> g = from_matrix([[1]])
        >>> Topology.of(g) is Topology.of(g)
        True
        """
        cached = graph.__dict__.get("_topology")
        if cached is None:
            cached = graph.__dict__["_topology"] = cls(graph)
        return cached

    # ------------------------------------------------------------ structure
    @cached_property
    def _edges(self) -> tuple[np.ndarray, np.ndarray]:
        coo = sp.coo_array(self.graph.support)
        return coo.col.astype(np.int64), coo.row.astype(np.int64)  # (sources, targets)

    @cached_property
    def _labels(self) -> tuple[int, np.ndarray]:
        n_comp, labels = csgraph.connected_components(self.graph.support, directed=True, connection="strong")
        return n_comp, labels

    @cached_property
    def _ordering(self) -> np.ndarray:
        """Old scipy label -> new position in topological order.

        Kahn's algorithm with a heap: among the components whose upstream is
        placed, the one with the smallest member comes first, so the order
        does not depend on scipy's labels (networkx's
        ``lexicographical_topological_sort`` with that key, without importing networkx).
        """
        import heapq

        n_comp, labels = self._labels
        sources, targets = self._edges
        crossing = labels[sources] != labels[targets]
        pairs = np.unique(np.stack([labels[sources[crossing]], labels[targets[crossing]]]), axis=1) \
            if crossing.any() else np.zeros((2, 0), dtype=np.int64)
        indegree = np.bincount(pairs[1], minlength=n_comp)
        downstream: list[list[int]] = [[] for _ in range(n_comp)]
        for a, b in zip(pairs[0].tolist(), pairs[1].tolist()):
            downstream[a].append(b)
        first_member = np.full(n_comp, np.iinfo(np.int64).max)
        np.minimum.at(first_member, labels, np.arange(labels.size))
        first = first_member.tolist()
        remaining = indegree.tolist()
        heap = [(first[c], c) for c in range(n_comp) if remaining[c] == 0]
        heapq.heapify(heap)
        order = []
        while heap:
            _, c = heapq.heappop(heap)
            order.append(c)
            for b in downstream[c]:
                remaining[b] -= 1
                if remaining[b] == 0:
                    heapq.heappush(heap, (first[b], b))
        position = np.empty(n_comp, dtype=np.int64)
        position[order] = np.arange(n_comp)
        return position

    @cached_property
    def component_of(self) -> np.ndarray:
        """Position (in topological order) of each model's component."""
        _, labels = self._labels
        return self._ordering[labels]

    @cached_property
    def components(self) -> tuple[np.ndarray, ...]:
        """Members of each strongly connected component, upstream components first."""
        comp = self.component_of
        order = np.argsort(comp, kind="stable")
        bounds = np.searchsorted(comp[order], np.arange(len(self._ordering) + 1))
        return tuple(order[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1))

    @cached_property
    def component_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct edges of the condensation DAG as (upstream, downstream) positions."""
        sources, targets = self._edges
        comp = self.component_of
        a, b = comp[sources], comp[targets]
        keep = a != b
        pairs = np.unique(np.stack([a[keep], b[keep]], axis=1), axis=0) if keep.any() else np.zeros((0, 2), np.int64)
        return pairs[:, 0], pairs[:, 1]

    @cached_property
    def predecessors(self) -> tuple[tuple[int, ...], ...]:
        """Components each component trains on directly."""
        preds: list[list[int]] = [[] for _ in self.components]
        for a, b in zip(*map(np.ndarray.tolist, self.component_edges)):
            preds[b].append(a)
        return tuple(tuple(p) for p in preds)

    @cached_property
    def condensation(self):
        """The condensation as a ``networkx.DiGraph``; nodes carry ``members`` (ids)
        and the graph a ``mapping`` from model id to component, as in networkx."""
        import networkx as nx

        ids = self.graph.ids
        dag = nx.DiGraph()
        for c, members in enumerate(self.components):
            dag.add_node(c, members=[ids[i] for i in members], closed=bool(self.closed[c]))
        dag.add_edges_from(zip(*map(np.ndarray.tolist, self.component_edges)))
        dag.graph["mapping"] = {ids[i]: int(c) for i, c in enumerate(self.component_of)}
        return dag

    @cached_property
    def real_data(self) -> np.ndarray:
        """Does some member of each component receive real data?"""
        out = np.zeros(len(self.components), dtype=bool)
        out[self.component_of[self.graph.has_real]] = True
        return out

    @cached_property
    def closed(self) -> np.ndarray:
        """Closed classes: no member trains outside the component or on real data."""
        sources, targets = self._edges
        comp = self.component_of
        crossing = comp[sources] != comp[targets]
        trains_outside = np.zeros(len(self.components), dtype=bool)
        trains_outside[comp[targets[crossing]]] = True
        return ~trains_outside & ~self.real_data

    @cached_property
    def closed_classes(self) -> tuple[int, ...]:
        """Positions of the closed components."""
        return tuple(int(c) for c in np.flatnonzero(self.closed))

    @cached_property
    def self_loops(self) -> np.ndarray:
        sources, targets = self._edges
        out = np.zeros(self.graph.K, dtype=bool)
        out[sources[sources == targets]] = True
        return out

    @cached_property
    def periods(self) -> tuple[int | None, ...]:
        """Period of each component (gcd of its cycle lengths); ``None`` for a
        single model on no cycle."""
        sources, targets = self._edges
        comp = self.component_of
        inside = comp[sources] == comp[targets]
        s_in, t_in = sources[inside], targets[inside]
        K = self.graph.K
        adjacency = sp.csr_array((np.ones(s_in.size, dtype=np.int8), (s_in, t_in)), shape=(K, K))
        out: list[int | None] = []
        for c, members in enumerate(self.components):
            if members.size == 1 and not self.self_loops[members[0]]:
                out.append(None)
                continue
            root = int(members[0])
            order, preds = csgraph.breadth_first_order(adjacency, root, directed=True, return_predecessors=True)
            level = np.full(K, -1, dtype=np.int64)
            level[root] = 0
            for node in order[1:]:
                level[node] = level[preds[node]] + 1
            mask = comp[s_in] == c
            gaps = level[s_in[mask]] + 1 - level[t_in[mask]]
            out.append(int(np.gcd.reduce(np.abs(gaps))) if gaps.size else None)
        return tuple(out)

    # ------------------------------------------------------------- upstream
    @cached_property
    def upstream_components(self) -> tuple[frozenset[int], ...]:
        """For each component, the set of components upstream of it (itself included).

        Quadratic in the number of components on a chain: callers that need
        one aggregate per model use :meth:`upstream_max`, :meth:`upstream_any`
        or :attr:`closed_upstream` (one pass over the condensation), and
        callers that need one set use :meth:`upstream_of_component`.
        """
        out: list[frozenset[int]] = []
        for c, preds in enumerate(self.predecessors):
            acc = {c}
            for p in preds:
                acc |= out[p]
            out.append(frozenset(acc))
        return tuple(out)

    def upstream_of_component(self, c: int) -> tuple[int, ...]:
        """Components upstream of component ``c`` (``c`` included), sorted; one search, for one component.

        >>> from graphcollapse.graph import from_matrix
        >>> Topology(from_matrix([[1, 0, 0], [1, 0, 0], [0, 1, 0]], real=[0, 0, 0])).upstream_of_component(2)
        (0, 1, 2)
        """
        c = int(c)
        if "upstream_components" in self.__dict__:
            return tuple(sorted(self.upstream_components[c]))
        preds = self.predecessors
        seen = {c}
        stack = [c]
        while stack:
            for q in preds[stack.pop()]:
                if q not in seen:
                    seen.add(q)
                    stack.append(q)
        return tuple(sorted(seen))

    def upstream_max(self, values: list) -> list:
        """``max`` of ``values[c']`` over the components ``c'`` upstream of each component (itself included).

        One pass over the condensation in topological order (linear in its
        edges); ``values`` may hold any mutually comparable objects.

        >>> from graphcollapse.graph import from_matrix
        >>> top = Topology(from_matrix([[1, 0, 0], [1, 0, 0], [0, 1, 0]], real=[0, 0, 0]))
        >>> top.upstream_max([3, 1, 2])
        [3, 3, 3]
        """
        out: list = []
        for c, preds in enumerate(self.predecessors):
            best = values[c]
            for q in preds:
                if out[q] > best:
                    best = out[q]
            out.append(best)
        return out

    def upstream_any(self, flags) -> np.ndarray:
        """Per component: is ``flags[c']`` true for some component ``c'`` upstream (itself included)?

        >>> from graphcollapse.graph import from_matrix
        >>> top = Topology(from_matrix([[1, 0, 0], [1, 0, 0], [0, 1, 0]], real=[0, 0, 0]))
        >>> top.upstream_any([False, True, False]).tolist()
        [False, True, True]
        """
        flags = np.asarray(flags, dtype=bool)
        seeds = np.flatnonzero(flags)
        n = len(self.components)
        if seeds.size == 0:
            return np.zeros(n, dtype=bool)
        up, down = self.component_edges
        flow = sp.csr_array((np.ones(up.size, dtype=np.int8), (up, down)), shape=(n, n))
        return downstream(flow.indptr, flow.indices, seeds)

    @cached_property
    def closed_upstream(self) -> tuple[tuple[int, ...], ...]:
        """Per component, the closed components upstream of it, sorted (one topological pass).

        Tuples are shared: a component that adds nothing to its only
        predecessor's tuple reuses that object, so a chain holds one tuple,
        not one per model.

        >>> from graphcollapse.graph import from_matrix
        >>> top = Topology(from_matrix([[1, 0, 0], [1, 0, 0], [0, 1, 0]], real=[0, 0, 0]))
        >>> top.closed_upstream
        ((0,), (0,), (0,))
        >>> top.closed_upstream[1] is top.closed_upstream[2]
        True
        """
        empty: tuple[int, ...] = ()
        out: list[tuple[int, ...]] = []
        closed = self.closed
        for c, preds in enumerate(self.predecessors):
            parts = {id(out[q]): out[q] for q in preds if out[q]}
            if closed[c]:
                parts[-1] = (c,)
            if not parts:
                out.append(empty)
            elif len(parts) == 1:
                out.append(next(iter(parts.values())))
            else:
                out.append(tuple(sorted(set().union(*parts.values()))))
        return tuple(out)

    def upstream(self, k: int | str) -> np.ndarray:
        """Models upstream of model ``k`` (``A(k)``, ``k`` included), sorted."""
        k = self._position(k)
        comps = self.upstream_of_component(self.component_of[k])
        return np.sort(np.concatenate([self.components[c] for c in comps]))

    def closed_classes_upstream(self, k: int | str) -> tuple[int, ...]:
        """Closed components upstream of model ``k``, in topological order."""
        k = self._position(k)
        return self.closed_upstream[self.component_of[k]]

    @cached_property
    def collapsing(self) -> np.ndarray:
        """Topological verdict of Theorem A for every model."""
        return collapsing_support(self.graph.support, self.graph.has_real)

    def _position(self, k: int | str) -> int:
        return self.graph.index[k] if isinstance(k, str) else int(k)

    # --------------------------------------------------------- Markov chain
    def stationary_distribution(self, c: int) -> tuple:
        """Stationary distribution ``π`` (``πᵀ W_C = πᵀ``) of a closed class, exact.

        Float graphs give floats.
        """
        if not self.closed[c]:
            raise ValueError(f"component {c} is not closed")
        members = self.components[c]
        size = members.size
        if not self.graph.is_exact:
            W = self.graph.weight_matrix_float()[np.ix_(members, members)].toarray()
            A = W.T - np.eye(size)
            A[-1, :] = 1.0
            rhs = np.zeros(size)
            rhs[-1] = 1.0
            return tuple(np.linalg.solve(A, rhs).tolist())
        W = self.graph.weight_matrix().extract(members.tolist(), members.tolist())
        A = sympy.Matrix(W.T - sympy.eye(size))
        A[size - 1, :] = sympy.ones(1, size)
        rhs = sympy.zeros(size, 1)
        rhs[size - 1] = 1
        return tuple(tidy(v) for v in domain.solve(A, rhs))

    @cached_property
    def absorption(self) -> dict:
        """Absorption probabilities of the chain from every model.

        Returns ``{"R": vector, c: vector, ...}`` with one length-``K`` vector
        for real data and one per closed class ``c``; exact for exact graphs.
        A model in a closed class is absorbed there with probability 1.
        """
        g = self.graph
        K = g.K
        closed_models = np.isin(self.component_of, self.closed_classes)
        transient = np.flatnonzero(~closed_models)
        targets: dict = {"R": None}
        for c in self.closed_classes:
            targets[c] = c
        if g.is_exact:
            zero, one = sympy.Integer(0), sympy.Integer(1)
            result = {key: [zero] * K for key in targets}
            for c in self.closed_classes:
                for i in self.components[c]:
                    result[c][int(i)] = one
            if transient.size:
                self._absorb_by_component(result, closed_models)
            return {key: tuple(vec) for key, vec in result.items()}
        import scipy.sparse.linalg as spla

        W = g.weight_matrix_float()
        result = {key: np.zeros(K) for key in targets}
        for c in self.closed_classes:
            result[c][self.components[c]] = 1.0
        if transient.size:
            A = sp.identity(transient.size, format="csc") - W[transient][:, transient].tocsc()
            columns = [g.real_float()[transient]]
            for c in self.closed_classes:
                columns.append(np.asarray(W[transient][:, self.components[c]].sum(axis=1)).ravel())
            solution = spla.splu(A).solve(np.column_stack(columns))
            for col, key in enumerate(targets):
                result[key][transient] = solution[:, col]
        return result

    def _absorb_by_component(self, result: dict, closed_models: np.ndarray) -> None:
        """Exact absorption of the transient models, one component at a time, upstream first.

        ``I - W`` restricted to the transient models is block triangular in
        the topological order of the components, so each component ``C``
        solves ``(I - W_CC) x_C = r_C + W_C,rest x_rest`` with the values of
        its sources already known: small systems instead of one over every
        transient model (sixteen independent symbolic self-loops made one
        16 x 16 determinant over sixteen symbols).
        """
        g = self.graph
        incoming: list[list[tuple[int, sympy.Expr]]] = [[] for _ in range(g.K)]
        for j, k, w in zip(g.sources.tolist(), g.targets.tolist(), g.weights):
            if w != 0:
                incoming[k].append((j, w))
        zero = sympy.Integer(0)
        keys = list(result)
        for members in self.components:
            if closed_models[members[0]]:
                continue
            t = members.tolist()
            if len(t) == 1 and self._absorb_single(result, keys, t[0], incoming[t[0]]):
                continue
            inside = {i: row for row, i in enumerate(t)}
            A = sympy.eye(len(t))
            rhs = sympy.zeros(len(t), len(keys))
            for row, i in enumerate(t):
                for col, key in enumerate(keys):
                    base = g.real[i] if key == "R" else zero
                    rhs[row, col] = base + sum((w * result[key][j] for j, w in incoming[i] if j not in inside), zero)
                for j, w in incoming[i]:
                    if j in inside:
                        A[row, inside[j]] -= w
            if len(t) == 1 and A[0, 0].is_Rational and all(v.is_Rational for v in rhs):
                solution = rhs / A[0, 0]
            else:
                solution = domain.solve(A, rhs)
            for col, key in enumerate(keys):
                for row, i in enumerate(t):
                    result[key][i] = tidy(solution[row, col])

    def _absorb_single(self, result: dict, keys: list, i: int, incoming: list) -> bool:
        """A single transient model with rational weights: ``x = (base + Σ w x_j) / (1 - w_ii)``, no matrix.

        Returns ``False`` (nothing written) where a weight is not rational.
        """
        g = self.graph
        loop = sympy.Integer(0)
        outside = []
        for j, w in incoming:
            if not w.is_Rational:
                return False
            if j == i:
                loop += w
            else:
                outside.append((j, w))
        if not (g.real[i] == 0 or g.real[i].is_Rational):
            return False
        values = []
        for key in keys:
            value = g.real[i] if key == "R" else sympy.Integer(0)
            for j, w in outside:
                value += w * result[key][j]
            if not value.is_Rational:
                return False
            values.append(value)
        for key, value in zip(keys, values):
            result[key][i] = value / (1 - loop)
        return True

    def absorption_real(self) -> tuple:
        """Probability that the walk from each model ends in real data."""
        return tuple(self.absorption["R"])
