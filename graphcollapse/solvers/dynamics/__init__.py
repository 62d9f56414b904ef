"""Exact answers for processes that change over time: schedules, random modes, memory (MODEL.md 6).

:func:`analyze_dynamics` and :func:`dynamic_trajectory` dispatch on the graph's
:class:`~graphcollapse.graph.dynamics.Dynamics`:

* :mod:`.memory`: ``accumulate``, ``window``, ``subsample``, a fixed real pool or design;
* :mod:`.schedule`: a deterministic schedule (limit cycles, growth per period, growing samples);
* :mod:`.modes`: i.i.d. or Markov-switched modes (mean-square verdicts, the union rule);
* :mod:`.rates`: exact decay exponents under accumulate; :mod:`.build`: the recursions from the graphs;
  :mod:`.result`: :class:`DynamicModel` and :class:`DynamicAnalysis`.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 10}], "edges": [{"from": "A", "to": "A", "weight": 1}],
...                "memory": "accumulate"})
>>> dynamic_trajectory(g, None, 2)
((1/10,), (1/8,), (49/360,))
>>> analyze_dynamics(g).models[0].statement
'E_A(t) -> pi**2/60'
"""

from __future__ import annotations

from graphcollapse.errors import guarded
from graphcollapse.graph.dynamics import has_dynamics
from graphcollapse.solvers.dynamics.memory import memory_analysis, memory_trajectory
from graphcollapse.solvers.dynamics.modes import modes_analysis, modes_trajectory
from graphcollapse.solvers.dynamics.result import DynamicAnalysis, DynamicModel
from graphcollapse.solvers.dynamics.schedule import schedule_analysis, schedule_trajectory

__all__ = ["analyze_dynamics", "dynamic_trajectory", "has_dynamics", "DynamicAnalysis", "DynamicModel"]


def _route(graph):
    d = graph.dynamics
    if not d.memory.is_replace:
        return memory_analysis, memory_trajectory
    if d.schedule is not None:
        return schedule_analysis, schedule_trajectory
    return modes_analysis, modes_trajectory


@guarded
def analyze_dynamics(graph, spec=None) -> DynamicAnalysis:
    """Verdicts, limits, slopes and rates of every model of a process with dynamics."""
    return _route(graph)[0](graph, spec)


@guarded
def dynamic_trajectory(graph, spec, generations: int) -> tuple:
    """``E_k(t)`` for ``t = 0 … generations``, exact, for a process with dynamics."""
    return _route(graph)[1](graph, spec, generations)
