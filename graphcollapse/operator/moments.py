"""Second-moment recursions unknown by unknown: the interface every estimator, schedule and mode set implements.

Every setting the toolkit handles — a Kronecker operator ``W ⊗ M``, pooled
OLS's diagonal rules, a Gaussian fit whose variances feed its mean errors,
token frequencies, a periodic schedule's one-period map, random modes — is an
affine recursion on a finite set of *labelled unknowns*:

    x(t+1) = A x(t) + b,     x(0) = x₀,     E_k(t) = f_k · x(t),

with further observables beside the error when a family has them (the
expected variance ``v_k`` of a Gaussian fit, the diversity of a categorical
fit).  :class:`MomentRecursion` asks for ``A``, ``b`` and ``x₀`` one unknown at
a time (:meth:`~MomentRecursion.row`, :meth:`~MomentRecursion.constant`,
:meth:`~MomentRecursion.initial_value`) and for each model's linear form
(:meth:`~MomentRecursion.observable`), so a solver only ever touches the
unknowns an answer depends on (:meth:`~MomentRecursion.closure`): the
diagonal of a 20,000-model chain needs 20,000 unknowns, not 2·10⁸.

:class:`ExplicitRecursion` holds the rows as data (what new estimator
families, schedules and mode sets build); :class:`~graphcollapse.operator.Recurrence`
generates its rows from ``W``, ``M`` and the diagonal rules on demand.

Examples
--------
>>> import sympy
>>> from graphcollapse.graph import from_matrix
>>> g = from_matrix([["1/2"]], n=[10])
>>> rec = ExplicitRecursion(g, "example", labels=("m", "v"),
...                         rows=({0: sympy.Rational(1, 4), 1: sympy.Rational(1, 10)}, {1: sympy.Rational(9, 10)}),
...                         constant=(0, 0), initial=(sympy.Rational(1, 10), 1),
...                         observables={"error": ({0: 1},), "variance": ({1: 1},)})
>>> iterate(rec, 2)
((1/10,), (1/8,), (97/800,))
>>> iterate(rec, 2, "variance")
((1,), (9/10,), (81/100,))
>>> rec.closure([0])
[0, 1]
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Hashable, Iterable, Mapping, Sequence

import sympy

from graphcollapse.errors import InputError
from graphcollapse.graph import InteractionGraph

__all__ = ["MomentRecursion", "ExplicitRecursion", "iterate", "dense_system"]


class MomentRecursion(ABC):
    """``x(t+1) = A x(t) + b`` on labelled unknowns, with per-model observables.

    Subclasses provide :attr:`graph`, :attr:`family`, :attr:`asymptotic`,
    :attr:`notes` and the four methods below; coefficients are exact SymPy
    values for exact graphs and floats for float graphs.
    """

    graph: InteractionGraph
    family: str
    asymptotic: bool = False
    notes: tuple = ()
    #: Names of the per-model observables; ``"error"`` (``E_k``) always comes first.
    observable_names: tuple = ("error",)

    @property
    def K(self) -> int:
        return self.graph.K

    @property
    def ids(self) -> tuple[str, ...]:
        return self.graph.ids

    @property
    def exact(self) -> bool:
        return self.graph.is_exact

    @abstractmethod
    def row(self, unknown: Hashable) -> Mapping[Hashable, Any]:
        """Row ``unknown`` of ``A``: ``{unknown it depends on: coefficient}`` (zeros omitted)."""

    @abstractmethod
    def constant(self, unknown: Hashable) -> Any:
        """``b[unknown]``: what the generation adds regardless of the past (the fresh noise)."""

    @abstractmethod
    def initial_value(self, unknown: Hashable) -> Any:
        """``x₀[unknown]``: generation 0."""

    @abstractmethod
    def observable(self, k: int, name: str = "error") -> Mapping[Hashable, Any]:
        """Model ``k``'s observable ``name`` as a linear form ``{unknown: weight}``."""

    # ------------------------------------------------------------ structure
    def closure(self, unknowns: Iterable[Hashable]) -> list:
        """Every unknown the given ones depend on (themselves included), in a stable order."""
        seen: dict = {}
        stack = list(unknowns)
        for u in stack:
            seen.setdefault(u, None)
        while stack:
            u = stack.pop()
            for v in self.row(u):
                if v not in seen:
                    seen[v] = None
                    stack.append(v)
        return sorted(seen, key=_order)

    def closure_size(self, unknowns: Iterable[Hashable], cap: int) -> int | None:
        """The size of :meth:`closure` of ``unknowns``, or ``None`` as soon as it exceeds ``cap``."""
        seen = set(unknowns)
        stack = list(seen)
        while stack:
            for v in self.row(stack.pop()):
                if v not in seen:
                    seen.add(v)
                    if len(seen) > cap:
                        return None
                    stack.append(v)
        return len(seen)

    def closure_of_models(self, models: Iterable[int], name: str = "error") -> list:
        """The unknowns the observables of ``models`` depend on."""
        return self.closure(u for k in models for u in self.observable(k, name))

    @property
    def symbols(self) -> set:
        """Free symbols of the recursion's coefficients (over every unknown of every observable)."""
        if not self.exact:
            return set()
        found: set = set()
        for u in self.closure_of_models(range(self.K)):
            for value in (*self.row(u).values(), self.constant(u), self.initial_value(u)):
                if isinstance(value, sympy.Basic):
                    found |= value.free_symbols
        return found


