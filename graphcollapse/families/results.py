"""What a family analysis returns: closed forms with their provenance, per position class.

* :class:`ClosedForm` — an exact expression in ``K`` (and the position
  ``i``), whether it was *derived* (a symmetry reduction) or *guessed*
  (interpolated from exact values and checked on further sizes), the sizes
  at which it was checked against the single-graph analysis, and its
  behaviour as ``K → ∞``.  A guessed form always prints with its label
  "conjectured, verified for K ≤ M".
* :class:`ClassResult` — one position class: its verdict, collapse
  predicate, limit and slope.
* :class:`FamilyResult` — the whole family under one rule.

Examples
--------
>>> from graphcollapse.families.rules import K
>>> form = ClosedForm(1 + 1 / K, derived=False, method="rational interpolation", checked=(2, 3, 4, 5))
>>> print(form)
1 + 1/K  [conjectured, verified for K ≤ 5]
>>> form.at(4)
5/4
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import sympy

from graphcollapse.families.rules import K, POSITION
from graphcollapse.numbers.parse import to_exact

__all__ = ["Asymptotic", "ClosedForm", "ClassResult", "FamilyResult", "Exception_"]


@dataclass(frozen=True)
class Asymptotic:
    """Behaviour of a closed form as the variable (``K`` or ``i``) tends to infinity.

    ``order`` is ``K**m`` (or ``i**m``), ``leading`` the leading term ``c K**m``,
    ``limit`` the limit (``oo`` when the form grows without bound).
    """

    variable: sympy.Symbol
    limit: Any
    leading: Any
    order: Any
    note: str | None = None

    def __str__(self) -> str:
        text = f"{self.variable} -> oo: {self.limit}"
        if self.leading is not None and self.leading != self.limit:
            text += f"; leading term {self.leading}"
        return text


@dataclass(frozen=True)
class ClosedForm:
    """An exact expression in ``K`` (and ``i``) with its provenance.

    Attributes
    ----------
    expr : sympy.Expr
        The closed form (``Piecewise`` where it depends on ``K`` modulo an integer).
    derived : bool
        True for a symmetry reduction, False for a guess.
    method : str
    checked : tuple of int
        Sizes ``K`` at which the form was compared with the single-graph
        analysis, exactly; a guess was fitted on some and verified on the others.
    valid_from : int
        The form holds for every ``K ≥ valid_from`` (derived forms).
    sum_form : sympy.Expr or None
        The same value as a finite sum over the ``K``-th roots of unity (circulants).
    recurrence : str or None
        A guessed linear recurrence in ``K`` (when no closed form was found).
    asymptotic : Asymptotic or None
    notes : tuple of str
    """

    expr: Any
    derived: bool
    method: str
    checked: tuple[int, ...] = ()
    valid_from: int = 1
    sum_form: Any = None
    recurrence: str | None = None
    asymptotic: Asymptotic | None = None
    notes: tuple[str, ...] = ()
    #: An exact evaluator at an integer size (circulants: the radicals reduced in their quadratic fields).
    exact_at: Any = field(default=None, repr=False, compare=False)

    @property
    def verified_up_to(self) -> int | None:
        return max(self.checked) if self.checked else None

    @property
    def found(self) -> bool:
        """False when no form was found (only exact values)."""
        return self.expr is not None or self.recurrence is not None

    @property
    def label(self) -> str:
        if not self.found:
            return f"no closed form found; exact values at K = {_ranges(self.checked)}"
        if not self.derived:
            return f"conjectured, verified for K ≤ {self.verified_up_to}"
        sizes = _ranges(self.checked)
        return f"derived ({self.method}), K ≥ {self.valid_from}; checked exactly at K = {sizes}"

    def at(self, size: int | None = None, position: int | None = None, **symbols) -> sympy.Expr:
        """The value at ``K = size`` (and ``i = position``), other symbols substituted by name.

        ``None`` when no form was found.
        """
        if self.expr is None:
            return None
        mapping: dict = {}
        if size is not None and self.exact_at is not None and position is None:
            value = self.exact_at(int(size))
            return ClosedForm(value, self.derived, self.method).at(**symbols) if symbols else value
        if size is not None:
            mapping[K] = sympy.Integer(size)
        if position is not None:
            mapping[POSITION] = sympy.Integer(position)
        if symbols:
            names = {s.name: s for s in getattr(self.expr, "free_symbols", set())}
            mapping.update({names[k]: to_exact(v, {}, where=f"value of {k}") for k, v in symbols.items() if k in names})
        value = self.expr.xreplace(mapping) if mapping else self.expr
        if isinstance(value, sympy.Piecewise) or value.has(sympy.Mod):
            value = value.doit()
        return sympy.cancel(value) if isinstance(value, sympy.Expr) and not value.has(sympy.Piecewise) else value

    def __str__(self) -> str:
        shown = self.expr if self.expr is not None else (self.recurrence or "—")
        return f"{shown}  [{self.label}]"

    def to_dict(self) -> dict:
        return {"expr": None if self.expr is None else str(self.expr), "derived": self.derived,
                "method": self.method, "label": self.label, "checked": list(self.checked),
                "verified_up_to": self.verified_up_to, "valid_from": self.valid_from,
                "sum_form": None if self.sum_form is None else str(self.sum_form),
                "recurrence": self.recurrence,
                "asymptotic": None if self.asymptotic is None else {
                    "variable": str(self.asymptotic.variable), "limit": str(self.asymptotic.limit),
                    "leading": None if self.asymptotic.leading is None else str(self.asymptotic.leading),
                    "order": None if self.asymptotic.order is None else str(self.asymptotic.order),
                    "note": self.asymptotic.note},
                "notes": list(self.notes)}


def _ranges(sizes) -> str:
    sizes = sorted(set(sizes))
    if not sizes:
        return "none"
    parts, start, prev = [], sizes[0], sizes[0]
    for s in sizes[1:] + [None]:
        if s is not None and s == prev + 1:
            prev = s
            continue
        parts.append(f"{start}" if start == prev else f"{start}..{prev}")
        if s is not None:
            start = prev = s
    return ", ".join(parts)


@dataclass(frozen=True)
class Exception_:
    """A size below the closed form's range, with its concrete answer."""

    size: int
    label: str
    collapses: bool
    value: Any  # the limit, or the slope when it collapses


