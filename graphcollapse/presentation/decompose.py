r"""From SymPy's closed form of ``E_k(t)`` to structured terms, and back to exact values.

:func:`closed_form_terms` walks the expression that
:func:`graphcollapse.solvers.trajectory.closed_form` returns: every
summand is a product of ``t``-free factors, powers ``b**(k t + m)``,
polynomials in ``t``, ``KroneckerDelta(t, j)``, or a ``RootSum`` over the
roots ``w`` of an irreducible polynomial of a body in ``w**(-t - m)``.
Each becomes :class:`~graphcollapse.presentation.closed_forms.Term` s with
the eigenvalue ``λ = 1/w`` named once (its coefficient reduced modulo the
minimal polynomial of ``λ``); terms with the same base and power of ``t``
are added.

:func:`evaluate_entry` reads the JSON of a closed form back (formulas
through the safe parser, nothing evaluated) and returns ``E_k(t)`` at an
integer ``t`` exactly: a sum over the roots of ``Q`` of a polynomial in the
root is a combination of the power sums of the roots, which Newton's
identities give from the coefficients of ``Q``.

Examples
--------
>>> import sympy
>>> from graphcollapse.solvers.trajectory import T_SYMBOL as t
>>> form = closed_form_terms(sympy.Rational(2, 15) - sympy.Rational(1, 30) / 4**t)
>>> [(term.coefficient, term.base, term.t_power) for term in form.terms]
[(2/15, 1, 0), (-1/30, 1/4, 0)]
>>> form.text(), form.latex()
('2/15 - 1/30*(1/4)**t', '\\frac{2}{15} - \\frac{1}{30} \\left(\\frac{1}{4}\\right)^{t}')
>>> evaluate_entry(form.to_dict(), 2, {}) == sympy.Rational(2, 15) - sympy.Rational(1, 480)
True
>>> w = sympy.Symbol("w")
>>> rootsum = sympy.RootSum(sympy.Poly(w**2 - 2, w), sympy.Lambda(w, w**(-t)))  # (1/√2)^t + (-1/√2)^t
>>> entry = closed_form_terms(rootsum).to_dict()
>>> entry["terms"][0]["base"], entry["eigenvalues"]["lambda_1"]["radicals"]
({'root_of': '2*lambda_1**2 - 1', 'variable': 'lambda_1'}, ['sqrt(2)/2', '-sqrt(2)/2'])
>>> [evaluate_entry(entry, k, {}) for k in range(4)]
[2, 0, 1, 0]
"""

from __future__ import annotations

from typing import Mapping

import sympy

from graphcollapse.errors import UnsupportedError
from graphcollapse.numbers.domain import canonical, domain_of
from graphcollapse.numbers.parse import parse_expression
from graphcollapse.presentation.closed_forms import ClosedForm, Eigenvalue, EigenvalueNames, Term
from graphcollapse.solvers.trajectory import T_SYMBOL

__all__ = ["closed_form_terms", "evaluate_entry"]

_Part = tuple  # (coefficient, base, power of t, only at t = j or None)


def closed_form_terms(expr: sympy.Expr, *, t: sympy.Symbol = T_SYMBOL, names: EigenvalueNames | None = None,
                      at: Mapping | None = None) -> ClosedForm:
    """``E_k(t)`` as a :class:`~graphcollapse.presentation.closed_forms.ClosedForm`.

    Parameters
    ----------
    expr : sympy.Expr
        A closed form in ``t`` (see the module docstring).
    names : EigenvalueNames, optional
        Shared by every closed form of one report, so that each minimal
        polynomial is named once (and its radicals decided on its region).
    at : mapping, optional
        The interior point at which factors are oriented positive.

    Raises
    ------
    UnsupportedError
        For an expression of another shape.
    """
    names = EigenvalueNames() if names is None else names
    parts: list = []
    for summand in sympy.Add.make_args(sympy.sympify(expr)):  # safe: SymPy values, never text
        sums = [f for f in sympy.Mul.make_args(summand) if isinstance(f, sympy.RootSum)]
        if not sums:
            parts += _parts(summand, t)
            continue
        if len(sums) > 1:
            raise UnsupportedError(f"a product of sums over roots: {summand}")
        common = sympy.Mul(*[f for f in sympy.Mul.make_args(summand) if f is not sums[0]])
        if common.has(t):
            raise UnsupportedError(f"a sum over roots times a function of t: {summand}")
        parts += _root_parts(sums[0], common, t, names)
    grouped: dict = {}
    order: list = []
    for coefficient, base, power, only in parts:
        key = (base if isinstance(base, Eigenvalue) else canonical(base), power, only)
        if key not in grouped:
            grouped[key] = sympy.Integer(0)
            order.append(key)
        grouped[key] += coefficient
    terms = []
    for key in order:
        base, power, only = key
        coefficient = grouped[key] if isinstance(base, Eigenvalue) else canonical(grouped[key])
        if isinstance(base, Eigenvalue):
            coefficient = sympy.expand(coefficient)
        if coefficient != 0:
            terms.append(Term(coefficient, base, power, only))
    terms.sort(key=lambda term: (term.only_at is not None, isinstance(term.base, Eigenvalue),
                                 term.base != 1, term.t_power if term.base == 1 else 0))
    return ClosedForm(terms, dict(at or {}))


