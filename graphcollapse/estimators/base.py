"""The estimator interface and its one registry.

An :class:`Estimator` parses its specification once (:attr:`Estimator.parameters`)
and declares, from that one parse, both halves of what graphcollapse does
with it: the second-moment :class:`~graphcollapse.operator.Recurrence`
(:meth:`Estimator.recurrence`, what the solvers consume) and the simulation
kernel that draws its samples (:attr:`Estimator.kernel`, resolved by the
simulator, which sits beside the solvers one layer up; an estimator that
cannot be simulated says why in :attr:`Estimator.not_simulated`).  Solvers
never look at the estimator: adding one means a module here with a subclass
decorated by :func:`register`, and its kernel under
``graphcollapse.simulation.kernels``.

"family" is the word of the graph files (``"estimator": {"family": ...}``);
in the code these are *estimators*, which keeps "family" free for graph
families.

Examples
--------
>>> {"bernoulli", "custom", "gaussian_mean"} <= set(ESTIMATORS)
True
>>> from graphcollapse.graph import from_matrix
>>> est = estimator_for(from_matrix([["1/2"]], n=[4]))
>>> est.name, est.parameters, est.kernel
('gaussian_mean', {'d': 1, 'sigma2': 1}, 'gaussian_mean:GaussianMeanKernel')
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import cached_property
from typing import Any, ClassVar, Mapping

import sympy

from graphcollapse.errors import InputError, guarded
from graphcollapse.graph import InteractionGraph
from graphcollapse.numbers.domain import sign
from graphcollapse.numbers.parse import to_exact
from graphcollapse.operator.recurrence import Recurrence

__all__ = ["Estimator", "ESTIMATORS", "register", "estimator_for", "recurrence"]

#: Every estimator family by its file name (``"family"`` in graph files).
ESTIMATORS: dict[str, type["Estimator"]] = {}


def register(cls: type["Estimator"]) -> type["Estimator"]:
    """Class decorator adding an estimator to :data:`ESTIMATORS` under ``cls.name``."""
    ESTIMATORS[cls.name] = cls
    return cls


class Estimator(ABC):
    """An estimator family on one graph: its parsed parameters, its recursion, its kernel.

    Subclasses set ``name`` (the ``"family"`` value in graph files), the
    accepted spec ``keys``, ``kernel`` (``"module:Class"`` under
    ``graphcollapse.simulation.kernels``) or ``not_simulated``, and implement
    :meth:`parse` and :meth:`recurrence`.
    """

    name: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()
    asymptotic: ClassVar[bool] = False
    #: The simulation kernel, ``"module:Class"`` in ``graphcollapse.simulation.kernels``.
    kernel: ClassVar[str | None] = None
    #: Why the simulator cannot run this estimator (when ``kernel`` is ``None``).
    not_simulated: ClassVar[str | None] = None

    def __init__(self, spec: Mapping[str, Any], graph: InteractionGraph):
        unknown = set(spec) - set(self.keys) - {"family"}
        if unknown:
            raise InputError(
                f"estimator {self.name!r}: unknown field {sorted(unknown)[0]!r} (known: {', '.join(sorted(self.keys))})")
        self.spec = dict(spec)
        self.graph = graph

    @cached_property
    def parameters(self) -> dict[str, Any]:
        """The specification parsed once into exact values (the simulator reads them too)."""
        return self.parse()

    @abstractmethod
    def parse(self) -> dict[str, Any]:
        """Parse and validate the specification; called once, through :attr:`parameters`."""

    @abstractmethod
    def recurrence(self) -> Recurrence:
        """The second-moment recursion of this estimator on the graph."""

    def constraints(self) -> list[tuple[sympy.Expr, str]]:
        """Constraints the estimator puts on the graph's symbols (``(expr, op)`` comparing with 0).

        Default: every symbolic numeric parameter is positive.  Estimators add
        their own (OLS: every count that feeds a fit is ``≥ d + 2``).
        """
        out = []
        for value in self.parameters.values():
            if isinstance(value, sympy.Expr) and value.free_symbols:
                out.append((value, ">"))
        return out

    def kernel_path(self) -> str:
        """The kernel that simulates this specification (``"module:Class"``).

        Raises
        ------
        UnsupportedError
            When the estimator cannot be simulated (the message says why).
        """
        from graphcollapse.errors import UnsupportedError

        if self.kernel is None:
            raise UnsupportedError(f"the simulator has no sampler for the family {self.name!r}: {self.not_simulated}")
        return self.kernel

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
        if not value.free_symbols and sign(value) <= 0:
            raise InputError(f"estimator {self.name!r}: {key} must be positive, got {value}")
        return value

    def dimension(self, key: str = "d") -> sympy.Expr:
        """A positive integer dimension (or a symbol)."""
        d = self.positive(key, 1)
        if not d.free_symbols and not d.is_Integer:
            raise InputError(f"estimator {self.name!r}: {key} must be a positive integer, got {d}")
        return d

    def model_value(self, values, k: int, field: str, *, what: str) -> sympy.Expr:
        """A per-model graph field that this estimator needs; clear error when absent."""
        value = None if values is None else values[k]
        if value is None:
            raise InputError(
                f"model {self.graph.ids[k]!r}: {self.name} needs its {field} ({what})")
        return value

    def describe(self) -> str:
        """One line naming the estimator and its parameters."""
        params = ", ".join(f"{k}={v}" for k, v in self.spec.items() if k != "family")
        return f"{self.name}({params})"


@guarded
def estimator_for(graph: InteractionGraph, estimator: Mapping[str, Any] | None = None) -> Estimator:
    """The estimator object for a graph (optionally overriding its specification).

    Raises
    ------
    InputError
        If the family is unknown or its specification invalid.
    """
    spec = estimator if estimator is not None else graph.estimator
    if not isinstance(spec, Mapping):
        raise InputError("estimator: expected an object with a \"family\"")
    spec = dict(spec)
    name = spec.get("family", "gaussian_mean")
    cls = ESTIMATORS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise InputError(f"estimator: unknown family {name!r} (known: {', '.join(sorted(ESTIMATORS))})")
    out = cls(spec, graph)
    out.parameters  # parse now, so a bad specification fails where it is given
    return out


@guarded
def recurrence(graph: InteractionGraph, estimator: Mapping[str, Any] | None = None) -> Recurrence:
    """Shortcut: ``estimator_for(graph, estimator).recurrence()``."""
    return estimator_for(graph, estimator).recurrence()
