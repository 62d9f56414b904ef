"""The collected answers for one graph: :class:`Analysis` and its per-model :class:`ModelResult`.

:func:`collect` reads them off a :class:`~graphcollapse.system.System` (the
concept object that computes and caches every answer); ``analyze(graph)`` is
``System(graph).analysis()``.  An :class:`Analysis` remembers what produced it
(graph, estimator, recurrence, topology, arithmetic), so reports and
cross-checks never have to be told twice.

Examples
--------
>>> from graphcollapse import analyze, from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 10, "real": 1},
...                           {"id": "B", "n": 10},
...                           {"id": "C", "n": 10}],
...                "edges": [{"from": "A", "to": "B", "weight": 1},
...                          {"from": "C", "to": "C", "weight": 1}]})
>>> result = analyze(g)
>>> [(m.id, m.collapses, m.limit, m.slope) for m in result.models]
[('A', False, 1/10, 0), ('B', False, 1/5, 0), ('C', True, None, 1/10)]
>>> result.by_id["B"].statement
'E_B(t) -> 1/5 geometrically'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from graphcollapse.errors import GraphCollapseError
from graphcollapse.estimators.base import Estimator
from graphcollapse.graph import InteractionGraph
from graphcollapse.operator.recurrence import Recurrence
from graphcollapse.solvers.predicate import CollapsePredicate, symbolic_weights
from graphcollapse.solvers.stability import Stability
from graphcollapse.topology import Topology
from graphcollapse.verdict import Verdict

__all__ = ["Analysis", "ModelResult", "collect", "ASYMPTOTIC_NOTE"]

ASYMPTOTIC_NOTE = ("first-order asymptotic: fixed t, n -> infinity; the error is n·Cov to first order "
                   "(reported with the 1/n_k factor); finite-sample behaviour for fixed n and t -> infinity can differ")


@dataclass(frozen=True)
class ModelResult:
    """Everything derived for one model.

    ``collapses`` is the deciding verdict (the estimator's exact operator; for
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
    #: Further observables of the estimator (e.g. a Gaussian fit's ``"variance"``):
    #: ``{name: {"limit", "growth", "rate", "vanishes"}}``.
    observables: dict = field(default_factory=dict)

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
    """Every answer for one graph; see :attr:`models` for the per-model results.

    ``arithmetic`` says how limits and rates were computed (``"exact rational"``,
    ``"symbolic"``, ``"float"``, ``"mpmath"``), ``method`` how the verdicts were decided.
    """

    graph: InteractionGraph
    family: Estimator
    recurrence: Recurrence
    topology: Topology
    stability: Stability
    models: tuple[ModelResult, ...]
    predicate: CollapsePredicate | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    arithmetic: str = "exact rational"
    #: The valid region of the symbols (``None`` without symbols) and an exact interior point of it
    #: where no symbolic weight vanishes: reports orient every factor positive there.
    region: Any = None
    interior_point: dict = field(default_factory=dict)

    @cached_property
    def by_id(self) -> dict[str, ModelResult]:
        return {m.id: m for m in self.models}


def collect(system) -> Analysis:
    """The :class:`Analysis` of a :class:`~graphcollapse.system.System`: every cached answer, per model."""
    graph = system.graph
    rec = system.recurrence
    st = system.stability
    verdicts = system.verdicts
    limits = system.limits
    slopes = system.slopes
    pred = system.predicate
    extra = {}
    for name in getattr(rec, "observable_names", ("error",))[1:]:
        extra[name] = system.observable(name)
    models = []
    for k, model_id in enumerate(graph.ids):
        models.append(ModelResult(
            id=model_id,
            collapses=not bool(st.bounded[k]),
            theorem_a=verdicts[k],
            topological_collapses=not bool(st.topological[k]),
            growth=st.growth[k],
            growth_factor=st.growth_factor[k],
            limit=pred.limits[k] if pred is not None else limits[k],
            slope=slopes[k],
            predicate=None if pred is None else pred.predicates[k],
            explanation=st.explanation[k],
            growth_constant=system.growth_constant(k),
            observables={name: {"limit": lim[k], "growth": st_.growth[k], "rate": st_.rates[k],
                                "vanishes": lim[k] is not None and lim[k] == 0}
                         for name, (st_, lim) in extra.items()},
        ))
    notes = list(rec.notes) + list(system.notes)
    if pred is not None:
        notes += [n for n in pred.notes if n not in notes]
    if rec.asymptotic and ASYMPTOTIC_NOTE not in notes:
        notes.append(ASYMPTOTIC_NOTE)
    if system.arithmetic == "float":
        notes.append("float arithmetic: limits and rates are floating-point; verdicts are exact (support only)")
    if not graph.is_exact:
        notes.append("float graph: the support is the input as given (an entry is absent iff it is 0.0)"
                     if graph.tolerance is None else
                     f"float graph: entries and real weights of absolute value <= {graph.tolerance:g} were read as 0")
    if graph.free_symbols:
        notes.append("symbolic weights: verdicts and slopes hold where no symbolic weight vanishes; "
                     "the predicate gives the exact condition")
    if system.region is not None:
        where = pred.region_text if pred is not None else str(system.region)
        notes.append(f"valid region of the symbols: {where}")
    return Analysis(graph, system.estimator, rec, system.topology, st, tuple(models), pred, tuple(notes),
                    arithmetic=system.arithmetic_label, region=system.region, interior_point=_interior_point(system))


def _interior_point(system) -> dict:
    """The system's interior point where symbolic weights need one (reports orient factors there), else ``{}``.

    A region the decision procedure cannot read (an estimator's constraint with ``log``) has none:
    factors are then oriented at the default point.
    """
    if not symbolic_weights(system.graph):  # with dynamics: the weights and probabilities of its phases or modes
        return {}
    try:
        return system.interior_point
    except GraphCollapseError:
        return {}