def _parts(expr: sympy.Expr, t: sympy.Symbol) -> list[_Part]:
    """``expr`` as a sum of ``coefficient · t^p · base^t`` (times ``[t = j]``)."""
    if not expr.has(t):
        return [(expr, sympy.Integer(1), 0, None)]
    if expr == t:
        return [(sympy.Integer(1), sympy.Integer(1), 1, None)]
    if isinstance(expr, sympy.Add):
        return [part for arg in expr.args for part in _parts(arg, t)]
    if isinstance(expr, sympy.Mul):
        out = [(sympy.Integer(1), sympy.Integer(1), 0, None)]
        for factor in expr.args:
            out = [_times(x, y) for x in out for y in _parts(factor, t)]
            out = [p for p in out if p is not None]
        return out
    if isinstance(expr, sympy.KroneckerDelta):
        j = expr.args[1] if expr.args[0] == t else expr.args[0]
        if not j.is_Integer:
            raise UnsupportedError(f"cannot read {expr}")
        return [(sympy.Integer(1), sympy.Integer(1), 0, int(j))]
    if isinstance(expr, sympy.Pow):
        base, exponent = expr.args
        if not base.has(t):
            poly = sympy.Poly(exponent, t)
            k, m = (poly.nth(1), poly.nth(0)) if poly.degree() == 1 else (None, None)
            if k is None or not (k.is_Integer and m.is_Integer):
                raise UnsupportedError(f"cannot read {expr}")
            return [(base**m, base**k, 0, None)]
        if exponent.is_Integer and exponent > 0:
            out = [(sympy.Integer(1), sympy.Integer(1), 0, None)]
            for _ in range(int(exponent)):
                out = [p for p in (_times(x, y) for x in out for y in _parts(base, t)) if p is not None]
            return out
    raise UnsupportedError(f"cannot read {expr} as a closed form in {t}")


def _times(x: _Part, y: _Part) -> _Part | None:
    c1, b1, p1, j1 = x
    c2, b2, p2, j2 = y
    if j1 is not None and j2 is not None and j1 != j2:
        return None
    only = j1 if j1 is not None else j2
    coefficient, base, power = c1 * c2, b1 * b2, p1 + p2
    if only is not None:  # at one generation every factor is a number: fold it into the coefficient
        return (coefficient * base**only * (sympy.Integer(only) ** power if power else 1), sympy.Integer(1), 0, only)
    return (coefficient, base, power, None)


def _root_parts(rootsum: sympy.RootSum, common: sympy.Expr, t: sympy.Symbol, names: EigenvalueNames) -> list:
    """``common · Σ_{P(w)=0} body(w)`` with ``body`` in ``w^(-t)``: terms in the eigenvalue ``λ = 1/w``."""
    w = rootsum.fun.variables[0]
    out = []
    for coefficient, base, power, only in _parts(rootsum.fun.expr, t):
        scale = sympy.cancel(base * w)  # the base is scale/w: the eigenvalue λ = scale/w
        if only is not None or scale.has(w, t) or scale == 0:
            raise UnsupportedError(f"cannot read the sum over roots {rootsum}")
        eigenvalue = names.name(sympy.Poly(rootsum.poly.as_expr().xreplace({rootsum.poly.gen: w}), w), scale)
        x, Q = eigenvalue.symbol, eigenvalue.polynomial
        out.append((_reduced(common * coefficient, w, x, Q, scale), eigenvalue, power, None))
    return out


