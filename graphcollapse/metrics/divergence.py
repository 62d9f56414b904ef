"""Total variation and KL divergence of a categorical fit from ``p*``: first order from exact moments, or simulated.

With ``E[e_k e_kᵀ] = a_kk Σ*`` exactly (:mod:`graphcollapse.estimators.categorical`),
the second-order Taylor expansion ``KL(p‖p*) ≈ Σ_c (p_c − p*_c)²/(2 p*_c)`` gives

    E KL(p_k ‖ p*) ≈ (C − 1) a_kk / 2        (C categories),

the classical ``(C − 1)/(2n)`` for one fit on ``n`` tokens, and the normal
approximation ``E|X| = sqrt(2 Var X/π)`` gives

    E TV(p_k, p*) ≈ Σ_c sqrt(a_kk p*_c (1 − p*_c) / (2π)).

Both are **first order**: accurate while ``a_kk`` is small (large batches
and real data upstream); they say nothing once a category can vanish (the
reverse divergence ``KL(p* ‖ p_k)`` is then infinite with positive
probability, which is why the fit-to-truth direction is reported).  With
``method="simulation"`` the expectations are estimated instead.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> g = from_matrix([["1/2"]], n=[10], estimator={"family": "categorical", "p": ["1/2", "1/4", "1/4"]})
>>> m = divergence(g, 1)
>>> m.of("0"), m.method_of("0")        # a(0) = 1/10, a(1) = a(0)/4 - a(0)/20 + 1/10 = 3/25
((1/10, 3/25), 'first-order')
"""

from __future__ import annotations

import sympy

from graphcollapse.errors import InputError, guarded
from graphcollapse.estimators import estimator_for
from graphcollapse.metrics.result import check_generations, FIRST_ORDER, Metric, simulated
from graphcollapse.operator.moments import iterate

__all__ = ["divergence", "METHODS"]

METHODS = ("first-order", "simulation")


@guarded
def divergence(graph, generations: int, kind: str = "kl", *, method: str = "first-order", replications: int = 4000,
               seed=None) -> Metric:
    """``E KL(p_k ‖ p*)`` (``kind="kl"``) or ``E TV(p_k, p*)`` (``"tv"``) for every model and generation.

    Raises
    ------
    InputError
        For another estimator than ``categorical``, an unknown kind or method.
    """
    est = estimator_for(graph)
    if est.name != "categorical":
        raise InputError(f"divergence needs a categorical estimator, not {est.name!r}")
    if kind not in ("kl", "tv"):
        raise InputError(f"kind must be \"kl\" or \"tv\", not {kind!r}")
    if method not in METHODS:
        raise InputError(f"method must be \"first-order\" or \"simulation\", not {method!r}")
    generations = check_generations(generations)
    if method == "simulation":
        from graphcollapse.simulation import simulate

        result = simulate(graph, generations, replications, seed=seed, method="sufficient", observables=(kind,))
        values = tuple(tuple(float(x) for x in row) for row in result.mean(kind))
        return Metric(kind, graph.ids, values, (simulated(replications),) * graph.K, result.stderr_of(kind))
    p = est.parameters["p"]
    rec = est.recurrence()
    star = rec.star
    if kind == "kl":
        factor = sympy.Rational(len(p) - 1, 2) / star
        def convert(x):
            return factor * x
    else:
        weight = sum((sympy.sqrt(q * (1 - q)) for q in p), sympy.Integer(0)) / sympy.sqrt(2 * sympy.pi)
        def convert(x):
            return weight * sympy.sqrt(x / star)
    if not rec.exact:
        values = tuple(tuple(float(convert(sympy.Float(x))) for x in row) for row in iterate(rec, generations))
    else:
        values = tuple(tuple(sympy.simplify(convert(x)) if x.free_symbols else convert(x) for x in row)
                       for row in iterate(rec, generations))
    return Metric(kind, graph.ids, values, (FIRST_ORDER,) * graph.K)
