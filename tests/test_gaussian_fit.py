"""``gaussian_fit``: the issue's formulas exactly, an independent matrix implementation, verdicts, the simulator."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import graphcollapse as gc
from graphcollapse.errors import InputError
from graphcollapse.operator import iterate
from graphcollapse.solvers.trajectory import T_SYMBOL, closed_form

from strategies import exact_graphs, weighted_twins

R = sympy.Rational
FIT = {"family": "gaussian_fit"}


def one_model(n, real="0", d=1, sigma2=1, ddof=0, symbols=()):
    return gc.from_dict({"symbols": list(symbols),
                         "estimator": {"family": "gaussian_fit", "d": d, "sigma2": sigma2, "ddof": ddof},
                         "models": [{"id": "A", "n": n, "real": real}],
                         "edges": [{"from": "A", "to": "A", "weight": f"1 - ({real})"}]})


# ----------------------------------------------------------------- the formulas, exactly
def test_one_closed_model_mle_formulas_for_symbolic_n_sigma2_and_d():
    n, s2, d = sympy.symbols("n s2 d", real=True)
    g = one_model("n", d="d", sigma2="s2", symbols=("n", "s2", "d"))
    rec = gc.recurrence(g)
    errors, variances = iterate(rec, 6), iterate(rec, 6, "variance")
    for t in range(7):
        assert sympy.cancel(variances[t][0] - d * s2 * (1 - 1 / n) ** (t + 1)) == 0
        assert sympy.cancel(errors[t][0] - d * s2 * (1 - (1 - 1 / n) ** (t + 1))) == 0


def test_one_closed_model_closed_forms_in_t():
    rec = gc.recurrence(one_model(10, d=3, sigma2=2))
    t = T_SYMBOL
    (error,) = closed_form(rec, name="error")
    (variance,) = closed_form(rec, name="variance")
    assert sympy.simplify(variance - 6 * R(9, 10) ** (t + 1)) == 0
    assert sympy.simplify(error - 6 * (1 - R(9, 10) ** (t + 1))) == 0


def test_one_closed_model_verdicts_mle_and_unbiased():
    system = gc.System(one_model(10, d=3))
    assert system.stability.growth == ("bounded",) and system.limits == (3,)   # the mean error settles at d σ²
    variance, limits = system.observable("variance")
    assert limits == (0,) and variance.rates == (R(9, 10),)                   # variance collapse, rate 1 - 1/n
    unbiased = gc.System(one_model(10, d=3, ddof=1))
    assert unbiased.stability.growth == ("linear",) and unbiased.slopes == (R(3, 10),)
    assert unbiased.observable("variance")[1] == (3,)                          # E σ̂² conserved (a.s. -> 0)


def test_real_data_keep_the_variance_the_equilibrium_shrinkage_is_exact():
    # one model, real fraction r: v = c[(1-1/n)(r + (1-r) v) + r(1-r) s], s = (1-r)^2 s + (r + (1-r) v)/n
    r, n = R(1, 4), 8
    system = gc.System(one_model(n, real=str(r)))
    s, v = sympy.symbols("s v")
    solution = sympy.solve([s - (1 - r) ** 2 * s - (r + (1 - r) * v) / n,
                            v - (1 - R(1, n)) * (r + (1 - r) * v) - r * (1 - r) * s], [s, v])
    assert system.limits == (solution[s],)
    assert system.observable("shrinkage")[1] == (solution[v],) and 0 < solution[v] < 1


# ------------------------------------------------------------ independent matrix implementation
def reference(graph, T, ddof=0, sigma2=1):
    """MODEL.md 7.1 for d = 1 in matrix form: S' = W S Wᵀ + diag((W v + r σ²)/n) and
    v' = c ∘ [(1 - 1/n) ∘ (W v + r σ²) + W diag(S) - diag(W S Wᵀ)] (pooled), one trajectory per observable."""
    K = graph.K
    W = sympy.Matrix(graph.weight_matrix())
    r = sympy.Matrix(graph.real)
    n = [graph.n[k] for k in range(K)]
    S = sympy.diag(*[sigma2 / graph.n0[k] for k in range(K)])
    v = sympy.Matrix([sigma2 * (graph.n0[k] - 1) / (graph.n0[k] - ddof) for k in range(K)])
    errors, variances = [], []
    for t in range(T + 1):
        if t:
            mixed = W * v + r * sigma2
            WSW = W * S * W.T
            S_new = WSW + sympy.diag(*[mixed[k] / n[k] for k in range(K)])
            v = sympy.Matrix([n[k] / (n[k] - ddof) * ((1 - R(1) / n[k]) * mixed[k]
                                                       + sum(W[k, j] * S[j, j] for j in range(K)) - WSW[k, k])
                              for k in range(K)])
            S = S_new
        errors.append(tuple(S[k, k] for k in range(K)))
        variances.append(tuple(v))
    return tuple(errors), tuple(variances)