def _reduced(value: sympy.Expr, w: sympy.Symbol, x: sympy.Symbol, Q: sympy.Expr, scale=1) -> sympy.Expr:
    """``value`` (a Laurent polynomial in ``w`` over the symbols' field) at ``w = scale/x``, reduced modulo ``Q(x)``.

    ``value = Σ_i p_i w^(i - m)``: each power of ``w = scale · x^{-1}`` is reduced
    modulo ``Q`` in the polynomial ring over the field of the symbols (no
    large expression is ever expanded).
    """
    scale = sympy.sympify(scale)  # safe: SymPy values, never text
    symbols = tuple(sorted((value.free_symbols | Q.free_symbols | scale.free_symbols) - {w, x}, key=lambda s: s.name))
    outer = domain_of([value], (w, *symbols))
    element = outer.convert(value)
    shifts = {monom[0] for monom in element.denom.monoms()}
    if len(shifts) != 1:  # not a Laurent polynomial in w: reduce the rational function as it is
        numerator, denominator = sympy.fraction(sympy.cancel(sympy.together(value.xreplace({w: scale / x}))))
        return sympy.rem(sympy.expand(numerator * sympy.invert(denominator, Q, x)), Q, x)
    (m,) = shifts
    rest = sympy.expand(element.denom.as_expr() / w**m)
    coefficients_Q = sympy.Poly(Q, x).all_coeffs()
    domain = domain_of([*outer.generators, *coefficients_Q, rest, scale], symbols)
    field = domain.field
    Qp = _poly(Q, x, domain)
    X = sympy.Poly(x, x, domain=field)
    inverse = X.invert(Qp)
    P = sympy.Poly(element.numer.as_expr(), w)
    total = sympy.Poly(0, x, domain=field)
    for (i,), p in P.terms():
        e = m - i  # w^(i - m) = x^(m - i)
        power = (X**e).rem(Qp) if e >= 0 else (inverse**(-e)).rem(Qp)
        total += power * sympy.Poly.from_dict({(0,): domain.convert(p * scale**(i - m))}, x, domain=field)
    total = total.rem(Qp)
    inverse_rest = field.one / domain.convert(rest)
    return (total * sympy.Poly.from_dict({(0,): inverse_rest}, x, domain=field)).as_expr()


def _poly(expr: sympy.Expr, x: sympy.Symbol, domain) -> sympy.Poly:
    """``expr`` as a polynomial in ``x`` over ``domain.field``, each coefficient converted by the domain.

    (SymPy's own conversion into an algebraic field identifies every radical
    by PSLQ, which fails on large coefficients; the domain reads them exactly.)
    """
    terms = sympy.Poly(expr, x).terms()
    return sympy.Poly.from_dict({monom: domain.convert(c) for monom, c in terms}, x, domain=domain.field)


# -- reading back ------------------------------------------------------------------------------------

def _power_sums(Q: sympy.Expr, x: sympy.Symbol, count: int) -> list:
    """``p_k = Σ_{Q(r)=0} r^k`` for ``k < count`` (Newton's identities; exact in the coefficients' field)."""
    coefficients = sympy.Poly(Q, x).all_coeffs()
    d = len(coefficients) - 1
    c = [sympy.cancel(a / coefficients[0]) for a in coefficients]  # c[0] = 1, Q/lead = Σ c_i x^(d-i)
    p = [sympy.Integer(d)]
    for k in range(1, count):
        total = sum((c[i] * p[k - i] for i in range(1, min(k - 1, d) + 1)), sympy.Integer(0))
        if k <= d:
            total += k * c[k]
        p.append(sympy.cancel(-total))
    return p


def evaluate_entry(entry: Mapping, t: int, symbols: Mapping[str, sympy.Symbol]) -> sympy.Expr:
    """``E_k(t)`` at an integer ``t`` from the JSON of a closed form (exact; formulas read with the safe parser).

    Parameters
    ----------
    entry : mapping
        A ``closed_form`` object of the JSON output (``terms``).
    t : int
        The generation.
    symbols : mapping of str to Symbol
        The graph's declared symbols.
    """
    total = sympy.Integer(0)
    for term in entry["terms"]:
        if term["only_at_t"] is not None and term["only_at_t"] != t:
            continue
        factor = sympy.Integer(t) ** term["t_power"] if term["t_power"] else sympy.Integer(1)
        base = term["base"]
        if isinstance(base, Mapping):
            x = sympy.Symbol(base["variable"])
            known = {**symbols, x.name: x}
            Q = parse_expression(base["root_of"], known, where="root_of", max_length=None)
            c = parse_expression(term["coefficient"], known, where="coefficient", max_length=None)
            polynomial = sympy.Poly(sympy.expand(c * x**t), x)
            sums = _power_sums(Q, x, polynomial.degree() + 1)
            value = sum((coef * sums[k] for (k,), coef in polynomial.terms()), sympy.Integer(0))
        else:
            c = parse_expression(term["coefficient"], symbols, where="coefficient", max_length=None)
            value = c * parse_expression(base, symbols, where="base", max_length=None) ** t
        total += factor * value
    return total
