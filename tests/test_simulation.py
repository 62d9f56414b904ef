"""The Monte Carlo simulator: exact known values, both paths agree in distribution, reproducibility."""

import numpy as np
import pytest
from scipy.stats import ks_2samp

from graphcollapse.errors import GraphCollapseError
from graphcollapse.graph import from_dict
from graphcollapse.simulation import simulate
from graphcollapse.simulation.engine.streams import BLOCK_SIZE


def self_loop(estimator, n=40, real="1/2", mixing="pooled", **model):
    return from_dict({"mixing": mixing, "estimator": estimator,
                      "models": [{"id": "A", "n": n, "real": real, **model}],
                      "edges": [{"from": "A", "to": "A", "weight": f"1 - {real}"}]})


def two_sources(estimator, mixing="pooled"):
    """B trains on real data and on A (pooled: 10 + 30 samples; weighted: 20 and 30); A on 30 real samples."""
    counts = {"pooled": ({}, {}), "weighted": ({"n_real": 20}, {"n": 30})}[mixing]
    return from_dict({"mixing": mixing, "estimator": estimator,
                      "models": [{"id": "A", "n": 30, "real": 1}, {"id": "B", "n": 40, "real": "1/4", **counts[0]}],
                      "edges": [{"from": "A", "to": "B", "weight": "3/4", **counts[1]}]})


FAMILIES = [
    {"family": "gaussian_mean", "d": 2, "sigma2": 3},
    {"family": "linear_regression", "d": 3, "sigma2": 2},
    {"family": "poisson", "theta": {"lambda": 3}},
    {"family": "bernoulli", "theta": {"p": "0.3"}},
    {"family": "exponential", "theta": {"rate": 2}},
    {"family": "gaussian", "theta": {"mu": 1, "sigma2": 2}},
]


@pytest.mark.parametrize("mixing", ["pooled", "weighted"])
@pytest.mark.parametrize("estimator", FAMILIES, ids=lambda e: e["family"])
def test_both_paths_agree_in_distribution(estimator, mixing):
    g = two_sources(estimator, mixing)
    samples = simulate(g, 3, 1500, seed=11, method="samples")
    sufficient = simulate(g, 3, 1500, seed=12, method="sufficient")
    for t, k in [(0, 0), (1, 1), (3, 1)]:
        p = ks_2samp(samples.errors[:, t, k], sufficient.errors[:, t, k]).pvalue
        assert p > 1e-3, (estimator["family"], mixing, t, k, p)


def test_pooled_ols_with_a_slot_smaller_than_d():
    """A pooled OLS fit may have sources with fewer than d samples: those are drawn sample by sample."""
    g = from_dict({"estimator": {"family": "linear_regression", "d": 4, "sigma2": 1},
                   "models": [{"id": "A", "n": 12, "n0": 30, "real": "1/6"}],
                   "edges": [{"from": "A", "to": "A", "weight": "5/6"}]})
    samples = simulate(g, 2, 2000, seed=1, method="samples")
    sufficient = simulate(g, 2, 2000, seed=2, method="sufficient")
    assert ks_2samp(samples.errors[:, 2, 0], sufficient.errors[:, 2, 0]).pvalue > 1e-3


@pytest.mark.parametrize("method", ["samples", "sufficient"])
@pytest.mark.parametrize("estimator, exact", [
    ({"family": "gaussian_mean", "d": 3, "sigma2": 2}, 3 * 2 / 25),
    ({"family": "linear_regression", "d": 3, "sigma2": 2}, 3 * 2 / (25 - 3 - 1)),
    ({"family": "poisson", "theta": {"lambda": 4}}, 4 / 25),
    ({"family": "bernoulli", "theta": {"p": "0.2"}}, 0.16 / 25),
    ({"family": "gaussian", "theta": {"mu": 0, "sigma2": 1}}, 1 / 25 + 2 * 24 / 25**2 + 1 / 25**2),
])
def test_generation_zero_has_the_exact_error(estimator, exact, method):
    """E_k(0) in closed form (the Gaussian variance MLE: Var = 2(n-1)σ⁴/n², bias² = σ⁴/n²)."""
    g = self_loop(estimator, n=25, real=1)
    r = simulate(g, 0, 20000, seed=3, method=method)
    assert abs(r.mean_error[0, 0] - exact) < 4.5 * r.stderr[0, 0]


@pytest.mark.parametrize("method", ["samples", "sufficient"])
def test_same_seed_same_numbers_for_any_chunk_size_and_threads(method):
    g = two_sources({"family": "linear_regression", "d": 2, "sigma2": 1})
    R = 3 * BLOCK_SIZE + 5
    reference = simulate(g, 4, R, seed=2024, method=method)
    for chunk, workers in ((1, 1), (1, 3), (BLOCK_SIZE, 2), (2 * BLOCK_SIZE + 1, 1), (10 * R, 2)):
        again = simulate(g, 4, R, seed=2024, method=method, chunk_size=chunk, workers=workers)
        assert np.array_equal(again.errors, reference.errors)
    assert not np.array_equal(simulate(g, 4, R, seed=2025, method=method).errors, reference.errors)
    assert reference.seed_entropy == 2024


