"""One sample's verdicts and closed classes against an independent networkx computation (Theorem A)."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphcollapse.ensembles import FlowDigraph, collapsing_models, sample_statistics
from graphcollapse.ensembles.rules import has_real
from graphcollapse.topology import collapsing_support


@st.composite
def flow_digraphs(draw, max_models: int = 9):
    """Small digraphs as edge lists (self-loops allowed) and a real-data mask; shrink to fewer edges."""
    K = draw(st.integers(1, max_models))
    edges = draw(st.lists(st.tuples(st.integers(0, K - 1), st.integers(0, K - 1)), max_size=3 * K, unique=True))
    real = draw(st.lists(st.booleans(), min_size=K, max_size=K))
    return K, edges, np.array(real, dtype=bool)


def _build(K, edges):
    sources = np.array([e[0] for e in edges], dtype=np.int64)
    targets = np.array([e[1] for e in edges], dtype=np.int64)
    return FlowDigraph.from_edges(K, sources, targets)


def networkx_theorem_a(K, edges, real):
    """Independent reference: closed SCCs by networkx, collapse = reachable from a closed class."""
    G = nx.DiGraph()
    G.add_nodes_from(range(K))
    G.add_edges_from(edges)  # data flow j -> k
    real = real | np.array([G.in_degree(k) == 0 for k in range(K)], dtype=bool)  # r_k = 1 without sources
    closed = []
    for comp in nx.strongly_connected_components(G):
        if any(real[m] for m in comp):
            continue
        if any(u not in comp for m in comp for u in G.predecessors(m)):
            continue
        closed.append(comp)
    collapse = np.zeros(K, dtype=bool)
    for comp in closed:
        for m in comp:
            collapse[m] = True
            collapse[list(nx.descendants(G, m))] = True
    return collapse, sorted((len(c) for c in closed), reverse=True), real


@settings(max_examples=300, deadline=None)
@given(flow_digraphs())
def test_verdicts_and_closed_classes_equal_networkx(case):
    K, edges, chosen = case
    graph = _build(K, edges)
    real = has_real(graph, chosen)
    expected, sizes, expected_real = networkx_theorem_a(K, edges, chosen)
    assert real.tolist() == expected_real.tolist()
    stats = sample_statistics(graph, real, giant=True)
    assert collapsing_models(graph, real).tolist() == expected.tolist()
    assert stats.collapsing == int(expected.sum())
    assert list(stats.closed_sizes) == sizes and stats.closed_count == len(sizes)
    assert stats.closed_models == sum(sizes)
    # The package's own Theorem A fast path agrees on the support (rows = targets).
    assert collapsing_support(graph.support(), real).tolist() == expected.tolist()


@settings(max_examples=150, deadline=None)
@given(flow_digraphs(), st.randoms(use_true_random=False))
def test_relabelling_changes_nothing(case, random):
    K, edges, chosen = case
    permutation = list(range(K))
    random.shuffle(permutation)
    graph = _build(K, edges)
    real = has_real(graph, chosen)
    moved = graph.relabel(permutation)
    moved_real = np.zeros(K, dtype=bool)
    moved_real[np.array(permutation)] = real
    before, after = sample_statistics(graph, real), sample_statistics(moved, moved_real)
    assert (before.collapsing, before.closed_sizes, before.largest_component) == \
        (after.collapsing, after.closed_sizes, after.largest_component)
    assert collapsing_models(moved, moved_real)[np.array(permutation)].tolist() == \
        collapsing_models(graph, real).tolist()


# name: (K, flow edges j -> k, models given real data, collapsing models, closed sizes)
KNOWN = {
    "self-loop alone": (1, [(0, 0)], [], [0], [1]),
    "self-loop with real data": (1, [(0, 0)], [0], [], []),
    "sourceless model gets real data": (2, [(0, 1)], [], [], []),
    "closed 2-cycle feeds a chain with real data": (4, [(0, 1), (1, 0), (1, 2), (2, 3)], [2, 3], [0, 1, 2, 3], [2]),
    "2-cycle fed from outside is open": (3, [(2, 0), (0, 1), (1, 0)], [], [], []),
    "two closed classes, one downstream model": (5, [(0, 0), (1, 2), (2, 1), (0, 3), (2, 3), (4, 4)], [4],
                                                 [0, 1, 2, 3], [2, 1]),
}


@pytest.mark.parametrize("name", KNOWN)
def test_known_answers(name):
    K, edges, chosen, collapsing, sizes = KNOWN[name]
    graph = _build(K, edges)
    mask = np.zeros(K, dtype=bool)
    mask[chosen] = True
    stats = sample_statistics(graph, has_real(graph, mask))
    assert np.flatnonzero(collapsing_models(graph, has_real(graph, mask))).tolist() == collapsing
    assert list(stats.closed_sizes) == sizes


def test_giant_downstream_is_the_reach_of_the_largest_component():
    # 0 <-> 1 <-> 2 (largest), 2 -> 3 -> 4; 5 -> 0 (upstream, not downstream)
    graph = _build(6, [(0, 1), (1, 0), (1, 2), (2, 1), (2, 3), (3, 4), (5, 0)])
    stats = sample_statistics(graph, has_real(graph, np.zeros(6, dtype=bool)), giant=True)
    assert stats.largest_component == 3 and stats.giant_downstream == pytest.approx(5 / 6)
    assert stats.closed_count == 0 and stats.collapsing == 0  # model 5 has no source: real data


def test_statistics_round_trip_json():
    graph = _build(3, [(0, 1), (1, 0), (1, 2)])
    stats = sample_statistics(graph, has_real(graph, np.zeros(3, dtype=bool)))
    assert type(stats).from_json(stats.to_json()) == stats
