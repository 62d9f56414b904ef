"""From a graph with dynamics to the recursions of :mod:`graphcollapse.operator`: who trains on what, in numbers.

* :func:`recurrence_of`: the estimator's per-generation recursion of one graph
  (a phase, a mode, the base), cached;
* :func:`batch_process`: the :class:`~graphcollapse.operator.memory.BatchProcess`
  of a memory setting, with the exactness of the family stated
  (:func:`memory_exactness`);
* :class:`Stepper`: exact generations of MomentRecursions over one fixed set
  of unknowns (flint rationals where every value is rational).

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 4, "real": "1/2"}],
...                "edges": [{"from": "A", "to": "A", "weight": "1/2"}], "memory": "accumulate"})
>>> process = batch_process(g)
>>> process.at(1)[0], process.initial
(Batch(sources=((0, 2, 1),), real=2, real_variance=1), (4,))
"""

from __future__ import annotations

from dataclasses import replace
from typing import Hashable, Mapping, Sequence

import sympy

from graphcollapse.errors import UnsupportedError
from graphcollapse.estimators import estimator_for
from graphcollapse.graph.dynamics import Memory
from graphcollapse.operator.memory import Batch, BatchProcess, Numbers
from graphcollapse.operator.moments import MomentRecursion, dense_system
from graphcollapse.operator.recurrence import Recurrence

__all__ = ["recurrence_of", "batch_process", "memory_exactness", "Stepper"]

_CACHE_KEY = "_dynamics_recurrence"


def recurrence_of(graph, spec: Mapping | None = None) -> MomentRecursion:
    """The estimator's recursion of one graph (cached on the graph per specification)."""
    cache = graph.__dict__.setdefault(_CACHE_KEY, {})
    key = repr(sorted((spec or {}).items()))
    if key not in cache:
        rec = estimator_for(graph, spec).recurrence()
        if isinstance(rec, Recurrence):
            # Its rows act on states other phases made: no entry may be assumed zero from this graph alone.
            rec = replace(rec, prune_unrelated=False)
        cache[key] = rec
    return cache[key]


def _single_source(graph) -> list:
    """Per model, its one source (``None`` for real data), or raise: fixed designs need one source per batch."""
    out = []
    W = graph.weight_matrix()
    for k, model_id in enumerate(graph.ids):
        sources = [j for j in range(graph.K) if W[k, j] != 0]
        if graph.real[k] == 1 and not sources:
            out.append(None)
        elif len(sources) == 1 and W[k, sources[0]] == 1:
            out.append(sources[0])
        else:
            raise UnsupportedError(
                f"model {model_id!r}: a fixed design is exact with one source per batch (all real data or all one "
                "model's outputs); with mixed batches the pooled fit weights its sources by random Gram matrices "
                "(no closed recursion) — simulate it")
    return out


def memory_exactness(graph, spec: Mapping | None = None) -> tuple[bool, str | None]:
    """``(asymptotic, note)`` of the memory recursion for the graph's family, or raise :class:`UnsupportedError`.

    ``gaussian_mean`` (pooled) is exact; ``linear_regression`` is exact with a
    fixed design and one source per batch and first-order otherwise (the
    pooled fit over batches with fresh designs weights them by random Gram
    matrices); other families have no memory recursion.
    """
    est = estimator_for(graph, spec)
    memory = graph.dynamics.memory if graph.dynamics is not None else Memory()
    if graph.mixing != "pooled":
        raise UnsupportedError("memory other than replace is implemented for pooled mixing (one fit on the "
                               "training set); with weighted mixing each source would keep its own pool")
    if est.name == "gaussian_mean":
        if memory.design == "fixed":
            raise UnsupportedError('memory "design": "fixed" is for linear_regression')
        return False, None
    if est.name == "linear_regression":
        if memory.real == "pool":
            raise UnsupportedError('a fixed real pool ("real": "pool") is implemented for gaussian_mean')
        if memory.design == "fixed":
            if memory.kind == "subsample":
                raise UnsupportedError("linear_regression with subsample memory has no exact second-moment "
                                       "recursion (a random subset of rows changes the design); simulate it")
            _single_source(graph)
            for k, (n, n0) in enumerate(zip(graph.n, graph.n0)):
                if n != n0:
                    raise UnsupportedError(f"model {graph.ids[k]!r}: a fixed design is reused by every batch, "
                                           f"so n0 must equal n ({n0} != {n})")
            return False, ("fixed design reused by every batch, one source per batch: the training set's OLS fit is "
                           "the mean of the batch fits, exact (Gerstgrasser et al.'s setting)")
        if memory.kind == "subsample":
            raise UnsupportedError("linear_regression with subsample memory has no exact second-moment recursion; "
                                   "simulate it")
        return True, ("first-order (n -> infinity): with a fresh design per batch the pooled OLS fit weights its "
                      "batches by random Gram matrices; the recursion treats it as the mean of the batch fits, "
                      "each with its exact single-fit variance sigma^2/(n-d-1); the simulator gives the exact values")
    raise UnsupportedError(f"memory {memory.kind!r} has no second-moment recursion for the family {est.name!r} "
                           "(implemented: gaussian_mean exactly, linear_regression); simulate it")


