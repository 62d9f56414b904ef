"""The second-moment recursion ``S(t) = 𝓛(S(t-1)) + D`` that every solver consumes."""

from graphcollapse.operator.recurrence import Recurrence, VechIndex, rows_to_matrix

__all__ = ["Recurrence", "VechIndex", "rows_to_matrix"]
