r"""Printers for exact values: the formula grammar and LaTeX, term by term.

Two spellings of one value, chosen for reading:

* the **formula grammar** of :func:`graphcollapse.numbers.parse.parse_expression`
  (numbers, declared symbols, ``+ - * / **``, parentheses, ``sqrt``), so that
  every formula the toolkit writes reads back exactly;
* **LaTeX** with integer coefficients, symbols as a theorist writes them
  (``alpha`` is ``\alpha``, ``a_1`` is ``a_{1}``), and never a ``\frac``:
  fractions are the business of :mod:`graphcollapse.presentation.canonical`,
  which puts one ``\frac`` around a numerator and a denominator printed here.

Polynomials are printed with their terms in an order that starts with a
positive term: by falling degree when the leading coefficient is positive,
by rising degree when that starts positive instead (``4 + 2 a - 3 a^{2}``
rather than ``- 3 a^{2} + 2 a + 4``).

Examples
--------
>>> import sympy
>>> a, b = sympy.symbols("a b")
>>> polynomial_text(-3*a**2 + 2*a + 4), polynomial_latex(-3*a**2 + 2*a + 4)
('4 + 2*a - 3*a**2', '4 + 2 a - 3 a^{2}')
>>> polynomial_latex((1 + sympy.sqrt(2))*a*b - 1)
'(1 + \\sqrt{2}) a b - 1'
>>> symbol_latex("_a"), symbol_latex("alpha"), symbol_latex("rate"), symbol_latex("a_1")
('\\mathit{\\_a}', '\\alpha', '\\mathit{rate}', 'a_{1}')
"""

from __future__ import annotations

import re
from typing import Sequence

import sympy
from sympy.printing.latex import greek_letters_set

from graphcollapse.numbers.domain import sign as certified_sign

__all__ = ["symbol_latex", "id_latex", "constant_text", "constant_latex", "polynomial_terms", "polynomial_text",
           "polynomial_latex", "is_sum", "text_escape"]

_SIMPLE_NAME = re.compile(r"(?P<base>[A-Za-z]+)(?:_(?P<sub>[A-Za-z0-9]+)|(?P<digits>[0-9]+))?")
_TEXT_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                 "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                 "±": r"$\pm$", "≈": r"$\approx$", "≤": r"$\le$", "≥": r"$\ge$", "→": r"$\to$", "λ": r"$\lambda$",
                 "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}


def text_escape(text: str) -> str:
    """Plain text made safe inside LaTeX (``a_b`` is ``a\\_b``)."""
    return "".join(_TEXT_SPECIAL.get(ch, ch) for ch in str(text))


def symbol_latex(name: str | sympy.Symbol) -> str:
    """A symbol's name in LaTeX.

    One letter or a Greek name, with an optional subscript (``a_1``,
    ``sigma2``), is written the usual way; every other name (``rate``,
    ``_a``, ``a__b``) is set in ``\\mathit{…}`` with its underscores escaped,
    so that it can never be read as a product or a subscript (``10 _a``
    would print 10 with a subscript a).
    """
    name = name.name if isinstance(name, sympy.Symbol) else str(name)
    match = _SIMPLE_NAME.fullmatch(name)
    if match:
        base = match.group("base")
        sub = match.group("sub") or match.group("digits")
        if len(base) == 1 or base.lower() in greek_letters_set:
            head = ("\\" + base) if len(base) > 1 else base
            return head if sub is None else f"{head}_{{{sub if len(sub) == 1 or sub.isdigit() else _mathit(sub)}}}"
    return _mathit(name)


def _mathit(name: str) -> str:
    return r"\mathit{" + name.replace("_", r"\_") + "}"


def id_latex(model_id: str) -> str:
    """A model id inside a subscript: one letter or digit as it is, anything else as ``\\text{…}``."""
    model_id = str(model_id)
    if len(model_id) == 1 and model_id.isalnum():
        return model_id
    return r"\text{" + text_escape(model_id) + "}"


# -- constants -------------------------------------------------------------------------------------

def _sign(value: sympy.Expr) -> int:
    if value.is_Rational:
        return (value.p > 0) - (value.p < 0)
    return certified_sign(value)


def _split_sign(value: sympy.Expr) -> tuple[int, sympy.Expr]:
    """``(s, |value|)`` for a nonzero constant (a sum is negated as a whole when it is negative)."""
    s = _sign(value)
    return (s, -value if s < 0 else value)


def is_sum(value: sympy.Expr) -> bool:
    """Whether a printed value needs parentheses as a factor."""
    return isinstance(value, sympy.Add)


def constant_text(value: sympy.Expr) -> str:
    """An exact constant in the formula grammar (integers, ``sqrt``, rational powers)."""
    return _constant(value, latex=False)


def constant_latex(value: sympy.Expr) -> str:
    """An exact constant in LaTeX (``\\sqrt{2}``, ``\\sqrt[3]{4}``); rationals inline as ``p/q``."""
    return _constant(value, latex=True)


