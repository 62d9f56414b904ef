"""Known-answer table of chains (QuantEcon style) plus property tests of Theorem A."""

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings

from graphcollapse.graph import from_matrix
from graphcollapse.topology import Topology
from graphcollapse.verdict import collapsing, theorem_a

from strategies import exact_graphs

R = sympy.Rational

# name: (W, real, components (sorted ids), closed flags, periods, collapsing)
TABLE = {
    "chain R->A->B": ([[0, 0], [1, 0]], [1, 0], [["0"], ["1"]], [False, False], [None, None], [False, False]),
    "closed 2-cycle": ([[0, 1], [1, 0]], [0, 0], [["0", "1"]], [True], [2], [True, True]),
    "mixed pair": ([["1/2", "1/2"], ["1/2", "1/2"]], [0, 0], [["0", "1"]], [True], [1], [True, True]),
    "cycle with real data": ([[0, "1/2"], [1, 0]], ["1/2", 0], [["0", "1"]], [False], [2], [False, False]),
    "closed cycle feeds real-data model": (
        [[0, 1, 0], [1, 0, 0], [0, "1/2", 0]], [0, 0, "1/2"], [["0", "1"], ["2"]], [True, False], [2, None],
        [True, True, True]),
    "self loop with real": ([["2/3"]], ["1/3"], [["0"]], [False], [1], [False]),
    "3-cycle": ([[0, 0, 1], [1, 0, 0], [0, 1, 0]], [0, 0, 0], [["0", "1", "2"]], [True], [3], [True, True, True]),
    "two closed classes feed one": (
        [[1, 0, 0], [0, 1, 0], ["1/2", "1/2", 0]], [0, 0, 0], [["0"], ["1"], ["2"]], [True, True, False],
        [1, 1, None], [True, True, True]),
}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_known_topologies(name):
    W, real, comps, closed, periods, collapse = TABLE[name]
    g = from_matrix(W, real=real)
    top = Topology(g)
    assert [sorted(g.ids[i] for i in c) for c in top.components] == comps
    assert top.closed.tolist() == closed
    assert list(top.periods) == periods
    assert collapsing(g).tolist() == collapse
    assert [v.collapses for v in theorem_a(g)] == collapse


def test_topological_order_upstream_first():
    g = from_matrix([[0, 0, 1], [1, 0, 0], [0, 0, 1]], real=[0, 0, 0])  # 2 -> 0 -> 1, 2 closed self-loop
    top = Topology(g)
    order = [int(c[0]) for c in top.components]
    assert order == [2, 0, 1]
    assert top.upstream(1).tolist() == [0, 1, 2]
    assert top.closed_classes_upstream("1") == (0,)


def test_stationary_distribution_and_absorption_exact():
    # Closed class {0, 1}: 0 trains on 1 (1/3) and itself (2/3); 1 trains on 0.
    W = [["2/3", "1/3", 0], [1, 0, 0], ["1/4", 0, "1/4"]]
    g = from_matrix(W, real=[0, 0, "1/2"])
    top = Topology(g)
    assert top.stationary_distribution(0) == (R(3, 4), R(1, 4))
    absorption = top.absorption
    # model 2: stays with 1/4, to real with 1/2, to class with 1/4 → absorbed in real w.p. (1/2)/(3/4)
    assert absorption["R"] == (0, 0, R(2, 3))
    assert absorption[0] == (1, 1, R(1, 3))


def test_model_5_worked_answers():
    # closed 2-cycle A <-> B feeding C (which also has real data): all collapse
    g = from_matrix([[0, 1, 0], [1, 0, 0], [0, "1/2", 0]], real=[0, 0, "1/2"], ids=["A", "B", "C"])
    verdicts = theorem_a(g)
    assert all(v.collapses for v in verdicts)
    assert verdicts[2].absorption_real == R(1, 2)
    assert verdicts[2].spectral_radius_is_one
    assert verdicts[2].spectral_radius_upstream == pytest.approx(1.0)


def test_float_graph_verdict_matches_exact():
    W = [[0, 1, 0], [1, 0, 0], [0, 0.5, 0]]
    g_float = from_matrix(np.array(W, dtype=float), real=np.array([0, 0, 0.5]))
    g_exact = from_matrix([[str(x) for x in row] for row in W], real=["0", "0", "0.5"])
    assert collapsing(g_float).tolist() == collapsing(g_exact).tolist()
    assert [v.collapses for v in theorem_a(g_float)] == [True, True, True]


@settings(max_examples=60, deadline=None)
@given(exact_graphs())
def test_three_forms_agree(graph):
    verdicts = theorem_a(graph)  # raises InternalConsistencyError on disagreement
    assert [v.collapses for v in verdicts] == collapsing(graph).tolist()


@settings(max_examples=40, deadline=None)
@given(exact_graphs())
def test_relabelling_does_not_change_verdicts(graph):
    K = graph.K
    perm = np.random.default_rng(K).permutation(K)
    W = graph.weight_matrix()
    permuted = from_matrix([[str(W[perm[i], perm[j]]) for j in range(K)] for i in range(K)],
                           real=[str(graph.real[perm[i]]) for i in range(K)], ids=[graph.ids[p] for p in perm])
    original = dict(zip(graph.ids, collapsing(graph).tolist()))
    relabelled = dict(zip(permuted.ids, collapsing(permuted).tolist()))
    assert original == relabelled


@settings(max_examples=60, deadline=None)
@given(exact_graphs())
def test_adding_real_data_never_creates_collapse(graph):
    before = collapsing(graph)
    W = graph.weight_matrix()
    k = graph.K // 2
    # Give model k real-data weight 1/2 by halving its other weights.
    rows = [[W[i, j] * (Fraction(1, 2) if i == k else 1) for j in range(graph.K)] for i in range(graph.K)]
    real = [graph.real[i] * (Fraction(1, 2) if i == k else 1) + (Fraction(1, 2) if i == k else 0)
            for i in range(graph.K)]
    after = collapsing(from_matrix([[str(x) for x in row] for row in rows], real=[str(r) for r in real]))
    assert not np.any(after & ~before)


@settings(max_examples=60, deadline=None)
@given(exact_graphs())
def test_component_order_is_networkx_lexicographic_topological_order(g):
    """The heap-based Kahn order equals networkx's lexicographical topological sort (smallest member first)."""
    nx = pytest.importorskip("networkx")
    top = Topology(g)
    n_comp, labels = top._labels
    sources, targets = top._edges
    dag = nx.DiGraph()
    dag.add_nodes_from(range(n_comp))
    crossing = labels[sources] != labels[targets]
    dag.add_edges_from(zip(labels[sources[crossing]].tolist(), labels[targets[crossing]].tolist()))
    first = np.full(n_comp, np.iinfo(np.int64).max)
    np.minimum.at(first, labels, np.arange(labels.size))
    order = list(nx.lexicographical_topological_sort(dag, key=lambda c: first[c]))
    position = np.empty(n_comp, dtype=np.int64)
    position[order] = np.arange(n_comp)
    assert np.array_equal(position, top._ordering)
