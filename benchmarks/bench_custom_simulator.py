"""Throughput of the simulator on custom log-densities against a plain per-fit loop.

The graph: a directed ring of K = 4 models (model k trains on model k-1),
model 0 also on real data (half of its samples), pooled mixing, n = 200
samples per model and generation, T = 10 generations, R = 256 replications,
for a continuous density (custom exponential, ``log(r) - r x`` on the
positive half-line) and a discrete one (custom Poisson on the integers).
Throughput is model-generations x replications per second.

The plain alternative is what a user of SciPy would write: per replication
and model, a sampler for the generating parameter (SciPy's
``NumericalInversePolynomial`` for the density, a cumulative table for the
pmf), then ``scipy.optimize.minimize`` (BFGS) on the negative
log-likelihood.  It runs on fewer replications and is scaled (its cost is
linear in R).

    python benchmarks/bench_custom_simulator.py [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln
from scipy.stats.sampling import NumericalInversePolynomial

from graphcollapse.graph import from_dict
from graphcollapse.simulation import simulate
from _machine import describe

K, N, T, R = 4, 200, 10, 256

DENSITIES = {
    "continuous": ({"family": "custom", "params": ["r"], "theta": {"r": 2}, "support": "positive",
                    "logpdf": "log(r) - r*x"}, 2.0),
    "discrete": ({"family": "custom", "params": ["lam"], "theta": {"lam": 3}, "support": "integers",
                  "logpdf": "x*log(lam) - lam - log(factorial(x))"}, 3.0),
}


def ring(estimator):
    models = [{"id": str(k), "n": N, **({"real": "1/2"} if k == 0 else {})} for k in range(K)]
    edges = [{"from": str((k - 1) % K), "to": str(k), "weight": "1/2" if k == 0 else 1} for k in range(K)]
    return from_dict({"name": "ring", "mixing": "pooled", "estimator": estimator, "models": models, "edges": edges})


class _Exponential:
    def __init__(self, rate):
        self.rate = rate

    def pdf(self, x):
        return self.rate * np.exp(-self.rate * x)


def _draw(kind, theta, m, rng):
    if kind == "continuous":
        return NumericalInversePolynomial(_Exponential(theta), domain=(0, np.inf)).ppf(rng.random(m))
    k = np.arange(200.0)
    cdf = np.cumsum(np.exp(k * np.log(theta) - theta - gammaln(k + 1)))
    return np.minimum(np.searchsorted(cdf, rng.random(m) * cdf[-1], side="right"), k.size - 1).astype(float)


def _nll(kind, x):
    if kind == "continuous":
        return lambda t: -(np.log(t[0]) - t[0] * x).sum() if t[0] > 0 else np.inf
    return lambda t: -(x * np.log(t[0]) - t[0]).sum() if t[0] > 0 else np.inf


def loop_baseline(kind, truth, replications, seed=0):
    """One replication, one model, one sampler set-up and one ``minimize`` at a time."""
    rng = np.random.default_rng(seed)
    errors = np.empty((replications, T + 1, K))
    for r in range(replications):
        theta = np.full(K, truth)
        for t in range(T + 1):
            new = np.empty(K)
            for k in range(K):
                if t == 0:
                    x = _draw(kind, truth, N, rng)
                elif k == 0:
                    x = np.concatenate([_draw(kind, truth, N // 2, rng), _draw(kind, theta[K - 1], N // 2, rng)])
                else:
                    x = _draw(kind, theta[k - 1], N, rng)
                new[k] = minimize(_nll(kind, x), [theta[k]], method="BFGS").x[0]
            theta = new
            errors[r, t] = (theta - truth) ** 2
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer replications for the loop")
    args = parser.parse_args()
    print(describe())
    base_R = 4 if args.quick else 16
    work = K * (T + 1) * R
    print(f"ring of K = {K}, n = {N}, T = {T}, R = {R}: {work} model-generations x replications\n")
    print(f"{'density':<11} {'simulate (s)':>12} {'loop (s, scaled)':>17} {'speed-up':>9}")
    for kind, (estimator, truth) in DENSITIES.items():
        g = ring(estimator)
        simulate(g, 1, 64, seed=0)                    # warm-up: compile the density, import SciPy parts
        start = time.perf_counter()
        result = simulate(g, T, R, seed=1)
        fast = time.perf_counter() - start
        start = time.perf_counter()
        baseline = loop_baseline(kind, truth, base_R)
        slow = (time.perf_counter() - start) * R / base_R
        # Both estimate the same expectations: a coarse agreement check keeps the comparison honest.
        assert abs(result.mean_error[T].mean() - baseline[:, T].mean()) < 5 * result.mean_error[T].mean()
        print(f"{kind:<11} {fast:12.2f} {slow:17.1f} {slow / fast:8.0f}x")


if __name__ == "__main__":
    main()
