"""The concept object: an interaction graph under an estimator, and everything derived from it.

Start reading here.  A :class:`System` is "this graph, under this estimator
family, in this arithmetic"; every question the toolkit answers is one of its
cached properties or methods, and each module below answers one of them:

=====================  ===========================================  =====================================
question               attribute                                    computed by
=====================  ===========================================  =====================================
components, classes    :attr:`System.topology`                      :mod:`graphcollapse.topology`
Theorem A, 3 forms     :attr:`System.verdicts`                      :mod:`graphcollapse.verdict`
the recursion          :attr:`System.recurrence`                    :mod:`graphcollapse.estimators`
bounded or not         :attr:`System.stability`                     :mod:`graphcollapse.solvers.stability`
limits (Theorem C)     :attr:`System.limits`                        :mod:`graphcollapse.solvers.limits`
slopes (Theorem B)     :attr:`System.slopes`                        :mod:`graphcollapse.solvers.growth`
collapse predicate     :attr:`System.predicate`                     :mod:`graphcollapse.solvers.predicate`
``E_k(t)``             :meth:`System.trajectory`, :meth:`closed_form`  :mod:`graphcollapse.solvers.trajectory`
sample-size threshold  :meth:`System.threshold`                     :mod:`graphcollapse.solvers.threshold`
simulation, check      :meth:`System.simulate`, :meth:`check`       :mod:`graphcollapse.simulation`,
                                                                    :mod:`graphcollapse.crosscheck`
everything             :meth:`System.analysis`                      :mod:`graphcollapse.analysis`
=====================  ===========================================  =====================================

Nothing is computed twice: the solvers receive the system's topology,
recurrence and verdict instead of rebuilding them.

Examples
--------
>>> from graphcollapse import System, from_matrix
>>> s = System(from_matrix([["1/2", "1/2"], [0, "1/2"]], n=[10, 10]))
>>> s.limits, s.limits.arithmetic
((28/135, 2/15), 'exact rational')
>>> s.limits.of("1"), s.stability.growth
(2/15, ('bounded', 'bounded'))
>>> s.trajectory(2)
((1/10, 1/10), (3/20, 1/8), (29/160, 21/160))
"""

from __future__ import annotations

import dataclasses
from functools import cached_property
from typing import Any, Mapping

import numpy as np
import sympy

from graphcollapse.analysis import Analysis, collect
from graphcollapse.errors import InputError, NotSemisimpleError, UndecidedError, UnsupportedError, guarded, guarded_class
from graphcollapse.estimators import estimator_for
from graphcollapse.graph import InteractionGraph
from graphcollapse.solvers.growth import cesaro_slopes, geometric_constant, growth_rates
from graphcollapse.solvers.limits import limits as solve_limits
from graphcollapse.numbers.forms import tidy
from graphcollapse.numbers.regions import decide
from graphcollapse.solvers.predicate import collapse_predicate, symbolic_weights, valid_region
from graphcollapse.operator.recurrence import Recurrence
from graphcollapse.solvers.general import limits_of, slopes_of, stability_of
from graphcollapse.solvers.results import GrowthRates, Limits
from graphcollapse.solvers.stability import general_stability, stability
from graphcollapse.topology import Topology
from graphcollapse.verdict import theorem_a

__all__ = ["System", "ARITHMETICS", "analyze", "predict", "cross_check"]

#: The arithmetic back ends a system can compute limits and rates in.
ARITHMETICS = ("exact", "float", "mpmath")


