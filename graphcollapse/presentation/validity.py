r"""Where a symbolic result holds, stated as a theorist writes it: ``0 < a \le 1``.

A symbolic limit holds on the part of the valid region where the model does
not collapse (and, for a piecewise limit, where its piece applies); a slope
holds where no symbolic weight vanishes.  :func:`where` turns "the valid
region, and this condition" into a :class:`Where`:

* **one symbol** (rational coefficients): the exact set, as intervals.  The
  region's intervals come from
  :func:`graphcollapse.numbers.regions.interval_region`; the condition can
  only change its truth value at a real root of one of its comparisons, so
  the intervals are cut at those roots and the condition is decided exactly
  at each root and at a rational point of each open piece;
* **several symbols**: one clause per symbol (its interval, tightened by the
  comparisons that involve it alone, e.g. ``a \ne 0`` makes ``0 < a \le 1``),
  then the comparisons between symbols and whatever disjunction remains.

Examples
--------
>>> import sympy
>>> from graphcollapse.numbers.regions import Region
>>> a, b = sympy.symbols("a b", real=True)
>>> region = Region((a,), [(a, ">="), (1 - a, ">=")])
>>> print(where(region, sympy.Ne(a, 0)))
0 < a <= 1
>>> where(region, sympy.Ne(a, 0)).latex()
'0 < a \\le 1'
>>> print(where(region, sympy.Ne(a, 0) & sympy.Ne(2*a, 1)))
0 < a < 1/2 or 1/2 < a <= 1
>>> print(where(Region((a, b), [(a, ">="), (1 - a, ">="), (b, ">="), (1 - b, ">="), (a - b, ">=")]),
...             sympy.Ne(b, 0)))
0 <= a <= 1 and 0 < b <= 1 and a >= b
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import sympy

from graphcollapse.errors import GraphCollapseError
from graphcollapse.numbers.algebraic import real_root
from graphcollapse.numbers.domain import compare, enclosure
from graphcollapse.numbers.regions import Interval, Region, decide, interval_region, normalize_constraint
from graphcollapse.presentation.canonical import canonical_form
from graphcollapse.presentation.conditions import condition_latex, condition_text, literals, relation_latex, \
    relation_text
from graphcollapse.presentation.printing import symbol_latex
from graphcollapse.solvers.predicate import holds_at

__all__ = ["Where", "where", "simplified", "interval_text", "interval_latex"]

_NEGATION = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}
#: Seconds granted to the decision that a constraint between several symbols is implied by the others.
_REDUNDANCY_TIMEOUT = 2.0


@dataclass(frozen=True)
class Where:
    """A set of parameter values as clauses that all hold.

    ``clauses`` holds ``(text, latex)`` pairs; ``empty`` marks the empty set.
    """

    clauses: tuple = ()
    empty: bool = False

    def text(self) -> str:
        """The condition grammar (:func:`~graphcollapse.presentation.conditions.read_condition` reads it)."""
        if self.empty:
            return "False"
        if len(self.clauses) == 1:
            return self.clauses[0][0]
        return " and ".join(f"({t})" if " or " in t else t for t, _ in self.clauses) or "True"

    def latex(self) -> str:
        if self.empty:
            return r"\text{nowhere in the valid region}"
        return r",\ ".join(x for _, x in self.clauses) or r"\text{everywhere}"

    def __str__(self) -> str:
        return self.text()


def _endpoint(value, latex: bool) -> str:
    if isinstance(value, sympy.CRootOf) or value.has(sympy.CRootOf):
        return (rf"\operatorname{{RootOf}}({sympy.latex(value.poly.as_expr())}, {value.index})" if latex
                else f"RootOf({value.poly.as_expr()}, {value.index})")
    form = canonical_form(value)
    return form.latex() if latex else form.text()


def _interval(interval: Interval, latex: bool) -> str:
    s = symbol_latex(interval.symbol) if latex else interval.symbol.name
    le, lt = (r"\le", "<") if latex else ("<=", "<")
    if interval.is_point:
        return f"{s} {'=' if latex else '=='} {_endpoint(interval.lo, latex)}"
    left = None if interval.lo == -sympy.oo else (_endpoint(interval.lo, latex), le if interval.lo_closed else lt)
    right = None if interval.hi == sympy.oo else (_endpoint(interval.hi, latex), le if interval.hi_closed else lt)
    if left and right:
        return f"{left[0]} {left[1]} {s} {right[1]} {right[0]}"
    if left:
        ge = (r"\ge" if latex else ">=") if interval.lo_closed else ">"
        return f"{s} {ge} {left[0]}"
    if right:
        return f"{s} {right[1]} {right[0]}"
    return rf"{s} \in \mathbb{{R}}" if latex else f"{s} == {s}"


def interval_text(interval: Interval) -> str:
    """``0 < a <= 1``."""
    return _interval(interval, latex=False)


def interval_latex(interval: Interval) -> str:
    """``0 < a \\le 1``."""
    return _interval(interval, latex=True)


def _union(intervals) -> tuple[str, str]:
    return (" or ".join(interval_text(i) for i in intervals),
            r" \text{ or } ".join(interval_latex(i) for i in intervals))


def where(region: Region | None, condition=sympy.true) -> Where | None:
    """The part of ``region`` where ``condition`` holds, as clauses (``None`` without a region).

    Parameters
    ----------
    region : Region or None
        The valid region of the symbols.
    condition : sympy.Boolean
        ``Eq``/``Ne`` (or other comparisons) joined by ``And``/``Or``.
    """
    if region is None:
        return None
    condition = sympy.true if condition is True else sympy.false if condition is False else condition
    return _where(region, condition)


@lru_cache(maxsize=1024)
def _where(region: Region, condition) -> Where:
    """:func:`where` for a region and a condition (cached: reports ask for the same sets again and again)."""
    condition = simplified(condition)
    if condition is sympy.false:
        return Where(empty=True)
    if len(region.symbols) == 1:
        try:
            intervals = _exact_intervals(region, condition, region.symbols[0])
        except (GraphCollapseError, NotImplementedError, ValueError, TypeError):
            intervals = None  # algebraic coefficients: the general statement below
        if intervals is not None:
            return Where((_union(intervals),)) if intervals else Where(empty=True)
    return _clauses(region, condition)


def simplified(condition):
    """A condition over ``Eq``/``Ne`` literals, simplified as a Boolean function of "this factor vanishes".

    Each literal ``expr == 0`` becomes a variable (``!=`` its negation); other
    comparisons stay atoms.  The result is the smallest DNF or CNF SymPy finds.
    """
    if condition in (sympy.true, sympy.false) or isinstance(condition, sympy.core.relational.Relational):
        return condition
    variables: dict = {}
    back: dict = {}

    def encode(node):
        if isinstance(node, (sympy.Eq, sympy.Ne)):
            key = sympy.expand(node.lhs - node.rhs)
            key = min(key, sympy.expand(-key), key=sympy.default_sort_key)
            if key not in variables:
                variables[key] = sympy.Dummy(f"v{len(variables)}")
                back[variables[key]] = node if isinstance(node, sympy.Eq) else sympy.Eq(node.lhs, node.rhs)
            return variables[key] if isinstance(node, sympy.Eq) else sympy.Not(variables[key])
        if isinstance(node, sympy.core.relational.Relational):
            if node not in variables:
                variables[node] = sympy.Dummy(f"v{len(variables)}")
                back[variables[node]] = node
            return variables[node]
        if isinstance(node, (sympy.And, sympy.Or, sympy.Not)):
            return type(node)(*[encode(arg) for arg in node.args])
        return node

    reduced = sympy.simplify_logic(encode(condition))

    def decode(node):
        if node in back:
            return back[node]
        if isinstance(node, sympy.Not) and node.args[0] in back:
            literal = back[node.args[0]]
            return sympy.Ne(literal.lhs, literal.rhs) if isinstance(literal, sympy.Eq) else sympy.Not(literal)
        if isinstance(node, (sympy.And, sympy.Or)):
            return type(node)(*[decode(arg) for arg in node.args])
        return node

    return decode(reduced)


# -- one symbol: the exact set ---------------------------------------------------------------------

def _roots(condition, x) -> list:
    """Real roots of every comparison of the condition (exact, sorted, distinct)."""
    roots: list = []
    for literal in literals(condition):
        numerator = sympy.fraction(sympy.cancel(sympy.together(literal.lhs - literal.rhs)))[0]
        if not numerator.free_symbols:
            continue
        poly = sympy.Poly(numerator, x)
        if poly.domain not in (sympy.ZZ, sympy.QQ):
            raise ValueError("algebraic coefficients")
        count = len(poly.real_roots())
        roots += [real_root(poly, i) for i in range(count)]
    distinct: list = []
    for r in roots:
        if not any(compare(r, d) == 0 for d in distinct):
            distinct.append(r)
    return sorted(distinct, key=lambda r: enclosure(r)[0] if not r.is_Rational else r)


def _between(lo, hi):
    """A rational strictly between two exact reals (``None`` ends are infinite)."""
    from graphcollapse.numbers.algebraic import simplest_between

    bits = 64
    while True:
        lo_hi = None if lo is None else Fraction(str(enclosure(lo, bits)[1])) if not lo.is_Rational else \
            Fraction(int(lo.p), int(lo.q))
        hi_lo = None if hi is None else Fraction(str(enclosure(hi, bits)[0])) if not hi.is_Rational else \
            Fraction(int(hi.p), int(hi.q))
        if lo_hi is None or hi_lo is None or lo_hi < hi_lo:
            value = simplest_between(lo_hi, hi_lo)
            return sympy.Rational(value.numerator, value.denominator)
        bits *= 2


def _exact_intervals(region: Region, condition, x) -> list[Interval]:
    roots = _roots(condition, x)
    cells: list = []  # open cells and points where the condition holds; None separates the base intervals

    def point(value):
        if holds_at(condition, {x: value}):
            cells.append(Interval(x, value, value, True, True))

    for interval in interval_region(region.constraints, x):
        if interval.is_point:
            point(interval.lo)
            cells.append(None)
            continue
        inside = [r for r in roots if (interval.lo == -sympy.oo or compare(interval.lo, r) < 0)
                  and (interval.hi == sympy.oo or compare(r, interval.hi) < 0)]
        ends = [interval.lo, *inside, interval.hi]
        if interval.lo_closed:
            point(interval.lo)
        for i in range(len(ends) - 1):
            lo, hi = ends[i], ends[i + 1]
            sample = _between(None if lo == -sympy.oo else lo, None if hi == sympy.oo else hi)
            if holds_at(condition, {x: sample}):
                cells.append(Interval(x, lo, hi, False, False))
            if i + 1 < len(ends) - 1:
                point(hi)
        if interval.hi_closed:
            point(interval.hi)
        cells.append(None)
    return _merge(cells, x)


def _merge(pieces, x) -> list[Interval]:
    """Join touching cells (a point then an open cell starting there, ...) into intervals."""
    out: list[Interval] = []
    current = None
    for piece in pieces:
        if piece is None:
            if current is not None:
                out.append(current)
            current = None
            continue
        if current is not None and current.hi == piece.lo and (current.hi_closed or piece.lo_closed):
            current = Interval(x, current.lo, piece.hi, current.lo_closed, piece.hi_closed)
        else:
            if current is not None:
                out.append(current)
            current = piece
    if current is not None:
        out.append(current)
    return out


# -- several symbols: one clause per symbol, then the rest -----------------------------------------

def _clauses(region: Region, condition) -> Where:
    conjunction = _as_conjunction(condition)
    extra = [] if conjunction is None else [(c.lhs - c.rhs, c.rel_op) for c in conjunction]
    constraints = list(dict.fromkeys(list(region.constraints) + [normalize_constraint(c) for c in extra]))
    clauses = []
    used = set()
    for s in region.symbols:
        own = [c for c in constraints if c[0].free_symbols == {s}]
        if not own:
            continue
        used.update(own)
        try:
            intervals = interval_region(own, s)
        except GraphCollapseError:
            clauses += [(relation_text(e, op), relation_latex(e, op)) for e, op in own]
            continue
        if not intervals:
            return Where(empty=True)
        clauses.append(_union(intervals))
    others = tuple(c for c in constraints if c not in used and c[0].free_symbols)
    for expr, op in _irredundant(tuple(constraints), others, region.symbols):
        clause = (relation_text(expr, op), relation_latex(expr, op))
        if clause not in clauses:
            clauses.append(clause)
    if conjunction is None:
        clauses.append((f"({condition_text(condition)})" if isinstance(condition, sympy.Or) else
                        condition_text(condition),
                        f"({condition_latex(condition)})" if isinstance(condition, sympy.Or) else
                        condition_latex(condition)))
    return Where(tuple(clauses))


@lru_cache(maxsize=1024)
def _irredundant(constraints: tuple, candidates: tuple, symbols: tuple) -> list:
    """The candidates the other constraints do not imply (a*n >= 0 follows from a >= 0 and n > 0).

    Decided exactly, one candidate at a time (an implied one is dropped before the next is tried);
    a candidate whose redundancy is undecided stays.
    """
    kept, current = [], list(constraints)
    for expr, op in candidates:
        rest = [c for c in current if c != (expr, op)]
        try:
            implied = decide(rest + [(expr, _NEGATION[op])], symbols, timeout=_REDUNDANCY_TIMEOUT).infeasible
        except GraphCollapseError:  # a constraint outside the decidable class (an estimator's log): it stays
            implied = False
        if implied:
            current = rest
        else:
            kept.append((expr, op))
    return kept


def _as_conjunction(condition):
    """The comparisons of a conjunction (``[]`` for ``True``), or ``None`` if the condition is not one."""
    if condition is sympy.true:
        return []
    if isinstance(condition, sympy.core.relational.Relational):
        return [condition]
    if isinstance(condition, sympy.And) and all(isinstance(a, sympy.core.relational.Relational)
                                                for a in condition.args):
        return list(condition.args)
    return None