@dataclass(frozen=True)
class ClassResult:
    """One position class of a family.

    ``collapses`` is the verdict on the generic support (no symbolic weight
    vanishing) for every ``K`` in the form's range; ``predicate`` the exact
    condition over the symbols (``None`` without symbolic weights).
    ``limit``/``slope`` are :class:`ClosedForm` (``None`` where they do not
    apply).  ``members`` describes the class (``"K - 1 models"``,
    ``"distance i from the real data"``).
    """

    label: str
    members: str
    collapses: bool | None
    growth: str
    limit: ClosedForm | None = None
    slope: ClosedForm | None = None
    predicate: Any = None
    by_position: bool = False

    def to_dict(self) -> dict:
        return {"class": self.label, "members": self.members, "collapses": self.collapses, "growth": self.growth,
                "predicate": None if self.predicate is None else str(self.predicate),
                "by_position": self.by_position,
                "limit": None if self.limit is None else self.limit.to_dict(),
                "slope": None if self.slope is None else self.slope.to_dict()}


@dataclass(frozen=True)
class FamilyResult:
    """Everything derived for one family under one rule (see :func:`~graphcollapse.families.analyze_family`).

    ``threshold`` describes a verdict that changes with ``K`` (``None``: it
    does not for ``K ≥ valid_from``); ``exceptions`` list the sizes below the
    forms' range; ``simulation`` the cross-check against the simulator.
    """

    family: Any
    classes: tuple[ClassResult, ...]
    valid_from: int
    exceptions: tuple[Exception_, ...] = ()
    threshold: str | None = None
    notes: tuple[str, ...] = ()
    simulation: Mapping | None = None
    arithmetic: str = "exact"
    extra: dict = field(default_factory=dict)

    @property
    def by_label(self) -> dict[str, ClassResult]:
        return {c.label: c for c in self.classes}

    def to_dict(self) -> dict:
        fam = self.family
        return {"family": fam.name, "options": {k: (list(v) if isinstance(v, tuple) else v)
                                                  for k, v in fam.options.items()},
                "real_at": fam.real_at, "rule": fam.rule.describe(), "symbols": [s.name for s in fam.rule.symbols],
                "size_symbol": str(K), "position_symbol": str(POSITION), "valid_from": self.valid_from,
                "classes": [c.to_dict() for c in self.classes],
                "exceptions": [{"K": e.size, "class": e.label, "collapses": e.collapses, "value": str(e.value)}
                               for e in self.exceptions],
                "threshold": self.threshold, "notes": list(self.notes), "simulation": self.simulation}
