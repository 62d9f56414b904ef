"""The general M-estimator simulator: inversion sampling, vectorised fits, custom log-densities and losses."""

import numpy as np
import pytest
from scipy import stats
from scipy.special import gammaln

from graphcollapse.errors import GraphCollapseError
from graphcollapse.graph import from_dict
from graphcollapse.simulation import simulate
from graphcollapse.system import cross_check, predict
from graphcollapse.simulation.kernels.general_m import LossKernel
from graphcollapse.simulation.numerics.inversion import invert_interval, invert_table
from graphcollapse.simulation.kernels.base import kernel_for
from graphcollapse.simulation.kernels.m_estimators import PoissonKernel
from graphcollapse.simulation.numerics.mfit import fit_rows
from graphcollapse.simulation.engine.plan import make_plan
from graphcollapse.simulation.engine.streams import BLOCK_SIZE


def column(theta, x):
    return theta[:, 0].reshape((-1,) + (1,) * (x.ndim - 1))


def gumbel(x, theta):
    d = x - column(theta, x)
    return -d - np.exp(-d)


def exponential(x, theta):
    return np.log(column(theta, x)) - column(theta, x) * x


def poisson(k, theta):
    lam = column(theta, k)
    return k * np.log(lam) - lam - gammaln(k + 1)


RNG = np.random.default_rng(20261127)
U = RNG.random((40, 500))


# ------------------------------------------------------------------ inversion
def test_real_line_inversion_solves_F_of_x_equals_u():
    theta = 1 + RNG.normal(0, 0.3, (40, 1))
    x = invert_interval(gumbel, theta, U, -np.inf, np.inf, centre=1.4, scale=1.6, where="gumbel")
    assert np.abs(stats.gumbel_r.cdf(x, loc=theta) - U).max() < 1e-12


def test_half_line_inversion_with_a_poor_scale():
    """A scale 10 times too large still resolves; 100 times too small falls back to SciPy (u-error 1e-10)."""
    theta = 2 + RNG.normal(0, 0.2, (40, 1))
    x = invert_interval(exponential, theta, U, 0.0, np.inf, centre=3.5, scale=5.5, where="exp")
    assert np.abs(stats.expon.cdf(x * theta) - U).max() < 1e-12
    x = invert_interval(exponential, theta[:3], U[:3], 0.0, np.inf, centre=0.0035, scale=0.0055, where="exp")
    assert np.abs(stats.expon.cdf(x * theta[:3]) - U[:3]).max() < 1e-10


def test_bounded_interval_inversion():
    """Density 2x on [0, 1]: F(x) = x², so x = sqrt(u)."""
    x = invert_interval(lambda x, th: np.log(2 * x) + 0 * column(th, x), np.ones((40, 1)), U, 0.0, 1.0,
                        where="triangle")
    np.testing.assert_allclose(x, np.sqrt(U), rtol=0, atol=1e-12)


def test_rows_the_quadrature_cannot_resolve_use_scipy():
    """A density 10⁶ times narrower than the map's scale: the row falls back to SciPy's inversion."""
    theta = np.array([[1e6], [2.0]])
    x = invert_interval(exponential, theta, U[:2], 0.0, np.inf, centre=0.35, scale=0.5, where="exp")
    np.testing.assert_allclose(stats.expon.cdf(x * theta), U[:2], rtol=0, atol=1e-9)


def test_integer_inversion_is_the_poisson_quantile():
    lam = np.array([[0.5], [3.0], [40.0], [400.0]])
    k = invert_table(poisson, lam, U[:4], lo=0.0, where="poisson")
    np.testing.assert_array_equal(k, stats.poisson.ppf(U[:4], lam))


def test_finite_support_inversion():
    values = np.array([-1.0, 0.0, 2.0])
    logp = lambda v, th: np.log(np.array([0.2, 0.5, 0.3]))[(v == 0) + 2 * (v == 2)] + 0 * column(th, v)
    x = invert_table(logp, np.zeros((1, 1)), np.array([[0.1, 0.2, 0.69, 0.7, 0.99]]), values=values, where="t")
    assert x.tolist() == [[-1.0, 0.0, 0.0, 2.0, 2.0]]


def test_a_density_not_normalised_off_the_truth_is_an_error():
    unnormalised = lambda v, th: np.log(column(th, v)) * v + np.log(0.5) * (1 - v)  # mass q + 1/2
    with pytest.raises(GraphCollapseError, match=r"total mass 1\.2.*normalised for every parameter"):
        invert_table(unnormalised, np.array([[0.5], [0.7]]), U[:2], values=np.array([0.0, 1.0]), where="'c'")


# -------------------------------------------------------------------- fits
def test_newton_fits_each_row_with_its_mask():
    """Exponential rate MLE: 1 / mean over each row's own samples."""
    x = RNG.exponential(0.5, (30, 50))
    mask = np.arange(50) < RNG.integers(5, 51, 30)[:, None]

    def loss(x, theta):
        r = column(theta, x)
        return r * x - np.log(r), (x - 1 / r)[..., None], (1 / r**2 + 0 * x)[..., None, None]

    fit = fit_rows(loss, x, np.full((30, 1), 2.0), mask=mask, where="exp")
    np.testing.assert_allclose(fit[:, 0], mask.sum(1) / np.where(mask, x, 0).sum(1), rtol=1e-9)


