"""Simulating schedules, modes and memory (issue 13) and cross-checking them against the exact theory."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import graphcollapse as gc
from graphcollapse.errors import UnsupportedError

TWO = {"models": [{"id": "A", "n": 10, "real": 1}, {"id": "B", "n": 10, "real": 1}]}
ALT = [{"name": "odd", "models": [{"id": "A", "real": 0}], "edges": [{"from": "B", "to": "A", "weight": 1}]},
       {"name": "even", "models": [{"id": "B", "real": 0}], "edges": [{"from": "A", "to": "B", "weight": 1}]}]
LOOP = {"models": [{"id": "A", "n": 4}, {"id": "B", "n": 4, "real": "1/2"}],
        "edges": [{"from": "A", "to": "A", "weight": 1}, {"from": "A", "to": "B", "weight": "1/2"}]}

SETTINGS = {
    "schedule": {**TWO, "schedule": {"period": ALT}},
    "growing samples": {**TWO, "schedule": {"period": ALT, "growth": {"kind": "polynomial", "power": 1}}},
    "iid modes": {**TWO, "modes": [dict(m, probability=p) for m, p in zip(ALT, ("1/3", "2/3"))]},
    "markov modes": {**TWO, "modes": ALT, "switching": {"transition": [["1/5", "4/5"], ["3/5", "2/5"]]}},
    "accumulate": {**LOOP, "memory": "accumulate"},
    "accumulate, real pool": {**LOOP, "memory": {"kind": "accumulate", "real": "pool"}},
    "window": {**LOOP, "memory": {"window": 2}},
    "window, real pool": {**LOOP, "memory": {"window": 2, "real": "pool"}},
    "replace, real pool": {**LOOP, "memory": {"real": "pool"}},
    "subsample": {**LOOP, "memory": {"subsample": 3}},
    "subsample, real pool": {**LOOP, "memory": {"subsample": 3, "real": "pool"}},
    "accumulate on a schedule": {**TWO, "schedule": {"period": ALT}, "memory": "accumulate"},
    "fixed-design OLS": {"estimator": {"family": "linear_regression", "d": 3},
                         "models": [{"id": "A", "n": 8}, {"id": "B", "n": 9}],
                         "edges": [{"from": "A", "to": "A", "weight": 1}, {"from": "A", "to": "B", "weight": 1}],
                         "memory": {"kind": "accumulate", "design": "fixed"}},
}


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_simulation_agrees_with_the_exact_theory(name):
    g = gc.from_dict(SETTINGS[name])
    for method, seed in (("sufficient", 11), ("samples", 12)):
        result = gc.simulate(g, generations=8, replications=1500, seed=seed, method=method)
        check = gc.cross_check(g, result)
        assert check.passed, [f.label for f in check.failures]


@pytest.mark.parametrize("wrong", [{"subsample": 3}, {"window": 3}, "accumulate"])
def test_the_check_rejects_another_memory(wrong):
    g = gc.from_dict({**LOOP, "memory": {"window": 2}})
    other = gc.System(gc.from_dict({**LOOP, "memory": wrong})).prediction(8)
    result = gc.simulate(g, generations=8, replications=3000, seed=5, method="sufficient")
    right = gc.System(g).prediction(8)
    assert not gc.cross_check(g, result, replace(right, trajectory=other.trajectory)).passed


@pytest.mark.parametrize("name", ["markov modes", "subsample", "window, real pool", "fixed-design OLS"])
def test_the_same_seed_gives_the_same_numbers_for_any_chunking(name):
    g = gc.from_dict(SETTINGS[name])
    a = gc.simulate(g, generations=5, replications=300, seed=9, method="sufficient", chunk_size=64, workers=1)
    b = gc.simulate(g, generations=5, replications=300, seed=9, method="sufficient", chunk_size=256, workers=2)
    assert np.array_equal(a.errors, b.errors)


def test_markov_alternation_collapses_in_simulation_too():
    g = gc.from_dict({**TWO, "modes": ALT, "switching": {"transition": [[0, 1], [1, 0]]}})
    result = gc.simulate(g, generations=20, replications=2000, seed=4, method="sufficient")
    check = gc.cross_check(g, result)
    assert check.passed
    assert check.fitted_slopes[0] > 0.03          # exact 1/20 per generation; the union rule says bounded


def test_what_the_simulator_does_not_keep_is_said():
    weighted = gc.from_dict({"mixing": "weighted", "models": [{"id": "A", "n": 4, "real": "1/2"}],
                             "edges": [{"from": "A", "to": "A", "weight": "1/2"}], "memory": "accumulate"})
    with pytest.raises(UnsupportedError, match="pooled"):
        gc.simulate(weighted, generations=2, replications=10)
    poisson = gc.from_dict({**LOOP, "estimator": {"family": "poisson", "theta": {"lambda": 2}}, "memory": {"subsample": 2}})
    with pytest.raises(UnsupportedError, match="gaussian_mean"):
        gc.simulate(poisson, generations=2, replications=10)


def test_accumulate_is_simulated_for_other_families_from_their_sufficient_statistics():
    # no exact recursion for Poisson under accumulate, but the simulator keeps the pooled counts
    g = gc.from_dict({**LOOP, "estimator": {"family": "poisson", "theta": {"lambda": 2}}, "memory": "accumulate"})
    result = gc.simulate(g, generations=6, replications=400, seed=1, method="sufficient")
    assert result.mean_error.shape == (7, 2) and np.all(np.isfinite(result.mean_error))
