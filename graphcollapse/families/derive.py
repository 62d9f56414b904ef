"""Derived closed forms of a family, each checked exactly against the single-graph analysis.

Three drivers, one per symmetry (:mod:`.structures`):

* :func:`derive_blocks` — the orbit quotient (:mod:`.quotient`): limits and
  growth rates of every block as rational functions of ``K``;
* :func:`derive_circulant` — the Fourier basis (:mod:`.fourier`): the limit
  as a sum over the ``K``-th roots of unity and in closed form;
* :func:`derive_levels` — the recursion by position (:mod:`.levels`): the
  limit at distance ``i`` from the real data.

Verdicts come from the single-graph analysis at a size where the family's
support pattern is the one of every larger size: for Theorem-A estimators
the verdict is topological, and the absorbing chain of a block family lumps
onto its blocks (an equitable partition), so it is the same for every such
``K``.  Each form is then compared exactly with the single-graph analysis at
several sizes; a disagreement inside the claimed range is a bug and raises
:class:`~graphcollapse.errors.InternalConsistencyError`, one below it is
listed as an exception with the concrete answer.
"""

from __future__ import annotations

from typing import Callable

import sympy

from graphcollapse.errors import InternalConsistencyError, UnsupportedError
from graphcollapse.families.asymptotics import asymptotic, rational_asymptotic
from graphcollapse.families.concrete import Concrete, same
from graphcollapse.families.fourier import Fourier
from graphcollapse.families.levels import position_limit
from graphcollapse.families.quotient import Quotient
from graphcollapse.families.results import Asymptotic, ClassResult, ClosedForm, Exception_, FamilyResult
from graphcollapse.families.rules import K, POSITION
from graphcollapse.families.threshold import candidate_sizes
from graphcollapse.numbers.forms import tidy

__all__ = ["derive_blocks", "derive_circulant", "derive_levels", "stable_from", "MAX_CHECK_MODELS"]

#: Largest graph (models) of a family used to check a form by position.
MAX_CHECK_MODELS = 40


def _tidy(value, point):
    if isinstance(value, sympy.Expr) and value.free_symbols - {K} and not value.has(sympy.Piecewise):
        return tidy(value, at=point)
    return value


def stable_from(blocks, start: int) -> int:
    """The first ``K ≥ start`` from which every block is non-empty and every block edge has a source.

    Block sizes are ``c K + d`` with ``c ≥ 0``, so once these hold they hold for every larger ``K``.
    """
    for size in range(start, start + 64):
        at = [int(n.xreplace({K: size})) for n in blocks.sizes]
        if all(n >= 1 for n in at) and all(at[beta] - (1 if beta == b else 0) >= 1 for b, beta in blocks.edges):
            return size
    raise UnsupportedError("the blocks of this family never all have models")


def _check(form_at: Callable[[int], object], truth: Callable[[int], object], sizes, valid_from: int, what: str):
    """``(sizes that agree, sizes below the range that do not)``; a disagreement in the range raises."""
    checked, exceptions = [], []
    for size in sizes:
        if same(truth(size), form_at(size)):
            checked.append(size)
        elif size < valid_from:
            exceptions.append(size)
        else:
            raise InternalConsistencyError(f"{what} at K = {size}: the derived form gives {form_at(size)}, the "
                                           f"single-graph analysis {truth(size)}")
    return tuple(checked), exceptions


def _verdicts(concrete: Concrete, labels, sizes, start: int):
    """The verdict of every class from ``start`` on (it must not change there), and where it differs below."""
    generic = concrete.values(start)
    for size in sizes:
        if size <= start:
            continue
        values = concrete.values(size)
        changed = [label for label in labels if values[label].collapses != generic[label].collapses]
        if changed:
            raise UnsupportedError(f"the verdict of {changed[0]!r} changes between K = {start} and K = {size} "
                                   "(a spectral verdict that depends on K); see the concrete analyses")
    return generic


def _predicate(concrete: Concrete, label: str, start: int):
    first = concrete.values(start)[label].predicate
    second = concrete.values(start + 1)[label].predicate
    if first is not None and second is not None and first != second:
        return sympy.Piecewise((first, sympy.Eq(K, start)), (second, True))
    return first