@guarded_class
class System:
    """An interaction graph under an estimator family, with every answer cached.

    Parameters
    ----------
    graph : InteractionGraph
    estimator : mapping, optional
        Overrides the graph's estimator specification.
    arithmetic : {"exact", "float", "mpmath"}, optional
        How limits and rates are computed (verdicts are always exact).
        Default: exact for exact graphs, float for float graphs.  ``float``
        on an exact graph gives floating-point limits; ``mpmath`` solves at
        ``dps`` decimal digits (small ill-conditioned graphs).
    dps : int
        Working precision of the ``mpmath`` arithmetic.

    Raises
    ------
    InputError
        For an unknown arithmetic, exact arithmetic on a float graph, or an
        invalid estimator specification.
    """

    def __init__(self, graph: InteractionGraph, estimator: Mapping | None = None, *,
                 arithmetic: str | None = None, dps: int = 50):
        if not isinstance(graph, InteractionGraph):
            raise InputError(f"System: expected an InteractionGraph, got {type(graph).__name__}")
        if arithmetic is not None and arithmetic not in ARITHMETICS:
            raise InputError(f"arithmetic must be one of {', '.join(ARITHMETICS)}, not {arithmetic!r}")
        if arithmetic is None:
            arithmetic = "exact" if graph.is_exact else "float"
        if arithmetic == "exact" and not graph.is_exact:
            raise InputError(f"graph {graph.name!r}: exact arithmetic needs an exact graph; this one has float weights")
        if arithmetic == "mpmath" and not graph.is_exact:
            raise InputError(f"graph {graph.name!r}: mpmath arithmetic needs an exact graph (its values are "
                             "converted at the working precision)")
        if isinstance(dps, bool) or not isinstance(dps, int) or not 15 <= dps <= 10_000:
            raise InputError(f"dps must be an integer between 15 and 10000, got {dps!r}")
        self.graph = graph
        self.arithmetic = arithmetic
        self.dps = dps
        self._spec = None if estimator is None else dict(estimator)
        #: Statements the analysis must carry (e.g. why the predicate is missing).
        self.notes: list[str] = []

    def __repr__(self) -> str:
        return f"<System {self.graph!r} under {self.estimator.describe()}, {self.arithmetic}>"

    # ------------------------------------------------------------ structure
    @cached_property
    def estimator(self):
        """The :class:`~graphcollapse.estimators.Estimator` (parsed specification)."""
        return estimator_for(self.graph, self._spec)

    @cached_property
    def topology(self) -> Topology:
        """Components, closed classes, periods and the absorbing chain (support only)."""
        return Topology.of(self.graph)

    @cached_property
    def recurrence(self):
        """The second-moment recursion ``S(t) = 𝓛(S(t-1)) + D`` of the estimator on the graph."""
        return self.estimator.recurrence()

    @property
    def arithmetic_label(self) -> str:
        """What the limits and rates are computed in, for reports."""
        if self.arithmetic == "float":
            return "float"
        if self.arithmetic == "mpmath":
            return f"mpmath ({self.dps} digits)"
        return "symbolic" if self.recurrence.symbols else "exact rational"

    # ------------------------------------------------------------- verdicts
    @cached_property
    def verdicts(self) -> tuple:
        """Theorem A for every model, in its three forms, cross-checked."""
        return theorem_a(self.graph, self.topology)

    # ------------------------------------------------------- dynamics (issue 13)
    @property
    def has_dynamics(self) -> bool:
        """Whether the graph's process has a schedule, random modes or memory other than replace."""
        from graphcollapse.solvers.dynamics import has_dynamics

        return has_dynamics(self.graph)

    @cached_property
    def dynamics(self):
        """The :class:`~graphcollapse.solvers.dynamics.DynamicAnalysis` of a process with dynamics, else ``None``."""
        if not self.has_dynamics:
            return None
        from graphcollapse.solvers.dynamics import analyze_dynamics

        from graphcollapse.analysis import _interior_point

        result = analyze_dynamics(self.graph, self._spec)
        region = self.region if self.graph.is_exact else None
        return dataclasses.replace(result, family=self.estimator, region=region,
                                   interior_point=_interior_point(self) if region is not None else {})

    def _dynamic_values(self, attribute: str, kind):
        models = self.dynamics.models
        return kind([getattr(m, attribute) for m in models], ids=self.graph.ids, arithmetic=self.dynamics.arithmetic,
                    method=self.dynamics.method)

    @cached_property
    def stability(self):
        """The deciding boundedness verdict of the estimator's own operator (exact)."""
        if self.has_dynamics:  # dynamics (issue 13): the verdict of the time-varying process
            from graphcollapse.solvers.general import GeneralStability

            models = self.dynamics.models
            return GeneralStability("error", np.array([not m.collapses for m in models], dtype=bool),
                                    tuple(m.growth for m in models), tuple(m.growth_factor for m in models),
                                    tuple(m.rate_exponent for m in models), method=self.dynamics.method)
        if self.is_general:
            return general_stability(self.recurrence, self.topology)
        return stability(self.recurrence, self.topology)

    @property
    def is_general(self) -> bool:
        """Whether the recursion is a general :class:`MomentRecursion` (not the Kronecker ``Recurrence``)."""
        return not isinstance(self.recurrence, Recurrence)

    def observable(self, name: str):
        """Verdict, limits and rates of a further observable (e.g. ``"variance"`` of a Gaussian fit).

        Returns ``(GeneralStability, Limits)``; a bounded observable whose
        limit is exactly 0 *vanishes*, at the geometric rate ``stability.rates[k]``.
        """
        if name not in getattr(self.recurrence, "observable_names", ("error",)):
            raise InputError(f"{self.recurrence.family}: no observable {name!r}")
        st = stability_of(self.recurrence, name)
        return st, limits_of(self.recurrence, name, bounded=st.bounded)

    # -------------------------------------------------------------- answers
    @cached_property
    def region(self):
        """The valid region of the symbols (weights in [0, 1], sizes positive, the estimator's own
        constraints), or ``None`` without symbols."""
        if not self.graph.is_exact:
            return None
        region = valid_region(self.graph, self.estimator.constraints())
        return region if region.symbols else None

    @cached_property
    def interior_point(self) -> dict:
        """An exact point of the valid region where no symbolic weight vanishes (empty if none is known).

        Symbolic results are written with every factor positive there.
        """
        if self.region is None:
            return {}
        weights = symbolic_weights(self.graph)  # a process with dynamics: its phases' or modes' weights too
        decision = decide(self.region.constraints + tuple((w, "!=") for w in weights), self.region.symbols)
        return dict(decision.witness) if decision.feasible else {}

    @cached_property
    def limits(self):
        """``L_k = lim E_k(t)`` per model (``None`` where unbounded), in :attr:`arithmetic`."""
        if self.has_dynamics:  # dynamics (issue 13)
            return self._dynamic_values("limit", Limits)
        if self.is_general:
            values = limits_of(self.recurrence, bounded=self.stability.bounded, arithmetic=self.arithmetic,
                               dps=self.dps)
        else:
            values = solve_limits(self.recurrence, topology=self.topology, bounded=self.stability.bounded,
                                  arithmetic=self.arithmetic, dps=self.dps)
        if self.arithmetic != "exact" or not self.recurrence.symbols or not self.interior_point:
            return values
        return Limits([None if v is None else tidy(v, at=self.interior_point) for v in values], ids=values.ids,
                      arithmetic=values.arithmetic, method=values.method)

    @cached_property
    def slopes(self) -> GrowthRates:
        """The linear growth rate ``c_k`` per model (0 when bounded, ``oo`` when faster than linear)."""
        if self.has_dynamics:  # dynamics (issue 13)
            return self._dynamic_values("slope", GrowthRates)
        rec, st = self.recurrence, self.stability
        if self.is_general:
            return slopes_of(rec, st)
        if rec.is_kronecker and rec.is_identity_propagation:
            values = growth_rates(rec, topology=self.topology)
            if self.arithmetic != "exact" and rec.exact and not rec.symbols:
                return GrowthRates([float(v) for v in values], ids=self.graph.ids, arithmetic="float",
                                   method=values.method)
            return values
        out: list[Any] = []
        cache: dict[int, dict] = {}
        for k in range(rec.K):
            kind = st.growth[k]
            if kind == "bounded":
                out.append(sympy.Integer(0))
            elif kind != "linear":
                out.append(sympy.oo)
            else:
                c = int(self.topology.component_of[k])
                if c not in cache:
                    try:
                        cache[c] = cesaro_slopes(rec, self.topology.upstream(k).tolist())
                    except NotSemisimpleError:
                        cache[c] = {}
                out.append(cache[c].get(k, sympy.oo))
        return GrowthRates(out, ids=self.graph.ids, arithmetic=self.arithmetic_label,
                           method="exact Cesàro projector of the operator on A(k)")

    def growth_constant(self, k: int):
        """``C`` in ``E_k(t) = C ρ^t + o(ρ^t)`` for geometric growth (exact graphs), else ``None``."""
        st = self.stability
        if st.growth[k] != "geometric" or self.arithmetic != "exact" or self.is_general:
            return None
        return geometric_constant(self.recurrence, [int(m) for m in self.topology.upstream(k)], k,
                                  st.growth_factor[k])

    @cached_property
    def predicate(self):
        """The exact collapse predicate over the symbolic weights (``None`` without symbols).

        Available for ``M = I`` estimators in the Kronecker form, where the
        verdict depends on the support only.
        """
        if self.has_dynamics:  # dynamics (issue 13): the i.i.d. union rule stands in for it
            return None
        rec = self.recurrence
        if self.is_general or not self.graph.free_symbols or not (rec.is_kronecker and rec.is_identity_propagation):
            return None
        try:
            result = collapse_predicate(self.graph, self._spec,
                                        generic_limits=self.limits if self.arithmetic == "exact" else None)
        except (UnsupportedError, UndecidedError) as err:
            self.notes.append(f"no collapse predicate: {err}; verdicts and limits hold on the generic support")
            return None
        return _oriented(result, self.interior_point)

    # --------------------------------------------------------- trajectories
    def trajectory(self, generations: int, name: str = "error") -> tuple[tuple, ...]:
        """``E_k(t)`` (or the observable ``name``, e.g. ``"variance"``) for ``t = 0 … generations``, exact."""
        if self.has_dynamics:  # dynamics (issue 13)
            from graphcollapse.solvers.dynamics import dynamic_trajectory

            if name != "error":
                raise UnsupportedError(f"the observable {name!r} of a process with a schedule, modes or memory "
                                       "is not available; its error E_k(t) is")
            return dynamic_trajectory(self.graph, self._spec, generations)
        from graphcollapse.solvers.trajectory import trajectory

        return trajectory(self.recurrence, generations, name)

    def iter_trajectory(self, generations: int, name: str = "error"):
        """:meth:`trajectory` one generation at a time (long runs stream; bounds checked before the first row)."""
        if self.has_dynamics:  # dynamics (issue 13): their own exact iteration
            return iter(self.trajectory(generations, name))
        from graphcollapse.solvers.trajectory import iter_trajectory

        return iter_trajectory(self.recurrence, generations, name)

    def closed_form(self, models=None, name: str = "error") -> tuple:
        """``E_k(t)`` (or the observable ``name``) in closed form, valid for every ``t ≥ 0`` (small exact graphs)."""
        if self.has_dynamics:  # dynamics (issue 13)
            raise UnsupportedError("closed forms in t are available for the static process; a process with a "
                                   "schedule, modes or memory has exact trajectories (trajectory) instead")
        from graphcollapse.solvers.trajectory import closed_form

        return closed_form(self.recurrence, models, name)

    def threshold(self, model: str | None = None):
        """The exact sample-size scale from which every model's error stays bounded."""
        from graphcollapse.solvers.threshold import sample_size_threshold

        return sample_size_threshold(self.graph, model=model, estimator=self._spec)

    # ------------------------------------------------------ theory vs. data
    def simulate(self, generations: int, replications: int, seed=None, method: str = "samples", **options):
        """Monte Carlo of the process (see :func:`graphcollapse.simulation.simulate`)."""
        from graphcollapse.simulation import simulate

        graph = self.graph if self._spec is None else self.graph.with_estimator(self._spec)
        return simulate(graph, generations, replications, seed=seed, method=method, **options)

    def prediction(self, generations: int):
        """What the theory says in floats, for the cross-check: ``E_k(t)``, limits, slopes, verdicts."""
        from graphcollapse.crosscheck.prediction import prediction_from

        return prediction_from(self, generations)

    def check(self, result, predicted=None, *, alpha: float | None = None, rel_tol: float = 0.0,
              reference=None):
        """Test the theory against a simulation ``result`` (Holm-corrected z-tests)."""
        from graphcollapse.crosscheck.check import DEFAULT_ALPHA, compare

        reference = self.prediction(result.generations) if reference is None else reference
        return compare(self.graph, result, reference, predicted,
                       alpha=DEFAULT_ALPHA if alpha is None else alpha, rel_tol=rel_tol)

    # ----------------------------------------------------------- collected
    def analysis(self) -> Analysis:
        """Every answer, per model (:class:`~graphcollapse.analysis.Analysis`; a
        :class:`~graphcollapse.solvers.dynamics.DynamicAnalysis` for a process with dynamics)."""
        if self.has_dynamics:  # dynamics (issue 13)
            return self.dynamics
        return collect(self)

    def bounded_models(self) -> np.ndarray:
        """Positions of the models whose error stays bounded."""
        return np.flatnonzero(self.stability.bounded)


