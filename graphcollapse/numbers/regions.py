"""Certified reasoning over parameters: is a conjunction of constraints satisfiable, and where.

A constraint compares an expression with 0: ``(expr, op)`` with ``op`` one of
``== != > >= < <=``, or a SymPy relational (``Eq``, ``Ne``, ``Gt``, ...).
``expr`` is a rational function of real symbols with real algebraic
coefficients; ``p/q op 0`` means ``q != 0`` and ``p*q op 0`` (for ``==`` and
``!=``: ``p op 0`` and ``q != 0``), with ``p/q`` cancelled.

:func:`decide` splits the constraints into groups that share no symbol and
decides each group exactly: constants by their certified sign, one symbol
with rational coefficients by a cell decomposition of the real line
(:mod:`~graphcollapse.numbers.univariate`, no solver needed), everything
else by z3's complete nonlinear real arithmetic
(:mod:`~graphcollapse.numbers.smt`).  Every witness is checked exactly
against every constraint; a failed check is a bug and raises
:class:`~graphcollapse.errors.InternalConsistencyError`.  Nothing is ever
guessed: without z3, or when it times out, the answer is ``"undecided"``.

Examples
--------
>>> from sympy import Symbol, Rational
>>> a = Symbol("a", real=True)
>>> decide([(20*a - 10, ">="), (11 - 20*a, ">="), (20*a - 10, "!=")], [a]).witness
{a: 6/11}
>>> print(*interval_region([(a**2 - Rational(1, 4), "<="), (a, "!=")], a), sep="; ")
-1/2 <= a < 0; 0 < a <= 1/2
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import sympy

from graphcollapse.errors import InputError, InternalConsistencyError, ResourceLimitError, UndecidedError, UnsupportedError
from graphcollapse.numbers.algebraic import as_expression
from graphcollapse.numbers.domain import NumberDomain, sign
from graphcollapse.numbers.univariate import HOLDS, Interval, decide_univariate, solution_intervals, univariate_polys

__all__ = ["OPS", "normalize_constraint", "Decision", "Interval", "Region", "decide", "interval_region"]

OPS = ("==", "!=", ">", ">=", "<", "<=")
_FLIP = {"==": "==", "!=": "!=", ">": "<", ">=": "<=", "<": ">", "<=": ">="}


def normalize_constraint(constraint) -> tuple[sympy.Expr, str]:
    """``(expr, op)`` from a pair or a SymPy relational; ``True``/``False`` become trivial constraints.

    Examples
    --------
    >>> from sympy import Symbol, Le
    >>> a = Symbol("a")
    >>> normalize_constraint(Le(a, 1)), normalize_constraint((a, ">"))
    ((a - 1, '<='), (a, '>'))
    """
    if constraint is sympy.true or constraint is True:
        return sympy.Integer(0), "=="
    if constraint is sympy.false or constraint is False:
        return sympy.Integer(1), "=="
    if isinstance(constraint, sympy.core.relational.Relational):
        if constraint.rel_op not in OPS:
            raise InputError(f"{constraint}: unsupported relation {constraint.rel_op}")
        return constraint.lhs - constraint.rhs, constraint.rel_op
    if isinstance(constraint, tuple) and len(constraint) == 2 and constraint[1] in OPS:
        return as_expression(constraint[0]), constraint[1]
    raise InputError(f"{constraint!r} is not a constraint (expected (expr, op) with op in {' '.join(OPS)}, "
                     "or a SymPy relational)")


@dataclass(frozen=True)
class Decision:
    """The exact answer of :func:`decide`.

    ``status`` is ``"feasible"`` (``witness`` maps each symbol to an exact
    value satisfying every constraint, checked exactly), ``"infeasible"`` or
    ``"undecided"`` (``reason`` says why).  ``method`` names the procedure(s)
    used.  A feasible decision has an empty ``reason`` unless its witness
    lives in a field too large to rebuild for the check (then it says so).

    Examples
    --------
    >>> Decision("undecided", reason="time-out").feasible
    False
    """

    status: str
    witness: dict | None = None
    method: str = ""
    reason: str = ""

    @property
    def feasible(self) -> bool:
        return self.status == "feasible"

    @property
    def infeasible(self) -> bool:
        return self.status == "infeasible"


@dataclass(frozen=True)
class Region:
    """A conjunction of constraints over ordered real symbols, e.g. the valid parameter region of a graph.

    Examples
    --------
    >>> from sympy import Symbol
    >>> a, b = Symbol("a", real=True), Symbol("b", real=True)
    >>> R = Region((a, b), [(a - b, ">="), (1 - a + b, ">=")])
    >>> print(R)
    0 <= a - b, a - b <= 1
    >>> R.contains({a: 1, b: 0}), R.contains({a: 0, b: 1})
    (True, False)
    >>> Region((a,), [(a, ">"), (2*a - 1, "<")]).sample()
    {a: 1/3}
    """

    symbols: tuple
    constraints: tuple = field(default=())

    def __post_init__(self):
        object.__setattr__(self, "symbols", tuple(self.symbols))
        object.__setattr__(self, "constraints", tuple(normalize_constraint(c) for c in self.constraints))

    def intersect(self, constraints: Iterable) -> "Region":
        """This region with more constraints."""
        return Region(self.symbols, self.constraints + tuple(constraints))

    def decide(self, *, timeout: float = 10.0) -> Decision:
        return decide(self.constraints, self.symbols, timeout=timeout)

    def sample(self, *, timeout: float = 10.0) -> dict | None:
        """An exact point of the region, ``None`` if it is empty; UndecidedError if that is not known."""
        decision = self.decide(timeout=timeout)
        if decision.status == "undecided":
            raise UndecidedError(f"could not decide whether {self} is empty: {decision.reason}")
        return decision.witness

    def contains(self, point: Mapping) -> bool:
        """Whether the exact ``point`` satisfies every constraint (a vanishing denominator: no)."""
        domain = NumberDomain.from_expressions([e for e, _ in self.constraints], self.symbols)
        signs = domain.signs_at([e for e, _ in self.constraints], point)
        return all(s is not None and HOLDS[op](s) for (_, op), s in zip(self.constraints, signs))

    def __str__(self) -> str:
        return ", ".join(_readable(expr, op) for expr, op in self.constraints) or "true"


def _readable(expr: sympy.Expr, op: str) -> str:
    """``expr op 0`` as a theorist writes it: variable part on one side, read with ``<`` where possible."""
    constant, rest = expr.as_independent(*expr.free_symbols, as_Add=True) if expr.free_symbols else (expr, 0)
    if rest == 0:
        return f"{constant} {op} 0"
    if rest.as_ordered_terms()[0].could_extract_minus_sign():
        rest, constant, op = -rest, -constant, _FLIP[op]
    bound = -constant
    if op in (">", ">="):
        return f"{bound} {_FLIP[op]} {rest}"
    return f"{rest} {'=' if op == '==' else op} {bound}"


# -- deciding -------------------------------------------------------------------------------------

def decide(constraints: Iterable, symbols: Iterable[sympy.Symbol], *, timeout: float = 10.0,
           method: str = "auto") -> Decision:
    """Decide exactly whether the constraints have a common real solution.

    Parameters
    ----------
    constraints : iterable
        Pairs ``(expr, op)`` or SymPy relationals.
    symbols : iterable of Symbol
        The real unknowns, in the order of the witness.
    timeout : float
        Seconds granted to z3 (all of its calls in this decision together).
    method : {"auto", "roots", "z3"}
        ``"roots"`` insists on the exact one-variable method (UnsupportedError
        where it does not apply), ``"z3"`` sends every group with symbols to
        z3; ``"auto"`` chooses.

    Returns
    -------
    Decision

    Examples
    --------
    >>> from sympy import Symbol, sqrt
    >>> a, b = Symbol("a", real=True), Symbol("b", real=True)
    >>> decide([(a**2 - 2, "=="), (a, ">")], [a]).witness
    {a: sqrt(2)}
    >>> decision = decide([(a - 1, ">="), (b**2 - 3, "<"), (a - b, "<")], [a, b])  # z3 when installed
    >>> decision.status in ("feasible", "undecided"), decide([(1 / (a - 1), "<"), (a - 1, ">")], [a]).status
    (True, 'infeasible')
    """
    from graphcollapse.numbers import smt  # z3 is imported lazily, only when needed

    symbols = tuple(symbols)
    if method not in ("auto", "roots", "z3"):
        raise InputError(f"unknown method {method!r} (expected auto, roots or z3)")
    deadline = time.monotonic() + timeout
    originals = [normalize_constraint(c) for c in constraints]
    domain = NumberDomain.from_expressions([e for e, _ in originals], symbols)
    conditions = _conditions(originals, domain)
    witness = {s: sympy.Integer(0) for s in symbols}
    methods, reasons, session = [], [], {}
    for group, indices in _groups(conditions, len(symbols)):
        if not indices:
            status, values, used = _decide_constants(group, domain)
        elif len(indices) == 1 and method != "z3" and _rational(group, domain):
            status, values, used = decide_univariate(group, indices[0], domain)
        elif method == "roots":
            raise UnsupportedError("the root-isolation method needs one symbol and rational coefficients")
        else:
            status, values, used = smt.solve(group, indices, domain, max(0.0, deadline - time.monotonic()), session)
        if status == "infeasible":
            return Decision("infeasible", None, used)
        if status == "undecided":
            reasons.append(values)
        else:
            witness.update({symbols[i]: v for i, v in values.items()})
        if used not in methods:
            methods.append(used)
    if reasons:
        return Decision("undecided", None, " + ".join(methods), "; ".join(reasons))
    try:
        _verify(originals, witness, " + ".join(methods))
    except ResourceLimitError as err:
        # z3's answer is exact, but the witness lives in a field too large to rebuild here.
        return Decision("feasible", witness, " + ".join(methods), f"the witness was not re-checked: {err}")
    return Decision("feasible", witness, " + ".join(methods) or "trivial")


def _conditions(originals, domain: NumberDomain) -> list[tuple[object, str]]:
    """Polynomial sign conditions ``(g, op)`` (g in the domain's polynomial ring or its ground)."""
    out = []
    for expr, op in originals:
        element = domain.convert(expr)
        if not domain.symbols:
            out.append((element, op))
            continue
        numerator, denominator = element.numer, element.denom
        if denominator.is_ground:  # p / c op 0  <=>  p * c op 0 (c**2 > 0); for == and != c drops out
            out.append((numerator * denominator if op not in ("==", "!=") else numerator, op))
            continue
        out.append((denominator, "!="))
        out.append((numerator if op in ("==", "!=") else numerator * denominator, op))
    return out


def _groups(conditions, nsymbols: int):
    """Split conditions into groups sharing no symbol: ``[(conditions, symbol indices)]``."""
    parent = list(range(nsymbols))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    used = []
    for g, _ in conditions:
        indices = _indices(g)
        used.append(indices)
        for i in indices[1:]:
            parent[find(i)] = find(indices[0])
    groups: dict = {}
    for (g, op), indices in zip(conditions, used):
        groups.setdefault(find(indices[0]) if indices else None, []).append((g, op))
    out = []
    for root, group in groups.items():
        members = sorted({i for g, _ in group for i in _indices(g)})
        out.append((group, members))
    return sorted(out, key=lambda item: len(item[1]))  # constants first, then the cheap groups


def _indices(g) -> list[int]:
    if not hasattr(g, "monoms"):
        return []
    return sorted({i for monom in g.monoms() for i, e in enumerate(monom) if e})


def _rational(group, domain: NumberDomain) -> bool:
    if domain.is_rational:
        return True
    return all(len(c.to_list()) <= 1 for g, _ in group for c in g.coeffs())


def _decide_constants(group, domain: NumberDomain):
    for g, op in group:
        value = g if not hasattr(g, "monoms") else (g.coeffs()[0] if g.coeffs() else domain.ground.zero)
        if not HOLDS[op](sign(domain.ground.to_sympy(value))):
            return "infeasible", {}, "trivial"
    return "feasible", {}, "trivial"


def _verify(originals, witness: dict, method: str) -> None:
    """Check the witness against every original constraint exactly; a failure is a bug."""
    if not originals:
        return
    domain = NumberDomain.from_expressions([e for e, _ in originals], tuple(witness))
    for (expr, op), s in zip(originals, domain.signs_at([e for e, _ in originals], witness)):
        if s is None:
            raise InternalConsistencyError(f"{method}: witness {witness} makes a denominator of {expr} vanish")
        if not HOLDS[op](s):
            raise InternalConsistencyError(f"{method}: witness {witness} violates {expr} {op} 0")


def interval_region(constraints: Iterable, symbol: sympy.Symbol) -> tuple[Interval, ...]:
    """The exact solution set of constraints in one symbol (rational coefficients), as sorted disjoint intervals.

    Examples
    --------
    >>> from sympy import Symbol
    >>> a = Symbol("a", real=True)
    >>> print(*interval_region([(20*a - 10, ">="), (20*a - 11, "<="), (11 - 20*a, ">="), (10 - 20*a, "<=")], a))
    1/2 <= a <= 11/20
    >>> interval_region([(a - 1, ">"), (a, "<")], a)
    ()
    """
    originals = [normalize_constraint(c) for c in constraints]
    domain = NumberDomain.from_expressions([e for e, _ in originals], (symbol,))
    group = _conditions(originals, domain)
    if not _rational(group, domain):
        raise UnsupportedError(f"interval_region needs rational coefficients; {domain.describe()} has algebraic ones")
    return solution_intervals(univariate_polys(group, 0, domain), symbol)
