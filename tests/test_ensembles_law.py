"""The K → ∞ law: two routes to it agree, and estimates from two implementations agree with it.

The statistical checks use fixed seeds (deterministic) and 99.9 % intervals,
so a correct implementation passes always and a wrong law or generator
(e.g. self-loops forgotten: the ER probability drops from 0.18 to 0.03)
fails by many standard errors.
"""

import math

import networkx as nx
import numpy as np
import pytest

from graphcollapse.ensembles import Design, draw_sample, erdos_renyi_closed_form, estimate, law
from graphcollapse.ensembles.intervals import wilson

LEVEL = 0.999


@pytest.mark.parametrize("loops", [True, False])
@pytest.mark.parametrize("c", [0.5, 1.0, 1.5, 2.0, 3.0, 5.0])
@pytest.mark.parametrize("p", [0.0, 0.3, 0.7])
def test_general_law_equals_the_erdos_renyi_closed_form(c, p, loops):
    general = law("erdos_renyi", {"c": c, "loops": loops}, "random", p)
    p_macro, theta = erdos_renyi_closed_form(c, p, loops)
    assert general.p_macro == pytest.approx(p_macro, abs=1e-10)
    assert general.phi == pytest.approx(theta, abs=1e-10)
    assert theta == pytest.approx(1 - math.exp(-c * theta), abs=1e-12)
    assert general.mean_fraction == pytest.approx(p_macro * theta, abs=1e-10)
    x = c * math.exp(-c) * (1 - p)
    assert general.mean_closed == pytest.approx(-math.log1p(-x) - (0 if loops else x), abs=1e-12)
    if c <= 1:
        assert general.p_macro == 0 and general.phi == 0


@pytest.mark.parametrize("p", [0.0, 0.2, 0.6])
def test_poisson_configuration_model_has_the_erdos_renyi_law(p):
    er = law("erdos_renyi", {"c": 2.5}, "random", p)
    cm = law("configuration", {"c": 2.5, "in_law": "poisson", "out_law": "poisson", "gamma": 2.5, "loops": True},
             "random", p)
    assert (cm.p_macro, cm.phi, cm.mean_closed) == pytest.approx((er.p_macro, er.phi, er.mean_closed), abs=1e-10)


def test_top_in_degree_rule_never_reaches_models_with_one_source_at_small_p():
    # P(in-degree >= 2) = 1 - 3e^{-2} = 0.59 > 0.3: real data goes to models with two or more sources only.
    top = law("erdos_renyi", {"c": 2.0}, "top-in", 0.3)
    none = law("erdos_renyi", {"c": 2.0}, "random", 0.0)
    assert top.p_macro == pytest.approx(none.p_macro, abs=1e-12)
    assert law("erdos_renyi", {"c": 2.0}, "top-in", 0.9).p_macro < none.p_macro


def test_laws_that_are_not_derived_say_why():
    for name, params in (("preferential_attachment", {"m": 2}), ("small_world", {"k": 4, "beta": 0.1})):
        result = law(name, params, "random", 0.1)
        assert not result.derived and "not derived" in result.reason
    assert not law("erdos_renyi", {"c": 2.0}, "set", None).derived


def test_no_real_data_and_no_sourceless_model_means_everyone_collapses():
    result = law("in_regular", {"d": 2}, "random", 0.0)
    assert (result.p_macro, result.phi) == (1.0, 1.0)
    stats = draw_sample(Design("in_regular", {"d": 2}, 3000, real_fraction=0.0), 0)
    assert stats.fraction == 1.0  # exact for every K, not only asymptotically


POINTS = [
    ("erdos_renyi", {"c": 2.0}, "random", 0.2),
    ("erdos_renyi", {"c": 3.0, "loops": False}, "random", 0.0),
    ("erdos_renyi", {"c": 2.0}, "top-out", 0.2),
    ("out_regular", {"d": 2}, "random", 0.3),
    ("configuration", {"c": 2.0, "in_law": "geometric", "out_law": "poisson"}, "random", 0.2),
]


@pytest.mark.parametrize("name, params, rule, p", POINTS)
def test_estimates_agree_with_the_law(name, params, rule, p):
    e = estimate(name, 4000, params=params, real_rule=rule, real_fraction=p, samples=400, workers=1, seed=11,
                 confidence=LEVEL)
    prediction = e.law
    assert e.p_macro.contains(prediction.p_macro), (e.p_macro, prediction.p_macro)
    assert e.closed_count.contains(prediction.mean_closed), (e.closed_count, prediction.mean_closed)
    if e.fraction_given_macro.low is not None and prediction.p_macro > 0.02:
        # Finite K: the downstream set fluctuates by about sqrt(phi (1 - phi) / K) per sample.
        slack = 3 * math.sqrt(prediction.phi * (1 - prediction.phi) / 4000)
        assert e.fraction_given_macro.low - slack <= prediction.phi <= e.fraction_given_macro.high + slack


def _independent_er_sample(rng, K, c, p):
    """An independent implementation: a dense Bernoulli matrix, networkx components, Theorem A by hand."""
    flow = rng.random((K, K)) < c / K  # flow[j, k]: k trains on j; self-loops included
    G = nx.from_numpy_array(flow.astype(np.int8), create_using=nx.DiGraph)
    real = np.zeros(K, dtype=bool)
    real[rng.choice(K, size=int(round(p * K)), replace=False)] = True
    real |= ~flow.any(axis=0)  # no source: real data only
    collapsing = set()
    for comp in nx.strongly_connected_components(G):
        members = list(comp)
        if real[members].any() or any(u not in comp for v in members for u in G.predecessors(v)):
            continue
        collapsing |= comp
        for v in members:
            collapsing |= nx.descendants(G, v)
    return len(collapsing) / K


def test_two_implementations_agree_on_the_collapse_distribution():
    K, c, p, samples, threshold = 500, 2.0, 0.1, 200, 0.1  # at K = 500, 1 % would be only 5 models
    rng = np.random.default_rng(12)
    theirs = np.array([_independent_er_sample(rng, K, c, p) for _ in range(samples)])
    ours = estimate("er", K, params={"c": c}, real_fraction=p, samples=samples, workers=1, seed=12,
                    confidence=LEVEL, threshold=threshold)
    their_macro = int((theirs >= threshold).sum())
    # Two-sample comparison of the probability of macroscopic collapse (pooled z-test at 99.9 %).
    a, b = ours.p_macro.estimate, their_macro / samples
    pooled = (a + b) / 2
    assert abs(a - b) < 3.29 * math.sqrt(2 * pooled * (1 - pooled) / samples)
    # Their estimate lies in our interval widened by their own standard error, and vice versa for the law.
    theirs_iv = wilson(their_macro, samples, LEVEL)
    assert theirs_iv.contains(ours.law.p_macro) and ours.p_macro.contains(ours.law.p_macro)
    macro = theirs[theirs >= threshold]
    assert abs(macro.mean() - ours.fraction_given_macro.estimate) < 0.03


@pytest.mark.slow
@pytest.mark.parametrize("c, p", [(2.0, 0.0), (3.0, 0.3)])
def test_estimates_agree_with_the_law_at_a_hundred_thousand_models(c, p):
    e = estimate("er", 100_000, params={"c": c}, real_fraction=p, samples=300, seed=13, confidence=LEVEL)
    assert e.p_macro.contains(e.law.p_macro) and e.closed_count.contains(e.law.mean_closed)
    assert e.fraction_given_macro.contains(e.law.phi)
