"""Theorems B and C: exact limits and growth rates against hand-derived values."""

import pytest
import sympy
from hypothesis import given, settings

import graphcollapse as gc
from graphcollapse.system import analyze
from graphcollapse.estimators import recurrence
from graphcollapse.graph import from_dict, from_matrix
from graphcollapse.solvers.growth import cesaro_slopes, growth_rates
from graphcollapse.solvers.limits import limits
from graphcollapse.solvers.trajectory import trajectory

from strategies import exact_graphs

R = sympy.Rational
r, n, s = sympy.symbols("r n s", real=True)


def one_model(real, n_value, sigma2=1, d=1, mixing="pooled", **extra):
    model = {"id": "A", "n": n_value, "real": real, **extra}
    return from_dict({"symbols": ["r", "n", "s"], "mixing": mixing,
                      "estimator": {"family": "gaussian_mean", "d": d, "sigma2": sigma2},
                      "models": [model], "edges": [{"from": "A", "to": "A", "weight": f"1 - ({real})"}]})


def test_single_model_pooled_symbolic_limit():
    # docs/theory.md 5: L = σ²/(n(1 − (1 − r)²)).
    (L,) = limits(recurrence(one_model("r", "n", sigma2="s")))
    assert sympy.cancel(L - s / (n * (1 - (1 - r) ** 2))) == 0


def test_single_model_pooled_rational_limit_and_slope():
    assert limits(recurrence(one_model("1/4", 10, d=3))) == (R(3, 10) / (1 - R(9, 16)),)
    assert limits(recurrence(one_model("1/4", 10, d=3)))[0] == R(48, 70)
    collapsing = one_model("0", 10, sigma2=2)
    assert limits(recurrence(collapsing)) == (None,)
    assert growth_rates(recurrence(collapsing)) == (R(1, 5),)  # c = σ²/n


def test_single_model_weighted():
    g = one_model("1/2", 10, mixing="weighted", n_real=20)
    # D = r² σ²/n_real + (1 − r)² σ²/n = 1/80 + 1/40; L = D / (1 − 1/4)
    assert limits(recurrence(g)) == ((R(1, 80) + R(1, 40)) / R(3, 4),)


def test_chain_model_5():
    g = from_dict({"models": [{"id": "A", "n": 100, "real": 1}, {"id": "B", "n": 50}],
                   "edges": [{"from": "A", "to": "B", "weight": 1}]})
    assert limits(recurrence(g)) == (R(1, 100), R(1, 100) + R(1, 50))


def test_cycle_with_real_data():
    g = from_matrix([[0, "1/2"], [1, 0]], real=["1/2", 0], n=[1, 1])
    assert limits(recurrence(g)) == (R(5, 3), R(8, 3))


@pytest.mark.parametrize("W, expected", [
    ([[0, 1], [1, 0]], lambda d1, d2: (d1 + d2) / 2),
    ([["1/2", "1/2"], ["1/2", "1/2"]], lambda d1, d2: (d1 + d2) / 4),
])
def test_periodic_versus_mixed_pair_slopes(W, expected):
    g = from_matrix(W, n=[3, 5])
    slopes = growth_rates(recurrence(g))
    value = expected(R(1, 3), R(1, 5))
    assert slopes == (value, value)
    assert tuple(cesaro_slopes(recurrence(g), [0, 1]).values()) == (value, value)


def test_closed_two_cycle_feeding_real_data_model_fixed_phase():
    # E trains on D (1/2) and real data (1/2); C <-> D closed with D_C = D_D = 1/100.
    g = from_dict({"models": [{"id": "C", "n": 100}, {"id": "D", "n": 100}, {"id": "E", "n": 100, "real": "1/2"}],
                   "edges": [{"from": "C", "to": "D", "weight": 1}, {"from": "D", "to": "C", "weight": 1},
                             {"from": "D", "to": "E", "weight": "1/2"}]})
    # period 2, entered at a fixed phase with h = 1/2: c = 2 · (1/2)² · (1/4)(1/100 + 1/100)
    assert growth_rates(recurrence(g)) == (R(1, 100), R(1, 100), R(1, 400))


