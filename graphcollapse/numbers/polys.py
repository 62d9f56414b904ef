"""Multivariate polynomial arithmetic: python-flint when installed, SymPy otherwise.

Closed-form limits of rings and cycles are ratios of polynomials with
hundreds of terms.  Cancelling and factoring them is where plain SymPy
spends its time; python-flint's ``fmpq_mpoly`` does the same job exactly and
much faster.  Both paths give the same mathematical object (tests compare
them); only the speed differs.

Examples
--------
>>> import sympy
>>> a, w = sympy.symbols("a w")
>>> factor_list((a*w - 1)**2 * (a + w) * 3, [a, w])
(3, [(a + w, 1), (a*w - 1, 2)])
>>> cancel_fraction((a**2 - w**2), (a - w), [a, w])
(a + w, 1)
>>> fraction_factors((a**2 - 1)/(2*a + 2) + a)
(1/2, [(3*a - 1, 1)], [])
"""

from __future__ import annotations

from typing import Sequence

import sympy

__all__ = ["factor_list", "cancel_fraction", "fraction_factors", "to_flint", "from_flint",
           "flint_context"]

from graphcollapse.numbers import flint as flint_switch


def flint_context(symbols: Sequence[sympy.Symbol]):
    """A flint ``fmpq_mpoly`` context whose generators are ``symbols`` (in order)."""
    names = tuple(f"x{i}" for i in range(len(symbols)))
    return flint_switch.lib().fmpq_mpoly_ctx.get(names, "lex")


def to_flint(poly: sympy.Expr, symbols: Sequence[sympy.Symbol], ctx):
    """A polynomial expression (rational coefficients) as an ``fmpq_mpoly``."""
    terms = sympy.Poly(poly, *symbols, domain="QQ").terms()
    data = {monom: flint_switch.lib().fmpq(int(c.numerator), int(c.denominator)) for monom, c in terms}
    return ctx.from_dict(data) if data else ctx.from_dict({})


def from_flint(poly, symbols: Sequence[sympy.Symbol]) -> sympy.Expr:
    """An ``fmpq_mpoly`` back as a SymPy polynomial expression.

    Goes through SymPy's sparse polynomial ring, whose ``as_expr`` builds the
    expression in one pass (several times faster than adding terms).
    """
    from sympy.polys.rings import ring

    R = ring(list(symbols), sympy.QQ)[0]
    element = R.from_dict({tuple(int(e) for e in monom): sympy.QQ(int(c.p), int(c.q))
                           for monom, c in poly.to_dict().items()})
    return element.as_expr()


def factor_list(poly: sympy.Expr, symbols: Sequence[sympy.Symbol] | None = None):
    """``(content, [(factor, multiplicity), …])`` of a polynomial over QQ.

    Factors are primitive with integer coefficients (as SymPy returns them).
    """
    symbols = sorted(poly.free_symbols, key=str) if symbols is None else list(symbols)
    if not symbols:
        return poly, []
    if not flint_switch.enabled():
        return sympy.factor_list(poly, *symbols)
    ctx = flint_context(symbols)
    coeff, factors = to_flint(poly, symbols, ctx).factor()
    content = sympy.Rational(int(coeff.p), int(coeff.q))
    out = []
    for base, power in factors:
        expr = from_flint(base, symbols)
        out.append((expr, int(power)))
    out.sort(key=lambda fp: (sympy.Poly(fp[0], *symbols).total_degree(), sympy.default_sort_key(fp[0])))
    return content, out


def cancel_fraction(numer: sympy.Expr, denom: sympy.Expr, symbols: Sequence[sympy.Symbol] | None = None):
    """``numer/denom`` in lowest terms as a pair ``(p, q)`` of polynomial expressions."""
    symbols = sorted((numer.free_symbols | denom.free_symbols), key=str) if symbols is None else list(symbols)
    if not symbols or not flint_switch.enabled():
        p, q = sympy.fraction(sympy.cancel(numer / denom))
        return p, q
    ctx = flint_context(symbols)
    p = to_flint(numer, symbols, ctx)
    q = to_flint(denom, symbols, ctx)
    g = p.gcd(q)
    p, q = p / g, q / g
    return from_flint(p, symbols), from_flint(q, symbols)


