"""Second-moment recursions of time-varying interaction: periodic schedules and random modes (MODEL.md 6.1-6.2).

Each is built from the per-generation recursions of the graphs involved
(one :class:`~graphcollapse.operator.moments.MomentRecursion` per phase or
mode, the estimator's own, e.g. the Kronecker ``Recurrence`` or pooled OLS
with its diagonal rules) and is itself a time-invariant
:class:`~graphcollapse.operator.moments.MomentRecursion`, so the generic
solvers decide its verdicts, limits and slopes exactly.

* :class:`PeriodicRecursion`, a schedule ``𝓛_1, …, 𝓛_p``: one step is one
  *period*.  Unknown ``(i, u)`` is entry ``u`` of the state at the end of
  phase ``i``; its row is the composition ``𝓛_i ∘ … ∘ 𝓛_1`` applied to the
  state at the end of the previous period (unknowns ``(p, ·)``), and its
  constant the propagated noise ``b_i + 𝓛_i(b_{i-1} + …)``.  The block of the
  unknowns ``(p, ·)`` is the one-period map ``Φ``; the other unknowns read it
  only (blocks of radius 0), so ``ρ(Φ)`` decides, and the limits of the
  observables ``"phase i"`` are the limit cycle, one limit per phase.
* :func:`averaged`, i.i.d. modes: ``S(t) = Σ_i p_i 𝓛_i(S(t-1)) + Σ_i p_i D_i``
  (the mode is independent of the past, so the conditional moments average).
* :class:`MarkovRecursion`, Markov switching with transition matrix ``Π``:
  per-mode moments ``S_j(t) = E[e eᵀ 1{mode(t) = j}]`` with
  ``S_j(t) = Σ_i Π_ij 𝓛_j(S_i(t-1)) + μ_j(t) D_j``; unknowns ``(j, u)``.  The
  mode law ``μ(t)`` is an input: the recursion holds it at its Cesàro limit
  ``μ̄`` (what verdicts, limits and slopes depend on; exact trajectories use
  ``μ(t)`` itself, :func:`markov_step`).

Examples
--------
>>> import sympy
>>> from graphcollapse.graph import from_matrix
>>> from graphcollapse.operator import ExplicitRecursion, iterate
>>> g = from_matrix([[1]], n=[1])
>>> def step(a, b):
...     return ExplicitRecursion(g, "x", labels=("m",), rows=({0: a},), constant=(b,), initial=(1,),
...                              observables={"error": ({0: 1},)})
>>> one, two = step(2, 1), step(sympy.Rational(1, 4), 0)
>>> rec = PeriodicRecursion(g, (one, two), {0: 1})
>>> rec.row((2, 0)), rec.constant((2, 0))      # m -> (2m + 1)/4 over one period
({(2, 0): 1/2}, 1/4)
>>> rec.observable(0, "phase 1"), rec.row((1, 0))
({(1, 0): 1}, {(2, 0): 2})
>>> averaged(g, (one, two), (sympy.Rational(1, 2),) * 2).row(0)
{0: 9/8}
"""

from __future__ import annotations

from typing import Any, Hashable, Mapping, Sequence

import sympy

from graphcollapse.errors import InputError
from graphcollapse.operator.moments import ExplicitRecursion, MomentRecursion, dense_system

__all__ = ["PeriodicRecursion", "averaged", "MarkovRecursion", "markov_step", "phase_observable", "closure_of_all",
           "apply_once", "error_of"]


def phase_observable(i: int) -> str:
    """The observable name of the error at the end of phase ``i`` (1-based) of a period."""
    return f"phase {i}"


def _expand(value):
    return sympy.expand(value) if isinstance(value, sympy.Basic) and value.free_symbols else value


def _add(target: dict, key, value) -> None:
    total = target.get(key, 0) + value
    target[key] = total