def _exceptions(concrete: Concrete, label: str, sizes) -> list[Exception_]:
    out = []
    for size in sizes:
        value = concrete.values(size)[label]
        out.append(Exception_(size, label, value.collapses, value.slope if value.collapses else value.limit))
    return out


def derive_blocks(family, concrete: Concrete, check: int = 4) -> FamilyResult:
    """Closed forms in ``K`` for a block family (orbit quotient)."""
    blocks = family.structure
    labels = blocks.labels
    start = stable_from(blocks, family.min_size)
    quotient = Quotient.of(blocks)
    threshold = None
    rec = concrete.analysis(start).recurrence
    if not (rec.is_kronecker and rec.is_identity_propagation):
        # a spectral verdict: it can change with K, only where the quotient's spectrum meets the unit circle
        crossings = candidate_sizes(quotient, family.min_size)
        start = max(start, crossings.after)
        threshold = crossings.describe()
    sizes = list(range(family.min_size, start + check))
    generic = _verdicts(concrete, labels, sizes, start)
    constraints, symbols, point = concrete.region(start)
    point = {**point, K: sympy.Integer(start)}  # factors written positive at K = start too
    bounded = [b for b, label in enumerate(labels) if not generic[label].collapses]
    limits = quotient.limits(bounded)
    linear = [b for b, label in enumerate(labels) if generic[label].growth == "linear"]
    slopes = quotient.slopes(linear)
    slope_from = max([start] + [r + 1 for r in quotient.slope_exceptions(family.min_size)])
    classes, exceptions = [], []
    for b, label in enumerate(labels):
        value = generic[label]
        limit = slope = None
        if b in limits:
            expr = _tidy(limits[b], point)
            checked, below = _check(lambda k: sympy.cancel(expr.xreplace({K: k})),
                                    lambda k: concrete.values(k)[label].limit if not concrete.values(k)[label].collapses
                                    else None, sizes, start, f"limit of {label!r}")
            limit = ClosedForm(expr, True, "orbit quotient", checked, start,
                               asymptotic=rational_asymptotic(expr, K, point))
            exceptions += _exceptions(concrete, label, below)
        elif b in slopes and slopes[b] != sympy.oo:
            expr = _tidy(slopes[b], point)
            checked, below = _check(lambda k: sympy.cancel(expr.xreplace({K: k})),
                                    lambda k: concrete.values(k)[label].slope, sizes, slope_from,
                                    f"growth rate of {label!r}")
            slope = ClosedForm(expr, True, "orbit quotient, Cesàro limit", checked, slope_from,
                               asymptotic=rational_asymptotic(expr, K, point))
            exceptions += _exceptions(concrete, label, below)
        classes.append(ClassResult(label, _members(blocks.sizes[b]), value.collapses, value.growth, limit, slope,
                                   _predicate(concrete, label, start)))
        listed = {e.size for e in exceptions if e.label == label}
        exceptions += [e for e in _exceptions(concrete, label, [k for k in sizes if k < start and k not in listed])
                       if e.collapses != value.collapses]
    if threshold is None:
        notes = ("verdicts: the absorbing chain lumps onto the blocks (an equitable partition), so the verdict at "
                 f"K = {start} holds for every K >= {start}",)
    else:
        notes = (f"verdicts (spectral): decided exactly at K = {start} and constant beyond (threshold below)",)
    return FamilyResult(family, tuple(classes), start, tuple(sorted(exceptions, key=lambda e: (e.size, e.label))),
                        threshold=threshold, notes=notes + concrete.notes(start),
                        extra={"region": constraints, "symbols": symbols, "point": point})


def _members(size) -> str:
    return "1 model" if size == 1 else f"{size} models"


