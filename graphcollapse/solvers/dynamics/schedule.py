r"""Verdicts, limit cycles and growth per period of a deterministic schedule (docs/theory.md 6.1).

Generation ``t`` applies its own recursion ``S(t) = 𝓛_t(S(t-1)) + D(t)``.  For a
periodic schedule the one-period map ``Φ = 𝓛_p ∘ … ∘ 𝓛_1`` (affine) decides:
the lifted recursion :class:`~graphcollapse.operator.dynamics.PeriodicRecursion`
goes to the generic exact solvers, once per phase observable, so each model
gets one limit per phase (a limit cycle) or a growth kind per period — its
verdict is the worst over the phases (a model reset by real data in one phase
may still grow in the others).  The prefix changes neither: it only moves
the starting point.

With growing samples ``n(t) = n g(t)`` and an estimator whose operator does not
depend on ``n`` (every Kronecker family: Gaussian means, weighted OLS,
first-order M-estimators), ``D(t) = D / g(t)`` up to terms of smaller order,
so the unit-radius directions of ``Φ`` add ``Σ_{s ≤ t} c/g(s)`` instead of
``c t``: linear growth turns into ``c log t`` for ``g(t) = t`` and into a
finite limit for ``Σ 1/g < ∞`` (``t²``, geometric), and every contracting
direction tends to 0.  Pooled OLS, whose finite-sample coefficients change
with ``n(t)``, has exact trajectories but no verdict here.

Examples
--------
The first surprise of docs/theory.md 6.1: A learns from B in odd generations (B
sees real data), B from A in even ones; neither graph alone has a closed class:

>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 10, "real": 1}, {"id": "B", "n": 10, "real": 1}],
...                "schedule": {"period": [
...                    {"models": [{"id": "A", "real": 0}], "edges": [{"from": "B", "to": "A", "weight": 1}]},
...                    {"models": [{"id": "B", "real": 0}], "edges": [{"from": "A", "to": "B", "weight": 1}]}]}})
>>> [(m.id, m.collapses, m.phase_slopes) for m in schedule_analysis(g).models]
[('A', True, (1/10, 0)), ('B', True, (0, 1/10))]
"""

from __future__ import annotations

import math

import sympy

from graphcollapse.errors import UnsupportedError
from graphcollapse.operator.dynamics import PeriodicRecursion, closure_of_all, phase_observable
from graphcollapse.operator.recurrence import Recurrence
from graphcollapse.solvers.dynamics.build import Stepper, recurrence_of
from graphcollapse.solvers.dynamics.result import GROWTH_KINDS, DynamicAnalysis, DynamicModel
from graphcollapse.solvers.predicate import process_symbols
from graphcollapse.topology import Topology

__all__ = ["schedule_analysis", "schedule_trajectory", "periodic_recursion", "stepper_for"]


def stepper_for(recursions, unknowns) -> Stepper:
    """A :class:`Stepper` over ``unknowns``, in flint rationals when every coefficient is rational."""
    def rational(v):
        return isinstance(v, int) or getattr(v, "is_Rational", False)

    ok = all(rational(c) and rational(rec.constant(u)) and rational(rec.initial_value(u))
             for rec in recursions for u in unknowns for c in rec.row(u).values())
    return Stepper(unknowns, ok)


def _setting(graph, spec):
    schedule = graph.dynamics.schedule
    base = recurrence_of(graph, spec)
    phases = [recurrence_of(g, spec) for g in schedule.phases]
    unknowns = closure_of_all([base, *phases])
    return schedule, base, phases, unknowns


def schedule_trajectory(graph, spec, generations: int) -> tuple:
    """``E_k(t)`` for ``t = 0 … generations``, exact (each generation its own graph and sample sizes)."""
    schedule, base, phases, unknowns = _setting(graph, spec)
    stepper = stepper_for([base, *phases], unknowns)
    x = stepper.initial(base)
    out = [tuple(stepper.observe(base, x, k) for k in range(graph.K))]
    for t in range(1, generations + 1):
        rec = recurrence_of(schedule.graph_at(t), spec)
        x = stepper.step(rec, x)
        out.append(tuple(stepper.observe(rec, x, k) for k in range(graph.K)))
    return tuple(out)