def _clean(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        value = _expand(value)
        if value != 0:
            out[key] = value
    return out


class PeriodicRecursion(MomentRecursion):
    """The lifted one-period recursion of a periodic schedule (see the module docstring).

    Parameters
    ----------
    graph : InteractionGraph
        The base graph (ids, and the graph reports name).
    phases : sequence of MomentRecursion
        The per-generation recursion of every phase of the period, in order,
        all over the same unknowns.
    start : mapping
        The state when the period starts (the end of the prefix): ``{unknown: value}``;
        missing unknowns are 0.
    """

    def __init__(self, graph, phases: Sequence[MomentRecursion], start: Mapping):
        if not phases:
            raise InputError("a periodic schedule needs at least one phase")
        self.graph = graph
        self.phases = tuple(phases)
        self.family = f"{phases[0].family} on a periodic schedule of period {len(phases)}"
        self.asymptotic = any(r.asymptotic for r in phases)
        self.notes = tuple(dict.fromkeys(n for r in phases for n in r.notes))
        self.start = dict(start)
        self.observable_names = ("error",) + tuple(phase_observable(i) for i in range(1, len(phases) + 1))
        self._rows: dict = {}
        self._constants: dict = {}

    @property
    def p(self) -> int:
        return len(self.phases)

    def _composed(self, i: int, u: Hashable):
        """Row and constant of ``(i, u)`` over the unknowns ``(p, ·)``, memoised."""
        key = (i, u)
        if key not in self._rows:
            rec = self.phases[i - 1]
            row: dict = {}
            constant = rec.constant(u)
            for v, c in rec.row(u).items():
                if i == 1:
                    _add(row, (self.p, v), c)
                else:
                    inner, b = self._composed(i - 1, v)
                    constant = constant + c * b
                    for w, d in inner.items():
                        _add(row, w, c * d)
            self._rows[key] = _clean(row)
            self._constants[key] = _expand(constant)
        return self._rows[key], self._constants[key]

    def row(self, unknown):
        i, u = unknown
        return self._composed(i, u)[0]

    def constant(self, unknown):
        i, u = unknown
        return self._composed(i, u)[1]

    def initial_value(self, unknown):
        return self.start.get(unknown[1], sympy.Integer(0) if self.exact else 0.0)

    def observable(self, k, name="error"):
        if name == "error":
            i = self.p
        elif name.startswith("phase ") and name[6:].isdigit() and 1 <= int(name[6:]) <= self.p:
            i = int(name[6:])
        else:
            raise InputError(f"{self.family}: no observable {name!r} (has {', '.join(self.observable_names)})")
        return {(i, u): w for u, w in self.phases[i - 1].observable(k).items()}


def closure_of_all(recursions: Sequence[MomentRecursion], models: Sequence[int] | None = None) -> list:
    """The unknowns the error observables depend on under *every* recursion (closed under all of them)."""
    K = recursions[0].K
    found: dict = {}
    todo = [u for rec in recursions for k in (range(K) if models is None else models) for u in rec.observable(k)]
    while todo:
        u = todo.pop()
        if u in found:
            continue
        found[u] = None
        for rec in recursions:
            todo.extend(v for v in rec.row(u) if v not in found)
    return recursions[0].closure(found)  # sorted, and closed (a no-op on a closed set)


def averaged(graph, recursions: Sequence[MomentRecursion], weights: Sequence, *, family: str | None = None,
             base: MomentRecursion | None = None) -> ExplicitRecursion:
    """``Σ_i w_i 𝓛_i`` with constant ``Σ_i w_i b_i``: the mean-square recursion of i.i.d. modes.

    Generation 0 and the observables come from ``base`` (default: the first recursion).
    """
    base = base or recursions[0]
    unknowns = closure_of_all([*recursions, base])
    position = {u: i for i, u in enumerate(unknowns)}
    rows, constant = [], []
    for u in unknowns:
        row: dict = {}
        b = 0
        for w, rec in zip(weights, recursions):
            for v, c in rec.row(u).items():
                _add(row, position[v], w * c)
            b = b + w * rec.constant(u)
        rows.append(_clean(row))
        constant.append(_expand(b))
    forms = tuple({position[u]: w for u, w in base.observable(k).items()} for k in range(graph.K))
    name = family or f"{base.family} under {len(recursions)} i.i.d. modes"
    return ExplicitRecursion(graph, name, labels=tuple(unknowns), rows=rows, constant=constant,
                             initial=[base.initial_value(u) for u in unknowns], observables={"error": forms},
                             asymptotic=any(r.asymptotic for r in recursions),
                             notes=tuple(dict.fromkeys(n for r in recursions for n in r.notes)))


class MarkovRecursion(MomentRecursion):
    """Per-mode second moments of Markov switching (see the module docstring).

    Parameters
    ----------
    graph : InteractionGraph
    modes : sequence of MomentRecursion
        The recursion of every mode.
    transition : sympy.Matrix
        ``Π``, row ``i`` the law of the next mode after mode ``i``.
    law : sequence
        The mode law held in the constant term (the Cesàro limit ``μ̄`` of ``μ(t)``).
    start : sequence of mapping
        ``S_j`` at the first generation of the recursion, per mode.
    """

    def __init__(self, graph, modes: Sequence[MomentRecursion], transition, law: Sequence, start: Sequence[Mapping]):
        self.graph = graph
        self.modes = tuple(modes)
        self.transition = sympy.Matrix(transition)
        self.law = tuple(law)
        self.start = [dict(s) for s in start]
        self.family = f"{modes[0].family} under Markov switching of {len(modes)} modes"
        self.asymptotic = any(r.asymptotic for r in modes)
        self.notes = tuple(dict.fromkeys(n for r in modes for n in r.notes))
        self._rows: dict = {}

    def row(self, unknown):
        if unknown not in self._rows:
            j, u = unknown
            row: dict = {}
            for v, c in self.modes[j].row(u).items():
                for i in range(len(self.modes)):
                    weight = self.transition[i, j]
                    if weight != 0:
                        _add(row, (i, v), weight * c)
            self._rows[unknown] = _clean(row)
        return self._rows[unknown]

    def constant(self, unknown):
        j, u = unknown
        return _expand(self.law[j] * self.modes[j].constant(u))

    def initial_value(self, unknown):
        j, u = unknown
        return self.start[j].get(u, sympy.Integer(0) if self.exact else 0.0)

    def observable(self, k, name="error"):
        if name != "error":
            raise InputError(f"{self.family}: no observable {name!r} (has error)")
        return {(j, u): w for j, rec in enumerate(self.modes) for u, w in rec.observable(k).items()}


def markov_step(modes: Sequence[MomentRecursion], transition, law_now: Sequence, states: Sequence[Mapping],
                unknowns: Sequence[Hashable]) -> list[dict]:
    """One exact generation of Markov switching: ``S_j ← Σ_i Π_ij 𝓛_j(S_i) + μ_j(t) D_j``.

    ``states[i]`` is ``S_i(t-1)`` over ``unknowns`` (a set closed under every
    mode), ``law_now`` is ``μ(t)``; returns the list of ``S_j(t)``.
    """
    out = []
    for j, rec in enumerate(modes):
        mixed: dict = {}
        for u in unknowns:
            value = 0
            for i in range(len(modes)):
                weight = transition[i, j]
                if weight == 0:
                    continue
                value = value + weight * sum((c * states[i].get(v, 0) for v, c in rec.row(u).items()), 0)
            mixed[u] = _expand(value + law_now[j] * rec.constant(u))
        out.append(mixed)
    return out


def apply_once(rec: MomentRecursion, state: Mapping, unknowns: Sequence[Hashable]) -> dict:
    """``𝓛(S) + b`` over ``unknowns`` (closed under ``rec``): one exact generation of one recursion."""
    rows, b, _, position = dense_system(rec, unknowns)
    values = [state.get(u, 0) for u in unknowns]
    return {u: _expand(sum((c * values[j] for j, c in row.items()), 0) + bi)
            for u, row, bi in zip(unknowns, rows, b)}


def error_of(rec: MomentRecursion, state: Mapping, name: str = "error") -> tuple:
    """Every model's observable ``name`` of a state ``{unknown: value}``."""
    out = []
    for k in range(rec.K):
        value: Any = 0
        for u, w in rec.observable(k, name).items():
            value = value + w * state.get(u, 0)
        out.append(_tidy(value))
    return tuple(out)


def _tidy(value):
    if isinstance(value, sympy.Basic):
        return sympy.cancel(value) if value.free_symbols else value
    return sympy.Integer(value) if isinstance(value, int) else value
