"""Statistical checks: Theorems B and C and the finite-sample OLS recursion against the simulator.

Random graphs (seeded) with random rational weights; for each, the exact
trajectory, limits and growth rates are compared with an honest simulation
by :func:`graphcollapse.cross_check` (Holm-corrected z-tests at family-wise
level 0.001 per graph).  A failing graph is reported as a counterexample
file.  ``--quick`` runs a handful of graphs with the sufficient-statistic
path; ``--full`` more graphs, more replications, and the sample path.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .registry import Counterexample, check

__all__ = ["random_graph"]


def random_graph(rng: np.random.Generator, K: int, *, family: dict, mixing: str = "pooled",
                 real_probability: float = 0.4, n_range=(12, 40)):
    """A random exact graph: each model trains on 1–2 random models and maybe on real data.

    Weights are rationals with small denominators; pooled counts are
    ``weight * n`` with ``n`` a multiple of the denominators, so every count
    is an integer.
    """
    from graphcollapse.graph import from_dict

    models, edges = [], []
    for k in range(K):
        sources = sorted(set(rng.choice(K, size=int(rng.integers(1, 3)), replace=True).tolist()))
        has_real = rng.random() < real_probability
        parts = [int(x) for x in rng.integers(1, 4, size=len(sources) + int(has_real))]
        total = sum(parts)
        n = total * int(rng.integers(max(1, n_range[0] // total), max(2, n_range[1] // total) + 1))
        n = max(n, total * 2)
        if family.get("family") == "linear_regression":
            n = max(n, total * (int(family.get("d", 1)) + 2))
            n += (-n) % total
        model = {"id": f"m{k}", "n": n, "n0": n}
        if has_real:
            model["real"] = str(Fraction(parts[-1], total))
        models.append(model)
        for j, part in zip(sources, parts):
            edge = {"from": f"m{j}", "to": f"m{k}", "weight": str(Fraction(part, total))}
            if mixing == "weighted":
                edge["n"] = n
            edges.append(edge)
        if mixing == "weighted" and has_real:
            model["n_real"] = n
    return from_dict({"name": "random graph", "mixing": mixing, "estimator": family,
                      "models": models, "edges": edges})


def _run(level: str, family: dict, mixings, seed: int, label: str) -> str:
    from graphcollapse.simulation import simulate
    from graphcollapse.system import cross_check

    rng = np.random.default_rng(seed)
    graphs = 6 if level == "quick" else 16
    replications = 4000 if level == "quick" else 20000
    methods = ("sufficient",) if level == "quick" else ("sufficient", "samples")
    count = tests = 0
    for i in range(graphs):
        mixing = mixings[i % len(mixings)]
        graph = random_graph(rng, int(rng.integers(2, 5)), family=family, mixing=mixing)
        for method in methods:
            result = simulate(graph, generations=12, replications=replications, seed=seed + i, method=method)
            outcome = cross_check(graph, result)
            count += 1
            tests += len(outcome.tests)
            if not outcome.passed:
                first = outcome.failures[0]
                raise Counterexample(f"{label}: simulation disagrees with the exact prediction ({method} path): "
                                     f"{first}", graph)
    return (f"{count} simulations of {graphs} random graphs ({', '.join(mixings)}), {tests} Holm-corrected tests "
            f"of E_k(t), limits (Theorem C) and growth rates (Theorem B) agree")


@check("Theorems B and C against the simulator (Gaussian means, random graphs)", group="statistics")
def theorems_b_c(level: str) -> str:
    return _run(level, {"family": "gaussian_mean", "d": 2, "sigma2": 1}, ("pooled", "weighted"), 2026,
                "gaussian_mean")


@check("finite-sample OLS recursion against the simulator (random graphs)", group="statistics")
def ols_recursion(level: str) -> str:
    return _run(level, {"family": "linear_regression", "d": 3, "sigma2": 1}, ("pooled", "weighted"), 4052,
                "linear_regression")
