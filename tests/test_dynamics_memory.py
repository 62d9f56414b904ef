"""Memory (issue 13): accumulate, window, subsample, fixed real pools and designs — exact values and asymptotics."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import graphcollapse as gc
from graphcollapse.errors import UnsupportedError
from graphcollapse.solvers.dynamics import analyze_dynamics, dynamic_trajectory

from dynamics_ledger import ledger

R = sympy.Rational


def one_model(memory, n=10, estimator=None, n0=None):
    data = {"models": [{"id": "A", "n": n, **({"n0": n0} if n0 else {})}],
            "edges": [{"from": "A", "to": "A", "weight": 1}], "memory": memory}
    if estimator:
        data["estimator"] = estimator
    return gc.from_dict(data)


# ------------------------------------------------------------------ Gerstgrasser et al.
@pytest.mark.parametrize("n, sigma2, d", [(10, 1, 1), (7, 3, 2), (25, R(1, 2), 4)])
def test_gerstgrasser_accumulate_gaussian_mean_exactly(n, sigma2, d):
    g = one_model("accumulate", n, {"family": "gaussian_mean", "d": d, "sigma2": sigma2})
    T = 40
    values = dynamic_trajectory(g, None, T)
    v = R(sigma2) * d / n
    for t in range(T + 1):
        assert values[t] == (v * sum(R(1, i * i) for i in range(1, t + 2)),)
    assert analyze_dynamics(g).models[0].limit == v * sympy.pi ** 2 / 6


@pytest.mark.parametrize("n, sigma2, d", [(10, 1, 3), (8, 2, 1), (30, R(1, 3), 6)])
def test_gerstgrasser_accumulate_fixed_design_ols_exactly(n, sigma2, d):
    g = one_model({"kind": "accumulate", "design": "fixed"}, n,
                  {"family": "linear_regression", "d": d, "sigma2": sigma2})
    T = 30
    values = dynamic_trajectory(g, None, T)
    v = R(sigma2) * d / (n - d - 1)
    for t in range(T + 1):
        assert values[t] == (v * sum(R(1, i * i) for i in range(1, t + 2)),)
    model = analyze_dynamics(g).models[0]
    assert model.limit == v * sympy.pi ** 2 / 6 and not model.collapses


def test_replace_with_a_fixed_design_is_the_random_walk_of_the_paper():
    g = one_model({"kind": "replace", "design": "fixed"}, 10, {"family": "linear_regression", "d": 3, "sigma2": 1})
    assert dynamic_trajectory(g, None, 5) == tuple((R(3, 6) * (t + 1),) for t in range(6))
    assert analyze_dynamics(g).models[0].slope == R(1, 2)


def test_fixed_designs_need_one_source_per_batch():
    g = gc.from_dict({"estimator": {"family": "linear_regression", "d": 2},
                      "models": [{"id": "A", "n": 10, "real": "1/2"}],
                      "edges": [{"from": "A", "to": "A", "weight": "1/2"}],
                      "memory": {"kind": "accumulate", "design": "fixed"}})
    with pytest.raises(UnsupportedError, match="one source per batch"):
        analyze_dynamics(g)


def test_fresh_designs_are_first_order_and_say_so():
    g = one_model("accumulate", 20, {"family": "linear_regression", "d": 2})
    result = analyze_dynamics(g)
    assert result.asymptotic and any("first-order" in note for note in result.notes)


# ------------------------------------------------------------ the decay exponent
def test_accumulate_rate_exponent_two_minus_sqrt_two():
    g = gc.from_dict({"models": [{"id": "A", "n": 10, "real": "1/2"}, {"id": "B", "n": 10}],
                      "edges": [{"from": "B", "to": "A", "weight": "1/2"}, {"from": "A", "to": "B", "weight": 1}],
                      "memory": "accumulate"})
    for m in analyze_dynamics(g).models:
        assert m.growth == "vanishing" and m.limit == 0
        assert sympy.simplify(m.rate_exponent - (2 - sympy.sqrt(2))) == 0 and m.rate_exponent == 2 - sympy.sqrt(2)
        assert not m.log_factor


def test_accumulate_rate_one_with_its_constant_from_the_continuous_lyapunov_equation():
    # pure real data: the fit is the mean of (t+1) n real points, E = (σ²/n)/(t+1): α = 1, C = σ²/n
    g = gc.from_dict({"models": [{"id": "A", "n": 4, "real": 1}], "edges": [], "memory": "accumulate"})
    m = analyze_dynamics(g).models[0]
    assert (m.rate_exponent, m.rate_constant, m.log_factor) == (1, R(1, 4), False)
    assert dynamic_trajectory(g, None, 3) == tuple((R(1, 4 * (t + 1)),) for t in range(4))


def test_accumulate_rate_at_the_boundary_has_a_log_factor():
    g = gc.from_dict({"models": [{"id": "A", "n": 4, "real": "1/2"}], "edges": [{"from": "A", "to": "A", "weight": "1/2"}],
                      "memory": "accumulate"})
    m = analyze_dynamics(g).models[0]
    assert (m.rate_exponent, m.log_factor) == (1, True)


def test_accumulate_limits_on_a_graph_against_a_long_exact_run():
    g = gc.from_dict({"models": [{"id": "A", "n": 10}, {"id": "B", "n": 10}, {"id": "C", "n": 5, "real": "1/2"}],
                      "edges": [{"from": "A", "to": "B", "weight": 1}, {"from": "B", "to": "A", "weight": "1/2"},
                                {"from": "A", "to": "A", "weight": "1/2"}, {"from": "B", "to": "C", "weight": "1/2"}],
                      "memory": "accumulate"})
    models = analyze_dynamics(g).models
    assert [m.limit for m in models] == [sympy.pi ** 2 / 108] * 2 + [sympy.pi ** 2 / 432]
    late = dynamic_trajectory(g, None, 150)[-1]
    for value, m in zip(late, models):
        assert abs(float(value) - float(m.limit)) < 3e-3


# ---------------------------------------------------- an independent implementation
@st.composite
def count_graphs(draw, max_models=2, max_count=2):
    K = draw(st.integers(1, max_models))
    counts, real = [], []
    for _ in range(K):
        row = draw(st.lists(st.integers(0, max_count), min_size=K, max_size=K))
        r = draw(st.integers(0, max_count))
        if sum(row) + r == 0:
            r = 1
        counts.append(row)
        real.append(r)
    n0 = [draw(st.integers(max(1, r), 3)) for r in real]
    sigma2 = [draw(st.sampled_from([1, 2])) for _ in range(K)]
    return counts, real, n0, sigma2


def graph_of(counts, real, n0, sigma2, memory):
    ids = [chr(65 + k) for k in range(len(n0))]
    models = [{"id": ids[k], "n_real": real[k], "n0": n0[k], "sigma2": sigma2[k]} for k in range(len(n0))]
    edges = [{"from": ids[j], "to": ids[k], "n": c} for k, row in enumerate(counts) for j, c in enumerate(row) if c]
    return gc.from_dict({"models": models, "edges": edges, "memory": memory})


MEMORIES = [("accumulate", {}), ("window", {"window": 2}), ("window", {"window": 3}), ("replace", {})]


@settings(max_examples=40, deadline=None)
@given(count_graphs(), st.sampled_from(MEMORIES), st.booleans())
def test_memory_recursions_equal_the_noise_ledger(structure, memory, pool):
    counts, real, n0, sigma2 = structure
    kind, extra = memory
    if kind == "replace" and not pool:
        pool = True  # replace with fresh real data is the static process
    spec = {"kind": kind, "real": "pool" if pool else "fresh", **extra}
    g = graph_of(counts, real, n0, sigma2, spec)
    T = 4
    expected = ledger(counts, real, n0, sigma2, T, kind, window=extra.get("window"), pool=pool)
    assert dynamic_trajectory(g, None, T) == tuple(tuple(sympy.Rational(v.numerator, v.denominator) for v in row)
                                                  for row in expected)


@pytest.mark.parametrize("structure, m, T", [
    (([[1]], [1], [2], [1]), 2, 3),
    (([[2]], [0], [2], [1]), 2, 3),
    (([[1]], [1], [1], [2]), 1, 3),
    (([[0, 1], [1, 0]], [1, 0], [1, 1], [1, 1]), 1, 2),
])
def test_subsample_recursion_equals_enumerating_every_subset(structure, m, T):
    counts, real, n0, sigma2 = structure
    for pool in (False, True):
        if pool and any(r > n for r, n in zip(real, n0)):
            continue
        g = graph_of(counts, real, n0, sigma2, {"subsample": m, "real": "pool" if pool else "fresh"})
        expected = ledger(counts, real, n0, sigma2, T, "subsample", subsample=m, pool=pool)
        assert dynamic_trajectory(g, None, T) == tuple(tuple(sympy.Rational(v.numerator, v.denominator)
                                                             for v in row) for row in expected)


# ---------------------------------------------------------------- windows, subsample
def test_a_window_of_one_batch_is_replace():
    data = {"models": [{"id": "A", "n": 8, "real": "1/4"}, {"id": "B", "n": 6}],
            "edges": [{"from": "A", "to": "A", "weight": "1/2"}, {"from": "B", "to": "A", "weight": "1/4"},
                      {"from": "A", "to": "B", "weight": 1}]}
    static = gc.System(gc.from_dict(data))
    windowed = gc.from_dict({**data, "memory": {"window": 1}})
    assert dynamic_trajectory(windowed, None, 6) == static.trajectory(6)
    assert [m.limit for m in analyze_dynamics(windowed).models] == list(static.limits)


def test_windows_collapse_exactly_where_replace_does_and_settle_lower():
    data = {"models": [{"id": "A", "n": 10, "real": "1/2"}, {"id": "B", "n": 10}],
            "edges": [{"from": "A", "to": "A", "weight": "1/2"}, {"from": "B", "to": "B", "weight": 1}]}
    static = gc.System(gc.from_dict(data)).analysis()
    for L in (2,):  # L = 3 takes ~10 s in the generic solvers' exact root moduli (see the slow test)
        result = analyze_dynamics(gc.from_dict({**data, "memory": {"window": L}}))
        assert [m.collapses for m in result.models] == [m.collapses for m in static.models] == [False, True]
        assert result.models[0].limit < static.models[0].limit
        assert result.models[1].growth == "linear" and 0 < result.models[1].slope < static.models[1].slope


@pytest.mark.slow
def test_a_window_of_three_batches():
    data = {"models": [{"id": "A", "n": 10, "real": "1/2"}, {"id": "B", "n": 10}],
            "edges": [{"from": "A", "to": "A", "weight": "1/2"}, {"from": "B", "to": "B", "weight": 1}]}
    result = analyze_dynamics(gc.from_dict({**data, "memory": {"window": 3}}))
    assert [m.collapses for m in result.models] == [False, True]


def test_subsample_limit_in_closed_form_without_a_closed_class():
    # one model, fresh real data only: a subsample of m points of an ever larger real pool -> σ²/m
    g = gc.from_dict({"models": [{"id": "A", "n": 4, "real": 1}], "edges": [], "memory": {"subsample": 3}})
    assert analyze_dynamics(g).models[0].limit == R(1, 3)
    late = dynamic_trajectory(g, None, 60)[-1][0]
    assert abs(float(late) - 1 / 3) < 1e-2


def test_subsample_of_one_point_grows_like_log_t_on_a_closed_class():
    g = one_model({"subsample": 1}, 10)
    m = analyze_dynamics(g).models[0]
    assert m.collapses and m.growth == "log"
    values = dynamic_trajectory(g, None, 120)
    # E(t) - E(t-1) = σ² n / N(t) = 1/(t + 1) exactly for n0 = n
    assert all(values[t][0] - values[t - 1][0] == R(1, t + 1) for t in range(1, 121))


def test_memory_needs_pooled_mixing_and_a_supported_family():
    g = gc.from_dict({"mixing": "weighted", "models": [{"id": "A", "n": 4, "real": "1/2"}],
                      "edges": [{"from": "A", "to": "A", "weight": "1/2"}], "memory": "accumulate"})
    with pytest.raises(UnsupportedError, match="pooled"):
        analyze_dynamics(g)


def test_fraction_type_used_by_the_ledger():
    assert ledger([[1]], [0], [1], [1], 1, "accumulate")[1] == (Fraction(1) + Fraction(1, 4),)
