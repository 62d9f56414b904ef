"""The single-graph analysis of a family at concrete sizes: what every closed form is checked against.

:class:`Concrete` runs ``analyze(family.graph(K))`` once per size (cached)
and reads off, per position class, the verdict, growth, limit, slope and
predicate of its members — after checking that every member of a class
gets the same answer (the symmetry the class stands for), exactly.

Examples
--------
>>> from graphcollapse.families import family
>>> c = Concrete(family("star", real="1/2", n=10))
>>> c.values(3)["spoke"].limit
1/4
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from graphcollapse.errors import InternalConsistencyError
from graphcollapse.numbers.domain import is_zero
from graphcollapse.system import System, analyze

__all__ = ["Concrete", "ClassValue", "same"]


def same(x, y) -> bool:
    """Exact equality of two answers (``None``, ``oo``, numbers or rational functions of symbols)."""
    if x is None or y is None:
        return x is None and y is None
    if x in (sympy.oo, sympy.zoo) or y in (sympy.oo, sympy.zoo):
        return x == y
    return bool(is_zero(x - y))


@dataclass(frozen=True)
class ClassValue:
    """The single-graph answer shared by the members of one class at one size."""

    collapses: bool
    growth: str
    limit: Any
    slope: Any
    predicate: Any


class Concrete:
    """Cached single-graph analyses of one family (see the module docstring)."""

    def __init__(self, family):
        self.family = family
        self._analyses: dict[int, Any] = {}
        self._values: dict[int, dict[str, ClassValue]] = {}
        self._regions: dict[int, tuple] = {}

    def analysis(self, size: int):
        if size not in self._analyses:
            graph = self.family.graph(size)
            self._analyses[size] = analyze(graph, predicate=bool(graph.free_symbols))
        return self._analyses[size]

    def values(self, size: int) -> dict[str, ClassValue]:
        """Per class label, the members' common answer at ``K = size``."""
        if size not in self._values:
            result = self.analysis(size)
            out = {}
            for label, members in self.family.classes(size).items():
                first = result.models[members[0]]
                value = ClassValue(first.collapses, first.growth, first.limit, first.slope, first.predicate)
                for m in members[1:]:
                    other = result.models[m]
                    if (other.collapses != first.collapses or not same(other.limit, first.limit)
                            or not same(other.slope, first.slope)):
                        raise InternalConsistencyError(
                            f"family {self.family.name!r} at K = {size}: models {result.models[members[0]].id} "
                            f"and {other.id} of class {label!r} differ; the class is not an orbit")
                out[label] = value
            self._values[size] = out
        return self._values[size]

    def notes(self, size: int) -> tuple[str, ...]:
        return tuple(self.analysis(size).notes)

    def region(self, size: int) -> tuple[list, tuple, dict]:
        """``(constraints, symbols, interior point)`` of the valid region at ``K = size``.

        The constraints include that no symbolic weight vanishes (the
        generic support every verdict and closed form is stated on).
        """
        if size not in self._regions:
            system = System(self.family.graph(size))
            region = system.region
            if region is None:
                self._regions[size] = ([], (), {})
            else:
                weights = [w for w in (*system.graph.weights, *system.graph.real) if w.free_symbols]
                constraints = list(region.constraints) + [(w, "!=") for w in dict.fromkeys(weights)]
                self._regions[size] = (constraints, tuple(region.symbols), dict(system.interior_point))
        return self._regions[size]
