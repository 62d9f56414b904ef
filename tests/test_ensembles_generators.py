"""The generators draw the graphs they claim: exact structure, and distributions checked with fixed seeds.

Statistical checks use a fixed seed (so they are deterministic) and bounds of
five standard errors around the value computed by hand; a generator that
drew from the wrong law would miss them by far more.
"""

import itertools
from collections import Counter

import numpy as np
import pytest

from graphcollapse.ensembles import ENSEMBLES, resolve
from graphcollapse.ensembles.attachment import preferential_attachment
from graphcollapse.ensembles.degrees import degree_law
from graphcollapse.ensembles.generators import configuration, erdos_renyi, in_regular, out_regular, small_world
from graphcollapse.errors import InputError


def _pairs(g):
    return list(zip(g.sources.tolist(), g.indices.tolist()))


def _frequencies(draw, K, trials):
    counts = np.zeros((K, K))
    for _ in range(trials):
        g = draw()
        counts[g.sources, g.indices] += 1
    return counts / trials


def test_erdos_renyi_pairs_are_independent_with_probability_c_over_k():
    rng = np.random.default_rng(1)
    K, c, trials = 5, 2.0, 4000
    joint = 0
    counts = np.zeros((K, K))
    for _ in range(trials):
        g = erdos_renyi(K, rng, c=c)
        present = np.zeros((K, K), dtype=bool)
        present[g.sources, g.indices] = True
        counts += present
        joint += present[0, 1] and present[1, 0]
    p, se = c / K, np.sqrt(c / K * (1 - c / K) / trials)
    assert np.all(np.abs(counts / trials - p) < 5 * se)  # every ordered pair, self-loops included
    assert abs(joint / trials - p * p) < 5 * np.sqrt(p * p * (1 - p * p) / trials)


def test_erdos_renyi_structure_and_edge_count():
    rng = np.random.default_rng(2)
    K, c = 20_000, 3.0
    counts = []
    for loops in (True, False):
        g = erdos_renyi(K, rng, c=c, loops=loops)
        keys = g.sources.astype(np.int64) * K + g.indices
        assert np.all(np.diff(keys) > 0)  # sorted, no duplicates
        assert bool((g.sources == g.indices).any()) == loops or not loops
        if not loops:
            assert not (g.sources == g.indices).any()
        counts.append(g.edges)
    pairs = K * K
    assert abs(counts[0] - c * K) < 5 * np.sqrt(pairs * (c / K) * (1 - c / K))


def test_in_and_out_regular_degrees_and_uniform_sets():
    rng = np.random.default_rng(3)
    g = in_regular(200, rng, d=4, loops=False)
    assert set(g.in_degree.tolist()) == {4} and not (g.sources == g.indices).any()
    assert len(set(_pairs(g))) == g.edges
    h = out_regular(200, rng, d=3)
    assert set(h.out_degree.tolist()) == {3} and len(set(_pairs(h))) == h.edges
    # Model 0's source set is uniform over the C(4, 2) = 6 pairs of other models.
    seen = Counter()
    trials = 3000
    for _ in range(trials):
        g = in_regular(5, rng, d=2, loops=False)
        seen[tuple(sorted(g.sources[g.indices == 0].tolist()))] += 1
    assert set(seen) == set(itertools.combinations(range(1, 5), 2))
    assert all(abs(n / trials - 1 / 6) < 5 * np.sqrt(1 / 6 * 5 / 6 / trials) for n in seen.values())


def test_configuration_keeps_given_degrees_up_to_erased_edges():
    rng = np.random.default_rng(4)
    K = 3000
    a = rng.integers(0, 5, K)
    b = rng.permutation(a)
    g = configuration(K, rng, in_degrees=a, out_degrees=b, loops=True)
    assert np.all(g.in_degree <= a) and np.all(g.out_degree <= b)
    assert a.sum() - g.edges < 20  # parallel edges are rare at these degrees
    with pytest.raises(InputError, match="sum to"):
        configuration(3, rng, in_degrees=np.array([1, 0, 0]), out_degrees=np.array([0, 0, 0]))


