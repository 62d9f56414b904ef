"""The expected squared 2-Wasserstein distance between a Gaussian fit and the truth.

For ``d = 1``, ``W2²(N(μ̂, σ̂²), N(μ, σ²)) = (μ̂ − μ)² + (σ̂ − σ)²``, so

    E W2²_k(t) = E(μ̂_k − μ)² + E σ̂²_k + σ² − 2σ E σ̂_k(t):

the first two terms are the exact observables of :mod:`graphcollapse.estimators.gaussian_fit`;
``E σ̂_k`` is not a second moment.  It is exact where every model upstream of
``k`` fits on one source only (a model on its own outputs, chains, cycles
without mixing): there the scatter of ``m`` samples from ``N(μ̂_j, σ̂_j²)`` is
``σ̂_j² χ²_{m−1}`` independently of the past, so
``σ̂_k(t) = σ̂_j(t−1) · sqrt(χ²_{m−1}/(m − ddof))`` and

    E σ̂_k(t) = g(m_k) E σ̂_j(t−1),    g(m) = sqrt(2/(m − ddof)) Γ(m/2)/Γ((m−1)/2),

with ``E σ̂_R = σ`` for real data and ``E σ̂_k(0) = σ g(n0_k)``.  Everywhere
else (mixed sources, ``d > 1``) the metric is simulated, and labelled so.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> g = from_matrix([[1]], n=[2], estimator={"family": "gaussian_fit"})
>>> m = wasserstein(g, 1)
>>> m.of("0")[0], m.method_of("0")     # (μ̂-μ)² + σ̂² + 1 - 2 σ̂ with n = 2: 1/2 + 1/2 + 1 - 2/sqrt(pi)
(2 - 2/sqrt(pi), 'exact')
"""

from __future__ import annotations

import numpy as np
import sympy

from graphcollapse.errors import InputError, guarded
from graphcollapse.estimators import estimator_for
from graphcollapse.estimators.pairs import sources_of
from graphcollapse.metrics.result import check_generations, EXACT, Metric, simulated
from graphcollapse.operator.moments import iterate
from graphcollapse.topology import Topology

__all__ = ["wasserstein", "sd_factor"]


def sd_factor(m, ddof=0) -> sympy.Expr:
    """``E sqrt(χ²_{m−1}/(m − ddof))``: the expected ratio of a fitted standard deviation to its source's.

    Examples
    --------
    >>> sd_factor(2), sd_factor(3, ddof=1)
    (1/sqrt(pi), sqrt(pi)/2)
    """
    m = sympy.Integer(m) if isinstance(m, int) else m
    if m == 1:
        return sympy.Integer(0)
    return sympy.sqrt(2 / (m - ddof)) * sympy.gamma(m / 2) / sympy.gamma((m - 1) / 2)


@guarded
def wasserstein(graph, generations: int, *, replications: int = 4000, seed=None) -> Metric:
    """``E W2²(fit of k at t, truth)`` for every model and ``t = 0 … generations``.

    Exact (SymPy) for ``d = 1`` on models whose upstream models each fit one
    source; simulated (sufficient statistics) for the others.

    Raises
    ------
    InputError
        For another estimator than ``gaussian_fit``.
    """
    est = estimator_for(graph)
    if est.name != "gaussian_fit":
        raise InputError(f"wasserstein needs a gaussian_fit estimator, not {est.name!r}")
    generations = check_generations(generations)
    exact = _exact_columns(graph, est, generations) if graph.is_exact and est.parameters["d"] == 1 else {}
    columns, methods = [], []
    stderr = None
    missing = [k for k in range(graph.K) if k not in exact]
    if missing:
        from graphcollapse.simulation import simulate

        result = simulate(graph, generations, replications, seed=seed, method="sufficient", observables=("w2",))
        mean, se = result.mean("w2"), result.stderr_of("w2")
        stderr = np.full(mean.shape, np.nan)
        stderr[:, missing] = se[:, missing]
    for k in range(graph.K):
        if k in exact:
            columns.append(exact[k])
            methods.append(EXACT)
        else:
            columns.append(tuple(float(x) for x in mean[:, k]))
            methods.append(simulated(replications))
    values = tuple(tuple(column[t] for column in columns) for t in range(generations + 1))
    return Metric("w2", graph.ids, values, tuple(methods), stderr)


def _single_source(graph):
    """Per model, ``(source, count)`` when it fits one source (``None`` = real data), else ``False``."""
    out = []
    incoming = [[(j, m) for j, _, m in sources] for sources in sources_of(graph)]
    for k in range(graph.K):
        pooled = graph.mixing == "pooled"
        if graph.real[k] == 1 and not incoming[k]:
            out.append((None, graph.n[k] if pooled else graph.n_real[k]))
        elif graph.real[k] == 0 and len(incoming[k]) == 1:
            j, m = incoming[k][0]
            out.append((j, graph.n[k] if pooled else m))
        else:
            out.append(False)
    return out


def _exact_columns(graph, est, T: int) -> dict:
    single = _single_source(graph)
    top = Topology.of(graph)
    chosen = [k for k in range(graph.K) if all(single[int(j)] for j in top.upstream(k))]
    if not chosen:
        return {}
    ddof, sigma2 = est.parameters["ddof"], est.parameters["trace"]
    sigma = sympy.sqrt(sigma2)
    rec = est.recurrence()
    errors, variances = iterate(rec, T, "error"), iterate(rec, T, "variance")
    sd: dict = {}

    def expected_sd(k, t):
        if (k, t) not in sd:
            if t == 0:
                sd[(k, t)] = sigma * sd_factor(graph.n0[k], ddof)
            else:
                source, m = single[k]
                upstream = sigma if source is None else expected_sd(source, t - 1)
                sd[(k, t)] = sd_factor(m, ddof) * upstream
        return sd[(k, t)]

    out = {}
    for k in chosen:
        column = []
        for t in range(T + 1):      # in order of t, so the memo is filled from generation 0 upwards
            column.append(sympy.expand(errors[t][k] + variances[t][k] + sigma2 - 2 * sigma * expected_sd(k, t)))
        out[k] = tuple(column)
    return out
