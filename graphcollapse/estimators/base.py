"""The estimator-family interface and registry.

A family turns a graph into its :class:`~graphcollapse.recurrence.operator.Recurrence`.
Solvers never look at the family: adding one (finite-sample OLS, an
M-estimator) means writing a subclass of :class:`Family` and decorating it
with :func:`register`; nothing downstream changes.

Examples
--------
>>> sorted(FAMILIES)[:2]
['bernoulli', 'custom']
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Mapping

import sympy

from graphcollapse.errors import InputError
from graphcollapse.numbers.parse import to_exact
from graphcollapse.graph import InteractionGraph
from graphcollapse.recurrence.operator import Recurrence

__all__ = ["Family", "FAMILIES", "register", "family_for", "recurrence"]

FAMILIES: dict[str, type["Family"]] = {}


def register(cls: type["Family"]) -> type["Family"]:
    """Class decorator adding a family to :data:`FAMILIES` under ``cls.name``."""
    FAMILIES[cls.name] = cls
    return cls


class Family(ABC):
    """An estimator family: parses its spec, builds the recursion for a graph.

    Subclasses set ``name`` (the ``"family"`` value in graph files), the
    accepted spec ``keys`` and implement :meth:`recurrence`.
    """

    name: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()
    asymptotic: ClassVar[bool] = False

    def __init__(self, spec: Mapping[str, Any], graph: InteractionGraph):
        unknown = set(spec) - set(self.keys) - {"family"}
        if unknown:
            raise InputError(
                f"estimator {self.name!r}: unknown field {sorted(unknown)[0]!r} (known: {', '.join(sorted(self.keys))})")
        self.spec = dict(spec)
        self.graph = graph

    # Helpers for subclasses -------------------------------------------------
    def value(self, key: str, default: Any = None, *, required: bool = False) -> sympy.Expr | None:
        """An exact spec value (numbers, fractions, formulas in the graph's symbols)."""
        raw = self.spec.get(key, default)
        if raw is None:
            if required:
                raise InputError(f"estimator {self.name!r}: missing field {key!r}")
            return None
        symbols = {s.name: s for s in self.graph.symbols}
        return to_exact(raw, symbols, where=f"estimator {self.name!r} {key}")

    def positive(self, key: str, default: Any = None) -> sympy.Expr:
        value = self.value(key, default, required=True)
        if not value.free_symbols and not value.is_positive:
            raise InputError(f"estimator {self.name!r}: {key} must be positive, got {value}")
        return value

    def model_value(self, values, k: int, field: str, *, what: str) -> sympy.Expr:
        """A per-model graph field that this family needs; clear error when absent."""
        value = None if values is None else values[k]
        if value is None:
            raise InputError(
                f"model {self.graph.ids[k]!r}: {self.name} needs its {field} ({what})")
        return value

    @abstractmethod
    def recurrence(self) -> Recurrence:
        """The second-moment recursion of this family on the graph."""

    def describe(self) -> str:
        """One line naming the family and its parameters."""
        params = ", ".join(f"{k}={v}" for k, v in self.spec.items() if k != "family")
        return f"{self.name}({params})"


def family_for(graph: InteractionGraph, estimator: Mapping[str, Any] | None = None) -> Family:
    """The family object for a graph (optionally overriding its estimator spec).

    Raises
    ------
    InputError
        If the family is unknown or its spec invalid.
    """
    spec = dict(estimator if estimator is not None else graph.estimator)
    name = spec.get("family", "gaussian_mean")
    cls = FAMILIES.get(name)
    if cls is None:
        raise InputError(f"estimator: unknown family {name!r} (known: {', '.join(sorted(FAMILIES))})")
    return cls(spec, graph)


def recurrence(graph: InteractionGraph, estimator: Mapping[str, Any] | None = None) -> Recurrence:
    """Shortcut: ``family_for(graph, estimator).recurrence()``."""
    return family_for(graph, estimator).recurrence()