def periodic_recursion(graph, spec=None) -> PeriodicRecursion:
    """The lifted one-period recursion, started at the end of the prefix (without growth)."""
    schedule, base, phases, unknowns = _setting(graph, spec)
    stepper = stepper_for([base, *phases], unknowns)
    x = stepper.initial(base)
    for i in range(schedule.prefix_length):
        x = stepper.step(phases[i], x)
    return PeriodicRecursion(graph, phases[schedule.prefix_length:], stepper.as_mapping(x))


def schedule_analysis(graph, spec=None) -> DynamicAnalysis:
    """Per-model verdicts of a schedule: limit cycles, growth per period, the effect of growing samples."""
    from graphcollapse.solvers.general import limits_of, slopes_of, stability_of

    schedule = graph.dynamics.schedule
    rec = periodic_recursion(graph, spec)
    p = rec.p
    growth = schedule.growth
    if growth is not None and not all(isinstance(r, Recurrence) and r.is_kronecker for r in rec.phases):
        raise UnsupportedError("with growing samples the verdict is derived for operators that do not depend on n "
                               "(Kronecker families); this estimator's finite-sample operator changes with n(t) — "
                               "its trajectory is exact (graphcollapse trajectory)")
    per_phase = []
    for i in range(1, p + 1):
        name = phase_observable(i)
        st = stability_of(rec, name)
        per_phase.append((st, limits_of(rec, name, bounded=st.bounded), slopes_of(rec, st, name)))
    models = []
    for k, model_id in enumerate(graph.ids):
        kinds = [st.growth[k] for st, _, _ in per_phase]
        worst = max(kinds, key=GROWTH_KINDS.index)
        factor = max((st.growth_factor[k] for st, _, _ in per_phase if st.growth[k] == "geometric"),
                     key=lambda v: float(v), default=None)
        limits = tuple(lim[k] for _, lim, _ in per_phase) if worst == "bounded" else None
        slopes = tuple(s[k] / p if s[k] is not None and s[k] != sympy.oo else s[k]
                       for _, _, s in per_phase) if worst in ("bounded", "linear") else None
        models.append(_model(model_id, worst, factor, limits, slopes, growth))
    notes = []
    if growth is not None:
        notes.append(f"growing samples {growth.describe()}: noise D(t) = D/g(t); unit-radius directions of the "
                     "one-period map add sum 1/g(s)")
    if schedule.prefix:
        notes.append(f"the first {schedule.prefix_length} generations follow the prefix; verdicts and limits do not "
                     "depend on it")
    periods = [Topology.of(g).periods[c] or 1 for g in schedule.period for c in Topology.of(g).closed_classes]
    return DynamicAnalysis(graph, graph.dynamics, None, tuple(models),
                           f"exact spectral radius of the one-period map (period {p}), per phase",
                           "symbolic" if process_symbols(graph) else "exact rational", tuple(notes),
                           recursion=rec, phases=schedule.names[schedule.prefix_length:],
                           period=p * math.lcm(*periods) if periods else p,
                           asymptotic=rec.asymptotic)


def _model(model_id, worst, factor, limits, slopes, growth) -> DynamicModel:
    common = limits[0] if limits and all(v == limits[0] for v in limits) else None
    slope = None if slopes is None else sum(slopes, sympy.Integer(0)) / len(slopes)
    if growth is None or growth.noise_sum_kind == "linear":
        return DynamicModel(model_id, worst != "bounded", worst,
                            growth_factor=factor, limit=common, phase_limits=limits, slope=slope, phase_slopes=slopes)
    kind = growth.noise_sum_kind
    if worst == "bounded":
        return DynamicModel(model_id, False, "vanishing", limit=sympy.Integer(0), slope=sympy.Integer(0),
                            explanation="the one-period map contracts and the noise D/g(t) vanishes")
    if worst == "linear" and kind == "log":
        return DynamicModel(model_id, True, "log", slope=slope, phase_slopes=slopes,
                            explanation="a unit-radius direction fed by noise D/t: E grows like (slope) log t")
    if worst == "linear":
        return DynamicModel(model_id, False, "bounded", explanation=(
            "a unit-radius direction fed by summable noise D/g(t): the error converges (its limit depends on the "
            "whole transient; no closed form)"))
    if worst == "geometric":
        return DynamicModel(model_id, True, "geometric", growth_factor=factor)
    return DynamicModel(model_id, True, worst, explanation="growth under growing samples not derived for a Jordan "
                                                            "block; the trajectory is exact")
