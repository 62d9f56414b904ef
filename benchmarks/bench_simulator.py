"""Throughput of the simulator on pooled OLS against a plain per-replication loop.

Two graphs of K = 10 models, pooled OLS with d = 5 and n = 200 samples per
model and generation, T = 20 generations, R = 200 replications:

* ring: model k trains on model k-1; model 0 also on real data (half of its
  samples): one slot per model but model 0's two;
* multi-source: model k trains on models k-1 and k+3; the even models also on
  real data (50 real + 75 + 75 samples; the odd ones 100 + 100): every fit
  pools two or three slots.

Throughput is model-generations x replications per second (generation 0
included).  The sufficient path is also timed with the rotated Bartlett draw
of pooled fits switched off (every slot's Bartlett factor drawn, as before).  The baseline loop draws the same samples and refits every model
with ``numpy.linalg.lstsq``, one replication at a time; it runs on fewer
replications and is scaled (its cost is linear in R).  Then the time of the
sufficient-statistic path for n = 10^2, 10^4, 10^6 (it should not grow).

    python benchmarks/bench_simulator.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from graphcollapse.graph import from_dict
from graphcollapse.simulation import simulate
from graphcollapse.simulation.engine.plan import REAL, make_plan
from graphcollapse.simulation.kernels import linear_regression
from _machine import describe

K, D, N, T, R = 10, 5, 200, 20, 200


def ring(n: int = N, d: int = D, K: int = K):
    """Ring 0 -> 1 -> ... -> K-1 -> 0; model 0 gets half of its samples from real data."""
    models = [{"id": str(k), "n": n, **({"real": "1/2"} if k == 0 else {})} for k in range(K)]
    edges = [{"from": str((k - 1) % K), "to": str(k), "weight": "1/2" if k == 0 else 1} for k in range(K)]
    return _pooled_ols("ring", models, edges, d)


def multi_source(n: int = N, d: int = D, K: int = K):
    """Model k trains on k-1 and k+3; even models also on real data (1/4 real, 3/8 + 3/8), odd ones 1/2 + 1/2."""
    models = [{"id": str(k), "n": n, **({"real": "1/4"} if k % 2 == 0 else {})} for k in range(K)]
    edges = [{"from": str(j), "to": str(k), "weight": "3/8" if k % 2 == 0 else "1/2"}
             for k in range(K) for j in ((k - 1) % K, (k + 3) % K)]
    return _pooled_ols("multi-source", models, edges, d)


def _pooled_ols(name, models, edges, d):
    return from_dict({"name": name, "mixing": "pooled", "estimator": {"family": "linear_regression", "d": d,
                                                                        "sigma2": 1},
                      "models": models, "edges": edges})


def loop_baseline(graph, replications: int, d: int = D, seed: int = 0) -> np.ndarray:
    """The straightforward simulation: one replication, one model, one lstsq at a time."""
    rng = np.random.default_rng(seed)
    plan = make_plan(graph)
    K, beta_star = plan.K, np.zeros(d)
    sources = {k: [] for k in range(K)}
    for k, j, m in zip(plan.step.model.tolist(), plan.step.source.tolist(), plan.step.count.tolist()):
        sources[k].append((None if j == REAL else j, m))
    n0 = plan.initial.count.tolist()
    errors = np.empty((replications, T + 1, K))
    for r in range(replications):
        beta = []
        for k in range(K):
            X = rng.standard_normal((n0[k], d))
            y = X @ beta_star + rng.standard_normal(n0[k])
            beta.append(np.linalg.lstsq(X, y, rcond=None)[0])
        errors[r, 0] = [np.sum((b - beta_star) ** 2) for b in beta]
        for t in range(1, T + 1):
            new = []
            for k in range(K):
                Xs, ys = [], []
                for j, m in sources[k]:
                    X = rng.standard_normal((m, d))
                    coef = beta_star if j is None else beta[j]
                    Xs.append(X)
                    ys.append(X @ coef + rng.standard_normal(m))
                new.append(np.linalg.lstsq(np.vstack(Xs), np.concatenate(ys), rcond=None)[0])
            beta = new
            errors[r, t] = [np.sum((b - beta_star) ** 2) for b in beta]
    return errors


def draw_only(replications: int, n: int = N, d: int = D) -> None:
    """Just the standard normals every sample-level simulation of the run must draw, on one thread."""
    rng = np.random.default_rng(0)
    block = np.empty((replications, n, d + 1))
    for _ in range(K * (T + 1)):
        rng.standard_normal(out=block)


def per_slot(fn):
    """``fn()`` with the pooled OLS fits drawn slot by slot (the rotated Bartlett draw switched off)."""
    saved = linear_regression.ROTATED_MIN_SAVING
    linear_regression.ROTATED_MIN_SAVING = float("inf")
    try:
        return fn()
    finally:
        linear_regression.ROTATED_MIN_SAVING = saved


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    work = K * (T + 1) * R
    print(describe())
    loop_reps = 10 if args.quick else 20
    for make, targets in ((ring, "samples >= 5x, sufficient >= 100x"), (multi_source, "sufficient >= 60x")):
        graph = make()
        print(f"\npooled OLS, {graph.name}: K = {K}, d = {D}, n = {N}, T = {T}, R = {R} "
              f"({work} model-generations x replications)")
        loop_time = best_of(repeats, lambda: loop_baseline(graph, loop_reps)) * R / loop_reps
        sample_time = best_of(repeats, lambda: simulate(graph, T, R, seed=1, method="samples"))
        suff_time = best_of(repeats, lambda: simulate(graph, T, R, seed=1, method="sufficient"))
        per_slot_time = best_of(repeats, lambda: per_slot(lambda: simulate(graph, T, R, seed=1, method="sufficient")))
        print(f"{'path':<40}{'time (s)':>10}{'throughput (/s)':>18}{'speed-up':>10}")
        for name, seconds in (("loop + lstsq (scaled from %d reps)" % loop_reps, loop_time),
                              ("simulate, samples", sample_time), ("simulate, sufficient", suff_time),
                              ("  (sufficient, per-slot Bartlett draw)", per_slot_time)):
            print(f"{name:<40}{seconds:>10.3f}{work / seconds:>18.3g}{loop_time / seconds:>9.1f}x")
        print(f"targets: {targets}")
    floor = best_of(repeats, lambda: draw_only(R))
    print(f"\n(drawing the {work * N * (D + 1):,} normals of the sample path alone takes {floor:.3f} s on one thread: "
          f"a single-threaded sample path is at most {loop_time / floor:.1f}x faster than the loop here; "
          f"simulate runs chunks on {min(8, os.cpu_count() or 1)} threads)")

    print("\nsufficient path against the sample size (R = 200, T = 20):")
    for n in (200, 10**4, 10**6):
        times = [best_of(repeats, lambda: simulate(make(n=n), T, R, seed=1, method="sufficient"))
                 for make in (ring, multi_source)]
        print(f"  n = {n:>9,}: ring {times[0]:.3f} s, multi-source {times[1]:.3f} s")


if __name__ == "__main__":
    main()