def _constant(value: sympy.Expr, latex: bool) -> str:
    value = sympy.sympify(value)  # safe: SymPy values, never text
    if value.is_Integer:
        return str(value)
    if value.is_Rational:
        return f"{value.p}/{value.q}"
    if isinstance(value, sympy.Add):
        terms = []
        for term in _ordered_constant_terms(value):
            s, magnitude = _split_sign(term)
            terms.append((s, _constant(magnitude, latex)))
        return _join(terms)
    if isinstance(value, sympy.Mul):
        coefficient, rest = value.as_coeff_Mul()
        if coefficient < 0:
            return "-" + _constant(-value, latex)
        factors = [_constant(f, latex) if not is_sum(f) else f"({_constant(f, latex)})"
                   for f in sympy.Mul.make_args(rest)]
        if coefficient != 1:
            factors.insert(0, _constant(coefficient, latex))
        return (" " if latex else "*").join(factors)
    if isinstance(value, sympy.Pow) and value.exp.is_Rational:
        base, exponent = value.base, value.exp
        inner = _constant(base, latex)
        if not latex:
            if exponent == sympy.Rational(1, 2):
                return f"sqrt({inner})"
            shown = inner if base.is_Integer and base > 0 or base.is_Symbol else f"({inner})"
            power = str(exponent) if exponent.is_Integer and exponent > 0 else f"({exponent})"
            return f"{shown}**{power}"
        if exponent.is_Integer:
            shown = inner if base.is_Atom and (not base.is_Rational or base.is_Integer and base > 0) else f"({inner})"
            return f"{shown}^{{{exponent}}}"
        p, q = exponent.p, exponent.q
        if p > 0:
            radicand = inner if p == 1 else _constant(base**p, latex) if base.is_Rational else f"({inner})^{{{p}}}"
            return rf"\sqrt{{{radicand}}}" if q == 2 else rf"\sqrt[{q}]{{{radicand}}}"
    if isinstance(value, sympy.Symbol):
        return symbol_latex(value) if latex else value.name
    # Anything else is outside the grammar: say so rather than print something unreadable back.
    raise ValueError(f"cannot print the constant {value} in the formula grammar")


def _ordered_constant_terms(value: sympy.Add) -> list:
    """Rational part first, then the radicals in SymPy's order."""
    terms = list(value.as_ordered_terms())
    terms.sort(key=lambda term: 0 if term.is_Rational else 1)
    first = next((i for i, term in enumerate(terms) if _sign(term) > 0), 0)
    return [terms[first]] + terms[:first] + terms[first + 1:]


def _join(terms: Sequence[tuple[int, str]]) -> str:
    """``[(sign, magnitude text)]`` joined as ``a - b + c`` (a leading minus only when the first is negative)."""
    out = ""
    for i, (s, text) in enumerate(terms):
        if i == 0:
            out = text if s > 0 else f"-{text}"
        else:
            out += f" + {text}" if s > 0 else f" - {text}"
    return out


# -- polynomials -----------------------------------------------------------------------------------

def polynomial_terms(poly: sympy.Expr, symbols: Sequence[sympy.Symbol] | None = None) -> list:
    """``[(coefficient, exponents)]`` of a polynomial in ``symbols``, in reading order.

    The coefficients are constants (integers, or combinations of radicals
    for algebraic coefficients).  The order is graded (total degree) and
    falling, unless the leading coefficient is negative and the rising order
    starts positive; if neither does, the positive terms come first.
    """
    symbols = tuple(sorted(poly.free_symbols, key=lambda s: s.name)) if symbols is None else tuple(symbols)
    if not symbols:
        return [(sympy.sympify(poly), ())] if poly != 0 else []  # safe: SymPy values, never text
    collected: dict = {}
    for term in sympy.Add.make_args(sympy.expand(poly)):
        constant, variable = term.as_independent(*symbols, as_Add=False)
        powers = variable.as_powers_dict()
        exponents = tuple(int(powers.get(s, 0)) for s in symbols)
        collected[exponents] = collected.get(exponents, 0) + constant
    terms = [(sympy.expand(c), m) for m, c in collected.items() if c != 0]
    falling = sorted(terms, key=lambda cm: (-sum(cm[1]), tuple(-e for e in cm[1])))
    if not falling or _sign(falling[0][0]) > 0:
        return falling
    rising = sorted(terms, key=lambda cm: (sum(cm[1]), tuple(-e for e in cm[1])))
    if _sign(rising[0][0]) > 0:
        return rising
    return [t for t in falling if _sign(t[0]) > 0] + [t for t in falling if _sign(t[0]) < 0]


def _monomial(exponents, symbols, latex: bool) -> list[str]:
    parts = []
    for s, e in zip(symbols, exponents):
        if e == 0:
            continue
        name = symbol_latex(s) if latex else s.name
        if e == 1:
            parts.append(name)
        else:
            parts.append(f"{name}^{{{e}}}" if latex else f"{name}**{e}")
    return parts


def _term(coefficient: sympy.Expr, exponents, symbols, latex: bool) -> tuple[int, str]:
    s, magnitude = _split_sign(coefficient)
    monomial = _monomial(exponents, symbols, latex)
    glue = " " if latex else "*"
    if not monomial:  # a sum as a constant term keeps its parentheses: a - (2 + sqrt(2)), never a - 2 + sqrt(2)
        shown = _constant(magnitude, latex)
        return s, f"({shown})" if is_sum(magnitude) else shown
    if magnitude == 1:
        return s, glue.join(monomial)
    shown = _constant(magnitude, latex)
    if is_sum(magnitude):
        shown = f"({shown})"
    return s, glue.join([shown, *monomial])


def polynomial_text(poly: sympy.Expr, symbols: Sequence[sympy.Symbol] | None = None) -> str:
    """A polynomial in the formula grammar, in reading order (``4 + 2*a - 3*a**2``)."""
    return _polynomial(poly, symbols, latex=False)


def polynomial_latex(poly: sympy.Expr, symbols: Sequence[sympy.Symbol] | None = None) -> str:
    """A polynomial in LaTeX, in reading order (``4 + 2 a - 3 a^{2}``)."""
    return _polynomial(poly, symbols, latex=True)


def _polynomial(poly, symbols, latex: bool) -> str:
    symbols = tuple(sorted(poly.free_symbols, key=lambda s: s.name)) if symbols is None else tuple(symbols)
    terms = polynomial_terms(poly, symbols)
    if not terms:
        return "0"
    return _join([_term(c, m, symbols, latex) for c, m in terms])