def test_an_unseeded_run_can_be_repeated_from_its_entropy():
    g = self_loop({"family": "gaussian_mean"})
    first = simulate(g, 2, 50)
    assert np.array_equal(simulate(g, 2, 50, seed=first.seed_entropy).errors, first.errors)


def test_large_samples_are_drawn_in_pieces():
    """100,000 samples per fit go through the sample path in bounded pieces and still give σ² d / n."""
    g = self_loop({"family": "gaussian_mean", "d": 2, "sigma2": 1}, n=100_000, real=1)
    r = simulate(g, 0, 64, seed=5, method="samples")
    assert abs(r.mean_error[0, 0] - 2 / 100_000) < 4.5 * r.stderr[0, 0]


def test_result_shapes_and_model_order():
    g = from_dict({"models": [{"id": "Z", "n": 10, "real": 1}, {"id": "A", "n": 1000}],
                   "edges": [{"from": "Z", "to": "A", "weight": 1}]})
    r = simulate(g, 5, 70, seed=0, method="sufficient")
    assert r.errors.shape == (70, 6, 2) and r.mean_error.shape == r.stderr.shape == (6, 2)
    assert r.ids == ("Z", "A") and r.generations == 5 and r.replications == 70
    assert r.mean_error[0, 0] > r.mean_error[0, 1]          # Z fits on 10 samples, A on 1000
    np.testing.assert_allclose(r.stderr, r.errors.std(axis=0, ddof=1) / np.sqrt(70))


def test_progress_reports_every_generation_of_every_chunk():
    calls = []
    simulate(self_loop({"family": "gaussian_mean"}), 3, 2 * BLOCK_SIZE, seed=0, chunk_size=BLOCK_SIZE,
             progress=lambda done, total: calls.append((done, total)), workers=2)
    assert calls == [(i, 8) for i in range(1, 9)]


@pytest.mark.parametrize("graph, message", [
    (self_loop({"family": "gaussian_mean"}, n=3, real="1/2"), "not a whole number of samples"),
    (self_loop({"family": "linear_regression", "d": 5}, n=6, real=1), r"needs at least d \+ 2 = 7 samples"),
    (self_loop({"family": "generic", "noise": 1}), "no sampler for the family 'generic'"),
    (self_loop({"family": "poisson"}), "give the true parameter"),
    (self_loop({"family": "bernoulli", "theta": {"p": 2}}), "outside its range"),
])
def test_bad_input_is_one_clear_error(graph, message):
    with pytest.raises(GraphCollapseError, match=message):
        simulate(graph, 2, 10)


@pytest.mark.parametrize("n, real", [(10, "a"), ("a", "1/2")])
def test_symbolic_graphs_are_rejected(n, real):
    g = from_dict({"symbols": ["a"], "models": [{"id": "A", "n": n, "real": real}],
                   "edges": [{"from": "A", "to": "A", "weight": f"1 - ({real})"}]})
    with pytest.raises(GraphCollapseError, match="substitute numbers"):
        simulate(g, 2, 10)


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "exact"}, "method must be"), ({"generations": -1}, "generations must be"),
    ({"replications": 0}, "replications must be"), ({"chunk_size": 0}, "chunk_size must be"),
    ({"workers": 0}, "workers must be"),
])
def test_bad_arguments(kwargs, message):
    args = {"generations": 2, "replications": 10, **kwargs}
    with pytest.raises(GraphCollapseError, match=message):
        simulate(self_loop({"family": "gaussian_mean"}), **args)


def multi_source(sigma2=None, d=3, n=24):
    """Four models; k trains on k-1 and k+1; models 0 and 2 also on real data (1/4 + 3/8 + 3/8, else 1/2 + 1/2)."""
    models = [{"id": str(k), "n": n, **({"real": "1/4"} if k % 2 == 0 else {}),
               **({"sigma2": sigma2[k]} if sigma2 else {})} for k in range(4)]
    edges = [{"from": str(j), "to": str(k), "weight": "3/8" if k % 2 == 0 else "1/2"}
             for k in range(4) for j in ((k - 1) % 4, (k + 1) % 4)]
    return from_dict({"mixing": "pooled", "estimator": {"family": "linear_regression", "d": d, "sigma2": 1},
                      "models": models, "edges": edges})