def fraction_factors(value: sympy.Expr, orient_at=None):
    """A rational expression in lowest terms, factored: ``(content, numerator factors, denominator factors)``.

    ``value == content * Π f**m (numerator) / Π g**m (denominator)``; the
    factors are primitive polynomials with integer coefficients, sorted by
    degree.  With ``orient_at`` (a rational for every symbol, or a mapping
    from symbols to rationals), every factor is negated where needed to be
    positive at that point (the sign moves into ``content``).
    """
    symbols = sorted(value.free_symbols, key=str)
    if orient_at is not None and not isinstance(orient_at, dict):
        orient_at = {s: orient_at for s in symbols}
    if flint_switch.enabled() and symbols:
        ctx = flint_context(symbols)
        fraction = _to_flint_fraction(value, {s: g for s, g in zip(symbols, ctx.gens())}, ctx)
        if fraction is not None:
            p, q = fraction
            g = p.gcd(q)
            p, q = p / g, q / g
            cp, fp = p.factor()
            cq, fq = q.factor()
            content = sympy.Rational(int(cp.p), int(cp.q)) / sympy.Rational(int(cq.p), int(cq.q))
            out = []
            for factors in (fp, fq):
                oriented = []
                for base, mult in factors:
                    if orient_at is not None:
                        point = [flint_switch.lib().fmpq(int(orient_at[s].p), int(orient_at[s].q)) for s in symbols]
                        if base(*point) < 0:
                            base = -base
                            content = content * (-1) ** int(mult)
                    oriented.append((base, int(mult)))
                oriented.sort(key=lambda bm: (bm[0].total_degree(), str(bm[0])))
                out.append([(from_flint(b, symbols), m) for b, m in oriented])
            return content, out[0], out[1]
    value = sympy.cancel(sympy.together(value))
    numer, denom = sympy.fraction(value)
    cp, fp = sympy.factor_list(numer, *symbols) if symbols else (numer, [])
    cq, fq = sympy.factor_list(denom, *symbols) if symbols else (denom, [])
    content = cp / cq
    out = []
    for factors in (fp, fq):
        oriented = []
        for base, mult in factors:
            if orient_at is not None:
                at = base.xreplace(orient_at)
                if at.is_Rational and at < 0:
                    base = sympy.expand(-base)
                    content = content * (-1) ** int(mult)
            oriented.append((base, int(mult)))
        out.append(_sorted_factors(oriented, symbols))
    return content, out[0], out[1]


def _sorted_factors(factors, symbols):
    return sorted(factors, key=lambda fp: (sympy.Poly(fp[0], *symbols).total_degree(), sympy.default_sort_key(fp[0])))


def _to_flint_fraction(expr, gens, ctx):
    """``expr`` as a pair of ``fmpq_mpoly`` (numerator, denominator), or None if it is not rational."""
    if expr in gens:
        return gens[expr], ctx.from_dict({(0,) * ctx.nvars(): 1})
    if expr.is_Rational:
        one = (0,) * ctx.nvars()
        return (ctx.from_dict({one: flint_switch.lib().fmpq(int(expr.p), int(expr.q))}) if expr != 0 else ctx.from_dict({}),
                ctx.from_dict({one: 1}))
    if expr.is_Add or expr.is_Mul:
        parts = [_to_flint_fraction(arg, gens, ctx) for arg in expr.args]
        if any(part is None for part in parts):
            return None
        p, q = parts[0]
        for p2, q2 in parts[1:]:
            if expr.is_Add:
                g = q.gcd(q2)
                p, q = p * (q2 / g) + p2 * (q / g), q * (q2 / g)
            else:
                p, q = p * p2, q * q2
        return p, q
    if expr.is_Pow and expr.exp.is_Integer:
        base = _to_flint_fraction(expr.base, gens, ctx)
        if base is None:
            return None
        e = int(expr.exp)
        p, q = base
        return (p**e, q**e) if e >= 0 else (q**(-e), p**(-e))
    return None