@settings(max_examples=40, deadline=None)
@given(exact_graphs(max_models=4), st.sampled_from([0, 1]))
def test_pooled_recursion_equals_the_matrix_form(graph, ddof):
    graph = graph.with_estimator({"family": "gaussian_fit", "ddof": ddof, "sigma2": 3})
    rec = gc.recurrence(graph)
    errors, variances = reference(graph, 4, ddof=ddof, sigma2=3)
    assert iterate(rec, 4) == errors
    assert iterate(rec, 4, "variance") == variances


@settings(max_examples=30, deadline=None)
@given(exact_graphs(max_models=3), st.integers(1, 3))
def test_covariance_scales_the_dimensionless_recursion(graph, d):
    """E[e eᵀ] = s Σ and E Σ̂ = v Σ: the observables depend on Σ through tr Σ only."""
    iso = gc.recurrence(graph.with_estimator({"family": "gaussian_fit", "d": d, "sigma2": 5}))
    cov = [[5 if i == j else R(1, i + j + 2) for j in range(d)] for i in range(d)]
    full = gc.recurrence(graph.with_estimator({"family": "gaussian_fit", "covariance": [[str(x) for x in row]
                                                                                      for row in cov]}))
    for name in ("error", "variance"):
        assert iterate(iso, 3, name) == iterate(full, 3, name)


@settings(max_examples=30, deadline=None)
@given(weighted_twins(max_models=3, fit_counts=True))
def test_weighted_mixture_with_sample_fractions_is_the_pooled_fit(pair):
    pooled, weighted = pair
    a, b = gc.recurrence(pooled.with_estimator(FIT)), gc.recurrence(weighted.with_estimator(FIT))
    for name in ("error", "variance"):
        assert iterate(a, 3, name) == iterate(b, 3, name)


def test_weighted_rules_differ_by_the_spread_of_the_source_means():
    g = gc.from_dict({"mixing": "weighted", "models": [{"id": "A", "n": 4, "real": "1/2", "n_real": 4}],
                      "edges": [{"from": "A", "to": "A", "weight": "1/2", "n": 4}]})
    mixture = gc.recurrence(g.with_estimator(FIT))
    average = gc.recurrence(g.with_estimator({"family": "gaussian_fit", "weighted_variance": "average"}))
    assert ("S", 0, 0) in mixture.row(("v", 0)) and ("S", 0, 0) not in average.row(("v", 0))
    assert iterate(average, 1, "variance") == ((R(3, 4),), (R(21, 32),))   # 1/2 · 3/4 + 1/2 · 3/4 · 3/4


def test_float_graph_iterates_in_floats_like_its_exact_twin():
    exact = gc.from_matrix([["1/2", "1/4"], [1, 0]], n=[5, 3], estimator=FIT)
    floats = gc.from_matrix(np.array([[0.5, 0.25], [1.0, 0.0]]), n=[5, 3], estimator=FIT)
    for name in ("error", "variance"):
        expected = np.array(iterate(gc.recurrence(exact), 5, name), dtype=float)
        assert np.allclose(iterate(gc.recurrence(floats), 5, name), expected, rtol=1e-12)


# ---------------------------------------------------------------------------------- input checks
@pytest.mark.parametrize("spec, message", [
    ({"ddof": 2}, "ddof must be 0"),
    ({"sigma2": 1, "covariance": [[1]]}, "not both"),
    ({"covariance": [[1, 2], [2, 1]]}, "positive definite"),
    ({"covariance": [[1, 0], [1, 1]]}, "symmetric"),
    ({"d": 3, "covariance": [[1, 0], [0, 1]]}, "3 x 3"),
    ({"weighted_variance": "max"}, "mixture"),
])
def test_bad_specifications_name_the_field(spec, message):
    with pytest.raises(InputError, match=message):
        gc.recurrence(gc.from_matrix([[1]], n=[4]), {"family": "gaussian_fit", **spec})


def test_counts_too_small_for_the_unbiased_fit_and_per_model_noise_are_rejected():
    with pytest.raises(InputError, match="needs at least 2"):
        gc.recurrence(gc.from_matrix([[1]], n=[1]), {"family": "gaussian_fit", "ddof": 1})
    g = gc.from_dict({"models": [{"id": "A", "n": 4, "sigma2": 2}], "edges": [{"from": "A", "to": "A", "weight": 1}]})
    with pytest.raises(InputError, match="per-model sigma2"):
        gc.recurrence(g, FIT)


