"""One call that derives everything about a graph: :func:`analyze`.

The :class:`Analysis` it returns remembers what produced it (graph, family,
arithmetic) so reports and cross-checks never have to be told twice.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 10, "real": 1},
...                           {"id": "B", "n": 10},
...                           {"id": "C", "n": 10}],
...                "edges": [{"from": "A", "to": "B", "weight": 1},
...                          {"from": "C", "to": "C", "weight": 1}]})
>>> result = analyze(g)
>>> [(m.id, m.collapses, m.limit, m.slope) for m in result.models]
[('A', False, 1/10, 0), ('B', False, 1/5, 0), ('C', True, None, 1/10)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping

import sympy

from graphcollapse.estimators import estimator_for
from graphcollapse.estimators.base import Estimator
from graphcollapse.graph import InteractionGraph
from graphcollapse.recurrence.operator import Recurrence
from graphcollapse.solvers.growth import NotSemisimpleError, cesaro_slopes, geometric_constant, growth_rates
from graphcollapse.solvers.limits import limits as solve_limits
from graphcollapse.solvers.predicate import CollapsePredicate, collapse_predicate
from graphcollapse.solvers.stability import Stability, stability
from graphcollapse.topology import Topology
from graphcollapse.verdict import Verdict, theorem_a

__all__ = ["Analysis", "ModelResult", "analyze"]

ASYMPTOTIC_NOTE = ("first-order asymptotic: fixed t, n -> infinity; the error is n·Cov to first order "
                   "(reported with the 1/n_k factor); finite-sample behaviour for fixed n and t -> infinity can differ")


@dataclass(frozen=True)
class ModelResult:
    """Everything derived for one model.

    ``collapses`` is the deciding verdict (the family's exact operator; for
    graphs with symbolic weights, on the generic support — ``predicate``
    then holds the exact condition).  ``limit`` is ``None`` where the error
    is unbounded; ``slope`` is the linear growth rate ``c_k`` (0 when
    bounded, ``oo`` when growth is faster than linear).
    """

    id: str
    collapses: bool
    theorem_a: Verdict
    topological_collapses: bool
    growth: str
    growth_factor: Any
    limit: Any
    slope: Any
    predicate: Any = None
    explanation: str | None = None
    growth_constant: Any = None

    @property
    def statement(self) -> str:
        """The exact asymptotic statement for ``E_k(t)``."""
        if self.growth == "bounded":
            return f"E_{self.id}(t) -> {self.limit} geometrically"
        if self.growth == "linear":
            return f"E_{self.id}(t) = ({self.slope}) t + O(1)"
        if self.growth == "geometric":
            if self.growth_constant is not None:
                return f"E_{self.id}(t) = {self.growth_constant} ({self.growth_factor})^t + o(({self.growth_factor})^t)"
            return f"E_{self.id}(t) ~ C ({self.growth_factor})^t"
        return f"E_{self.id}(t) grows polynomially (Jordan block at spectral radius 1)"


@dataclass(frozen=True)
class Analysis:
    """The result of :func:`analyze`; see :attr:`models` for per-model results."""

    graph: InteractionGraph
    family: Estimator
    recurrence: Recurrence
    topology: Topology
    stability: Stability
    models: tuple[ModelResult, ...]
    predicate: CollapsePredicate | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def arithmetic(self) -> str:
        if not self.graph.is_exact:
            return "float"
        return "symbolic" if self.recurrence.symbols else "exact rational"

    @cached_property
    def by_id(self) -> dict[str, ModelResult]:
        return {m.id: m for m in self.models}

    def to_dict(self) -> dict:
        """The JSON contract of ``graphcollapse analyze --json``."""
        from graphcollapse.presentation.reports.json_report import analysis_to_dict

        return analysis_to_dict(self)


def analyze(graph: InteractionGraph, estimator: Mapping | None = None, *, arithmetic: str | None = None,
            predicate: bool | None = None) -> Analysis:
    """Derive verdicts, limits, growth rates and conditions for every model.

    Parameters
    ----------
    graph : InteractionGraph
    estimator : mapping, optional
        Overrides the graph's estimator specification.
    arithmetic : {"exact", "float"}, optional
        Float limits for an exact graph (default: exact for exact graphs).
    predicate : bool, optional
        Compute the collapse predicate (default: when the weights have symbols).
    """
    family = estimator_for(graph, estimator)
    rec = family.recurrence()
    top = Topology(graph)
    verdicts = theorem_a(graph, top)
    st = stability(rec, top)
    float_mode = (arithmetic == "float") or not graph.is_exact
    limit_values = solve_limits(rec, topology=top, bounded=st.bounded, arithmetic="float" if float_mode else "exact")
    slopes = _slopes(rec, top, st, float_mode)
    pred = None
    want_predicate = predicate if predicate is not None else bool(graph.free_symbols)
    if want_predicate and rec.is_kronecker and rec.is_identity_propagation and graph.is_exact:
        pred = collapse_predicate(graph, estimator)
    models = []
    for k, model_id in enumerate(graph.ids):
        models.append(ModelResult(
            id=model_id,
            collapses=not bool(st.bounded[k]),
            theorem_a=verdicts[k],
            topological_collapses=not bool(st.topological[k]),
            growth=st.growth[k],
            growth_factor=st.growth_factor[k],
            limit=pred.limits[k] if pred is not None else limit_values[k],
            slope=slopes[k],
            predicate=None if pred is None else pred.predicates[k],
            explanation=st.explanation[k],
            growth_constant=(geometric_constant(rec, [int(m) for m in top.upstream(k)], k, st.growth_factor[k])
                             if st.growth[k] == "geometric" and not float_mode else None),
        ))
    notes = list(rec.notes)
    if rec.asymptotic and ASYMPTOTIC_NOTE not in notes:
        notes.append(ASYMPTOTIC_NOTE)
    if not graph.is_exact or float_mode:
        notes.append("float arithmetic: limits and rates are floating-point; verdicts are exact (support only)")
    if graph.free_symbols:
        notes.append("symbolic weights: verdicts and slopes hold where no symbolic weight vanishes; "
                     "the predicate gives the exact condition")
    return Analysis(graph, family, rec, top, st, tuple(models), pred, tuple(notes))


def _slopes(rec: Recurrence, top: Topology, st: Stability, float_mode: bool) -> tuple:
    if rec.is_kronecker and rec.is_identity_propagation:
        values = growth_rates(rec, topology=top)
        return tuple(float(v) for v in values) if float_mode and rec.exact and not rec.symbols else values
    out: list[Any] = []
    cache: dict[int, dict] = {}
    for k in range(rec.K):
        kind = st.growth[k]
        if kind == "bounded":
            out.append(sympy.Integer(0))
        elif kind != "linear":
            out.append(sympy.oo)
        else:
            c = int(top.component_of[k])
            if c not in cache:
                try:
                    cache[c] = cesaro_slopes(rec, top.upstream(k).tolist())
                except NotSemisimpleError:
                    cache[c] = {}
            out.append(cache[c].get(k, sympy.oo))
    return tuple(out)
