"""Schedules (issue 13, MODEL.md 6.1): the two surprises, limit cycles, growth per period, growing samples."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings

import graphcollapse as gc
from graphcollapse.errors import UnsupportedError
from graphcollapse.solvers.dynamics import analyze_dynamics, dynamic_trajectory

from dynamics_strategies import dense_reference, dense_step, schedules

R = sympy.Rational
TWO = {"models": [{"id": "A", "n": 10, "real": 1}, {"id": "B", "n": 10, "real": 1}]}
A_FROM_B = {"name": "odd", "models": [{"id": "A", "real": 0}], "edges": [{"from": "B", "to": "A", "weight": 1}]}
B_FROM_A = {"name": "even", "models": [{"id": "B", "real": 0}], "edges": [{"from": "A", "to": "B", "weight": 1}]}


def test_surprise_one_collapse_without_a_closed_class_in_any_graph():
    g = gc.from_dict({**TWO, "schedule": {"period": [A_FROM_B, B_FROM_A]}})
    for phase in g.dynamics.schedule.period:            # neither graph alone has a closed class
        assert not gc.analyze(phase).models[0].collapses and not any(m.collapses for m in gc.analyze(phase).models)
    result = gc.analyze(g)
    assert [m.collapses for m in result.models] == [True, True]
    a, b = result.models
    # B's error, seen at the end of every period, is a random walk: + 2 σ²/n per period
    assert b.phase_slopes == (0, R(1, 10)) and a.phase_slopes == (R(1, 10), 0)
    assert b.slope == R(1, 20) and b.growth == "linear"
    values = gc.System(g).trajectory(8)
    assert [values[t][1] for t in (2, 4, 6, 8)] == [R(3, 10), R(5, 10), R(7, 10), R(9, 10)]


def test_surprise_two_closed_classes_in_every_graph_yet_no_collapse():
    loop_a = {"models": [{"id": "A", "real": 0}], "edges": [{"from": "A", "to": "A", "weight": 1}]}
    loop_b = {"models": [{"id": "B", "real": 0}], "edges": [{"from": "B", "to": "B", "weight": 1}]}
    g = gc.from_dict({**TWO, "schedule": {"period": [loop_a, loop_b]}})
    for phase in g.dynamics.schedule.period:            # each graph alone has a closed class
        assert any(m.collapses for m in gc.analyze(phase).models)
    result = gc.analyze(g)
    assert [m.collapses for m in result.models] == [False, False]
    assert result.models[0].phase_limits == (R(1, 5), R(1, 10)) and result.models[0].limit is None
    assert "cycle" in result.models[0].statement


def test_a_one_phase_schedule_is_the_static_graph():
    data = {"models": [{"id": "A", "n": 8, "real": "1/4"}, {"id": "B", "n": 6}],
            "edges": [{"from": "A", "to": "A", "weight": "3/4"}, {"from": "A", "to": "B", "weight": 1}]}
    static = gc.analyze(gc.from_dict(data))
    scheduled = gc.from_dict({**data, "schedule": {"prefix": [{}], "period": [{}, {}]}})
    result = gc.analyze(scheduled)
    assert [m.limit for m in result.models] == [m.limit for m in static.models]
    assert gc.System(scheduled).trajectory(5) == gc.System(gc.from_dict(data)).trajectory(5)


@settings(max_examples=25, deadline=None)
@given(schedules(max_models=3, max_period=2))
def test_trajectories_and_limit_cycles_against_dense_matrices(drawn):
    data, prefix, period, sizes = drawn
    g = gc.from_dict(data)
    q, p = len(prefix), len(period)
    rows = [W for W, _ in prefix] + [W for W, _ in period]
    T = q + 2 * p + 1

    def W_at(t):
        return rows[t - 1] if t <= q else rows[q + (t - q - 1) % p]

    assert dynamic_trajectory(g, None, T) == dense_reference(sizes, W_at, T)
    result = analyze_dynamics(g)
    # the limit cycle: the fixed point of the dense one-period map, then each phase
    K = len(sizes)
    names = {(i, j): sympy.Symbol(f"s{i}{j}") for i in range(K) for j in range(i, K)}
    x = sympy.Matrix(K, K, lambda i, j: names[(min(i, j), max(i, j))])
    image = x
    for W, _ in period:
        image = dense_step(image, W, sizes)
    if not any(m.collapses for m in result.models):
        (solution,) = sympy.linsolve([image[i, j] - x[i, j] for (i, j) in names], list(names.values()))
        S = x.subs(dict(zip(names.values(), solution)))
        for i, (W, _) in enumerate(period):
            S = dense_step(S, W, sizes)
            assert tuple(S[k, k] for k in range(K)) == tuple(m.phase_limits[i] for m in result.models)


def test_growth_per_period_of_pooled_ols_at_small_samples():
    # the 27/20 model of MODEL.md 3.2 in one phase, a model with plenty of data in the other
    data = {"estimator": {"family": "linear_regression", "d": 6},
            "models": [{"id": "A", "n_real": 6, "n0": 12}], "edges": [{"from": "A", "to": "A", "n": 6}],
            "schedule": {"period": [{"models": [{"id": "A", "n_real": 1, "n": 8}],
                                     "edges": [{"from": "A", "to": "A", "n": 7}]}, {}]}}
    model = analyze_dynamics(gc.from_dict(data)).models[0]
    # one period multiplies the self-coefficient by 27/20 · 83/154 < 1: bounded, a cycle of two limits
    assert not model.collapses and len(model.phase_limits) == 2


def test_growing_samples_turn_linear_growth_into_log_growth_and_square_growth_into_a_limit():
    loop = {"models": [{"id": "A", "n": 10}], "edges": [{"from": "A", "to": "A", "weight": 1}]}
    linear = analyze_dynamics(gc.from_dict({**loop, "schedule": {"growth": {"kind": "polynomial", "power": 1}}}))
    m = linear.models[0]
    assert (m.collapses, m.growth, m.slope) == (True, "log", R(1, 10))
    values = dynamic_trajectory(gc.from_dict({**loop, "schedule": {"growth": {"kind": "polynomial", "power": 1}}}),
                                None, 30)
    assert all(values[t][0] == R(1, 10) * sum(R(1, s) for s in range(1, t + 1)) + R(1, 10) for t in range(1, 31))
    square = analyze_dynamics(gc.from_dict({**loop, "schedule": {"growth": {"kind": "polynomial", "power": 2}}}))
    assert (square.models[0].collapses, square.models[0].growth) == (False, "bounded")
    geometric = gc.from_dict({**loop, "schedule": {"growth": {"kind": "geometric", "ratio": 2}}})
    assert not analyze_dynamics(geometric).models[0].collapses
    assert dynamic_trajectory(geometric, None, 3)[3] == (R(1, 10) + R(1, 10) + R(1, 20) + R(1, 40),)


def test_growing_samples_make_bounded_errors_vanish():
    data = {"models": [{"id": "A", "n": 10, "real": "1/2"}], "edges": [{"from": "A", "to": "A", "weight": "1/2"}],
            "schedule": {"growth": {"kind": "polynomial", "power": 1}}}
    m = analyze_dynamics(gc.from_dict(data)).models[0]
    assert (m.growth, m.limit, m.collapses) == ("vanishing", 0, False)


def test_growing_samples_with_pooled_ols_have_exact_trajectories_but_no_verdict():
    data = {"estimator": {"family": "linear_regression", "d": 2},
            "models": [{"id": "A", "n_real": 3, "n0": 6}], "edges": [{"from": "A", "to": "A", "n": 3}],
            "schedule": {"growth": {"kind": "polynomial", "power": 1}}}
    g = gc.from_dict(data)
    with pytest.raises(UnsupportedError, match="growing samples"):
        analyze_dynamics(g)
    assert len(dynamic_trajectory(g, None, 4)) == 5


def test_geometric_growth_per_period():
    small = {"models": [{"id": "A", "n_real": 1}], "edges": [{"from": "A", "to": "A", "n": 7}]}
    data = {"estimator": {"family": "linear_regression", "d": 6},
            "models": [{"id": "A", "n_real": 6, "n0": 12}], "edges": [{"from": "A", "to": "A", "n": 6}],
            "schedule": {"period": [small, small]}}
    m = analyze_dynamics(gc.from_dict(data)).models[0]
    assert (m.collapses, m.growth, m.growth_factor) == (True, "geometric", R(27, 20) ** 2)
