"""Trajectories, closed forms in t, and the collapse predicate."""

import itertools

import pytest
import sympy
from hypothesis import given, settings, strategies as st

from graphcollapse.examples import load_example
from graphcollapse.estimators import recurrence
from graphcollapse.graph import from_dict, from_matrix
from graphcollapse.solvers.predicate import collapse_predicate
from graphcollapse.solvers.trajectory import T_SYMBOL, closed_form, trajectory
from graphcollapse.verdict import collapsing

from strategies import exact_graphs

R = sympy.Rational
a, w = sympy.symbols("a w", real=True)


def test_trajectory_known_values():
    g = from_dict({"models": [{"id": "A", "n": 10, "real": "1/2"}], "edges": [{"from": "A", "to": "A", "weight": "1/2"}]})
    assert trajectory(recurrence(g), 3) == ((R(1, 10),), (R(1, 8),), (R(21, 160),), (R(85, 640),))


def test_closed_form_two_cycle_is_linear_plus_oscillation():
    rec = recurrence(load_example("two_cycle"))
    forms = closed_form(rec)
    assert sympy.simplify(forms[0] - ((-1) ** T_SYMBOL / 80 + (6 * T_SYMBOL + 7) / sympy.Integer(80))) == 0


def test_closed_form_chain_with_nilpotent_part():
    # B depends on A only through one step: a nilpotent Jordan block must still be exact at t = 0, 1.
    g = from_matrix([[0, 0, 0], [1, 0, 0], [0, 1, 0]], real=[1, 0, 0], n=[2, 3, 5])
    rec = recurrence(g)
    forms = closed_form(rec)
    values = trajectory(rec, 6)
    for t in range(7):
        assert tuple(f.subs(T_SYMBOL, t) for f in forms) == values[t]


@settings(max_examples=25, deadline=None)
@given(exact_graphs(max_models=3))
def test_closed_form_equals_iteration(graph):
    rec = recurrence(graph)
    forms = closed_form(rec)
    values = trajectory(rec, 9)
    for t in (0, 1, 2, 5, 9):
        for k in range(graph.K):
            difference = sympy.expand(forms[k].subs(T_SYMBOL, t) - values[t][k])
            if difference.is_Rational:
                assert difference == 0
            else:  # algebraic eigenvalues (CRootOf, radicals): 60 digits
                assert abs(sympy.N(difference, 60)) < sympy.Float(10) ** -50


def test_symbolic_closed_form():
    rec = recurrence(load_example("self_loop"))
    form = closed_form(rec)[0]
    a_, n_ = sorted(rec.graph.symbols, key=lambda s_: s_.name)
    for t in range(4):
        assert sympy.cancel(form.subs(T_SYMBOL, t) - trajectory(rec, 3)[t][0]) == 0


def test_predicate_self_loop():
    result = collapse_predicate(load_example("self_loop"))
    assert result.predicates == (sympy.Eq(a, 0),)


def test_predicate_ring():
    graph = load_example("ring4")
    result = collapse_predicate(graph, with_limits=False)
    assert result.predicates[0] == sympy.Or(sympy.Eq(a, 0), sympy.And(sympy.Eq(w, 0), sympy.Ne(a, 1)))
    for k in (1, 2, 3):
        assert result.predicates[k] == sympy.Or(sympy.Eq(a, 0), sympy.Eq(w, 0))


def _numeric_verdicts(graph, point):
    return collapsing(graph.subs(point)).tolist()


@pytest.mark.parametrize("example", ["self_loop", "ring4"])
def test_predicate_agrees_with_numeric_verdict_on_grid(example):
    graph = load_example(example)
    result = collapse_predicate(graph, with_limits=False)
    names = sorted(s.name for s in graph.free_symbols)
    weight_symbols = [n for n in names if n in ("a", "w")]
    grid = [0, R(1, 3), R(1, 2), 1]
    for values in itertools.product(grid, repeat=len(weight_symbols)):
        point = dict(zip(weight_symbols, values))
        expected = _numeric_verdicts(graph, point)
        subs = {sympy.Symbol(k, real=True): v for k, v in point.items()}
        got = [bool(p.subs(subs)) for p in result.predicates]
        assert got == expected, point


@settings(max_examples=40, deadline=None)
@given(st.fractions(0, 1, max_denominator=9), st.fractions(0, 1, max_denominator=9))
def test_predicate_agrees_at_random_points(x, y):
    graph = load_example("ring4")
    result = collapse_predicate(graph, with_limits=False)
    expected = _numeric_verdicts(graph, {"a": x, "w": y})
    got = [bool(p.subs({a: R(x.numerator, x.denominator), w: R(y.numerator, y.denominator)}))
           for p in result.predicates]
    assert got == expected


def test_predicate_limits_are_valid_where_bounded():
    graph = load_example("self_loop")
    result = collapse_predicate(graph)
    limit = result.limits[0]
    n_ = sympy.Symbol("n", real=True)
    assert sympy.cancel(limit - 1 / (n_ * a * (2 - a))) == 0
