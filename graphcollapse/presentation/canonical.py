r"""The canonical form of an exact value, chosen for reading, and its spellings.

Every exact result the toolkit shows (a limit, a slope, a coefficient, a
bound) is written as **one fraction with integer coefficients**:

    sign · (c · Π fᵢ^mᵢ) / (d · Π gⱼ^nⱼ)

* ``c, d`` are positive integers (the rational content, pulled out);
* ``fᵢ, gⱼ`` are the irreducible factors over QQ of the cancelled numerator
  and denominator, primitive with integer coefficients, each **oriented to be
  positive at an interior point of the valid region** (``4 - a``, never
  ``a - 4``, when ``0 ≤ a ≤ 1``): common factors are pulled out because the
  fraction is factored;
* with algebraic constants (``sqrt(2)``) in the coefficients, the factors
  over QQ are pulled out and what remains is one polynomial whose
  coefficients are integer combinations of radicals (``(2 + \sqrt{2}) a``).

:class:`Canonical` holds that structure and prints it in the formula
grammar (:meth:`Canonical.text`, which reads back with
:func:`graphcollapse.numbers.parse.parse_expression`) and in LaTeX
(:meth:`Canonical.latex`, one ``\frac`` with nothing nested in it).  Every
output format of every command goes through here, so a value reads the
same in all of them.

Examples
--------
>>> import sympy
>>> a = sympy.Symbol("a", real=True)
>>> value = (a**4/2 - 9*a**3/5 + 13*a**2/10 + 7*a/5 + 2/sympy.Integer(5)) / (a*(4 - a)*(-3*a**2 + 2*a + 4))
>>> form = canonical_form(value, at={a: sympy.Rational(1, 2)})
>>> form.text()
'(5*a**4 - 18*a**3 + 13*a**2 + 14*a + 4)/(10*a*(4 - a)*(4 + 2*a - 3*a**2))'
>>> form.latex()
'\\frac{5 a^{4} - 18 a^{3} + 13 a^{2} + 14 a + 4}{10 a (4 - a) (4 + 2 a - 3 a^{2})}'
>>> canonical_form(1 - sympy.sqrt(2) / 2).latex()
'\\frac{2 - \\sqrt{2}}{2}'
>>> canonical_form(sympy.Rational(-3, 4)).text()
'-3/4'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from math import gcd, lcm
from typing import Mapping

import sympy

from graphcollapse.errors import UnsupportedError
from graphcollapse.numbers.domain import domain_of, sign as certified_sign
from graphcollapse.numbers.polys import fraction_factors
from graphcollapse.presentation.printing import constant_latex, constant_text, is_sum, polynomial_latex, polynomial_text

__all__ = ["Canonical", "canonical_form", "DEFAULT_POINT"]

#: Where factors are oriented for symbols the interior point does not give (weights in (0, 1)).
DEFAULT_POINT = sympy.Rational(1, 3)


@dataclass(frozen=True)
class Canonical:
    """``sign · (numerator · Π top) / (denominator · Π bottom)``, see the module docstring.

    Attributes
    ----------
    value : sympy.Expr
        The exact value (what the form is of).
    sign : int
        -1, 0 or 1.
    numerator, denominator : int
        The positive integer content.
    top, bottom : tuple of (sympy.Expr, int)
        Factors and multiplicities: primitive integer polynomials in
        :attr:`symbols` (or constants with radicals), positive at the
        orientation point.
    symbols : tuple of Symbol
    """

    value: sympy.Expr
    sign: int
    numerator: int
    denominator: int
    top: tuple
    bottom: tuple
    symbols: tuple

    # -- spellings ----------------------------------------------------------------------------------

    def text(self) -> str:
        """The formula grammar: ``-2*(1 + a)**2/(5*a*(4 - a))``."""
        return self._spell(latex=False)

    def latex(self) -> str:
        r"""One ``\frac`` with integer coefficients: ``-\frac{2 (1 + a)^{2}}{5 a (4 - a)}``."""
        return self._spell(latex=True)

    def latex_factor(self) -> str:
        """LaTeX safe as a factor of a product (a lone sum in parentheses)."""
        body = self.latex()
        return f"({body})" if self._bare_sum() else body

    def text_factor(self) -> str:
        """The formula grammar, safe as a factor of a product."""
        body = self.text()
        return f"({body})" if self._bare_sum() else body

    @property
    def is_one(self) -> bool:
        return self.sign == 1 and self.numerator == self.denominator == 1 and not self.top and not self.bottom

    def _bare_sum(self) -> bool:
        return (self.sign > 0 and self.numerator == 1 and self.denominator == 1 and not self.bottom
                and len(self.top) == 1 and self.top[0][1] == 1 and _is_sum(self.top[0][0], self.symbols))

    def _spell(self, latex: bool) -> str:
        if self.sign == 0:
            return "0"
        minus = "-" if self.sign < 0 else ""
        top = self._product(self.numerator, self.top, latex)
        bottom = self._product(self.denominator, self.bottom, latex)
        # A lone sum on top needs parentheses after a minus (-(1 - a)) and, in the grammar, before "/".
        lone_sum_on_top = self.numerator == 1 and len(self.top) == 1 and self.top[0][1] == 1 and _is_sum(
            self.top[0][0], self.symbols)
        if latex:
            if bottom == "1":
                return f"{minus}({top})" if minus and lone_sum_on_top else minus + top
            return rf"{minus}\frac{{{top}}}{{{bottom}}}"
        if lone_sum_on_top and (minus or bottom != "1"):
            top = f"({top})"
        if bottom == "1":
            return minus + top
        simple_bottom = not self.bottom or (self.denominator == 1 and len(self.bottom) == 1
                                            and not _is_sum(self.bottom[0][0], self.symbols))
        return f"{minus}{top}/{bottom}" if simple_bottom else f"{minus}{top}/({bottom})"

    def _product(self, content: int, factors, latex: bool) -> str:
        parts = [] if content == 1 and factors else [str(content)]
        alone = content == 1 and len(factors) == 1 and factors[0][1] == 1
        for base, power in factors:
            shown = _factor(base, self.symbols, latex)
            if _is_sum(base, self.symbols) and not alone:
                shown = f"({shown})"
            elif power != 1 and not _is_atom(base):
                shown = f"({shown})"
            if power != 1:
                shown = f"{shown}^{{{power}}}" if latex else f"{shown}**{power}"
            parts.append(shown)
        return (" " if latex else "*").join(parts)


def _factor(base, symbols, latex: bool) -> str:
    if base.free_symbols:
        return polynomial_latex(base, symbols) if latex else polynomial_text(base, symbols)
    return constant_latex(base) if latex else constant_text(base)


def _is_sum(base, symbols) -> bool:
    if base.free_symbols:
        return len(sympy.Add.make_args(sympy.expand(base))) > 1
    return is_sum(base)


def _is_atom(base) -> bool:
    return base.is_Symbol or base.is_Integer


# -- construction ----------------------------------------------------------------------------------

def canonical_form(value, at: Mapping | None = None) -> Canonical:
    """The :class:`Canonical` form of an exact value.

    Parameters
    ----------
    value : sympy.Expr
        A rational function of real symbols with real algebraic coefficients
        (a rational number, ``sqrt(2)/2``, a limit in ``a``).
    at : mapping, optional
        An interior point of the valid region (``System.interior_point``):
        each factor is oriented to be positive there.  Symbols it does not
        give (or gives an irrational value) take :data:`DEFAULT_POINT`.

    Raises
    ------
    UnsupportedError
        For values outside that class (``oo``, ``nan``, ``RootOf``,
        ``Piecewise``, expressions in ``t``).
    """
    value = sympy.sympify(value)  # safe: SymPy values, never text
    if not isinstance(value, sympy.Expr) or value.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan, sympy.Piecewise,
                                                      sympy.RootOf, sympy.RootSum, sympy.I):
        raise UnsupportedError(f"{value} has no canonical fraction form")
    symbols = tuple(sorted(value.free_symbols, key=lambda s: s.name))
    if value == 0:
        return Canonical(value, 0, 1, 1, (), (), symbols)
    if value.is_Rational:
        return Canonical(value, 1 if value > 0 else -1, abs(int(value.p)), int(value.q), (), (), symbols)
    point = {s: DEFAULT_POINT for s in symbols}
    if at:
        point.update({s: v for s, v in at.items() if s in point and getattr(v, "is_Rational", False)})
    domain = domain_of([value], symbols)
    if not symbols:
        return _constant_form(value, domain)
    if domain.is_rational:
        content, top, bottom = fraction_factors(value, orient_at=point)
        return _assemble(value, content, list(top), list(bottom), symbols)
    return _algebraic_form(value, domain, point, symbols)


def _assemble(value, content, top, bottom, symbols) -> Canonical:
    """Make every polynomial factor primitive over ZZ (its scale into the content), then split the content."""
    content = sympy.Rational(content)
    for factors, into_numerator in ((top, True), (bottom, False)):
        for i, (base, power) in enumerate(factors):
            if not base.free_symbols:
                continue
            scale, primitive = _primitive(base, symbols)
            factors[i] = (primitive, power)
            content = content * scale**power if into_numerator else content / scale**power
    top = sorted(((b, p) for b, p in top if b != 1), key=_reading_order)
    bottom = sorted(((b, p) for b, p in bottom if b != 1), key=_reading_order)
    return Canonical(value, 1 if content > 0 else -1, abs(int(content.p)), int(content.q), tuple(top), tuple(bottom),
                     symbols)


def _reading_order(factor) -> tuple:
    """Constants, then single symbols, then by degree and length."""
    base = factor[0]
    if not base.free_symbols:
        return (0, 0, 0, sympy.default_sort_key(base))
    degree = sympy.Poly(base, *sorted(base.free_symbols, key=str)).total_degree()
    return (1 if base.is_Symbol else 2, degree, len(sympy.Add.make_args(sympy.expand(base))),
            sympy.default_sort_key(base))


def _primitive(poly: sympy.Expr, symbols) -> tuple[sympy.Rational, sympy.Expr]:
    """``(s, p)`` with ``poly = s p``, ``s > 0`` rational and ``p`` primitive with integer coefficients.

    Coefficients may be combinations of radicals: the rational parts of all
    of them share one scale.
    """
    expanded = sympy.expand(poly)
    rationals = [c for term in sympy.Add.make_args(expanded) for c in [term.as_coeff_Mul()[0]]]
    den = reduce(lcm, (int(c.q) for c in rationals), 1)
    num = reduce(gcd, (abs(int(c.p * den / c.q)) for c in rationals), 0) or 1
    scale = sympy.Rational(num, den)
    return scale, sympy.expand(expanded / scale)


def _constant_form(value, domain) -> Canonical:
    """An algebraic constant as ``(integer combination of radicals) / integer``, oriented positive."""
    spelled = sympy.expand(domain.canonical(value))
    terms = sympy.Add.make_args(spelled)
    coefficients = [t.as_coeff_Mul()[0] for t in terms]
    den = reduce(lcm, (int(c.q) for c in coefficients), 1)
    num = reduce(gcd, (abs(int(c.p * den / c.q)) for c in coefficients), 0) or 1
    body = sympy.expand(spelled * den / num)
    s = certified_sign(body)
    if s < 0:
        body = sympy.expand(-body)
    top = () if body == 1 else ((body, 1),)
    return Canonical(value, s, num, den, top, (), ())


def _algebraic_form(value, domain, point, symbols) -> Canonical:
    """Over ``QQ<θ>(symbols)``: factors over QQ pulled out, one polynomial with radical coefficients left.

    ``value = Σ_m r_m · m`` over constants ``m`` (products of radicals) with
    ``r_m ∈ QQ(symbols)``.  Each ``r_m`` is factored over QQ (flint when
    installed), every factor oriented positive at the point, so equal
    factors are equal expressions: the common denominator ``D`` and the
    factors ``G`` all numerators share follow from the exponents, and
    ``value = (G/D) · Σ_m h_m · m`` with no gcd over the number field.
    """
    parts = _by_constant(value, symbols)
    if parts is None:  # not written as Σ r_m · m: the domain's canonical spelling is
        parts = _by_constant(domain.canonical(value), symbols)
        if parts is None:
            raise UnsupportedError(f"{value} has no canonical fraction form here")
    parts = {m: r for m, r in parts.items() if r != 0}
    if set(parts) <= {sympy.Integer(1)}:
        return canonical_form(parts.get(sympy.Integer(1), sympy.Integer(0)), point)
    factored = {m: fraction_factors(r, orient_at=point) if r.free_symbols else (r, [], [])
                for m, r in parts.items()}
    denominator: dict = {}
    for _, _, bottom in factored.values():
        for g, e in bottom:
            denominator[g] = max(denominator.get(g, 0), e)
    numerators = {}
    for m, (content, top, bottom) in factored.items():
        exponents = dict(top)
        own = dict(bottom)
        for g, e in denominator.items():
            if e - own.get(g, 0):
                exponents[g] = exponents.get(g, 0) + e - own.get(g, 0)
        numerators[m] = (content, exponents)
    factors = set().union(*(set(e) for _, e in numerators.values()))
    shared = {f: min(e.get(f, 0) for _, e in numerators.values()) for f in factors}
    shared = {f: e for f, e in shared.items() if e}
    rest = sympy.Integer(0)
    for m, (content, exponents) in numerators.items():
        term = content * m
        for f, e in exponents.items():
            if e - shared.get(f, 0):
                term *= f ** (e - shared.get(f, 0))
        rest += term
    scale, rest = _primitive(sympy.expand(rest), symbols)
    if certified_sign(rest.xreplace(point)) < 0:
        rest, scale = sympy.expand(-rest), -scale
    form = _assemble(value, scale, list(shared.items()), list(denominator.items()), symbols)
    factors = sorted(list(form.top) + [(rest, 1)], key=_reading_order)
    return Canonical(value, form.sign, form.numerator, form.denominator, tuple(factors), form.bottom, symbols)


def _by_constant(value, symbols) -> dict | None:
    """``{m: r_m}`` with ``value = Σ r_m · m``, ``m`` a product of irrational constants, ``r_m`` rational in the
    symbols; ``None`` if a term mixes radicals into its rational part."""
    out: dict = {}
    for term in sympy.Add.make_args(sympy.sympify(value)):  # safe: SymPy values, never text
        constants, rest = [], []
        for factor in sympy.Mul.make_args(term):
            (constants if not factor.free_symbols and not factor.is_Rational else rest).append(factor)
        r = sympy.Mul(*rest)
        if any(not p.free_symbols for p in r.atoms(sympy.Pow)) or r.has(sympy.Float):
            return None
        m = sympy.Mul(*constants)
        out[m] = out.get(m, 0) + r
    return out
