"""Cross-checks of the linear-regression and M-estimator families against simulation.

These need the families' exact (OLS) and first-order (M-estimator) recursions
in ``graphcollapse.estimators``; the simulator side is tested in
``test_simulation.py``.
"""

import pytest

from graphcollapse.graph import from_dict
from graphcollapse.simulation import simulate
from graphcollapse.system import cross_check

T, R = 16, 3000


def graph(kind, estimator, mixing="pooled", n=40):
    models, edges = {
        "self_loop_real": ([("A", "1/4")], [("A", "A", "3/4")]),
        "chain": ([("A", 1), ("B", 0)], [("A", "B", 1)]),
        "two_cycle": ([("A", 0), ("B", 0)], [("B", "A", 1), ("A", "B", 1)]),
        "closed_feeds_real": ([("C", 0), ("D", 0), ("E", "1/2")], [("C", "D", 1), ("D", "C", 1), ("D", "E", "1/2")]),
    }[kind]
    return from_dict({"name": kind, "mixing": mixing, "estimator": estimator,
                      "models": [{"id": i, "n": n, "real": r} for i, r in models],
                      "edges": [{"from": a, "to": b, "weight": w} for a, b, w in edges]})


@pytest.mark.parametrize("mixing", ["pooled", "weighted"])
@pytest.mark.parametrize("kind", ["self_loop_real", "chain", "two_cycle", "closed_feeds_real"])
def test_ols_is_exact_at_small_samples(kind, mixing):
    """Finite-sample OLS (docs/theory.md 3.2): exact at n = 16, d = 3, where c_jj' differs visibly from w_j w_j'."""
    g = graph(kind, {"family": "linear_regression", "d": 3, "sigma2": 2}, mixing, n=16)
    check = cross_check(g, simulate(g, T, R, seed=31, method="sufficient"))
    assert check.passed, [t.label for t in check.failures]


def test_pooled_ols_sample_path():
    g = graph("closed_feeds_real", {"family": "linear_regression", "d": 2, "sigma2": 1}, n=12)
    check = cross_check(g, simulate(g, 8, 1500, seed=5, method="samples"))
    assert check.passed, [t.label for t in check.failures]


M_ESTIMATORS = [
    {"family": "poisson", "theta": {"lambda": 3}},
    {"family": "bernoulli", "theta": {"p": "3/10"}},
    {"family": "exponential", "theta": {"rate": 2}},
    {"family": "gaussian", "theta": {"mu": 1, "sigma2": 2}},
]


@pytest.mark.parametrize("kind", ["self_loop_real", "chain", "two_cycle"])
@pytest.mark.parametrize("estimator", M_ESTIMATORS, ids=lambda e: e["family"])
def test_m_estimators_hold_to_first_order(estimator, kind):
    """First-order predictions at n = 2000: finite-sample effects are O(t/n), inside a 2 % margin."""
    g = graph(kind, estimator, n=2000)
    check = cross_check(g, simulate(g, T, R, seed=41, method="sufficient"), rel_tol=0.02)
    assert check.passed, [t.label for t in check.failures]


CUSTOM = [
    {"family": "custom", "params": ["q"], "theta": {"q": "3/10"}, "support": {"values": [0, 1]},
     "logpdf": "x*log(q) + (1 - x)*log(1 - q)"},
    {"family": "custom", "params": ["lam"], "theta": {"lam": 3}, "support": "integers",
     "logpdf": "x*log(lam) - lam - log(factorial(x))"},
    {"family": "custom", "params": ["r"], "theta": {"r": 2}, "support": "positive", "logpdf": "log(r) - r*x"},
    {"family": "custom", "params": ["mu", "v"], "theta": {"mu": 1, "v": 2}, "support": "real",
     "logpdf": "-(x - mu)**2/(2*v) - log(2*pi*v)/2"},
]


@pytest.mark.parametrize("kind, mixing", [("self_loop_real", "pooled"), ("chain", "weighted"),
                                          ("two_cycle", "pooled"), ("closed_feeds_real", "weighted")])
@pytest.mark.parametrize("estimator", CUSTOM, ids=["values", "integers", "positive", "real-2d"])
def test_custom_log_densities_hold_to_first_order(estimator, kind, mixing):
    """Inversion sampling and Newton fits of user-given densities, at n = 400 (3 % margin for O(t/n))."""
    g = graph(kind, estimator, mixing, n=400)
    check = cross_check(g, simulate(g, 8, 1000, seed=43), rel_tol=0.03)
    assert check.passed, [t.label for t in check.failures]