def _oriented(result, point):
    """The predicate with its limits written positive at an interior point of the region."""
    def orient(value):
        if isinstance(value, sympy.Piecewise):
            return sympy.Piecewise(*[(orient(v), c) for v, c in value.args])
        return tidy(value, at=point) if isinstance(value, sympy.Expr) and value.free_symbols else value

    return dataclasses.replace(result, limits=tuple(orient(v) for v in result.limits))


@guarded
def analyze(graph: InteractionGraph, estimator: Mapping | None = None, *, arithmetic: str | None = None,
            predicate: bool | None = None) -> Analysis:
    """Derive verdicts, limits, growth rates and conditions for every model.

    Parameters
    ----------
    graph : InteractionGraph
    estimator : mapping, optional
        Overrides the graph's estimator specification.
    arithmetic : {"exact", "float", "mpmath"}, optional
        How limits and rates are computed (default: exact for exact graphs).
    predicate : bool, optional
        Compute the collapse predicate (default: when the weights have symbols).

    Examples
    --------
    >>> from graphcollapse import from_matrix
    >>> analyze(from_matrix([[0, 1], [1, 0]])).models[0].slope
    1
    """
    system = System(graph, estimator, arithmetic=arithmetic)
    if predicate is False:
        system.__dict__["predicate"] = None
    elif predicate and system.predicate is None and graph.is_exact:
        system.__dict__["predicate"] = collapse_predicate(graph, estimator)
    return system.analysis()


@guarded
def predict(graph: InteractionGraph, generations: int):
    """The exact prediction for ``graph`` in floats (what :func:`cross_check` tests).

    Raises
    ------
    InputError
        If the graph has symbols.
    """
    return System(graph).prediction(generations)


@guarded
def cross_check(graph: InteractionGraph, result, predicted=None, *, alpha: float | None = None,
                rel_tol: float = 0.0, reference=None):
    """Test the predictions for ``graph`` against the simulation ``result``.

    Parameters
    ----------
    graph : InteractionGraph
        The simulated graph (``result.graph``).
    result : SimulationResult
    predicted : Prediction, optional
        What to test; by default the toolkit's exact prediction.
    alpha : float, optional
        Family-wise error level (Holm over every test; default 0.001).
    rel_tol : float
        Relative margin granted to every prediction (0: the prediction is exact).
    reference : Prediction, optional
        The toolkit's exact prediction ``predict(graph, result.generations)``
        if already computed (it sets the transient allowances).
    """
    return System(graph).check(result, predicted, alpha=alpha, rel_tol=rel_tol, reference=reference)