def batch_process(graph, spec: Mapping | None = None) -> BatchProcess:
    """The batches of ``graph``'s memory setting (a schedule's graph per generation, if any).

    Raises
    ------
    UnsupportedError
        For families, mixings or designs the memory recursions do not cover.
    """
    asymptotic, note = memory_exactness(graph, spec)
    est = estimator_for(graph, spec)
    params = est.parameters
    sigma2 = params["sigma2"]
    dynamics = graph.dynamics
    memory = dynamics.memory
    schedule = dynamics.schedule
    pool = memory.real == "pool"
    ols = est.name == "linear_regression"
    d = params["d"]

    def noise_of(g, j):
        return g.sigma2[j] if g.sigma2 and g.sigma2[j] is not None else sigma2

    def effective(v, n):
        # OLS: a point's effective variance makes a batch fit's error variance v/(n-d-1) per coordinate
        return v * n / (n - d - 1) if ols else v

    def batches(t):
        g = graph if schedule is None else schedule.graph_at(t)
        W = g.weight_matrix()
        out = []
        for k in range(g.K):
            n = g.n[k]
            sources = tuple((j, W[k, j] * n, effective(noise_of(g, j), n)) for j in range(g.K) if W[k, j] != 0)
            out.append(Batch(sources, 0 if pool else g.real[k] * n, effective(sigma2, n)))
        return out

    return BatchProcess(graph, est.name, initial=tuple(graph.n0),
                        initial_variance=tuple(effective(sigma2, n0) for n0 in graph.n0), batches=batches,
                        trace_weight=d, real_variance=sigma2,
                        pool=tuple(r * n for r, n in zip(graph.real, graph.n)) if pool else None,
                        notes=(note,) if note else (), asymptotic=asymptotic)


class Stepper:
    """Exact generations of MomentRecursions over one fixed, closed set of unknowns.

    Values are flint rationals when every coefficient is rational, SymPy
    expressions otherwise; :meth:`out` returns SymPy values.
    """

    def __init__(self, unknowns: Sequence[Hashable], rational: bool):
        self.unknowns = list(unknowns)
        self.numbers = Numbers(rational)
        self._systems: dict = {}

    def _system(self, rec: MomentRecursion):
        key = id(rec)
        if key not in self._systems:
            rows, b, _, _ = dense_system(rec, self.unknowns)
            nb = self.numbers
            self._systems[key] = (rec, [{j: nb(c) for j, c in row.items()} for row in rows], [nb(x) for x in b])
        return self._systems[key][1:]

    def state(self, values: Mapping) -> list:
        return [self.numbers(values.get(u, 0)) for u in self.unknowns]

    def initial(self, rec: MomentRecursion) -> list:
        return [self.numbers(rec.initial_value(u)) for u in self.unknowns]

    def step(self, rec: MomentRecursion, x: list, scale=1) -> list:
        """``𝓛(x) + scale · b``."""
        rows, b = self._system(rec)
        nb = self.numbers
        zero = nb(0)
        out = [sum((c * x[j] for j, c in row.items()), zero) + (bi * scale if scale != 1 else bi)
               for row, bi in zip(rows, b)]
        return out if nb.rational else [nb.tidy(v) for v in out]

    def observe(self, rec: MomentRecursion, x: list, k: int, name: str = "error"):
        position = {u: i for i, u in enumerate(self.unknowns)}
        nb = self.numbers
        return nb.out(sum((nb(w) * x[position[u]] for u, w in rec.observable(k, name).items()), nb(0)))

    def as_mapping(self, x: list) -> dict:
        return {u: self.numbers.out(v) for u, v in zip(self.unknowns, x)}


def rational_values(values) -> bool:
    """Whether every value is a rational number (so flint arithmetic is exact)."""
    return all(isinstance(v, (int,)) or getattr(v, "is_Rational", False) for v in values)
