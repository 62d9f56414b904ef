"""Distributional metrics: the category-loss chain, W2 of Gaussian fits, first-order divergences — and their labels."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import graphcollapse as gc
from graphcollapse.errors import InputError
from graphcollapse.metrics import EXACT, FIRST_ORDER, MARKOV, category_loss, divergence, wasserstein
from graphcollapse.metrics.wasserstein import sd_factor

R = sympy.Rational


def tokens(p, W, n, real=None, symbols=(), mixing="pooled"):
    return gc.from_matrix(W, real=real, n=n, mixing=mixing, symbols=symbols,
                          estimator={"family": "categorical", "p": list(p)})


def wright_fisher(n, p, T):
    """P(count 0 at t) for the Wright-Fisher chain on counts 0..n, by explicit matrix powers."""
    P = sympy.Matrix(n + 1, n + 1, lambda i, j: sympy.binomial(n, j) * R(i, n) ** j * (1 - R(i, n)) ** (n - j))
    start = sympy.Matrix([[sympy.binomial(n, j) * p ** j * (1 - p) ** (n - j) for j in range(n + 1)]])
    out, dist = [], start
    for _ in range(T + 1):
        out.append(sympy.expand(dist[0]))
        dist = dist * P
    return out


def test_one_closed_model_is_the_wright_fisher_chain_and_loss_is_absorbing():
    g = tokens(["1/3", "2/3"], [[1]], [4])
    absent, lost = category_loss(g, 0, 6), category_loss(g, 0, 6, kind="lost")
    expected = wright_fisher(4, R(1, 3), 6)
    assert list(absent.of(0)) == expected and absent.of(0) == lost.of(0)
    assert absent.method_of(0) == MARKOV


def test_symbolic_category_probability():
    a = sympy.Symbol("a", real=True)
    g = gc.from_dict({"symbols": ["a"], "estimator": {"family": "categorical", "p": ["a", "1 - a"]},
                      "models": [{"id": "A", "n": 3}], "edges": [{"from": "A", "to": "A", "weight": 1}]})
    values = category_loss(g, 0, 3).of("A")
    assert all(sympy.expand(v - w) == 0 for v, w in zip(values, wright_fisher(3, a, 3)))


@pytest.mark.parametrize("mixing", ["pooled", "weighted"])
@pytest.mark.parametrize("kind", ["absent", "lost"])
def test_chain_agrees_with_the_simulator(mixing, kind):
    if mixing == "pooled":
        g = gc.from_dict({"estimator": {"family": "categorical", "p": ["1/5", "4/5"]},
                          "models": [{"id": "A", "n": 3, "real": "1/3"}, {"id": "B", "n": 4}],
                          "edges": [{"from": "A", "to": "A", "weight": "2/3"}, {"from": "A", "to": "B", "weight": "1/2"},
                                    {"from": "B", "to": "B", "weight": "1/2"}]})
    else:
        g = gc.from_dict({"mixing": "weighted", "estimator": {"family": "categorical", "p": ["1/5", "4/5"]},
                          "models": [{"id": "A", "n": 3, "real": "1/3", "n_real": 2}, {"id": "B", "n": 4}],
                          "edges": [{"from": "A", "to": "A", "weight": "2/3", "n": 3},
                                    {"from": "A", "to": "B", "weight": "1/2", "n": 2},
                                    {"from": "B", "to": "B", "weight": "1/2", "n": 3}]})
    exact = category_loss(g, 0, 6, kind=kind)
    simulated = category_loss(g, 0, 6, kind=kind, max_states=1, replications=20000, seed=11)
    assert exact.methods == (MARKOV, MARKOV) and simulated.methods[0].startswith("simulation")
    assert np.all(np.abs(exact.floats() - simulated.floats()) < 4.5 * simulated.stderr + 1e-12)


def test_real_data_bring_a_category_back_so_absent_and_lost_differ():
    g = tokens(["1/2", "1/2"], [["1/2"]], [2], real=["1/2"])
    absent, lost = category_loss(g, 0, 4).of(0), category_loss(g, 0, 4, kind="lost").of(0)
    assert absent[0] == lost[0] == R(1, 4) and lost[4] > absent[4]


def test_large_chains_are_simulated_and_labelled():
    g = tokens(["1/2", "1/2"], [[0, 1], [1, 0]], [30, 30])
    m = category_loss(g, 1, 3, max_states=100, replications=500, seed=1)
    assert all(method == "simulation (500 replications)" for method in m.methods)
    assert np.isfinite(m.stderr).all()


# ------------------------------------------------------------------------------------- Wasserstein
def test_w2_of_one_closed_model_in_closed_form():
    n, sigma2 = 5, 3
    g = gc.from_matrix([[1]], n=[n], estimator={"family": "gaussian_fit", "sigma2": sigma2})
    m = wasserstein(g, 4)
    q = R(n - 1, n)
    for t, value in enumerate(m.of(0)):
        # error + variance = σ² (conserved), so E W2² = 2σ² - 2σ² g(n)^(t+1)
        expected = 2 * sigma2 - 2 * sigma2 * sd_factor(n) ** (t + 1)
        assert sympy.simplify(value - expected) == 0
        assert sympy.simplify(value - (sigma2 * (1 - q ** (t + 1)) + sigma2 * q ** (t + 1) + sigma2
                                       - 2 * sigma2 * sd_factor(n) ** (t + 1))) == 0
    assert m.methods == (EXACT,)


def test_w2_exact_along_a_chain_simulated_where_sources_mix():
    g = gc.from_dict({"estimator": {"family": "gaussian_fit", "sigma2": 2},
                      "models": [{"id": "A", "n": 5, "real": 1}, {"id": "B", "n": 3}, {"id": "C", "n": 4},
                                 {"id": "D", "n": 4, "real": "1/2"}],
                      "edges": [{"from": "A", "to": "B", "weight": 1}, {"from": "B", "to": "C", "weight": 1},
                                {"from": "C", "to": "D", "weight": "1/2"}]})
    m = wasserstein(g, 5, replications=2000, seed=2)
    assert m.methods[:3] == (EXACT,) * 3 and m.methods[3].startswith("simulation")
    check = gc.simulate(g, 5, 30000, seed=3, method="sufficient", observables=("w2",))
    exact = m.floats()[:, :3]
    assert np.all(np.abs(exact - check.mean("w2")[:, :3]) < 4.5 * check.stderr_of("w2")[:, :3])


def test_w2_in_several_dimensions_is_simulated():
    g = gc.from_matrix([[1]], n=[6], estimator={"family": "gaussian_fit", "d": 2})
    m = wasserstein(g, 2, replications=300, seed=4)
    assert m.methods == ("simulation (300 replications)",)


# ------------------------------------------------------------------------------------- divergences
def test_first_order_kl_is_the_classical_value_at_generation_zero():
    g = tokens(["1/2", "1/4", "1/8", "1/8"], [["1/2"]], [40], real=["1/2"])
    m = divergence(g, 3)
    assert m.of(0)[0] == R(3, 80) and m.methods == (FIRST_ORDER,)        # (C - 1)/(2 n0)


@pytest.mark.parametrize("kind", ["kl", "tv"])
def test_first_order_divergence_is_close_to_the_simulated_one_for_large_batches(kind):
    g = tokens(["1/2", "3/10", "1/5"], [["1/2"]], [400], real=["1/2"])
    first = divergence(g, 4, kind).floats()
    simulated = divergence(g, 4, kind, method="simulation", replications=4000, seed=5).floats()
    assert np.all(np.abs(first - simulated) < 0.05 * first)


def test_wrong_family_or_arguments_are_rejected():
    gauss = gc.from_matrix([[1]], n=[4], estimator={"family": "gaussian_fit"})
    with pytest.raises(InputError, match="categorical"):
        category_loss(gauss, 0, 2)
    with pytest.raises(InputError, match="gaussian_fit"):
        wasserstein(tokens(["1/2", "1/2"], [[1]], [4]), 2)
    with pytest.raises(InputError, match="category must be"):
        category_loss(tokens(["1/2", "1/2"], [[1]], [4]), 2, 2)
    with pytest.raises(InputError, match="kind"):
        divergence(tokens(["1/2", "1/2"], [[1]], [4]), 2, "hellinger")