def derive_circulant(family, concrete: Concrete, check: int = 4) -> FamilyResult:
    """Sum over the roots of unity and closed form for a circulant family with real data everywhere."""
    fourier = Fourier.of(family.structure)
    start = family.min_size
    sizes = list(range(start, start + check))
    label = "every model"
    generic = _verdicts(concrete, [label], sizes, start)[label]
    constraints, symbols, point = concrete.region(start)
    limit = slope = None
    notes = []
    if not generic.collapses:
        expr = fourier.closed_form(point)
        if expr is None:
            raise UnsupportedError("the poles of the Fourier mode function are not simple")
        truth = (lambda k: concrete.values(k)[label].limit)
        if fourier.pairs is not None:
            checked, _ = _check(fourier.explicit_at, truth, sizes, start, "closed form in radicals")
        else:
            checked, _ = _check(fourier.closed_form_at, truth, sizes, start, "root-sum closed form")
        if fourier.local.p == 1:
            _check(fourier.sum_at, truth, sizes, start, "sum over the roots of unity")
            notes.append("the sum over the K-th roots of unity was evaluated exactly at every checked K "
                         "(trace of the mode function of the cyclic shift)")
        # the poles p move with K when the weights depend on K: then no limit from p^K -> 0
        at_infinity = None if fourier.mode_value.has(K) else fourier.infinity_limit(point)
        asym = None if at_infinity is None else Asymptotic(
            K, at_infinity, at_infinity, sympy.Integer(1),
            "geometric corrections p^K of the poles |p| < 1 (located at an interior point of the region)")
        method = "Fourier basis, residues" + ("" if fourier.pairs is not None or not expr.has(sympy.RootSum)
                                              else " (root sum)")
        limit = ClosedForm(expr, True, method, checked, start, sum_form=fourier.sum_form(), asymptotic=asym,
                           exact_at=fourier.explicit_at if fourier.pairs is not None else fourier.closed_form_at)
    elif generic.growth == "linear":
        expr = fourier.slope()
        if expr is None:
            raise UnsupportedError("growth rates of circulants are derived for M = I only")
        checked, _ = _check(lambda k: ClosedForm(expr, True, "").at(k),
                            lambda k: concrete.values(k)[label].slope, sizes, start, "growth rate")
        slope = ClosedForm(expr, True, "Fourier basis: modes with |λ| = 1", checked, start,
                           asymptotic=None if expr.has(sympy.Piecewise) else rational_asymptotic(expr, K, point))
    result = ClassResult(label, "K models", generic.collapses, generic.growth, limit, slope,
                         _predicate(concrete, label, start))
    return FamilyResult(family, (result,), start, notes=tuple(notes) + concrete.notes(start),
                        extra={"region": constraints, "symbols": symbols, "point": point})


def derive_levels(family, concrete: Concrete, check: int = 4) -> FamilyResult:
    """The limit at distance ``i`` from the real data (paths and trees)."""
    form = position_limit(family.structure)
    expr = form.expr
    # sizes 1 .. check + 1, as far as the graphs stay small (trees grow geometrically)
    sizes = [k for k in range(family.min_size, check + 2)
             if k <= 2 or sum(len(m) for m in family.classes(k).values()) <= MAX_CHECK_MODELS]
    checked = []
    for size in sizes:
        for label, value in concrete.values(size).items():
            i = int(label.split("=")[1])
            if value.collapses or not same(value.limit, sympy.cancel(expr.xreplace({POSITION: i}))):
                raise InternalConsistencyError(f"position {i} at K = {size}: the recursion gives "
                                               f"{expr.xreplace({POSITION: i})}, the analysis {value.limit}")
        checked.append(size)
    constraints, symbols, point = concrete.region(sizes[-1])
    by_i = ClosedForm(expr, True, "recursion by position", tuple(checked), 1,
                      asymptotic=asymptotic(expr, POSITION, constraints, symbols))
    far = expr.xreplace({POSITION: K - 1})
    if not any(p.exp.has(K) for p in far.atoms(sympy.Pow)):
        far = _tidy(sympy.cancel(far), point)
    farthest = ClosedForm(far, True, "recursion by position at i = K - 1", tuple(checked), 1,
                          asymptotic=asymptotic(far, K, constraints, symbols))
    classes = (ClassResult("distance i", "the models at distance i = 0 .. K - 1 from the real data", False,
                           "bounded", by_i, by_position=True),
               ClassResult("farthest", "the models at distance K - 1", False, "bounded", farthest))
    notes = ("every model has a finite, acyclic upstream set: nothing collapses, for any weights",
             "the limit at distance i does not depend on K (only i < K matters)")
    return FamilyResult(family, classes, 1, notes=notes + concrete.notes(sizes[-1]),
                        extra={"region": constraints, "symbols": symbols, "point": point})
