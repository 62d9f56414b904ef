"""The generic solvers on the recursion's unknowns against the Kronecker solvers: two algorithms, one answer."""

from __future__ import annotations

import sympy
from hypothesis import given, settings

import graphcollapse as gc
from graphcollapse.operator import ExplicitRecursion, iterate
from graphcollapse.solvers.general import limits_of, slopes_of, stability_of, vanishes

from strategies import exact_graphs

R = sympy.Rational


@settings(max_examples=60, deadline=None)
@given(exact_graphs(max_models=4))
def test_generic_verdicts_limits_and_slopes_equal_theorem_a_and_the_stein_solver(graph):
    rec = gc.recurrence(graph)
    result = gc.analyze(graph)
    st = stability_of(rec)
    assert [not b for b in st.bounded] == [m.collapses for m in result.models]
    assert tuple(st.growth) == tuple(m.growth for m in result.models)
    assert tuple(limits_of(rec, bounded=st.bounded)) == tuple(m.limit for m in result.models)
    assert tuple(slopes_of(rec, st)) == tuple(m.slope for m in result.models)


def test_pooled_ols_small_samples_by_blocks_of_unknowns():
    g = gc.from_dict({"estimator": {"family": "linear_regression", "d": 6},
                      "models": [{"id": "A", "n_real": 1, "n0": 12}], "edges": [{"from": "A", "to": "A", "n": 7}]})
    st = stability_of(gc.recurrence(g))
    assert st.growth == ("geometric",) and st.growth_factor == (R(27, 20),)
    g = gc.from_dict({"estimator": {"family": "linear_regression", "d": 6},
                      "models": [{"id": "A", "n_real": 6, "n0": 12}], "edges": [{"from": "A", "to": "A", "n": 6}]})
    assert limits_of(gc.recurrence(g)) == (R(924, 355),)


def _variance_example():
    """One model whose variance shrinks by 9/10 and feeds its mean error (a Gaussian fit without real data)."""
    g = gc.from_matrix([[1]], n=[10])
    return ExplicitRecursion(g, "example", labels=("m", "v"),
                             rows=({0: 1, 1: R(1, 10)}, {1: R(9, 10)}), constant=(0, 0), initial=(R(1, 10), 1),
                             observables={"error": ({0: 1},), "variance": ({1: 1},)})


def test_a_vanishing_variance_keeps_the_mean_error_bounded():
    rec = _variance_example()
    st = stability_of(rec)
    # the mean error's own block has radius 1 (no contraction), but nothing feeds it once v -> 0:
    # E(t) = 1/10 + (1/10) Σ_{s<t} (9/10)^s -> 1/10 + 1 = 11/10 — bounded although a closed class is upstream
    assert st.growth == ("bounded",) and limits_of(rec) == (R(11, 10),)
    assert slopes_of(rec, st) == (0,)
    variance = stability_of(rec, "variance")
    lim = limits_of(rec, "variance")
    assert variance.growth == ("bounded",) and vanishes(lim) == (True,) and variance.rates == (R(9, 10),)
    values = iterate(rec, 60)
    assert values[1] == (R(1, 10) + R(1, 10),)
    assert values[60][0] == R(11, 10) - R(9, 10) ** 60  # E(t) = 11/10 - (9/10)^t exactly


def test_unexcited_unit_and_expanding_blocks_are_not_growth():
    # an unknown with an expanding self-loop that nothing feeds and starts at 0 never grows
    g = gc.from_matrix([[1]], n=[10])
    rec = ExplicitRecursion(g, "example", labels=("e", "u"), rows=({0: R(1, 2), 1: 1}, {1: 2}),
                            constant=(1, 0), initial=(0, 0), observables={"error": ({0: 1},)})
    st = stability_of(rec)
    assert st.growth == ("bounded",) and limits_of(rec) == (2,)
    rec = ExplicitRecursion(g, "example", labels=("e", "u"), rows=({0: R(1, 2), 1: 1}, {1: 2}),
                            constant=(1, 0), initial=(0, R(1, 5)), observables={"error": ({0: 1},)})
    st = stability_of(rec)
    assert st.growth == ("geometric",) and st.growth_factor == (2,)


def test_system_uses_the_generic_solvers_for_a_general_recursion(monkeypatch):
    from graphcollapse.estimators import gaussian_mean

    rec = _variance_example()
    monkeypatch.setattr(gaussian_mean.GaussianMean, "recurrence", lambda self: rec)
    system = gc.System(gc.from_matrix([[1]], n=[10]))
    assert system.is_general
    st, lim = system.observable("variance")
    assert lim == (0,)
    assert system.trajectory(2) == iterate(rec, 2)
