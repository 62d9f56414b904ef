r"""Closed forms in ``t`` as structured terms: coefficient, base, power of ``t``.

:func:`graphcollapse.solvers.trajectory.closed_form` gives ``E_k(t)`` as a
SymPy expression: polynomials in ``t`` times ``λ**t``, ``KroneckerDelta``
terms for the first generations, and ``RootSum`` over the roots of
irreducible factors (with SymPy dummies such as ``_a``, ``_w`` inside).
:func:`~graphcollapse.presentation.decompose.closed_form_terms` rewrites it as a sum of terms

    coefficient · t^p · base^t          (or, with ``only_at = j``, only at ``t = j``)

where ``base`` is an exact rational function of the symbols, or an
**eigenvalue named once**: ``lambda_1``, a root of an irreducible minimal
polynomial ``Q_1``, and the term is summed over every root of ``Q_1``, its
coefficient a polynomial in ``lambda_1`` of degree below ``deg Q_1``
(reduced modulo ``Q_1``).  A quadratic ``Q_1`` with real roots on the
whole valid region is also written with radicals.  The names ``lambda_1``,
``lambda_2``, … are reserved (no symbol of a graph may take them), so they
never clash with a user's symbol.

The terms come from :func:`graphcollapse.presentation.decompose.closed_form_terms`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from graphcollapse.numbers.regions import decide
from graphcollapse.presentation.canonical import canonical_form
from graphcollapse.presentation.printing import symbol_latex

__all__ = ["Eigenvalue", "Term", "ClosedForm", "EigenvalueNames", "ROOT_PREFIX"]

#: Reserved prefix of the names of eigenvalues given as roots (``lambda_1``, ``lambda_2``, ...).
ROOT_PREFIX = "lambda_"


@dataclass(frozen=True)
class Eigenvalue:
    """A root of an irreducible polynomial, named once: ``polynomial(symbol) = 0``.

    ``radicals`` holds ``(text, latex)`` of every root when they are real and
    readable (quadratics with a positive discriminant on the region), else ``None``.
    """

    symbol: sympy.Symbol
    polynomial: sympy.Expr
    radicals: tuple | None = None

    @property
    def name(self) -> str:
        return self.symbol.name

    @property
    def degree(self) -> int:
        return int(sympy.degree(self.polynomial, self.symbol))

    def polynomial_text(self) -> str:
        return _in_powers(self.coefficients(), self.symbol, latex=False)

    def polynomial_latex(self) -> str:
        return _in_powers(self.coefficients(), self.symbol, latex=True)

    def coefficients(self) -> list:
        return list(reversed(sympy.Poly(self.polynomial, self.symbol).all_coeffs()))

    def to_dict(self) -> dict:
        return {"minimal_polynomial": self.polynomial_text(), "minimal_polynomial_latex": self.polynomial_latex(),
                "variable": self.name, "degree": self.degree,
                "radicals": None if self.radicals is None else [text for text, _ in self.radicals],
                "radicals_latex": None if self.radicals is None else [latex for _, latex in self.radicals]}


_PROBE = sympy.Dummy("x")  # one variable for every key, so equal minimal polynomials compare equal


class EigenvalueNames:
    """Names ``lambda_1, lambda_2, …`` for the minimal polynomials met in one report (each named once)."""

    def __init__(self, region=None):
        self.region = region
        self.by_polynomial: dict = {}

    def name(self, polynomial_in_w: sympy.Poly, scale=1) -> Eigenvalue:
        """The eigenvalue ``scale/w`` for a root ``w`` of ``polynomial_in_w`` (the reversed polynomial)."""
        w = polynomial_in_w.gen
        d = polynomial_in_w.degree()
        probe = _PROBE
        reversed_poly = sympy.expand(polynomial_in_w.as_expr().xreplace({w: scale / probe}) * probe**d)
        numerator = sympy.fraction(sympy.cancel(reversed_poly))[0]
        key = _primitive_in(numerator, probe)
        for known_key, eigenvalue in self.by_polynomial.items():
            if sympy.expand(known_key - key) == 0:
                return eigenvalue
        symbol = sympy.Symbol(f"{ROOT_PREFIX}{len(self.by_polynomial) + 1}")
        polynomial = key.xreplace({probe: symbol})
        eigenvalue = Eigenvalue(symbol, polynomial, _radicals(polynomial, symbol, self.region))
        self.by_polynomial[key] = eigenvalue
        return eigenvalue


def _primitive_in(poly: sympy.Expr, x: sympy.Symbol) -> sympy.Expr:
    """``poly`` with integer coefficients (over the symbols), coprime, leading coefficient positive."""
    p = sympy.Poly(poly, x)
    coefficients = [sympy.cancel(c) for c in p.all_coeffs()]
    denominators = sympy.lcm_list([sympy.fraction(c)[1] for c in coefficients])
    scaled = [sympy.expand(c * denominators) for c in coefficients]
    common = sympy.gcd_list(scaled)
    scaled = [sympy.cancel(c / common) for c in scaled]
    lead = scaled[0]
    if lead.could_extract_minus_sign() or (lead.is_Number and lead < 0):
        scaled = [-c for c in scaled]
    return sympy.expand(sum(c * x**(len(scaled) - 1 - i) for i, c in enumerate(scaled)))


def _radicals(polynomial: sympy.Expr, x: sympy.Symbol, region) -> tuple | None:
    """The two roots of a quadratic whose discriminant is nonnegative on the whole region, as radicals."""
    if sympy.degree(polynomial, x) != 2:
        return None
    alpha, beta, gamma = (sympy.expand(c) for c in sympy.Poly(polynomial, x).all_coeffs())
    discriminant = sympy.expand(beta**2 - 4 * alpha * gamma)
    symbols = tuple(sorted(discriminant.free_symbols | alpha.free_symbols | beta.free_symbols, key=lambda s: s.name))
    if symbols:
        if region is None or not _nonnegative(discriminant, region):
            return None  # complex (or not known to be real) somewhere: the sum over roots says it all
    elif discriminant < 0:
        return None
    outside, inside = _square_part(discriminant, region)
    if not symbols:
        out = []
        for s in (1, -1):
            form = canonical_form((-beta + s * outside * sympy.sqrt(inside)) / (2 * alpha))
            out.append((form.text(), form.latex()))
        return tuple(out)
    # Divide b, c and the denominator by the integer content they share: (4 + 4 sqrt(d))/8 is (1 + sqrt(d))/2.
    shared = sympy.gcd_list([sympy.Poly(v, *symbols).content() if v.free_symbols else abs(v)
                             for v in (sympy.expand(beta), sympy.expand(outside), sympy.expand(2 * alpha)) if v != 0])
    beta, outside, alpha2 = (sympy.expand(v / shared) for v in (beta, outside, 2 * alpha))
    return tuple(_radical_spelling(-beta, s, outside, inside, alpha2, region) for s in (1, -1))


def _nonnegative(value: sympy.Expr, region) -> bool:
    """Whether ``value >= 0`` on the whole region (decided exactly; undecided counts as no)."""
    return decide(tuple(region.constraints) + ((value, "<"),), region.symbols).infeasible


def _square_part(value: sympy.Expr, region) -> tuple[sympy.Expr, sympy.Expr]:
    """``(c, r)`` with ``value = c² r``: squares of the integer content, and of factors nonnegative on the region."""
    if not value.free_symbols:
        content, rest = sympy.Integer(value), sympy.Integer(1)
        factors = []
    else:
        content, factors = sympy.factor_list(value)
        rest = sympy.Integer(1)
    content = sympy.Rational(content)
    outside = sympy.Integer(1)
    for p, e in sympy.factorint(abs(int(content.p))).items():
        outside *= p ** (e // 2)
    inside = sympy.sign(content) * abs(int(content.p)) // (outside * outside)
    for factor, m in factors:
        if m >= 2:  # sqrt(f^2) = |f|: pulled out where f keeps one sign on the region
            sign = 1 if _nonnegative(factor, region) else -1 if _nonnegative(-factor, region) else 0
            if sign:
                outside *= (sign * factor) ** (m // 2)
                m = m % 2
        rest *= factor**m
    return outside, sympy.expand(inside * rest)


def _radical_spelling(b: sympy.Expr, s: int, c: sympy.Expr, d: sympy.Expr, a: sympy.Expr, region) -> tuple[str, str]:
    """``(b ± c·sqrt(d)) / a`` in both spellings (``b, a, d`` polynomials, ``c >= 0`` on the region)."""
    at = region.sample() if region is not None else None
    magnitude = canonical_form(c, at)
    out = []
    for latex in (False, True):
        root = rf"\sqrt{{{_poly(d, True)}}}" if latex else f"sqrt({_poly(d, False)})"
        if not magnitude.is_one:
            root = f"{magnitude.latex_factor()} {root}" if latex else f"{magnitude.text_factor()}*{root}"
        sign = " + " if s > 0 else " - "
        top = (root if s > 0 else f"-{root}") if b == 0 else f"{_poly(b, latex)}{sign}{root}"
        bottom = _poly(a, latex)
        if latex:
            out.append(rf"\frac{{{top}}}{{{bottom}}}" if bottom != "1" else top)
        else:
            plain = not a.free_symbols or a.is_Symbol
            out.append(f"({top})" + ("" if bottom == "1" else f"/{bottom}" if plain else f"/({bottom})"))
    return out[0], out[1]


def _poly(value: sympy.Expr, latex: bool) -> str:
    from graphcollapse.presentation.printing import polynomial_latex, polynomial_text

    if value.free_symbols:
        return polynomial_latex(value) if latex else polynomial_text(value)
    form = canonical_form(value)
    return form.latex() if latex else form.text()


@dataclass(frozen=True)
class Term:
    """``coefficient · t^t_power · base^t`` (summed over the roots when ``base`` is an :class:`Eigenvalue`)."""

    coefficient: sympy.Expr
    base: object
    t_power: int = 0
    only_at: int | None = None


@dataclass
class ClosedForm:
    """``E_k(t)`` as a sum of :class:`Term`, for every ``t >= 0``."""

    terms: list = field(default_factory=list)
    at: dict = field(default_factory=dict)

    @property
    def eigenvalues(self) -> list:
        out = []
        for term in self.terms:
            if isinstance(term.base, Eigenvalue) and term.base not in out:
                out.append(term.base)
        return out

    def denominators(self) -> list:
        """The factors with symbols of every denominator (where they vanish the closed form is undefined)."""
        out: list = []
        for term in self.terms:
            values = _coefficients_in(term.coefficient, term.base.symbol) if isinstance(term.base, Eigenvalue) \
                else [term.coefficient, term.base]
            for value in values:
                for factor, _ in canonical_form(value, self.at).bottom:
                    if factor.free_symbols and factor not in out:
                        out.append(factor)
        return out

    def _term(self, term: Term, latex: bool) -> tuple[int, str]:
        if isinstance(term.base, Eigenvalue):
            body = _in_powers(_coefficients_in(term.coefficient, term.base.symbol), term.base.symbol, latex,
                              self.at)
            var = symbol_latex(term.base.symbol) if latex else term.base.name
            t_part = "" if term.t_power == 0 else (f" t^{{{term.t_power}}}" if latex else f"*t**{term.t_power}") \
                if term.t_power > 1 else (" t" if latex else "*t")
            if latex:
                return 1, rf"\sum_{{{var}}} \left({body}\right){t_part} {var}^{{t}}"
            return 1, f"sum_{var}(({body}){t_part}*{var}**t)"
        form = canonical_form(term.coefficient, self.at)
        parts = []
        glue = " " if latex else "*"
        if term.only_at is not None:
            parts.append(rf"\delta_{{t,{term.only_at}}}" if latex else f"[t == {term.only_at}]")
        if term.t_power:
            parts.append("t" if term.t_power == 1 else (f"t^{{{term.t_power}}}" if latex else f"t**{term.t_power}"))
        if term.base != 1:
            base = canonical_form(term.base, self.at)
            power = _single_power(base)
            if power is not None:  # (1 - a)^{2t} rather than ((1 - a)^{2})^{t}
                factor, p = power
                inner = canonical_form(factor, self.at)
                shown = inner.latex_factor() if latex else inner.text_factor()
                parts.append(f"{shown}^{{{p} t}}" if latex else f"{shown}**({p}*t)")
                base = None
        if term.base != 1 and base is not None:
            simple = base.sign > 0 and base.denominator == 1 and not base.bottom and (
                not base.top and base.numerator > 1 or base.numerator == 1 and len(base.top) == 1
                and base.top[0][0].is_Symbol and base.top[0][1] == 1)
            if latex:
                parts.append(f"{base.latex()}^{{t}}" if simple else rf"\left({base.latex()}\right)^{{t}}")
            else:
                parts.append(f"{base.text()}**t" if simple else f"({base.text()})**t")
        magnitude = canonical_form(-term.coefficient, self.at) if form.sign < 0 else form
        if not parts:  # joined after a sign by _spell: a sum keeps its parentheses
            return form.sign, magnitude.latex_factor() if latex else magnitude.text_factor()
        if magnitude.is_one:
            return form.sign, glue.join(parts)
        head = magnitude.latex_factor() if latex else magnitude.text_factor()
        return form.sign, glue.join([head, *parts])

    def _spell(self, latex: bool) -> str:
        if not self.terms:
            return "0"
        out = ""
        for i, term in enumerate(self.terms):
            s, body = self._term(term, latex)
            out += (body if s > 0 else f"-{body}") if i == 0 else (f" + {body}" if s > 0 else f" - {body}")
        return out

    def text(self) -> str:
        """Readable text (not the formula grammar when roots are summed over: see :meth:`to_dict`)."""
        return self._spell(latex=False)

    def latex(self) -> str:
        return self._spell(latex=True)

    def to_dict(self) -> dict:
        """The JSON terms (schema ``closed_form``) and the eigenvalues they use."""
        terms = []
        for term in self.terms:
            entry: dict = {"t_power": term.t_power, "only_at_t": term.only_at}
            if isinstance(term.base, Eigenvalue):
                coefficients = _coefficients_in(term.coefficient, term.base.symbol)
                entry["coefficient"] = _in_powers(coefficients, term.base.symbol, False, self.at)
                entry["coefficient_latex"] = _in_powers(coefficients, term.base.symbol, True, self.at)
                entry["base"] = {"root_of": term.base.polynomial_text(), "variable": term.base.name}
                entry["base_latex"] = symbol_latex(term.base.symbol)
            else:
                form, base = canonical_form(term.coefficient, self.at), canonical_form(term.base, self.at)
                entry.update(coefficient=form.text(), coefficient_latex=form.latex(), base=base.text(),
                             base_latex=base.latex())
            terms.append(entry)
        plain = not self.eigenvalues and all(term.only_at is None for term in self.terms)
        return {"terms": terms, "eigenvalues": {e.name: e.to_dict() for e in self.eigenvalues},
                "formula": self.text() if plain else None, "latex": self.latex()}


def _single_power(form) -> tuple | None:
    """``(factor, p)`` when a canonical form is one factor to a power ``p > 1`` (and nothing else)."""
    if form.sign > 0 and form.numerator == form.denominator == 1 and not form.bottom and len(form.top) == 1:
        factor, p = form.top[0]
        if p > 1:
            return factor, p
    return None


def _coefficients_in(value: sympy.Expr, x: sympy.Symbol) -> list:
    """Coefficients of a polynomial in ``x`` (low powers first)."""
    return list(reversed(sympy.Poly(value, x).all_coeffs())) if value != 0 else [sympy.Integer(0)]


def _in_powers(coefficients, x: sympy.Symbol, latex: bool, at=None) -> str:
    """``Σ c_i x^i`` from the highest power down, each ``c_i`` in canonical form."""
    name = symbol_latex(x) if latex else x.name
    out = ""
    first = True
    for i in reversed(range(len(coefficients))):
        c = coefficients[i]
        if c == 0:
            continue
        form = canonical_form(c, at)
        magnitude = canonical_form(-c, at) if form.sign < 0 else form
        power = "" if i == 0 else (name if i == 1 else (f"{name}^{{{i}}}" if latex else f"{name}**{i}"))
        if not power:  # after a sign, a sum keeps its parentheses
            body = (magnitude.latex_factor() if latex else magnitude.text_factor()) if out or form.sign < 0 else \
                (magnitude.latex() if latex else magnitude.text())
        elif magnitude.is_one:
            body = power
        else:
            head = magnitude.latex_factor() if latex else magnitude.text_factor()
            body = f"{head} {power}" if latex else f"{head}*{power}"
        if first:
            out = body if form.sign > 0 else f"-{body}"
        else:
            out += f" + {body}" if form.sign > 0 else f" - {body}"
        first = False
    return out or "0"