# ------------------------------------------------------------------------------------ simulation
def koyejo_process(n, d, iterations, replications, seed):
    """The Gaussian-fitting experiment as described (replace, MLE covariance, d-dimensional isotropic
    truth N(0, I)), sample by sample; an independent stand-in for the published code."""
    rng = np.random.default_rng(seed)
    data = rng.standard_normal((replications, n, d))
    out = np.empty((iterations, replications))
    for i in range(iterations):
        mean = data.mean(axis=1)
        centred = data - mean[:, None, :]
        cov = np.einsum("rni,rnj->rij", centred, centred) / n
        out[i] = np.square(mean).sum(axis=1)
        values, vectors = np.linalg.eigh(cov)          # as multivariate_normal does: a factor that tolerates
        factor = vectors * np.sqrt(np.clip(values, 0, None))[:, None, :]   # near-singular fits
        data = mean[:, None, :] + np.einsum("rij,rnj->rni", factor, rng.standard_normal((replications, n, d)))
    return out


@pytest.mark.parametrize("n", [10, 100])
def test_koyejolab_setting_agrees_with_the_process(n):
    d, T = 3, 100
    exact = np.array(iterate(gc.recurrence(one_model(n, d=d)), T - 1), dtype=float)[:, 0]
    draws = koyejo_process(n, d, T, replications=1500, seed=14 + n)
    mean, se = draws.mean(axis=1), draws.std(axis=1, ddof=1) / np.sqrt(draws.shape[1])
    assert np.all(np.abs(mean - exact) < 4.5 * se)                   # every iteration, Bonferroni-sized band
    # the fixed-variance model of the same graph predicts (t+1) d σ²/n: 30 at n = 10, far from the process
    fixed = gc.System(gc.from_matrix([[1]], n=[n], estimator={"family": "gaussian_mean", "d": d})).trajectory(T - 1)
    assert fixed[-1][0] == R(d * T, n)
    if n == 10:
        assert abs(mean[-1] - 30) > 20 * se[-1] and abs(exact[-1] - 3) < 1e-3
    # and the toolkit's own simulator (sufficient statistics) passes the full check, variance included
    system = gc.System(one_model(n, d=d))
    assert system.check(system.simulate(T - 1, 1000, seed=n, method="sufficient")).passed


def test_check_passes_on_a_mixed_graph_and_catches_a_wrong_variance():
    from dataclasses import replace

    g = gc.from_dict({"estimator": {"family": "gaussian_fit", "covariance": [[2, "1/2"], ["1/2", 1]]},
                      "models": [{"id": "A", "n": 3, "real": "1/3"}, {"id": "B", "n": 4}, {"id": "C", "n": 2}],
                      "edges": [{"from": "A", "to": "A", "weight": "1/3"}, {"from": "B", "to": "A", "weight": "1/3"},
                                {"from": "A", "to": "B", "weight": "3/4"}, {"from": "C", "to": "B", "weight": "1/4"},
                                {"from": "B", "to": "C", "weight": "1/2"}, {"from": "C", "to": "C", "weight": "1/2"}]})
    system = gc.System(g)
    result = system.simulate(12, 3000, seed=21, method="sufficient")
    check = system.check(result)
    assert check.passed and {t.observable for t in check.tests} == {"error", "variance"}
    right = system.prediction(12)
    variance = right.observables["variance"]
    # the fixed-variance answer (no shrinkage) for the variance is caught
    wrong = replace(right, observables={"variance": replace(variance, trajectory=np.full_like(variance.trajectory, 3.0))})
    assert not system.check(result, wrong).passed


def test_check_stops_where_the_collapsing_variance_is_dominated_by_rare_draws():
    """E σ̂²_t/σ² = (9/10)^(t+1) but the relative variance of one draw is (11/9)^(t+1): at t = 99 a mean of
    1000 draws sits far below the expectation, so the theory's tail bound keeps those generations untested."""
    system = gc.System(one_model(10, d=1))
    result = system.simulate(99, 1000, seed=8, method="sufficient")
    check = system.check(result)
    assert check.passed and len(check.skipped) == 1 and "generation 11 on" in check.skipped[0]
    late = result.mean("variance")[99, 0] / float(R(9, 10) ** 100)
    assert late < 0.1          # what the skipped tests would have compared: the mean misses most of E σ̂²
    assert system.prediction(99).tails["error"].tolist() == [1.0]     # the MLE's mean error has light tails
