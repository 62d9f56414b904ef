"""What a distributional metric reports: values per generation and model, and how each column was obtained.

Examples
--------
>>> m = Metric("w2", ("A", "B"), ((1, 0.5),), ("exact", "simulation (100 replications)"))
>>> m.of("B"), m.method_of("A")
((0.5,), 'exact')
>>> m.floats().tolist()
[[1.0, 0.5]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphcollapse.errors import InputError

__all__ = ["Metric", "EXACT", "MARKOV", "FIRST_ORDER", "simulated", "check_generations"]

#: Labels of how a column of a :class:`Metric` was obtained.
EXACT = "exact"
MARKOV = "exact (finite Markov chain)"
FIRST_ORDER = "first-order"


def check_generations(generations) -> int:
    """The last generation of a metric, validated (a non-negative integer)."""
    if isinstance(generations, bool) or not isinstance(generations, (int, np.integer)) or generations < 0:
        raise InputError(f"generations must be a non-negative integer, got {generations!r}")
    return int(generations)


def simulated(replications: int) -> str:
    """The label of a Monte Carlo column."""
    return f"simulation ({replications} replications)"


@dataclass(frozen=True, eq=False)
class Metric:
    """A metric per generation and model, with the method of every model's column.

    Attributes
    ----------
    name : str
        ``"w2"``, ``"kl"``, ``"tv"``, ``"absent[c]"`` or ``"lost[c]"``.
    ids : tuple of str
    values : tuple of tuples
        ``values[t][k]``: exact SymPy numbers for exact columns, floats otherwise.
    methods : tuple of str
        Per model: :data:`EXACT`, :data:`MARKOV`, :data:`FIRST_ORDER` or :func:`simulated`.
    stderr : numpy.ndarray or None
        Monte Carlo standard errors ``(generations + 1, K)`` (``nan`` in the other columns).
    """

    name: str
    ids: tuple
    values: tuple
    methods: tuple
    stderr: np.ndarray | None = None

    @property
    def generations(self) -> int:
        return len(self.values) - 1

    def of(self, model) -> tuple:
        """The column of one model (id or position)."""
        k = self.ids.index(model) if isinstance(model, str) else int(model)
        return tuple(row[k] for row in self.values)

    def method_of(self, model) -> str:
        k = self.ids.index(model) if isinstance(model, str) else int(model)
        return self.methods[k]

    def floats(self) -> np.ndarray:
        """All values as floats, ``(generations + 1, K)``."""
        return np.array([[float(v) for v in row] for row in self.values], dtype=float)
