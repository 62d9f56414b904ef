"""Chains and trees of thousands of models: exact limits in bounded time (issue 11).

A chain or a tree needs only the diagonal of the limit covariance: two models
with no common upstream model have identically zero covariance, and Theorem A's
per-model aggregates come from one pass over the condensation.  Known answers:

* chain ``m0 -> m1 -> …``, ``m0`` on real data only, every other model half
  real data and half its predecessor (``n = 10``, ``σ² = 1``):
  ``L_0 = 1/10``, ``L_k = L_{k-1}/4 + 1/10``, so ``L_k = 2/15 - (1/30) 4^-k``;
* the out-tree (heap order, each child half real data and half its parent)
  has the same value at depth ``d``;
* the in-tree (leaves on real data, each parent half real data and the other
  half split evenly over its ``c`` children): ``L = Σ L_child / (4 c²) + 1/10``
  (the children are independent, their covariance is zero).
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
import sympy
from hypothesis import given, settings

import graphcollapse as gc
from graphcollapse.estimators import recurrence
from graphcollapse.graph import from_dict, from_matrix
from graphcollapse.solvers.limits import limit_covariance
from graphcollapse.topology import Topology
from graphcollapse.verdict import theorem_a

from strategies import exact_graphs

R = sympy.Rational


def _edges(K: int, shape: str) -> list[tuple[int, int]]:
    """``(source, target)`` pairs: ``target`` trains on ``source``."""
    if shape == "chain":
        return [(i - 1, i) for i in range(1, K)]
    if shape == "out-tree":
        return [((i - 1) // 2, i) for i in range(1, K)]
    return [(i, (i - 1) // 2) for i in range(1, K)]  # in-tree


def _graph(K: int, shape: str, arithmetic: str):
    edges = _edges(K, shape)
    fan_in: dict[int, int] = {}
    for _, d in edges:
        fan_in[d] = fan_in.get(d, 0) + 1
    real = [Fraction(1, 2) if k in fan_in else Fraction(1) for k in range(K)]
    if arithmetic == "float":
        rows = [d for _, d in edges]
        cols = [s for s, _ in edges]
        vals = [0.5 / fan_in[d] for _, d in edges]
        W = sp.csr_array((vals, (rows, cols)), shape=(K, K))
        return from_matrix(W, real=np.array([float(r) for r in real]), n=10)
    return from_dict({"models": [{"id": f"m{k}", "n": 10, "real": str(real[k])} for k in range(K)],
                      "edges": [{"from": f"m{s}", "to": f"m{d}", "weight": f"1/{2 * fan_in[d]}"}
                                for s, d in edges]})


def _expected(K: int, shape: str) -> list[Fraction]:
    if shape == "chain":
        return [Fraction(2, 15) - Fraction(1, 30) / 4**k for k in range(K)]
    if shape == "out-tree":
        return [Fraction(2, 15) - Fraction(1, 30) / 4**((k + 1).bit_length() - 1) for k in range(K)]
    out = [Fraction(0)] * K
    for k in reversed(range(K)):
        children = [c for c in (2 * k + 1, 2 * k + 2) if c < K]
        out[k] = Fraction(1, 10) + sum((out[c] for c in children), Fraction(0)) / (4 * max(len(children), 1)**2)
    return out


def _check(K: int, shape: str, arithmetic: str, budget: float) -> None:
    graph = _graph(K, shape, arithmetic)
    start = time.perf_counter()
    result = gc.analyze(graph)
    elapsed = time.perf_counter() - start
    expected = _expected(K, shape)
    limits = [m.limit for m in result.models]
    assert not any(m.collapses for m in result.models)
    if arithmetic == "exact":
        assert limits == [R(e.numerator, e.denominator) for e in expected]
    else:
        assert np.allclose(np.array(limits, dtype=float), [float(e) for e in expected], rtol=1e-12, atol=0)
    assert elapsed < budget, f"{K} models ({shape}, {arithmetic}): {elapsed:.1f} s"


@pytest.mark.parametrize("arithmetic", ["exact", "float"])
@pytest.mark.parametrize("shape", ["chain", "out-tree", "in-tree"])
def test_two_thousand_models_need_only_the_diagonal(shape, arithmetic):
    _check(2_000, shape, arithmetic, budget=20)


@pytest.mark.slow
@pytest.mark.parametrize("arithmetic", ["exact", "float"])
@pytest.mark.parametrize("shape", ["chain", "out-tree", "in-tree"])
def test_twenty_thousand_models_within_thirty_seconds(shape, arithmetic):
    _check(20_000, shape, arithmetic, budget=30)


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["chain", "in-tree"])
def test_hundred_thousand_models_float(shape):
    _check(100_000, shape, "float", budget=60)


@settings(max_examples=40, deadline=None)
@given(exact_graphs(max_models=5))
def test_upstream_aggregates_agree_with_upstream_sets(graph):
    top = Topology(graph)
    sets = top.upstream_components
    fresh = Topology(graph)  # without the cached sets: the on-demand search
    values = [len(c) * 7 % 5 for c in top.components]
    for c, up in enumerate(sets):
        assert fresh.upstream_of_component(c) == tuple(sorted(up))
        assert top.upstream_max(values)[c] == max(values[q] for q in up)
        assert top.closed_upstream[c] == tuple(q for q in sorted(up) if top.closed[q])
        flags = [q % 2 == 0 for q in range(len(sets))]
        assert top.upstream_any(flags)[c] == any(flags[q] for q in up)
    for v in theorem_a(graph):
        k = graph.index[v.id]
        up = sets[top.component_of[k]]
        assert v.closed_classes_upstream == tuple(tuple(graph.ids[i] for i in top.components[q])
                                                  for q in sorted(up) if top.closed[q])


@settings(max_examples=30, deadline=None)
@given(exact_graphs(max_models=5))
def test_diagonal_limits_agree_with_the_block_solver(graph):
    """The pruned unknown-by-unknown path equals the component-wise Stein solver on every block."""
    rec = recurrence(graph)
    values = gc.limits(rec)
    S, models = limit_covariance(rec)
    for k in range(graph.K):
        if k in models:
            assert values[k] == (sympy.Matrix(rec.trace_weight) * S[k]).trace()
        else:
            assert values[k] is None
