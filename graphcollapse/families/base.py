"""A graph family: a size ``K`` (and the rule's symbols) in, an interaction graph out.

:class:`Family` is the concept object of this package.  A family knows

* :meth:`Family.graph` — its graph at an integer size (validated like any
  graph file, so the single-graph analysis can check every closed form);
* :meth:`Family.classes` — its *position classes* at that size (models that
  every closed form treats alike: the hub and the spokes of a star, the
  models at distance ``i`` from the real data on a path);
* :attr:`Family.structure` — the symmetry the derivations use
  (:mod:`.structures`), or ``None`` where only guessing is possible;
* :attr:`Family.min_size` — the smallest size at which it is defined.

The built-ins live in :mod:`.builtin` and register themselves in
:data:`FAMILIES`; :func:`family` builds one by name.

Examples
--------
>>> from graphcollapse.families import family
>>> f = family("star", real="a", n=10)
>>> f.classes(4)
{'hub': (0,), 'spoke': (1, 2, 3)}
>>> f.graph(4).K, f.min_size
(4, 2)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Mapping

import sympy

from graphcollapse.errors import InputError, guarded
from graphcollapse.families.rules import Rule

__all__ = ["Family", "FAMILIES", "register", "family", "MAX_SIZE"]

#: Every built-in family by name.
FAMILIES: dict[str, type["Family"]] = {}
#: Largest concrete size a family builds (a guard for the exact analyses).
MAX_SIZE = 400


def register(cls: type["Family"]) -> type["Family"]:
    FAMILIES[cls.name] = cls
    return cls


class Family(ABC):
    """A graph family (see the module docstring).

    Parameters
    ----------
    rule : Rule, optional
        Real data, weights, sizes and estimator (default ``Rule.of()``:
        real weight ``alpha``, ``n`` samples, pooled Gaussian means).
    real_at : str, optional
        Which positions receive real data (the family's :attr:`positions`).
    **options
        Family-specific (directions, offsets, arity, ...).
    """

    name: ClassVar[str]
    #: What ``real_at`` may be; the first is the default.
    positions: ClassVar[tuple[str, ...]] = ("all",)
    #: Family-specific options and their defaults.
    defaults: ClassVar[dict[str, Any]] = {}
    #: One line for ``--help`` and the tables.
    summary: ClassVar[str] = ""
    #: True when the position classes are distances ``i`` from the real data.
    by_position: ClassVar[bool] = False

    def __init__(self, rule: Rule | None = None, *, real_at: str | None = None, **options):
        self.rule = Rule.of() if rule is None else rule
        if not isinstance(self.rule, Rule):
            raise InputError(f"family {self.name!r}: rule must be a Rule")
        self.real_at = self.positions[0] if real_at is None else real_at
        if self.real_at not in self.positions:
            raise InputError(f"family {self.name!r}: real_at must be one of {', '.join(self.positions)}, "
                             f"not {real_at!r}")
        unknown = set(options) - set(self.defaults)
        if unknown:
            known = ", ".join(sorted(self.defaults)) or "none"
            raise InputError(f"family {self.name!r}: unknown option {sorted(unknown)[0]!r} (known: {known})")
        self.options = {**self.defaults, **options}
        self._check_options()

    def _check_options(self) -> None:
        """Validate :attr:`options` (subclasses)."""

    # ------------------------------------------------------------ the family
    @property
    @abstractmethod
    def min_size(self) -> int:
        """The smallest ``K`` at which the family is defined."""

    @abstractmethod
    def _graph(self, size: int):
        """The graph at ``K = size`` (``size`` already checked)."""

    @abstractmethod
    def classes(self, size: int) -> dict[str, tuple[int, ...]]:
        """Position classes at ``K = size``: label to model positions, in model order."""

    @property
    def structure(self):
        """The symmetry the derivations use (:mod:`.structures`), or ``None``."""
        return None

    def class_size(self, label: str) -> sympy.Expr | None:
        """Number of models in a class as an expression in ``K`` (``None``: not known symbolically)."""
        return None

    def graph(self, size: int):
        """The interaction graph at ``K = size``.

        Raises
        ------
        InputError
            When ``size`` is not an integer in ``min_size .. MAX_SIZE``.
        """
        if isinstance(size, bool) or not isinstance(size, int):
            try:
                size = int(sympy.Integer(size))
            except (TypeError, ValueError):
                raise InputError(f"family {self.name!r}: the size K must be an integer, got {size!r}") from None
        if not self.min_size <= size <= MAX_SIZE:
            raise InputError(f"family {self.name!r}: the size K must be between {self.min_size} and {MAX_SIZE}, "
                             f"got {size}")
        return self._graph(size)

    # -------------------------------------------------------------- variants
    def with_rule(self, rule: Rule) -> "Family":
        """The same family under another rule."""
        return type(self)(rule, real_at=self.real_at, **self.options)

    def subs(self, values: Mapping) -> "Family":
        """The family with some symbols given values."""
        return self.with_rule(self.rule.subs(values))

    def describe(self) -> str:
        """``name(options; real data at ...)`` for reports."""
        opts = ", ".join(f"{k}={v}" for k, v in self.options.items())
        return f"{self.name}({opts + '; ' if opts else ''}real data at {self.real_at})"

    def __repr__(self) -> str:
        return f"<Family {self.describe()}; {self.rule.describe()}>"


@guarded
def family(name: str, *, rule: Rule | None = None, real_at: str | None = None, options: Mapping | None = None,
           **rule_fields) -> Family:
    """A built-in family by name: ``family("complete", real="a", self_loops=True)``.

    Keyword arguments other than ``rule``, ``real_at`` and ``options`` are the
    fields of :meth:`Rule.of`; ``options`` are the family's own.
    """
    from graphcollapse.families import builtin  # noqa: F401  (registers the built-ins)

    cls = FAMILIES.get(name)
    if cls is None:
        raise InputError(f"unknown family {name!r} (known: {', '.join(FAMILIES)})")
    if rule is not None and rule_fields:
        raise InputError("give either a rule or its fields, not both")
    rule = Rule.of(**rule_fields) if rule is None else rule
    return cls(rule, real_at=real_at, **dict(options or {}))

