"""Closed-form limits of a symbolic ring, against one plain DomainMatrix LU solve.

The ring of issue 3: model 0 has real-data weight ``a`` and trains on model
K-1 with weight ``1 - a``; every other model trains on its predecessor with
weight ``w`` and on itself with ``1 - w``; every model's noise is ``s``.

In one run this prints

* ``graphcollapse.limits`` (SCC blocks, right-side symbols split off,
  evaluation/interpolation with python-flint, flint factorisation for the
  paper-ready form), for K = 8 and K = 12;
* the whole ``graphcollapse.analyze`` of the ring (verdicts, limits, slopes,
  the exact collapse predicate with its piecewise limits) for K = 8: the
  predicate reuses the one parametric solve wherever it is valid;
* the plain alternative: one ``DomainMatrix`` LU solve of the full symmetric
  (vech) system over ``QQ(a, w, s)`` for K = 8 (skip with ``--no-baseline``,
  it takes one to four minutes).

    python benchmarks/bench_symbolic_limits.py [--sizes 8 12] [--no-baseline]
"""

from __future__ import annotations

import argparse
import time

import sympy
from sympy.polys.matrices import DomainMatrix

import graphcollapse as gc
from _machine import describe


def ring(K: int):
    models = [{"id": "m0", "n": 1, "real": "a"}] + [{"id": f"m{i}", "n": 1} for i in range(1, K)]
    edges = [{"from": f"m{K - 1}", "to": "m0", "weight": "1 - a"}]
    for i in range(1, K):
        edges.append({"from": f"m{i - 1}", "to": f"m{i}", "weight": "w"})
        edges.append({"from": f"m{i}", "to": f"m{i}", "weight": "1 - w"})
    return gc.from_dict({"name": f"ring{K}", "symbols": ["a", "w", "s"],
                         "estimator": {"family": "gaussian_mean", "sigma2": "s"},
                         "models": models, "edges": edges})


def plain_lu(graph) -> float:
    rec = gc.recurrence(graph)
    index, rows, noise, _ = rec.vech_system(range(graph.K))
    size = len(index)
    M = sympy.eye(size)
    for u, row in enumerate(rows):
        for v, coef in row.items():
            M[u, v] -= coef
    began = time.perf_counter()
    joint = DomainMatrix.from_Matrix(M.row_join(sympy.Matrix(noise))).to_field()
    joint[:, :size].lu_solve(joint[:, size:])
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 12])
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    print(describe())
    times = {}
    for K in args.sizes:
        graph = ring(K)
        began = time.perf_counter()
        values = gc.limits(gc.recurrence(graph))
        times[K] = time.perf_counter() - began
        check = values[0].subs({s: sympy.Rational(1, 3) for s in graph.symbols})
        print(f"ring of {K:2d}: closed-form limits of all {K} models in {times[K]:6.1f} s "
              f"(L_0 at a=w=s=1/3: {check})")
    whole = None
    if 8 in times:
        began = time.perf_counter()
        result = gc.analyze(ring(8))
        whole = time.perf_counter() - began
        print(f"ring of  8: the whole analyze (predicate {result.models[0].predicate} for m0) in {whole:6.1f} s")
    if not args.no_baseline and 8 in times:
        base = plain_lu(ring(8))
        print(f"ring of  8: one plain DomainMatrix LU solve over QQ(a, w, s): {base:6.1f} s "
              f"-> limits {base / times[8]:.1f}x faster, the whole analyze {base / whole:.1f}x faster")
        print("target: the whole analyze >= 10x faster than the plain solve (issue 18)")


if __name__ == "__main__":
    main()
