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
from dataclasses import dataclass

import numpy as np

from graphcollapse.errors import InputError

__all__ = ["Prediction", "prediction_from"]


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
    dof : float
        Ceiling of the effective degrees of freedom of one squared error
        (:meth:`~graphcollapse.estimators.Estimator.error_dof`), for the
        cross-check's chi-square tests.
    """

    ids: tuple[str, ...]
    trajectory: np.ndarray
    collapses: np.ndarray
    growth: tuple[str, ...]
    slopes: np.ndarray
    limits: np.ndarray
    period: int = 1
    asymptotic: bool = False
    dof: float = 1.0

    @property
    def generations(self) -> int:
        return int(self.trajectory.shape[0] - 1)


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
        dof=float(system.estimator.error_dof()),
    )
