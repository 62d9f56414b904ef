"""Exact finite-sample OLS (MODEL.md 3.2): hand-derived values, the threshold, input errors."""

from __future__ import annotations

import json

import pytest
import sympy

import graphcollapse as gc
from graphcollapse.cli import main
from graphcollapse.errors import GraphCollapseError
from graphcollapse.estimators import recurrence
from graphcollapse.estimators.linear_regression import pooled_coefficients
from graphcollapse.solvers.threshold import sample_size_threshold

R = sympy.Rational


def ols(models, edges, *, d, sigma2=1, mixing="pooled"):
    return gc.from_dict({"mixing": mixing, "estimator": {"family": "linear_regression", "d": d, "sigma2": sigma2},
                         "models": models, "edges": edges})


def by_id(graph):
    return gc.analyze(graph).by_id


# -- coefficients ------------------------------------------------------------------

def test_pooled_coefficients_paper_values():
    assert pooled_coefficients(8, 6, [7])[0, 0] == R(27, 20)
    assert pooled_coefficients(12, 6, [6])[0, 0] == R(83, 154)
    # a single source holding every sample keeps the error exactly: c = 1
    for n, d in [(4, 2), (10, 2), (12, 6), (30, 7)]:
        assert pooled_coefficients(n, d, [n])[0, 0] == 1
    assert pooled_coefficients(12, 6, [6, 6])[0, 1] < 0


def test_pooled_coefficients_sum_to_one_and_tend_to_products():
    n, d, w1, w2 = sympy.symbols("n d w1 w2", positive=True)
    C = pooled_coefficients(n, d, [w1 * n, w2 * n, (1 - w1 - w2) * n])
    assert sympy.simplify(sum(C) - 1) == 0
    assert sympy.limit(C[0, 1], n, sympy.oo) == w1 * w2
    assert sympy.limit(C[0, 0], n, sympy.oo) == w1**2


# -- hand-derived limits and rates -------------------------------------------------------

def test_single_model_with_real_data_grows_geometrically_at_small_n():
    g = ols([{"id": "A", "n_real": 1, "n0": 12}], [{"from": "A", "to": "A", "n": 7}], d=6)
    res = by_id(g)["A"]
    assert res.collapses is True and res.theorem_a.collapses is False
    assert res.growth_factor == R(27, 20)
    # E(t) = C (27/20)^t + const: C = 642/35 from the eigenvector formula, matching the closed form
    assert res.growth_constant == R(642, 35)
    from graphcollapse.solvers.trajectory import T_SYMBOL as t
    assert sympy.simplify(gc.closed_form(recurrence(g))[0] - (R(642, 35) * R(27, 20) ** t - R(120, 7))) == 0
    assert "real data reaches it" in res.explanation
    # E(0) = d σ²/(n0-d-1) = 6/5, E(1) = d (27/20 m0 + 1) with m0 = 1/5
    assert gc.trajectory(recurrence(g), 2) == ((R(6, 5),), (R(381, 50),), (R(16287, 1000),))


def test_single_model_settles_with_six_plus_six():
    g = ols([{"id": "A", "n_real": 6, "n0": 12}], [{"from": "A", "to": "A", "n": 6}], d=6)
    res = by_id(g)["A"]
    assert res.collapses is False
    assert res.limit == R(924, 355)  # d * (1/5) / (1 - 83/154)


def test_single_model_without_real_data_grows_linearly():
    g = ols([{"id": "A", "n": 10}], [{"from": "A", "to": "A", "weight": 1}], d=2)
    res = by_id(g)["A"]
    assert res.collapses is True and res.growth == "linear"
    assert res.slope == R(2, 7)  # d σ²/(n-d-1), the coefficient is exactly 1


def test_weighted_single_model():
    g = ols([{"id": "A", "real": "1/2", "n_real": 10, "n0": 10}],
            [{"from": "A", "to": "A", "weight": "1/2", "n": 10}], d=2, mixing="weighted")
    assert by_id(g)["A"].limit == R(4, 21)  # D = 1/28 + 1/28, m = D/(1 - 1/4), E = 2 m


