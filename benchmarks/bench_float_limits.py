"""Float limits of large graphs against SciPy's dense discrete Lyapunov solver.

Each graph is timed in the same run against
``scipy.linalg.solve_discrete_lyapunov(W, D)`` on the bounded models, and
both answers are checked: the relative residual ``‖S − W S Wᵀ − D‖_F / ‖S‖_F``
of each (graphcollapse reports its own as ``Limits.residual``) and the
largest relative difference between the two sets of limits.

* the issue's graph: one giant strongly connected component, four random
  sources per model, real weight 0.1 everywhere (spectral radius 0.9; targets:
  at least 2x faster than SciPy, residual at most 1e-12), and the same with
  real weight 0.001 (spectral radius 0.999: still faster, as accurate);
* a random sparse graph (one giant component plus stragglers; 30 % of the
  models see real data);
* a graph whose components have at most 5 members (rings of 1..5 models with
  real data, wired into a random DAG): target at least 10x faster;
* with ``--large N``: the issue's graph on N models (5,000: target under two
  minutes and 4 GiB), graphcollapse only, in a fresh process that reports its
  own peak resident memory.

``--repeats`` runs every comparison several times (the machine is shared:
read the ratios, which are measured in the same run).  On a machine whose
other core is busy, threaded BLAS waits for it and every dense factorisation
slows down several times: run with ``OPENBLAS_NUM_THREADS=1`` there (both
sides then use one thread; the machine line says which).

    python benchmarks/bench_float_limits.py [--models 2000] [--giant 1500] [--repeats 1] [--large 5000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp

import graphcollapse as gc
from graphcollapse.linalg.stein_float import stein_residual
from _machine import describe


def giant_component(K: int, real: float, seed: int = 3):
    """Four random sources per model (random weights), real weight ``real`` for every model."""
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(K), 4)
    W = sp.csr_array((rng.random(4 * K), (rows, rng.integers(0, K, size=4 * K))), shape=(K, K))
    W.sum_duplicates()
    W = (sp.diags((1 - real) / W.sum(axis=1)) @ W).tocsr()
    return gc.from_matrix(W, real=np.full(K, real), n=np.full(K, 100.0))


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


def ours(graph):
    rec = gc.recurrence(graph)
    began = time.perf_counter()
    limits = gc.limits(rec)
    return limits, time.perf_counter() - began, rec


def compare(name: str, graph, repeats: int) -> None:
    for _ in range(repeats):
        limits, ours_time, rec = ours(graph)
        bounded = np.array([v is not None for v in limits])
        W = graph.weight_matrix_float().toarray()[np.ix_(bounded, bounded)]
        D = np.diag([float(np.asarray(rec.noise[k]).ravel()[0]) for k in np.flatnonzero(bounded)])
        began = time.perf_counter()
        S = la.solve_discrete_lyapunov(W, D)
        scipy_time = time.perf_counter() - began
        reference = np.diag(S) * float(np.asarray(rec.trace_weight).ravel()[0])
        values = np.array([v for v in limits if v is not None], dtype=float)
        worst = float(np.max(np.abs(values - reference) / np.abs(reference)))
        print(f"{name}: {graph.K} models ({bounded.sum()} bounded): graphcollapse {ours_time:6.2f} s, "
              f"scipy solve_discrete_lyapunov {scipy_time:6.2f} s, ratio {scipy_time / ours_time:5.2f}x "
              f"(>1 = faster); residual ours {limits.residual:.1e}, scipy {stein_residual(W, S, D):.1e}; "
              f"max relative difference {worst:.1e}", flush=True)
        assert limits.residual <= 1e-12 and worst < 1e-8


def large(K: int) -> None:
    """The issue's graph on ``K`` models, graphcollapse only; prints time, residual and peak RSS."""
    graph = giant_component(K, 0.1)
    limits, seconds, _ = ours(graph)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB (Linux)
    print(f"giant component, rho 0.9    : {K} models: graphcollapse {seconds:6.1f} s, residual "
          f"{limits.residual:.1e}, peak RSS of the process {peak:.2f} GiB (targets: < 120 s, < 4 GiB)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=2000, help="models of the random and small-component graphs")
    parser.add_argument("--giant", type=int, default=1500, help="models of the giant-component graphs")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--large", type=int, default=0, help="also the giant-component graph on this many models")
    parser.add_argument("--only-large", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only_large:
        large(args.only_large)
        return
    print(describe())
    ours(giant_component(40, 0.1))  # imports and caches outside the timings
    compare("giant component, rho 0.9    ", giant_component(args.giant, 0.1), args.repeats)
    compare("giant component, rho 0.999  ", giant_component(args.giant, 0.001), args.repeats)
    compare("random sparse graph         ", random_graph(args.models), args.repeats)
    compare("components of <= 5 members  ", small_components(args.models), args.repeats)
    if args.large:  # a fresh process, so that its peak memory is its own
        subprocess.run([sys.executable, __file__, "--only-large", str(args.large)], check=True)


if __name__ == "__main__":
    main()
