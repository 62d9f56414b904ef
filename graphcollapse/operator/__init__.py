"""The second-moment recursion ``x(t+1) = A x(t) + b`` that every solver consumes.

* :mod:`.moments`: the interface, unknown by unknown (:class:`MomentRecursion`),
  and :class:`ExplicitRecursion` for recursions given as data;
* :mod:`.recurrence`: :class:`Recurrence`, the Kronecker form ``W ⊗ M`` on the
  symmetric state ``S`` (with per-model diagonal rules for pooled OLS).
"""

from graphcollapse.operator.moments import ExplicitRecursion, MomentRecursion, dense_system, iterate
from graphcollapse.operator.recurrence import Recurrence, VechIndex, rows_to_matrix

__all__ = ["MomentRecursion", "ExplicitRecursion", "iterate", "dense_system", "Recurrence", "VechIndex",
           "rows_to_matrix"]
