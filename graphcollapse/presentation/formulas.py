r"""One exact (or float) value, spelled once for every output format: :class:`Formula`.

This is the small API that every report — and every command, the families
and ensembles included — calls to show a number or an expression:

* :func:`formula` gives a :class:`Formula`: the canonical form
  (:mod:`~graphcollapse.presentation.canonical`) in the formula grammar
  (``text``), in LaTeX (``latex``), and as a float where it is a number;
* values the grammar cannot write are still shown: ``oo`` (``text`` is
  ``None``, LaTeX ``\infty``), an undetermined value (``nan``), and real
  algebraic numbers of degree three or more (``CRootOf``), which carry a
  ``root_of`` description (the irreducible polynomial in a reserved
  variable and the index of the real root, smallest first);
* the transcendental constants some solvers return (``pi`` in the limits
  of accumulating memory, the trigamma function ``polygamma(1, x)`` of a
  symbolic size) are kept as they are: the rest of the value is put in
  canonical form around them, and :func:`read_formula` reads them back
  (:data:`TRANSCENDENTAL_CONSTANTS`, :data:`TRANSCENDENTAL_FUNCTIONS`);
* :meth:`Formula.entry` is the JSON of a formula field: ``{"<key>": text,
  "<key>_latex": latex, "<key>_float": float}`` (the float only where asked).

Examples
--------
>>> import sympy
>>> a = sympy.Symbol("a", real=True)
>>> f = formula(2 * (1 - a) / (5 * (4 - a)), at={a: sympy.Rational(1, 2)})
>>> f.text, f.latex
('2*(1 - a)/(5*(4 - a))', '\\frac{2 (1 - a)}{5 (4 - a)}')
>>> formula(sympy.Rational(1, 4)).entry("limit", with_float=True)
{'limit': '1/4', 'limit_latex': '\\frac{1}{4}', 'limit_float': 0.25}
>>> formula(sympy.oo).entry("slope")
{'slope': None, 'slope_latex': '\\infty'}
>>> r = formula(sympy.CRootOf(sympy.Symbol("x")**3 - sympy.Symbol("x") - 1, 0))
>>> r.text, r.root_of, r.latex
(None, {'polynomial': 'lambda_1**3 - lambda_1 - 1', 'variable': 'lambda_1', 'index': 0}, '\\operatorname{RootOf}(\\lambda_{1}^{3} - \\lambda_{1} - 1,\\ 0)')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import sympy

from graphcollapse.presentation.canonical import canonical_form
from graphcollapse.presentation.printing import polynomial_latex, polynomial_text

__all__ = ["Formula", "formula", "float_of", "read_formula", "TRANSCENDENTAL_CONSTANTS", "TRANSCENDENTAL_FUNCTIONS"]

#: Constants a formula may name beyond the declared symbols (all reserved names: no symbol may take them).
TRANSCENDENTAL_CONSTANTS = {"pi": sympy.pi}
#: Functions a formula may call beyond ``sqrt`` (``polygamma(1, x)``: the trigamma function).
TRANSCENDENTAL_FUNCTIONS = {"polygamma": sympy.polygamma}


def read_formula(text: str, symbols: Mapping[str, sympy.Symbol], *, where: str = "formula") -> sympy.Expr:
    """Read a formula field back: the declared ``symbols`` plus the transcendental names, nothing evaluated.

    Examples
    --------
    >>> read_formula("pi**2/60", {})
    pi**2/60
    """
    from graphcollapse.numbers.parse import parse_expression

    return parse_expression(text, {**symbols, **TRANSCENDENTAL_CONSTANTS}, where=where,
                            functions=TRANSCENDENTAL_FUNCTIONS, max_length=None)


@dataclass(frozen=True)
class Formula:
    """A value with its spellings.

    Attributes
    ----------
    value : object
        The value (SymPy expression, float, or ``None``).
    text : str or None
        The formula grammar; ``None`` where the value cannot be written in it.
    latex : str
        LaTeX (one ``\\frac`` at most, integer coefficients).
    number : float or None
        The value as a float where it has no symbols and is finite.
    root_of : dict or None
        ``{"polynomial", "variable", "index"}`` for a real root of an
        irreducible polynomial of degree three or more.
    """

    value: Any
    text: str | None
    latex: str
    number: float | None = None
    root_of: dict | None = None

    def entry(self, key: str, *, with_float: bool = False) -> dict:
        """The JSON fields of this value under ``key``."""
        out: dict = {key: self.text, f"{key}_latex": self.latex}
        if with_float:
            out[f"{key}_float"] = self.number
        if self.root_of is not None:
            out[f"{key}_root_of"] = self.root_of
        return out

    def __str__(self) -> str:
        return self.text if self.text is not None else _readable(self)


def _readable(f: Formula) -> str:
    if f.root_of is not None:
        return f"RootOf({f.root_of['polynomial']}, {f.root_of['index']})" + (
            f" ≈ {f.number:.10g}" if f.number is not None else "")
    if f.value is sympy.oo or f.value == math.inf:
        return "oo"
    return "undetermined"


def float_of(value: Any) -> float | None:
    """A float for a finite numeric value; ``None`` for symbols, infinities, ``None``."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, sympy.Basic):
            if value.free_symbols or isinstance(value, sympy.Piecewise):
                return None
            result = float(sympy.N(value, 30))
        else:
            result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def formula(value: Any, at: Mapping | None = None) -> Formula | None:
    """The :class:`Formula` of a value (``None`` stays ``None``).

    Parameters
    ----------
    value : sympy.Expr, float or None
    at : mapping, optional
        The interior point of the valid region (factors are oriented positive there).
    """
    if value is None:
        return None
    if isinstance(value, float):
        if math.isinf(value):
            return Formula(value, None, r"\infty" if value > 0 else r"-\infty")
        if math.isnan(value):
            return Formula(value, None, r"\text{undetermined}")
        return Formula(value, repr(value), _float_latex(value), value)
    value = sympy.sympify(value)  # safe: SymPy values, never text
    if value is sympy.oo or value is -sympy.oo:
        return Formula(value, None, r"\infty" if value is sympy.oo else r"-\infty")
    if value.has(sympy.nan):
        return Formula(value, None, r"\text{undetermined}")
    if isinstance(value, sympy.CRootOf):
        return _root(value)
    if value.has(sympy.CRootOf):
        root = _as_root(value)
        return _root(root) if isinstance(root, sympy.CRootOf) else formula(root)
    if value.has(sympy.Float):
        return Formula(value, sympy.sstr(value), sympy.latex(value), float_of(value))
    transcendental = _transcendental_atoms(value)
    if transcendental:
        return _with_transcendental(value, transcendental, at)
    form = canonical_form(value, at)
    return Formula(value, form.text(), form.latex(), float_of(value))


