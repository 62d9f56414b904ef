"""``categorical``: population-genetics results exactly, the full-block recursion, fixation verdicts, simulation."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings

import graphcollapse as gc
from graphcollapse.errors import InputError
from graphcollapse.operator import iterate
from graphcollapse.solvers.trajectory import T_SYMBOL, closed_form

from strategies import exact_graphs, weighted_twins

R = sympy.Rational
P = ["1/2", "1/3", "1/6"]
TOKENS = {"family": "categorical", "p": P}


def one_model(n, real="0", p=P, symbols=(), n0=None):
    model = {"id": "A", "n": n, "real": real}
    if n0 is not None:
        model["n0"] = n0
    return gc.from_dict({"symbols": list(symbols), "estimator": {"family": "categorical", "p": list(p)},
                         "models": [model], "edges": [{"from": "A", "to": "A", "weight": f"1 - ({real})"}]})


# ------------------------------------------------------------------ population genetics, exactly
def test_one_closed_model_loses_diversity_as_wright_fisher_for_symbolic_n_and_p():
    n, a = sympy.symbols("n a", real=True)
    g = one_model("n", p=["a", "1 - a"], symbols=("n", "a"))
    H = iterate(gc.recurrence(g), 6, "diversity")
    H0 = 2 * a * (1 - a) * (1 - 1 / n)
    assert sympy.cancel(H[0][0] - H0) == 0
    for t in range(7):
        assert sympy.cancel(H[t][0] - H0 * (1 - 1 / n) ** t) == 0
    (closed,) = closed_form(gc.recurrence(one_model(10)), name="diversity")
    assert sympy.simplify(closed - R(11, 20) * R(9, 10) ** T_SYMBOL) == 0    # H* = 11/18, H_0 = H* 9/10


def test_fixation_verdict_and_rate_for_a_closed_model():
    system = gc.System(one_model(10))
    diversity, limits = system.observable("diversity")
    assert limits == (0,) and diversity.rates == (R(9, 10),)
    assert system.limits == (R(11, 18),)          # the error tends to H* = 1 - |p*|^2: a point mass


@pytest.mark.parametrize("r, n", [("1/10", 10), ("1/2", 4), ("1/100", 50)])
def test_island_model_equilibrium(r, n):
    """One model with a fraction r of fresh real data: h* = (1 - (1-r)² - r/n) / (1 - (1-r)² + (1-r)/n)."""
    rr = R(r)
    equilibrium = (1 - (1 - rr) ** 2 - rr / n) / (1 - (1 - rr) ** 2 + (1 - rr) / n) * R(11, 18)
    assert gc.System(one_model(n, real=r)).observable("diversity")[1] == (equilibrium,)


def test_island_model_equilibrium_symbolic_in_r():
    r = sympy.Symbol("r", real=True)
    g = one_model(10, real="r", symbols=("r",))
    x = sympy.Symbol("x")
    rec = gc.recurrence(g)
    (u,) = rec.observable(0, "diversity")
    row, b = rec.row(u), rec.constant(u)
    (solution,) = sympy.solve(x - row[u] * x - b, x)
    assert sympy.cancel(solution - (1 - (1 - r) ** 2 - r / 10) / (1 - (1 - r) ** 2 + (1 - r) / 10)) == 0


def test_island_model_reaches_its_equilibrium_in_simulation():
    system = gc.System(one_model(8, real="1/4"))
    result = system.simulate(40, 4000, seed=31, method="sufficient")
    check = system.check(result)
    assert check.passed
    assert [t for t in check.tests if t.observable == "diversity" and t.kind == "limit"]


# ------------------------------------------------------------ independent full-block recursion
def reference(graph, p, T):
    """MODEL.md 7.2 with the full C x C blocks: S(t) = (W ⊗ I) S (W ⊗ I)ᵀ + blockdiag(D_k)."""
    K, C = graph.K, len(p)
    p = sympy.Matrix([R(x) for x in p])
    star = sympy.diag(*p) - p * p.T
    W = sympy.kronecker_product(sympy.Matrix(graph.weight_matrix()), sympy.eye(C))
    S = sympy.diag(*[star / graph.n0[k] for k in range(K)])
    weighted = graph.mixing == "weighted"
    incoming = {k: [(j, w, m) for j, kk, w, m in zip(graph.sources, graph.targets, graph.weights, graph.edge_n)
                    if kk == k] for k in range(K)}
    out = []
    for t in range(T + 1):
        if t:
            blocks = []
            for k in range(K):
                r = graph.real[k]
                if weighted:
                    D = (r ** 2 / graph.n_real[k] * star if r else sympy.zeros(C, C)) + \
                        sum((w ** 2 / m * (star - S[j * C:(j + 1) * C, j * C:(j + 1) * C])
                             for j, w, m in incoming[k]), sympy.zeros(C, C))
                else:
                    n = graph.n[k]
                    D = (r * n * star + sum((w * n * (star - S[j * C:(j + 1) * C, j * C:(j + 1) * C])
                                             for j, w, _ in incoming[k]), sympy.zeros(C, C))) / n ** 2
                blocks.append(D)
            S = W * S * W.T + sympy.diag(*blocks)
        traces = [S[k * C:(k + 1) * C, k * C:(k + 1) * C].trace() for k in range(K)]
        out.append((tuple(traces), tuple(1 - (p.T * p)[0] - x for x in traces)))
    return out


@settings(max_examples=30, deadline=None)
@given(exact_graphs(max_models=3))
def test_pooled_recursion_equals_the_full_block_recursion(graph):
    rec = gc.recurrence(graph.with_estimator(TOKENS))
    expected = reference(graph, P, 3)
    assert iterate(rec, 3) == tuple(e for e, _ in expected)
    assert iterate(rec, 3, "diversity") == tuple(h for _, h in expected)


@settings(max_examples=20, deadline=None)
@given(weighted_twins(max_models=3, fit_counts=False))
def test_weighted_recursion_equals_the_full_block_recursion(pair):
    _, graph = pair
    rec = gc.recurrence(graph.with_estimator(TOKENS))
    expected = reference(graph, P, 3)
    assert iterate(rec, 3) == tuple(e for e, _ in expected)
    assert iterate(rec, 3, "diversity") == tuple(h for _, h in expected)


@settings(max_examples=15, deadline=None)
@given(exact_graphs(max_models=3))
def test_fixation_where_the_lineages_of_a_model_must_meet(graph):
    """Real data upstream keep diversity (two lineages can both reach fresh draws); without real data and
    with one aperiodic closed class upstream both lineages end there and coalesce: fixation.  (Two closed
    classes, or a periodic one entered at different phases, can keep lineages apart forever.)"""
    system = gc.System(graph.with_estimator(TOKENS))
    _, limits = system.observable("diversity")
    top = system.topology
    for k in range(graph.K):
        upstream = top.upstream(k)
        closed = top.closed_classes_upstream(k)
        if graph.has_real[upstream].any():
            assert limits[k] > 0
        elif len(closed) == 1 and top.periods[closed[0]] == 1:
            assert limits[k] == 0
        assert limits[k] + system.limits[k] == R(11, 18)       # error + diversity = H*


def test_a_periodic_closed_class_entered_at_two_phases_never_fixes_its_reader():
    # A <-> B closed 2-cycle; C reads both: its two lineages alternate between A and B and never meet
    g = gc.from_matrix([[0, 1, 0], [1, 0, 0], ["1/2", "1/2", 0]], n=[6, 6, 6], estimator=TOKENS)
    _, limits = gc.System(g).observable("diversity")
    assert limits[0] == limits[1] == 0 and limits[2] > 0


# ---------------------------------------------------------------------------------- input checks
@pytest.mark.parametrize("p, message", [
    (["1/2", "1/3"], "sum to 5/6"),
    (["1/2", "1/2", "0"], "positive probability"),
    (["1"], "at least 2"),
    ("1/2", "at least 2"),
])
def test_bad_probability_vectors_are_rejected(p, message):
    with pytest.raises(InputError, match=message):
        gc.recurrence(gc.from_matrix([[1]], n=[4]), {"family": "categorical", "p": p})


def test_symbolic_probabilities_are_constrained_positive():
    g = one_model(4, p=["a", "1 - a"], symbols=("a",))
    a = sympy.Symbol("a", real=True)
    assert set(gc.estimator_for(g).constraints()) == {(a, ">"), (1 - a, ">")}
    assert gc.recurrence(g).symbols == {a}


# ------------------------------------------------------------------------------------ simulation
def test_check_passes_on_a_graph_with_a_closed_cycle_and_real_data():
    g = gc.from_dict({"estimator": TOKENS,
                      "models": [{"id": "A", "n": 5}, {"id": "B", "n": 4}, {"id": "C", "n": 6, "real": "1/3"}],
                      "edges": [{"from": "A", "to": "B", "weight": 1}, {"from": "B", "to": "A", "weight": 1},
                                {"from": "B", "to": "C", "weight": "1/3"}, {"from": "C", "to": "C", "weight": "1/3"}]})
    system = gc.System(g)
    result = system.simulate(16, 3000, seed=5)
    assert system.check(result).passed
    # samples path and sufficient path agree in distribution
    other = system.simulate(16, 3000, seed=6, method="sufficient")
    gap = np.abs(result.mean("diversity") - other.mean("diversity"))
    assert np.all(gap < 5 * np.hypot(result.stderr_of("diversity"), other.stderr_of("diversity")))
