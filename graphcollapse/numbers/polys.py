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

from collections import OrderedDict
from typing import Sequence

import sympy
from sympy.core.basic import _args_sortkey

__all__ = ["factor_list", "cancel_fraction", "fraction_factors", "to_flint", "from_flint",
           "flint_context", "remember"]

from graphcollapse.numbers import flint as flint_switch

#: SymPy expressions built from flint polynomials, with the polynomials they came from:
#: ``expr -> (symbols, numerator, denominator)``.  Reading such an expression back
#: into flint (to cancel or factor it) is then a look-up, not a walk over its terms.
_FORMS: OrderedDict = OrderedDict()
_FORMS_MAX = 512
#: The reverse: ``(symbols, terms) -> expr`` for polynomials already turned into SymPy.
_BUILT: OrderedDict = OrderedDict()


def remember(expr: sympy.Expr, symbols: Sequence[sympy.Symbol], numerator, denominator=None) -> sympy.Expr:
    """Record that ``expr`` is ``numerator/denominator`` (``fmpq_mpoly`` over ``symbols``); returns ``expr``."""
    if isinstance(expr, sympy.Expr) and not expr.is_Number:
        _FORMS[expr] = (tuple(symbols), numerator, denominator)
        _touch(_FORMS, expr)
        _trim(_FORMS, _FORMS_MAX)
    return expr


def _touch(cache: OrderedDict, key) -> None:
    """Mark ``key`` most recently used (it may have been evicted by another thread meanwhile)."""
    try:
        cache.move_to_end(key)
    except KeyError:
        pass


def _trim(cache: OrderedDict, size: int) -> None:
    """Evict the least recently used entries beyond ``size``."""
    while len(cache) > size:
        try:
            cache.popitem(last=False)
        except KeyError:  # emptied by another thread
            break


def remembered_symbols(expr) -> list | None:
    """The symbols a remembered rational function (see :func:`remember`) depends on, sorted by name;
    ``None`` if it is not remembered or is a constant."""
    found = _FORMS.get(expr) if isinstance(expr, sympy.Expr) else None
    if found is None:
        return None
    known, p, q = found
    degrees = [max(d) for d in zip(p.degrees(), *([q.degrees()] if q is not None else []))]
    used = sorted((s for s, d in zip(known, degrees) if d), key=str)
    return used or None


def _recalled(expr, symbols: Sequence[sympy.Symbol], ctx):
    """``expr`` as ``(numerator, denominator)`` in ``ctx`` (generators ``symbols``) if remembered, else ``None``."""
    found = _FORMS.get(expr)
    if found is None:
        return None
    known, p, q = found
    if q is None:
        q = p.context().from_dict({(0,) * p.context().nvars(): 1})
    symbols = tuple(symbols)
    if known == symbols:
        return p, q
    where = {s: i for i, s in enumerate(symbols)}
    if any(s not in where for s in known):
        used = set()
        for poly in (p, q):
            for monom in poly.to_dict():
                used.update(i for i, e in enumerate(monom) if e)
        if any(known[i] not in where for i in used):
            return None
    n = len(symbols)

    def move(poly):
        data = {}
        for monom, c in poly.to_dict().items():
            target = [0] * n
            for i, e in enumerate(monom):
                if e:
                    target[where[known[i]]] = int(e)
            data[tuple(target)] = c
        return ctx.from_dict(data)

    return move(p), move(q)


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

    The expression SymPy's constructors would build (the same arguments in
    the same canonical order, so equal and hashed alike), assembled directly:
    each term's factors and then the terms are sorted by SymPy's canonical
    argument order, and no term goes through ``Mul``/``Add`` flattening and
    its assumption queries (the bulk of the time for large polynomials).
    """
    if not all(s.is_Symbol and s.is_commutative for s in symbols):
        return remember(_from_flint_ring(poly, symbols), symbols, poly)
    data = [(monom, int(c.p), int(c.q)) for monom, c in poly.to_dict().items()]
    key = (tuple(symbols), tuple(data))
    found = _BUILT.get(key)
    if found is not None:
        _touch(_BUILT, key)
        return found
    _BUILT[key] = expr = _assemble(data, symbols)
    _trim(_BUILT, _FORMS_MAX)
    return remember(expr, symbols, poly)


def _assemble(data, symbols) -> sympy.Expr:
    """The canonical SymPy sum of the terms ``(monomial, p, q)`` (see :func:`from_flint`)."""
    terms = []
    for monom, num, den in data:
        factors = [s if e == 1 else sympy.Pow(s, int(e)) for s, e in zip(symbols, monom) if e]
        factors.sort(key=_args_sortkey)
        coeff = sympy.Rational(num, den)
        if coeff != 1 or not factors:
            factors.insert(0, coeff)
        terms.append(factors[0] if len(factors) == 1 else sympy.Mul._from_args(factors))
    if not terms:
        return sympy.Integer(0)
    if len(terms) == 1:
        return terms[0]
    terms.sort(key=_args_sortkey)
    return sympy.Add._from_args(terms)


def _from_flint_ring(poly, symbols: Sequence[sympy.Symbol]) -> sympy.Expr:
    """:func:`from_flint` through SymPy's sparse polynomial ring (its reference construction)."""
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
    return reduced_factors(value, orient_at)[:3]


def reduced_factors(value: sympy.Expr, orient_at=None, symbols=None):
    """:func:`fraction_factors` and, on the flint path, ``(symbols, numerator, denominator)`` in lowest terms
    (else ``None``).  ``symbols``: the free symbols of ``value`` sorted by name, if known."""
    symbols = sorted(value.free_symbols, key=str) if symbols is None else list(symbols)
    if orient_at is not None and not isinstance(orient_at, dict):
        orient_at = {s: orient_at for s in symbols}
    if flint_switch.enabled() and symbols:
        ctx = flint_context(symbols)
        fraction = _to_flint_fraction(value, {s: g for s, g in zip(symbols, ctx.gens())}, ctx)
        if fraction is not None:
            p, q = fraction
            g = p.gcd(q)
            p, q = p / g, q / g
            reduced = (symbols, p, q)
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
            return content, out[0], out[1], reduced
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
    return content, out[0], out[1], None


def _sorted_factors(factors, symbols):
    return sorted(factors, key=lambda fp: (sympy.Poly(fp[0], *symbols).total_degree(), sympy.default_sort_key(fp[0])))


def _to_flint_fraction(expr, gens, ctx):
    """``expr`` as a pair of ``fmpq_mpoly`` (numerator, denominator), or None if it is not rational."""
    if expr.is_Add or expr.is_Mul:
        known = _recalled(expr, list(gens), ctx)
        if known is not None:
            return known
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
