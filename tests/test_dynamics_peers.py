"""The peers' settings, simulated the way their papers describe them, against graphcollapse's exact values.

Gerstgrasser et al. (2024) and KoyejoLab's Collapse-or-Thrive fit linear
regression on a design ``X`` (``n x d``, Gaussian rows) drawn once and reused:
each iteration draws labels ``y = X ŵ_prev + σ ε`` from the previous fit, and
the next fit is least squares on the *replaced* labels, or on *all* labels so
far (``X`` stacked once per iteration: accumulate).  The loops below are
written from that description (not from either code base), vectorised over
replications, and compared with the exact excess risk within Monte Carlo error.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import graphcollapse as gc

R = sympy.Rational


def peer_linear_regression(setting, n, d, sigma2, iterations, replications, seed):
    """Mean squared error ``‖ŵ_t − w*‖²`` per iteration (iteration 0: the fit on real data)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((replications, n, d))
    w_star = rng.standard_normal((replications, d))
    XtX = np.einsum("rnd,rne->rde", X, X)
    labels = np.einsum("rnd,rd->rn", X, w_star) + np.sqrt(sigma2) * rng.standard_normal((replications, n))
    stacked = [labels]
    errors = []
    for _ in range(iterations + 1):
        if setting == "accumulate":   # least squares on every (X, y) pair so far: X repeated
            rhs = sum(np.einsum("rnd,rn->rd", X, y) for y in stacked)
            w = np.linalg.solve(len(stacked) * XtX, rhs[..., None])[..., 0]
        else:
            w = np.linalg.solve(XtX, np.einsum("rnd,rn->rd", X, stacked[-1])[..., None])[..., 0]
        errors.append(np.square(w - w_star).sum(axis=1))
        new = np.einsum("rnd,rd->rn", X, w) + np.sqrt(sigma2) * rng.standard_normal((replications, n))
        stacked.append(new)
    return np.array(errors).T   # (replications, iterations + 1)


@pytest.mark.parametrize("setting", ["accumulate", "replace"])
def test_the_peers_linear_regression_against_the_exact_values(setting):
    n, d, sigma2, T = 12, 3, 2, 6
    g = gc.from_dict({"estimator": {"family": "linear_regression", "d": d, "sigma2": sigma2},
                      "models": [{"id": "A", "n": n}], "edges": [{"from": "A", "to": "A", "weight": 1}],
                      "memory": {"kind": setting, "design": "fixed"}})
    exact = [float(row[0]) for row in gc.System(g).trajectory(T)]
    v = sigma2 * d / (n - d - 1)
    if setting == "accumulate":
        assert exact == pytest.approx([v * sum(1 / i**2 for i in range(1, t + 2)) for t in range(T + 1)], rel=1e-12)
    else:
        assert exact == pytest.approx([v * (t + 1) for t in range(T + 1)], rel=1e-12)
    draws = peer_linear_regression(setting, n, d, sigma2, T, replications=6000, seed=2024)
    mean, se = draws.mean(axis=0), draws.std(axis=0, ddof=1) / np.sqrt(draws.shape[0])
    assert np.all(np.abs(mean - exact) < 4.5 * se), (mean, exact, se)


def peer_gaussian_mean(setting, n, sigma2, iterations, replications, seed, subsample=None):
    """Sample means refitted on replaced / accumulated / subsampled-accumulated data (one model, no real data)."""
    rng = np.random.default_rng(seed)
    data = np.sqrt(sigma2) * rng.standard_normal((replications, n))
    errors = []
    for _ in range(iterations + 1):
        if subsample is not None and data.shape[1] > subsample:
            keys = rng.random(data.shape)
            chosen = np.argsort(keys, axis=1)[:, :subsample]
            mean = np.take_along_axis(data, chosen, axis=1).mean(axis=1)
        else:
            mean = data.mean(axis=1)
        errors.append(mean ** 2)
        new = mean[:, None] + np.sqrt(sigma2) * rng.standard_normal((replications, n))
        data = new if setting == "replace" else np.concatenate([data, new], axis=1)
    return np.array(errors).T


@pytest.mark.parametrize("memory, setting, subsample", [("replace", "replace", None), ("accumulate", "accumulate", None),
                                                         ({"subsample": 5}, "accumulate", 5)])
def test_replace_accumulate_and_accumulate_subsample_of_a_mean(memory, setting, subsample):
    n, T = 5, 6
    g = gc.from_dict({"models": [{"id": "A", "n": n}], "edges": [{"from": "A", "to": "A", "weight": 1}],
                      "memory": memory})
    exact = np.array([float(row[0]) for row in gc.System(g).trajectory(T)])
    draws = peer_gaussian_mean(setting, n, 1.0, T, replications=20000, seed=7, subsample=subsample)
    mean, se = draws.mean(axis=0), draws.std(axis=0, ddof=1) / np.sqrt(draws.shape[0])
    assert np.all(np.abs(mean - exact) < 4.5 * se), (mean, exact, se)
