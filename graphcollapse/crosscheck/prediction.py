"""What the theory says, in floats: the exact ``E_k(t)`` and the asymptotic claims.

A :class:`Prediction` is what :func:`graphcollapse.cross_check` tests
against a simulation.  :func:`prediction_from` reads it off a
:class:`~graphcollapse.system.System` (its exact trajectory and analysis;
``graphcollapse.predict(graph, T)`` for short); tests build deliberately
wrong ones with :func:`dataclasses.replace`.

Examples
--------
>>> from graphcollapse import from_matrix, predict
>>> p = predict(from_matrix([[0, 1], [1, 0]], n=[10, 20]), generations=2)
>>> p.trajectory.tolist(), p.slopes.tolist(), p.period
([[0.1, 0.05], [0.15, 0.15], [0.25, 0.2]], [0.075, 0.075], 2)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from graphcollapse.errors import InputError

__all__ = ["Prediction", "ObservablePrediction", "prediction_from"]


@dataclass(frozen=True, eq=False)
class Prediction:
    """Predicted errors of every model.

    Attributes
    ----------
    ids : tuple of str
    trajectory : numpy.ndarray, shape (generations + 1, K)
        ``E_k(t)`` for ``t = 0 .. generations``.
    collapses : numpy.ndarray of bool, shape (K,)
    growth : tuple of str
        ``"bounded"``, ``"linear"``, ``"geometric"`` or ``"polynomial"``.
    slopes : numpy.ndarray, shape (K,)
        Linear growth rate ``c_k`` (0 when bounded, ``inf`` when faster than linear).
    limits : numpy.ndarray, shape (K,)
        ``lim E_k(t)``; ``nan`` where the error is unbounded.
    period : int
        Least common multiple of the periods of the closed classes: the error
        grows linearly up to a periodic term of this period.
    asymptotic : bool
        First-order (n → ∞) predictions, as for the M-estimator families.
    """

    ids: tuple[str, ...]
    trajectory: np.ndarray
    collapses: np.ndarray
    growth: tuple[str, ...]
    slopes: np.ndarray
    limits: np.ndarray
    period: int = 1
    asymptotic: bool = False
    #: Further observables of the estimator (a Gaussian fit's ``"variance"``, a categorical fit's
    #: ``"diversity"``): ``{name: ObservablePrediction}``.
    observables: Mapping[str, "ObservablePrediction"] = field(default_factory=dict)
    #: Per observable (``"error"`` included), a per-model factor ``q ≥ 1`` such that the relative variance of
    #: one simulated draw at generation ``t`` is at most of order ``q^(t+1)`` (multiplicative noise, e.g. a
    #: collapsing fitted variance); observables not listed have bounded relative variance.
    tails: Mapping[str, np.ndarray] = field(default_factory=dict)

    @property
    def generations(self) -> int:
        return int(self.trajectory.shape[0] - 1)


@dataclass(frozen=True, eq=False)
class ObservablePrediction:
    """One further observable: its exact trajectory ``(generations + 1, K)`` and limits (``nan`` where unbounded)."""

    trajectory: np.ndarray
    limits: np.ndarray


def _float(value, what: str) -> float:
    if value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} = {value} is not a number: substitute the graph's symbols first") from None


def prediction_from(system, generations: int) -> Prediction:
    """The exact prediction of a :class:`~graphcollapse.system.System` in floats, for ``t = 0 … generations``.

    Reads the system's cached answers (verdicts, limits, slopes, the exact
    trajectory); the cross-check never derives theory itself.

    Raises
    ------
    InputError
        If the graph has symbols.
    """
    graph = system.graph
    if graph.free_symbols:
        names = ", ".join(sorted(s.name for s in graph.free_symbols))
        raise InputError(f"graph {graph.name!r} has symbolic weights ({names}): substitute numbers first")
    if system.has_dynamics:  # dynamics (issue 13)
        return _dynamic_prediction(system, generations)
    analysis = system.analysis()
    values = system.trajectory(generations)
    table = np.array([[_float(v, f"E_{graph.ids[k]}({t})") for k, v in enumerate(row)]
                      for t, row in enumerate(values)], dtype=float)
    top = analysis.topology
    periods = [top.periods[c] or 1 for c in top.closed_classes]
    models = analysis.models
    return Prediction(
        ids=graph.ids,
        trajectory=table,
        collapses=np.array([m.collapses for m in models], dtype=bool),
        growth=tuple(m.growth for m in models),
        slopes=np.array([_float(m.slope, f"slope of {m.id}") for m in models]),
        limits=np.array([_float(m.limit, f"limit of {m.id}") for m in models]),
        period=math.lcm(*periods) if periods else 1,
        asymptotic=bool(analysis.recurrence.asymptotic),
        observables=_observables(system, analysis, generations),
        tails=_tails(system),
    )


def _tails(system) -> dict:
    """The recursion's Monte Carlo tail factors, when it declares them (``monte_carlo_tails``)."""
    declared = getattr(system.recurrence, "monte_carlo_tails", None)
    return {} if declared is None else dict(declared(system.topology))


def _observables(system, analysis, generations: int) -> dict:
    """The exact trajectories and limits of the recursion's observables beside the error, in floats."""
    from graphcollapse.solvers.trajectory import trajectory

    rec = analysis.recurrence
    out = {}
    for name in getattr(rec, "observable_names", ("error",))[1:]:
        values = trajectory(rec, generations, name)
        table = np.array([[_float(v, f"{name}_{system.graph.ids[k]}({t})") for k, v in enumerate(row)]
                          for t, row in enumerate(values)], dtype=float)
        limits = np.array([_float(m.observables[name]["limit"], f"limit of {name} of {m.id}")
                           for m in analysis.models])
        out[name] = ObservablePrediction(trajectory=table, limits=limits)
    return out


def _dynamic_prediction(system, generations: int) -> Prediction:
    """A process with a schedule, modes or memory: its exact trajectory and asymptotic claims.

    A limit cycle is tested by its average over one period (what the late
    window averages); ``log`` growth and limits without a closed form are not
    tested beyond the exact values.
    """
    graph = system.graph
    analysis = system.analysis()
    values = system.trajectory(generations)
    table = np.array([[_float(v, f"E_{graph.ids[k]}({t})") for k, v in enumerate(row)]
                      for t, row in enumerate(values)], dtype=float)
    slopes, limits = [], []
    for m in analysis.models:
        if m.growth in ("bounded", "vanishing"):
            slopes.append(0.0)
        elif m.growth == "linear" and m.slope is not None:
            slopes.append(_float(m.slope, f"slope of {m.id}"))
        elif m.growth in ("geometric", "polynomial"):
            slopes.append(math.inf)
        else:
            slopes.append(math.nan)
        if m.limit is not None:
            limits.append(_float(m.limit, f"limit of {m.id}"))
        elif m.phase_limits is not None and all(v is not None for v in m.phase_limits):
            limits.append(sum(_float(v, f"limit of {m.id}") for v in m.phase_limits) / len(m.phase_limits))
        else:
            limits.append(math.nan)
    models = analysis.models
    return Prediction(ids=graph.ids, trajectory=table, collapses=np.array([m.collapses for m in models], dtype=bool),
                      growth=tuple(m.growth for m in models), slopes=np.array(slopes), limits=np.array(limits),
                      period=analysis.period, asymptotic=bool(analysis.asymptotic))