def _order(label):
    """Sort key for labels of mixed types (ints, tuples, strings)."""
    return (type(label).__name__, label) if not isinstance(label, tuple) else \
        ("tuple", tuple(_order(part) for part in label))


@dataclass(frozen=True, eq=False)
class ExplicitRecursion(MomentRecursion):
    """A :class:`MomentRecursion` whose rows are given as data.

    Attributes
    ----------
    graph : InteractionGraph
    family : str
    labels : sequence
        One label per unknown (unknowns are addressed by position ``0 … n-1``;
        labels name them in equations and reports).
    rows : sequence of dict
        ``rows[i] = {j: A_ij}``.
    constant, initial : sequence
        ``b`` and ``x₀``.
    observables : dict
        ``{name: (form of model 0, form of model 1, …)}`` with ``"error"`` among them;
        a form is ``{unknown: weight}``.
    """

    graph: InteractionGraph
    family: str
    labels: tuple
    rows: tuple
    constant_terms: tuple = field(default=())
    initial_terms: tuple = field(default=())
    observables: Mapping = field(default_factory=dict)
    asymptotic: bool = False
    notes: tuple = ()

    def __init__(self, graph, family, *, labels, rows, constant, initial, observables, asymptotic=False,
                 notes=()):
        size = len(labels)
        if not (len(rows) == len(constant) == len(initial) == size):
            raise InputError(f"{family}: {size} labels but {len(rows)} rows, {len(constant)} constants, "
                             f"{len(initial)} initial values")
        if "error" not in observables:
            raise InputError(f"{family}: the observables must include 'error'")
        for name, forms in observables.items():
            if len(forms) != graph.K:
                raise InputError(f"{family}: observable {name!r} has {len(forms)} forms for {graph.K} models")
        set_ = object.__setattr__
        set_(self, "graph", graph)
        set_(self, "family", family)
        set_(self, "labels", tuple(labels))
        set_(self, "rows", tuple({int(j): c for j, c in row.items() if not _zero(c)} for row in rows))
        set_(self, "constant_terms", tuple(constant))
        set_(self, "initial_terms", tuple(initial))
        names = ("error",) + tuple(n for n in observables if n != "error")
        set_(self, "observables", {n: tuple(dict(f) for f in observables[n]) for n in names})
        set_(self, "observable_names", names)
        set_(self, "asymptotic", bool(asymptotic))
        set_(self, "notes", tuple(notes))

    def row(self, unknown):
        return self.rows[unknown]

    def constant(self, unknown):
        return self.constant_terms[unknown]

    def initial_value(self, unknown):
        return self.initial_terms[unknown]

    def observable(self, k, name="error"):
        try:
            return self.observables[name][k]
        except KeyError:
            raise InputError(f"{self.family}: no observable {name!r} (has {', '.join(self.observables)})") from None


def _zero(value) -> bool:
    return value == 0 if not isinstance(value, sympy.Basic) else value.is_zero is True or value == 0


def dense_system(rec: MomentRecursion, unknowns: Sequence[Hashable]):
    """``(A, b, x₀)`` restricted to ``unknowns`` (a closed set) as sparse rows over positions.

    Returns ``(rows, constant, initial, position)`` with ``rows[i] = {j: A_ij}``
    in the order of ``unknowns`` and ``position`` mapping labels to positions.

    Raises
    ------
    InputError
        If a row refers to an unknown outside the set (the set is not closed).
    """
    position = {u: i for i, u in enumerate(unknowns)}
    rows = []
    for u in unknowns:
        row = {}
        for v, c in rec.row(u).items():
            if v not in position:
                raise InputError(f"{rec.family}: unknown {u!r} depends on {v!r}, outside the requested set")
            row[position[v]] = c
        rows.append(row)
    return rows, [rec.constant(u) for u in unknowns], [rec.initial_value(u) for u in unknowns], position


def iterate(rec: MomentRecursion, generations: int, name: str = "error") -> tuple[tuple, ...]:
    """The observable ``name`` of every model for ``t = 0 … generations``, by plain iteration.

    Exact arithmetic for exact recursions (canonical values), floats otherwise.
    """
    if generations < 0:
        raise InputError(f"generations must be non-negative, got {generations}")
    unknowns = rec.closure_of_models(range(rec.K), name)
    rows, b, x, position = dense_system(rec, unknowns)
    forms = [{position[u]: w for u, w in rec.observable(k, name).items()} for k in range(rec.K)]
    exact = rec.exact
    out = []
    for t in range(generations + 1):
        if t:
            x = [sum((c * x[j] for j, c in row.items()), 0) + bi for row, bi in zip(rows, b)]
            if exact:
                x = [sympy.cancel(v) if isinstance(v, sympy.Basic) and v.free_symbols else v for v in x]
        values = [sum((w * x[i] for i, w in form.items()), sympy.Integer(0) if exact else 0.0) for form in forms]
        out.append(tuple(values if exact else (float(v) for v in values)))
    return tuple(out)