def test_pooled_chain_and_cycle():
    chain = ols([{"id": "A", "n_real": 10}, {"id": "B", "n": 10}], [{"from": "A", "to": "B", "weight": 1}], d=2)
    res = by_id(chain)
    assert res["A"].limit == R(2, 7) and res["B"].limit == R(4, 7)
    cycle = ols([{"id": "A", "n_real": 5}, {"id": "B", "n_real": 5}],
                [{"from": "B", "to": "A", "n": 5}, {"from": "A", "to": "B", "n": 5}], d=2)
    res = by_id(cycle)
    assert res["A"].limit == res["B"].limit == R(54, 127)  # m = 62/189 m + 1/7


def test_weighted_cycle_is_the_kronecker_form():
    cycle = ols([{"id": "A", "real": "1/2", "n_real": 6, "n0": 6}, {"id": "B", "real": "1/2", "n_real": 6, "n0": 6}],
                [{"from": "B", "to": "A", "weight": "1/2", "n": 6}, {"from": "A", "to": "B", "weight": "1/2", "n": 6}],
                d=1, mixing="weighted")
    # D = 1/4 * 1/4 + 1/4 * 1/4 = 1/8 per model; m_AA = m_BB/4 + 1/8 -> m = 1/6
    assert by_id(cycle)["A"].limit == R(1, 6)


def test_symbolic_sample_size_limit():
    n = sympy.Symbol("n", positive=True)
    g = gc.from_dict({"symbols": ["n"], "estimator": {"family": "linear_regression", "d": 2},
                      "models": [{"id": "A", "n": "n", "real": 1}], "edges": []})
    value = gc.limits(recurrence(g))[0]
    assert sympy.simplify(value.subs(list(value.free_symbols)[0], n) - 2 / (n - 3)) == 0


# -- threshold --------------------------------------------------------------------------

def test_threshold_between_geometric_growth_and_settling():
    g = ols([{"id": "A", "n_real": 1, "n0": 12}], [{"from": "A", "to": "A", "n": 7}], d=6)
    t = sample_size_threshold(g)
    x = sympy.Symbol("x")
    assert sympy.Poly(t.critical.poly.as_expr().subs(t.critical.poly.gen, x), x) == \
        sympy.Poly(480 * x**3 - 556 * x**2 - 29 * x + 7, x)
    assert t.stable_from_integer == 2 and not t.never_stable
    assert 1.19 < t.critical_float < 1.2
    # on both sides, the exact verdict agrees
    unstable = ols([{"id": "A", "n_real": 1, "n0": 12}], [{"from": "A", "to": "A", "n": 7}], d=6)
    stable = ols([{"id": "A", "n_real": 2, "n0": 12}], [{"from": "A", "to": "A", "n": 14}], d=6)
    assert by_id(unstable)["A"].collapses and not by_id(stable)["A"].collapses


def test_threshold_closed_class_is_never_stable(capsys):
    g = ols([{"id": "A", "n": 10}], [{"from": "A", "to": "A", "weight": 1}], d=2)
    assert sample_size_threshold(g).never_stable


def test_threshold_cli_json(tmp_path, capsys):
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"estimator": {"family": "linear_regression", "d": 6},
                                "models": [{"id": "A", "n_real": 1, "n0": 12}],
                                "edges": [{"from": "A", "to": "A", "n": 7}]}))
    assert main(["threshold", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stable_from_integer"] == 2 and [i["stable"] for i in out["intervals"]] == [False, True]


# -- input errors ------------------------------------------------------------------------

@pytest.mark.parametrize("models, edges, mixing, needle", [
    ([{"id": "A", "n_real": 10, "n0": 7}], [], "pooled", "model 'A' n0"),
    ([{"id": "A", "n_real": 7}], [], "pooled", "model 'A' n"),
    ([{"id": "A", "real": "1/2", "n_real": 10, "n": 10}], [{"from": "A", "to": "A", "weight": "1/2", "n": 5}],
     "weighted", "edge 'A' -> 'A' n"),
])
def test_counts_below_d_plus_two_are_rejected(models, edges, mixing, needle):
    g = ols(models, edges, d=6, mixing=mixing)
    with pytest.raises(GraphCollapseError, match=needle):
        recurrence(g)


def test_cli_rejects_small_counts_with_exit_status_two(tmp_path, capsys):
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"estimator": {"family": "linear_regression", "d": 6},
                                "models": [{"id": "A", "n_real": 7}], "edges": []}))
    assert main(["analyze", str(path)]) == 2
    err = capsys.readouterr().err
    assert "at least d + 2 = 8" in err and "Traceback" not in err
