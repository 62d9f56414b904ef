"""Float limits for 2,000-model graphs against SciPy's dense discrete Lyapunov solver.

Two graphs, each timed in the same run against
``scipy.linalg.solve_discrete_lyapunov(W, D)`` on the full system:

* a random sparse graph (one giant strongly connected component plus
  stragglers; 30 % of the models see real data): target within 2x of SciPy;
* a graph whose components have at most 5 members (rings of 1..5 models with
  real data, wired into a random DAG): target at least 10x faster.

Both answers are compared entry by entry (relative 1e-8).

    python benchmarks/bench_float_limits.py [--models 2000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp

import graphcollapse as gc
from _machine import describe


def random_graph(K: int, degree: int = 4, seed: int = 1):
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(K), degree)
    cols = rng.integers(0, K, size=K * degree)
    W = sp.csr_array((rng.random(K * degree), (rows, cols)), shape=(K, K))
    real = np.where(rng.random(K) < 0.3, rng.random(K), 0.0)
    return _normalise(W, real, K, rng)


def small_components(K: int, max_size: int = 5, seed: int = 2):
    rng = np.random.default_rng(seed)
    rows, cols, vals = [], [], []
    start = 0
    blocks = []
    while start < K:
        size = int(min(rng.integers(1, max_size + 1), K - start))
        members = np.arange(start, start + size)
        blocks.append(members)
        for i, m in enumerate(members):  # a ring inside the component
            rows.append(m)
            cols.append(members[(i + 1) % size])
            vals.append(rng.random() + 0.5)
            if start:  # and a few edges from earlier components
                for src in rng.integers(0, start, size=2):
                    rows.append(m)
                    cols.append(src)
                    vals.append(rng.random())
        start += size
    W = sp.csr_array((vals, (rows, cols)), shape=(K, K))
    real = np.zeros(K)
    for members in blocks:  # one model per component sees real data
        real[rng.choice(members)] = rng.random() + 0.2
    return _normalise(W, real, K, rng)


def _normalise(W, real, K, rng):
    total = np.asarray(W.sum(axis=1)).ravel() + real
    empty = total == 0
    real[empty] = 1.0
    total[empty] = 1.0
    scale = sp.diags(1 / total)
    W = (scale @ W).tocsr()
    real = real / total
    return gc.from_matrix(W, real=real, n=np.full(K, 100.0))


def compare(name: str, graph) -> None:
    rec = gc.recurrence(graph)
    began = time.perf_counter()
    ours = np.array(gc.limits(rec), dtype=object)
    ours_time = time.perf_counter() - began
    bounded = np.array([v is not None for v in ours])
    W = graph.weight_matrix_float().toarray()[np.ix_(bounded, bounded)]
    D = np.diag([float(np.asarray(rec.noise[k]).ravel()[0]) for k in np.flatnonzero(bounded)])
    began = time.perf_counter()
    S = la.solve_discrete_lyapunov(W, D)
    scipy_time = time.perf_counter() - began
    reference = np.diag(S) * float(np.asarray(rec.trace_weight).ravel()[0])
    values = np.array([v for v in ours if v is not None], dtype=float)
    worst = float(np.max(np.abs(values - reference) / np.abs(reference)))
    print(f"{name}: {graph.K} models ({bounded.sum()} bounded): graphcollapse {ours_time:6.2f} s, "
          f"scipy solve_discrete_lyapunov {scipy_time:6.2f} s, ratio {scipy_time / ours_time:5.2f}x "
          f"(>1 = faster), max relative difference {worst:.1e}")
    assert worst < 1e-8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=2000)
    args = parser.parse_args()
    print(describe())
    compare("random sparse graph        ", random_graph(args.models))
    compare("components of <= 5 members ", small_components(args.models))


if __name__ == "__main__":
    main()