@pytest.mark.parametrize("sigma2", [None, [1, 3, "1/2", 2]], ids=["shared noise", "noise per source"])
def test_pooled_ols_with_several_sources_has_the_exact_mean_error(sigma2):
    """Pooled fits of two or three slots (drawn by pooled_fits) against the exact finite-sample recursion."""
    from graphcollapse.system import System

    g = multi_source(sigma2)
    exact = System(g).trajectory(3)
    r = simulate(g, 3, 6000, seed=7, method="sufficient")
    for t in (1, 3):
        for k in range(4):
            assert abs(r.mean_error[t, k] - float(exact[t][k])) < 4.5 * r.stderr[t, k], (t, k)


def test_pooled_ols_with_several_sources_both_paths_agree():
    g = multi_source([1, 3, "1/2", 2])
    samples = simulate(g, 2, 1500, seed=11, method="samples")
    sufficient = simulate(g, 2, 1500, seed=12, method="sufficient")
    for k in range(4):
        assert ks_2samp(samples.errors[:, 2, k], sufficient.errors[:, 2, k]).pvalue > 1e-3


def test_spd_solve_matches_numpy():
    from graphcollapse.simulation.numerics.smallspd import column, packed, spd_solve

    rng = np.random.default_rng(3)
    for d in (1, 2, 5, 9):
        X = rng.standard_normal((6, d + 4, d))
        G = X.transpose(0, 2, 1) @ X
        h, w = rng.standard_normal((6, d)), rng.standard_normal((6, d))
        L = np.linalg.cholesky(G)
        expected = np.linalg.solve(G, (h + (L @ w[..., None])[..., 0])[..., None])[..., 0]
        lower = np.concatenate([G[:, b:, b].T for b in range(d)])
        assert [packed(a, b, d) for b in range(d) for a in range(b, d)] == list(range(d * (d + 1) // 2))
        assert all(np.array_equal(lower[column(b, d)].T, G[:, b:, b]) for b in range(d))
        np.testing.assert_allclose(spd_solve(lower, h.T, w.T).T, expected, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(spd_solve(lower, h.T).T, np.linalg.solve(G, h[..., None])[..., 0],
                                   rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("d", [3, 5])
def test_rotated_bartlett_fits_have_the_law_of_the_per_slot_fits(d):
    """The rotated draw of pooled fits (one noise level per model) against the per-slot Bartlett draw.

    Every replication fits the same sources, so the fits are i.i.d.: each coordinate of β̂ and its
    projection on a source (direction-dependent, unlike the error) must have one law on both paths.
    """
    from graphcollapse.simulation.engine.plan import make_plan
    from graphcollapse.simulation.engine.streams import BlockStreams, root_seed
    from graphcollapse.simulation.kernels.linear_regression import OLSKernel

    plan = make_plan(multi_source(d=d, n=8 * d))
    layout, R = plan.step, 4096
    kernel = OLSKernel(plan)
    shape = kernel._pooled_shape(layout)
    assert shape.rotated is not None and {g.r for g in shape.rotated} == {2}
    theta = np.random.default_rng(5).standard_normal((plan.K, d)) * np.arange(1, d + 1)
    sources = np.broadcast_to(theta[np.maximum(layout.source, 0)], (R, layout.S, d)).copy()
    sources[:, layout.is_real] = 0.0
    rotated = kernel.pooled_fits(BlockStreams.for_blocks(root_seed(1), range(R // 64), R), sources, layout)
    saved, shape.rotated = shape.rotated, None
    try:
        plain = kernel.pooled_fits(BlockStreams.for_blocks(root_seed(2), range(R // 64), R), sources, layout)
    finally:
        shape.rotated = saved
    models = layout.shared[0]
    for i, k in enumerate(models.tolist()):
        slot = next(s for s in range(layout.S) if layout.model[s] == k and not layout.is_real[s])
        first = theta[layout.source[slot]]
        for c in range(d):
            assert ks_2samp(rotated[:, i, c], plain[:, i, c]).pvalue > 1e-4, (k, c)
        assert ks_2samp(rotated[:, i] @ first, plain[:, i] @ first).pvalue > 1e-4, k
        np.testing.assert_allclose(rotated[:, i].var(axis=0), plain[:, i].var(axis=0), rtol=0.2)


def test_rotated_bartlett_both_paths_agree_on_the_whole_process():
    """Shared noise (the rotated draw) against the sample path, and the mean error against the exact value."""
    from graphcollapse.system import System

    g = multi_source(d=4, n=16)
    samples = simulate(g, 3, 2000, seed=21, method="samples")
    sufficient = simulate(g, 3, 2000, seed=22, method="sufficient")
    exact = System(g).trajectory(3)
    for k in range(4):
        assert ks_2samp(samples.errors[:, 3, k], sufficient.errors[:, 3, k]).pvalue > 1e-3, k
        for r in (samples, sufficient):
            assert abs(r.mean_error[3, k] - float(exact[3][k])) < 4.5 * r.stderr[3, k], k
        var = [r.errors[:, 3, k].var() for r in (samples, sufficient)]
        assert abs(var[0] - var[1]) < 0.25 * max(var), (k, var)