def test_slopes_match_brute_force_cesaro_average():
    # A model entering a period-3 class at two phases: the phase formula must see the interference.
    W = [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0], ["1/4", "1/4", 0, 0]]
    g = from_matrix(W, real=[0, 0, 0, "1/2"], n=[2, 3, 5, 7])
    rec = recurrence(g)
    slopes = growth_rates(rec)
    T = 3 * 60
    values = trajectory(rec, T)
    for k in range(4):
        increments = (values[T][k] - values[T - 3 * 20][k]) / (3 * 20)  # average over whole periods
        assert increments == slopes[k]
    assert slopes == tuple(cesaro_slopes(rec, [0, 1, 2, 3]).values())


def test_limits_are_the_limit_of_the_trajectory():
    g = from_matrix([["1/3", "1/3", 0], [0, "1/2", 0], ["1/4", 0, "1/4"]], real=["1/3", "1/2", "1/2"], n=[2, 3, 4])
    rec = recurrence(g)
    L = limits(rec)
    late = trajectory(rec, 80)[-1]
    assert all(abs(float(a - b)) < 1e-12 for a, b in zip(L, late))


def test_analysis_slope_and_limit_are_exclusive():
    result = analyze(from_matrix([[1, 0], [0, 0]], real=[0, 1], n=[4, 4]))
    assert [(m.limit, m.slope) for m in result.models] == [(None, R(1, 4)), (R(1, 4), 0)]


@settings(max_examples=30, deadline=None)
@given(exact_graphs(max_models=4))
def test_rational_limits_equal_float_limits(graph):
    rec = recurrence(graph)
    exact = limits(rec)
    floats = limits(rec, arithmetic="float")
    for a, b in zip(exact, floats):
        assert (a is None) == (b is None)
        if a is not None:
            assert b == pytest.approx(float(a), rel=1e-9)


@settings(max_examples=30, deadline=None)
@given(exact_graphs(max_models=4))
def test_phase_formula_equals_cesaro_projector(graph):
    rec = recurrence(graph)
    phase = growth_rates(rec)
    projector = cesaro_slopes(rec, list(range(graph.K)))
    assert tuple(projector[k] for k in range(graph.K)) == phase


def test_mpmath_limits_near_the_boundary():
    import mpmath

    eps = sympy.Rational(1, 10**14)
    g = gc.from_dict({"models": [{"id": "A", "n": 1, "real": str(eps)}],
                      "edges": [{"from": "A", "to": "A", "weight": str(1 - eps)}]})
    rec = gc.recurrence(g)
    exact = gc.limits(rec)[0]
    assert exact == 1 / (1 - (1 - eps) ** 2)
    value = gc.limits(rec, arithmetic="mpmath", dps=60)[0]
    with mpmath.workdps(60):
        assert abs(value / (mpmath.mpf(exact.p) / exact.q) - 1) < mpmath.mpf(10) ** -40


def test_solvers_take_a_graph_or_its_recursion():
    g = gc.from_dict({"models": [{"id": "A", "n": 10, "real": "1/2"}, {"id": "B", "n": 10}],
                      "edges": [{"from": "A", "to": "A", "weight": "1/2"}, {"from": "A", "to": "B", "weight": 1}]})
    rec = gc.recurrence(g)
    assert tuple(gc.limits(g)) == tuple(gc.limits(rec)) == (sympy.Rational(2, 15), sympy.Rational(7, 30))  # B = L_A + 1/10
    assert gc.stability(g).bounded.tolist() == [True, True]
    assert gc.trajectory(g, 2) == gc.trajectory(rec, 2)
    with pytest.raises(gc.InputError, match="limits takes an InteractionGraph"):
        gc.limits("graph.json")


def test_static_solvers_send_general_recursions_to_the_system():
    g = gc.from_dict({"estimator": {"family": "gaussian_fit", "d": 1, "sigma2": 1},
                      "models": [{"id": "A", "n": 10, "real": "1/2"}],
                      "edges": [{"from": "A", "to": "A", "weight": "1/2"}]})
    with pytest.raises(gc.UnsupportedError, match="System"):
        gc.limits(g)
    assert gc.System(g).limits[0] == sympy.Rational(1, 8)