def _transcendental_atoms(value: sympy.Expr) -> list:
    atoms = [c for c in value.atoms(sympy.NumberSymbol)]
    atoms += [f for f in value.atoms(sympy.Function) if not isinstance(f, sympy.CRootOf)]
    return sorted(set(atoms), key=sympy.default_sort_key)


def _with_transcendental(value: sympy.Expr, atoms: list, at: Mapping | None) -> Formula:
    """The canonical form of ``value`` with each transcendental atom standing in for a positive symbol.

    The text keeps only the names of :data:`TRANSCENDENTAL_CONSTANTS` and
    :data:`TRANSCENDENTAL_FUNCTIONS` (``None`` for any other atom).
    """
    stand_ins = {atom: sympy.Symbol(f"TRANSCENDENTALx{i}x", positive=True) for i, atom in enumerate(atoms)}
    point = dict(at or {})
    for atom, symbol in stand_ins.items():  # orient factors at the atom's value, where it is a number
        number = float_of(atom.xreplace(point)) if atom.free_symbols else float_of(atom)
        point[symbol] = sympy.nsimplify(number, rational=True) if number is not None else sympy.Integer(1)
    form = canonical_form(value.xreplace(stand_ins), point)
    text, latex = form.text(), form.latex()
    readable = all(isinstance(atom, sympy.NumberSymbol) and str(atom) in TRANSCENDENTAL_CONSTANTS
                   or getattr(atom, "func", None) in TRANSCENDENTAL_FUNCTIONS.values() for atom in atoms)
    for atom, symbol in sorted(stand_ins.items(), key=lambda item: -len(item[1].name)):
        text = text.replace(symbol.name, _atom_text(atom))
        latex = latex.replace(canonical_form(symbol).latex(), sympy.latex(atom))
    return Formula(value, text if readable else None, latex, float_of(value))


def _atom_text(atom: sympy.Expr) -> str:
    if isinstance(atom, sympy.NumberSymbol):
        return str(atom)
    return f"{atom.func.__name__}({', '.join(formula(arg).text or str(arg) for arg in atom.args)})"


def _float_latex(value: float) -> str:
    mantissa, _, exponent = f"{value:.6g}".partition("e")
    return mantissa if not exponent else rf"{mantissa} \times 10^{{{int(exponent)}}}"


def _as_root(value: sympy.Expr) -> sympy.Expr:
    """A constant built from ``CRootOf`` (``3*CRootOf(...)``) as one real root of its minimal polynomial."""
    from graphcollapse.numbers.domain import compare

    x = sympy.Dummy("x")
    poly = sympy.Poly(sympy.minimal_polynomial(value, x), x)
    for root in poly.real_roots():
        if compare(value, root) == 0:
            return root
    raise ValueError(f"{value} is not a real root of its minimal polynomial")  # pragma: no cover - a bug


def _root(value: sympy.CRootOf) -> Formula:
    variable = sympy.Symbol("lambda_1")
    poly = sympy.Poly(value.poly.as_expr().xreplace({value.poly.gen: variable}), variable)
    _, primitive = poly.clear_denoms()
    expr = primitive.as_expr()
    return Formula(value, None, rf"\operatorname{{RootOf}}({polynomial_latex(expr)},\ {value.index})", float_of(value),
                   {"polynomial": polynomial_text(expr), "variable": variable.name, "index": int(value.index)})