def test_a_kinked_loss_falls_back_to_nelder_mead():
    """|x - m| has no curvature: Newton cannot step, Nelder–Mead finds the median."""
    x = RNG.normal(size=(3, 11))

    def loss(x, theta):
        d = x - column(theta, x)
        return np.abs(d), -np.sign(d)[..., None], np.zeros(x.shape + (1, 1))

    fit = fit_rows(loss, x, np.zeros((3, 1)), where="median")
    np.testing.assert_allclose(fit[:, 0], np.median(x, axis=1), atol=1e-8)


def test_a_loss_without_minimiser_is_an_error():
    """θ x with x > 0 decreases without bound."""
    def loss(x, theta):
        return column(theta, x) * x, x[..., None], np.zeros(x.shape + (1, 1))

    with pytest.raises(GraphCollapseError, match="estimator 'linear': the fit has no minimiser"):
        fit_rows(loss, np.ones((2, 3)), np.zeros((2, 1)), where="'linear'")


# ----------------------------------------------------------------- kernels
def one_model(estimator, n=50):
    return from_dict({"estimator": estimator, "models": [{"id": "A", "n": n, "real": 1}], "edges": []})


CUSTOM_BERNOULLI = {"family": "custom", "params": ["q"], "theta": {"q": "1/5"},
                    "logpdf": "x*log(q) + (1 - x)*log(1 - q)", "support": {"values": [0, 1]}}


def test_routing_custom_and_losses():
    assert isinstance(kernel_for(make_plan(one_model(CUSTOM_BERNOULLI))), LossKernel)
    assert isinstance(kernel_for(make_plan(one_model({"family": "poisson", "theta": {"lambda": 2}}))), PoissonKernel)
    with_loss = {"family": "poisson", "theta": {"lambda": 2}, "loss": "(lambda_ - x)**2/2"}
    assert isinstance(kernel_for(make_plan(one_model(with_loss))), LossKernel)


@pytest.mark.parametrize("estimator, exact", [
    (CUSTOM_BERNOULLI, 0.16 / 50),
    ({"family": "custom", "params": ["lam"], "theta": {"lam": 4}, "support": "integers",
      "logpdf": "x*log(lam) - lam - log(factorial(x))"}, 4 / 50),
    ({"family": "poisson", "theta": {"lambda": 4}, "loss": "(lambda_ - x)**2/2"}, 4 / 50),
])
def test_generation_zero_has_the_exact_error(estimator, exact):
    """Sample means in disguise: E(0) = Var(x)/n exactly."""
    r = simulate(one_model(estimator), 0, 20000, seed=8)
    assert abs(r.mean_error[0, 0] - exact) < 4.5 * r.stderr[0, 0]


def test_custom_matches_the_built_in_in_distribution():
    """Custom exponential (inversion + Newton) against the built-in (gamma sums, closed-form MLE)."""
    g_custom = one_model({"family": "custom", "params": ["r"], "theta": {"r": 2}, "logpdf": "log(r) - r*x",
                          "support": "positive"}, n=30)
    g_built = one_model({"family": "exponential", "theta": {"rate": 2}}, n=30)
    a, b = simulate(g_custom, 0, 4000, seed=1), simulate(g_built, 0, 4000, seed=2, method="sufficient")
    assert stats.ks_2samp(a.errors[:, 0, 0], b.errors[:, 0, 0]).pvalue > 1e-3


def test_same_seed_same_numbers_for_any_chunk_size():
    g = from_dict({"estimator": {"family": "custom", "params": ["r"], "theta": {"r": 2}, "logpdf": "log(r) - r*x",
                                 "support": "positive"},
                   "models": [{"id": "A", "n": 20, "real": "1/2"}],
                   "edges": [{"from": "A", "to": "A", "weight": "1/2"}]})
    R = 2 * BLOCK_SIZE + 3
    reference = simulate(g, 3, R, seed=99)
    again = simulate(g, 3, R, seed=99, chunk_size=1, workers=1)
    np.testing.assert_allclose(again.errors, reference.errors, rtol=1e-12, atol=0)
    sufficient = simulate(g, 3, R, seed=99, method="sufficient")     # no sufficient statistics: samples
    assert sufficient.method == "samples" and np.array_equal(sufficient.errors, reference.errors)


def test_a_loss_the_simulator_ignored_would_be_caught():
    """Shrinkage θ̂ = x̄/2 (M = 1/2) is simulated as such: checked against the MLE's prediction, it fails."""
    normal = {"family": "custom", "logpdf": "-(x - m)**2/2 - log(2*pi)/2", "params": ["m"], "theta": {"m": 0}}
    shrunk = dict(normal, loss="(m - x/2)**2/2")
    g = from_dict({"estimator": shrunk, "models": [{"id": "A", "n": 100, "real": "1/2"}],
                   "edges": [{"from": "A", "to": "A", "weight": "1/2"}]})
    sim = simulate(g, 6, 2000, seed=4)
    assert cross_check(g, sim).passed
    mle_graph = from_dict({**g.to_dict(), "estimator": normal})
    assert not cross_check(g, sim, predicted=predict(mle_graph, 6)).passed


def test_second_derivatives_must_exist():
    kinked = {"family": "custom", "logpdf": "-(x - m)**2/2 - log(2*pi)/2", "params": ["m"], "theta": {"m": 0},
              "loss": "Abs(x - m)"}
    with pytest.raises(GraphCollapseError, match="twice differentiable"):
        simulate(one_model(kinked), 1, 10)