def test_configuration_with_laws_has_the_law_s_degree_distribution():
    rng = np.random.default_rng(5)
    K = 50_000
    law = degree_law("geometric", 2.0)
    g = configuration(K, rng, in_law=law, out_law=degree_law("poisson", 2.0))
    observed = np.bincount(g.in_degree, minlength=6)[:6] / K
    expected = law.pmf(50)[:6]
    assert np.all(np.abs(observed - expected) < 5 * np.sqrt(expected / K) + 2e-3)  # + erased edges


def test_powerlaw_degrees_have_the_requested_mean_and_heavy_tail():
    law = degree_law("powerlaw", 3.0, gamma=2.5)
    sample = law.sample(np.random.default_rng(6), 10**6)
    assert abs(sample.mean() - 3.0) < 0.1 and sample.max() > 1000
    with pytest.raises(InputError, match="gamma must exceed 2"):
        degree_law("powerlaw", 3.0, gamma=2.0)


def test_small_world_without_rewiring_is_the_ring_lattice():
    g = small_world(10, np.random.default_rng(7), k=4, beta=0.0)
    assert sorted(g.sources[g.indices == 0].tolist()) == [1, 2, 8, 9]
    rewired = small_world(1000, np.random.default_rng(7), k=4, beta=0.3, rewire="target")
    assert set(rewired.out_degree.tolist()) <= {1, 2, 3, 4} and rewired.in_degree.std() > 0.5


def test_preferential_attachment_choice_probabilities_by_hand():
    # K = 4, m = 1, delta = 1, no reversal: 1 -> 0; 2 picks 0 or 1 with (1+1)/4 each; 3 picks 0 with
    # probability 1/2 * 3/7 + 1/2 * 2/7 = 5/14 (weights deg + 1 over total 2 * 2 links + 3 models).
    rng = np.random.default_rng(8)
    trials = 8000
    hits = 0
    for _ in range(trials):
        g = preferential_attachment(4, rng, m=1, delta=1.0, reverse=0.0)
        hits += 3 in g.indices[g.sources == 0].tolist()
    assert abs(hits / trials - 5 / 14) < 5 * np.sqrt(5 / 14 * 9 / 14 / trials)


def test_preferential_attachment_is_a_dag_without_reversal_and_has_hubs():
    g = preferential_attachment(20_000, np.random.default_rng(9), m=2, reverse=0.0)
    assert bool((g.sources < g.indices).all())
    assert g.out_degree.max() > 100 and g.in_degree.max() <= 2


@pytest.mark.parametrize("name", ENSEMBLES)
def test_every_ensemble_draws_reproducibly(name):
    defaults = {"erdos_renyi": {"c": 2}, "in_regular": {"d": 2}, "out_regular": {"d": 2}}.get(name, {})
    ensemble, params = resolve(name, defaults)
    a = ensemble.draw(500, np.random.default_rng(10), params)
    b = ensemble.draw(500, np.random.default_rng(10), params)
    assert a.K == 500 and np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)


@pytest.mark.parametrize("name, params, message", [
    ("er", {}, "parameter 'c' is required"),
    ("er", {"c": -1}, "must lie in"),
    ("in_regular", {"d": 2.5}, "expected an integer"),
    ("configuration", {"in_law": "zipf"}, "expected one of"),
    ("small_world", {"beta": 2}, "beta must lie"),
    ("pa", {"reverse": 1.5}, "reverse must lie"),
])
def test_bad_parameters_are_one_line(name, params, message):
    with pytest.raises(InputError, match=message) as err:
        ensemble, full = resolve(name, params)
        ensemble.draw(100, np.random.default_rng(0), full)
    assert "\n" not in str(err.value)
