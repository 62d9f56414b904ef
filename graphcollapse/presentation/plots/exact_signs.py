"""Truth of the collapse predicate at points, decided from exact signs of polynomials.

The collapse predicate (and the conditions of a ``Piecewise`` limit, and
"every weight lies in [0, 1]") are Boolean formulas in relations between
rational functions of the symbols.  Each relation's truth is a function of
the signs of the irreducible factors of its numerator and denominator, so a
formula's truth at a point is a function of that point's *sign vector*.
:class:`SignTable` collects the factors once, computes sign vectors exactly
(integers for rational points, certified floating point with an exact
fall-back for grids), and evaluates formulas per distinct sign vector (each
once).  Nothing here decides a truth value from an unchecked float.

Examples
--------
>>> import sympy
>>> a, w = sympy.symbols("a w")
>>> table = SignTable([sympy.Eq(a, 0) | (sympy.Eq(w, 0) & sympy.Ne(a, 1))], (a, w))
>>> [table.truth(0, table.signs_at((0, sympy.Rational(1, 2)))),
...  table.truth(0, table.signs_at((1, 0))), table.truth(0, table.signs_at((sympy.Rational(1, 3), 0)))]
[True, False, True]
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import sympy
from sympy.core.relational import Relational

__all__ = ["SignTable"]

_EPS = 2.0 ** -52
_KINDS = {sympy.Eq: "==", sympy.Ne: "!=", sympy.StrictLessThan: "<", sympy.LessThan: "<=",
          sympy.StrictGreaterThan: ">", sympy.GreaterThan: ">="}


class SignTable:
    """Irreducible factors of the relations in ``formulas``, and the formulas' truth per sign vector.

    Parameters
    ----------
    formulas : sequence of sympy.Boolean
    symbols : tuple of sympy.Symbol
        One or two symbols, the coordinates of points.
    """

    def __init__(self, formulas, symbols):
        self.symbols = tuple(symbols)
        self.formulas = [sympy.true if f is True else sympy.false if f is False else f for f in formulas]
        self.polys: list[sympy.Poly] = []
        self.relations: dict = {}
        for formula in self.formulas:
            for relation in sorted(formula.atoms(Relational), key=sympy.default_sort_key):
                if relation not in self.relations:
                    self.relations[relation] = self._split(relation)
        self._terms = [self._integer_terms(p) for p in self.polys]
        self._cache: dict = {}

    # ---------------------------------------------------------------- setup
    def _index(self, factor: sympy.Expr) -> int:
        poly = sympy.Poly(factor, *self.symbols)
        _, poly = poly.clear_denoms()
        poly = poly.primitive()[1]
        if poly.LC() < 0:
            poly = -poly
        for i, known in enumerate(self.polys):
            if known == poly:
                return i
        self.polys.append(poly)
        return len(self.polys) - 1

    def _split(self, relation):
        kind = next((k for cls, k in _KINDS.items() if isinstance(relation, cls)), None)
        if kind is None:
            raise TypeError(f"unsupported relation {relation}")
        numerator, denominator = sympy.fraction(sympy.together(relation.lhs - relation.rhs))
        sign, parts = 1, []
        for expr, role in ((numerator, "num"), (denominator, "den")):
            constant, factors = sympy.factor_list(sympy.expand(expr), *self.symbols)
            sign *= 1 if constant > 0 else -1 if constant < 0 else 0
            for factor, power in factors:
                if not factor.free_symbols:
                    sign *= 1 if factor > 0 else -1
                    continue
                poly = sympy.Poly(factor, *self.symbols)
                lc_sign = 1 if poly.LC() > 0 else -1
                sign *= lc_sign ** power
                parts.append((self._index(factor), power, role))
        return kind, sign, tuple(parts)

    @staticmethod
    def _integer_terms(poly: sympy.Poly):
        degree = poly.total_degree()
        return degree, [(tuple(int(e) for e in monom), int(c)) for monom, c in poly.terms()]

    # -------------------------------------------------------------- signs
    def signs_at(self, point) -> tuple[int, ...]:
        """Exact sign vector at a point of rationals (or of exact SymPy numbers)."""
        if all(isinstance(v, (int, Fraction)) or (isinstance(v, sympy.Basic) and v.is_Rational) for v in point):
            values = [Fraction(int(sympy.Rational(v).p), int(sympy.Rational(v).q)) if isinstance(v, sympy.Basic)
                      else Fraction(v) for v in point]
            out = []
            for _, terms in self._terms:
                total = Fraction(0)
                for monom, c in terms:
                    term = Fraction(c)
                    for v, e in zip(values, monom):
                        term *= v ** e
                    total += term
                out.append((total > 0) - (total < 0))
            return tuple(out)
        return tuple(_algebraic_sign(p.as_expr().subs(dict(zip(self.symbols, point)))) for p in self.polys)

    def grid_signs(self, scaled: list[np.ndarray], scale: int) -> np.ndarray:
        """Sign vectors at the points ``scaled / scale`` (integer arrays, one per symbol), shape ``(P, N)``.

        Floating point decides where its error bound allows; the rest is
        evaluated in exact integers.
        """
        n = scaled[0].size
        out = np.zeros((len(self.polys), n), dtype=np.int8)
        floats = [s.astype(float) for s in scaled]
        for i, (degree, terms) in enumerate(self._terms):
            total = np.zeros(n)
            magnitude = np.zeros(n)
            for monom, c in terms:
                term = float(c) * float(scale) ** (degree - sum(monom))
                for v, e in zip(floats, monom):
                    term = term * v ** e
                total += term
                magnitude += np.abs(term)
            bound = 4.0 * (len(terms) + degree + 2) * _EPS * magnitude
            sure = np.abs(total) > bound
            out[i, sure] = np.sign(total[sure]).astype(np.int8)
            for j in np.flatnonzero(~sure):
                exact = 0
                for monom, c in terms:
                    term = c * scale ** (degree - sum(monom))
                    for v, e in zip(scaled, monom):
                        term *= int(v[j]) ** e
                    exact += term
                out[i, j] = (exact > 0) - (exact < 0)
        return out

    def float_signs(self, points: np.ndarray, zero: int | None = None) -> np.ndarray:
        """Sign vectors at float points (shape ``(N, dims)``), ``0`` where the float cannot decide.

        Polynomial ``zero`` (the curve the points lie on) is taken as zero.
        Undecided entries are returned as ``2`` (the caller drops such points).
        """
        n = len(points)
        out = np.zeros((len(self.polys), n), dtype=np.int8)
        for i, (degree, terms) in enumerate(self._terms):
            if i == zero:
                continue
            total = np.zeros(n)
            magnitude = np.zeros(n)
            for monom, c in terms:
                term = np.full(n, float(c))
                for d, e in enumerate(monom):
                    term = term * points[:, d] ** e
                total += term
                magnitude += np.abs(term)
            decided = np.abs(total) > 1e-9 * np.maximum(magnitude, 1e-300)
            out[i] = np.where(decided, np.sign(total), 2).astype(np.int8)
        return out

    # -------------------------------------------------------------- truth
    def _relation_truth(self, relation, signs) -> bool:
        kind, sign, parts = self.relations[relation]
        value, undefined = sign, False
        for index, power, role in parts:
            s = int(signs[index])
            if role == "den" and s == 0:
                undefined = True
            value *= s ** power
        if undefined:
            return False
        return {"==": value == 0, "!=": value != 0, "<": value < 0, "<=": value <= 0, ">": value > 0,
                ">=": value >= 0}[kind]

    def truth(self, formula_index: int, signs) -> bool:
        """The truth of formula ``formula_index`` for one sign vector (cached)."""
        key = (formula_index, tuple(int(s) for s in signs))
        if key not in self._cache:
            formula = self.formulas[formula_index]
            value = formula.xreplace({r: sympy.true if self._relation_truth(r, key[1]) else sympy.false
                                      for r in formula.atoms(Relational)})
            self._cache[key] = bool(value == sympy.true)
        return self._cache[key]

    def truths(self, formula_index: int, sign_matrix: np.ndarray) -> np.ndarray:
        """Truth per column of a ``(P, N)`` sign matrix (each distinct column evaluated once)."""
        if sign_matrix.shape[1] == 0:
            return np.zeros(0, dtype=bool)
        columns, inverse = np.unique(sign_matrix.T, axis=0, return_inverse=True)
        values = np.array([self.truth(formula_index, column) for column in columns], dtype=bool)
        return values[np.asarray(inverse).reshape(-1)]


def _algebraic_sign(value: sympy.Expr) -> int:
    """The sign of an algebraic number: zero by an exact test, otherwise by 50-digit evaluation."""
    value = sympy.nsimplify(value) if value.has(sympy.Float) else value
    approx = sympy.N(value, 50)
    if approx.is_real is False:
        approx = sympy.re(approx)
    if abs(approx) > sympy.Float("1e-40"):
        return 1 if approx > 0 else -1
    exact = sympy.simplify(value)
    if exact == 0 or exact.equals(0):
        return 0
    return 1 if sympy.N(exact, 200) > 0 else -1


def rational_between(low, high) -> Fraction:
    """A simple rational strictly between two distinct real algebraic numbers."""
    lo, hi = float(sympy.N(low, 30)), float(sympy.N(high, 30))
    mid = Fraction((lo + hi) / 2)
    for denominator in (2, 4, 8, 16, 32, 64, 128, 1 << 10, 1 << 16, 1 << 30):
        candidate = mid.limit_denominator(denominator)
        q = sympy.Rational(candidate.numerator, candidate.denominator)
        if bool(low < q) and bool(q < high):
            return candidate
    width = (hi - lo) / 4 or math.ulp(lo)
    return Fraction(lo + width)
