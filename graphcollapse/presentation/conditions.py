r"""Conditions on the symbols (collapse predicates, validity regions): written out, and read back.

A condition is ``True``, ``False``, a comparison, or ``and``/``or`` of
conditions.  It is written in the **condition grammar**::

    condition  :=  disjunct ("or" disjunct)*  |  "True"  |  "False"
    disjunct   :=  literal ("and" literal)*   |  "(" condition ")"
    literal    :=  formula OP formula (OP formula)*     OP is one of == != < <= > >=

where ``formula`` is the formula grammar of
:func:`graphcollapse.numbers.parse.parse_expression`; :func:`read_condition`
reads it back without evaluating anything (Python's ``ast`` for the
``and``/``or`` skeleton, the safe parser for every side; a chain such as
``0 < a <= 1`` is the conjunction of its links).  A comparison is
written with integer coefficients, the constant on the right and a positive
leading term (``2*a*b == 1``, not ``Eq(a*b - 1/2, 0)``).

Examples
--------
>>> import sympy
>>> a, w = sympy.symbols("a w", real=True)
>>> predicate = sympy.Eq(a, 0) | (sympy.Eq(w, 0) & sympy.Ne(a, 1))
>>> condition_text(predicate)
'a == 0 or (w == 0 and a != 1)'
>>> condition_latex(predicate)
'a = 0 \\text{ or } (w = 0 \\text{ and } a \\ne 1)'
>>> read_condition(condition_text(predicate), {"a": a, "w": w}, where="x") == predicate
True
>>> relation_text(a*w - sympy.Rational(1, 2), "=="), relation_latex(1 - a, ">=")
('2*a*w == 1', 'a \\le 1')
"""

from __future__ import annotations

import ast
from typing import Mapping

import sympy

from graphcollapse.errors import InputError
from graphcollapse.numbers.parse import parse_expression
from graphcollapse.presentation.canonical import canonical_form
from graphcollapse.presentation.printing import polynomial_latex, polynomial_terms, polynomial_text

__all__ = ["condition_text", "condition_latex", "read_condition", "relation_text", "relation_latex", "literals",
           "OPERATORS"]

#: Comparison operators: their text, their LaTeX, and SymPy's relational.
OPERATORS = {"==": ("==", "=", sympy.Eq), "!=": ("!=", r"\ne", sympy.Ne), "<": ("<", "<", sympy.Lt),
             "<=": ("<=", r"\le", sympy.Le), ">": (">", ">", sympy.Gt), ">=": (">=", r"\ge", sympy.Ge)}
_FLIP = {"==": "==", "!=": "!=", ">": "<", ">=": "<=", "<": ">", "<=": ">="}
_AST_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def _relation(expr: sympy.Expr, op: str, latex: bool) -> str:
    """``expr op 0`` with the variable part on the left, integer coefficients, a positive leading term."""
    expr = sympy.sympify(expr)  # safe: SymPy values, never text
    if expr.free_symbols and not sympy.fraction(sympy.together(expr))[1].free_symbols:
        poly = sympy.expand(expr)
        symbols = tuple(sorted(poly.free_symbols, key=lambda s: s.name))
        constant = poly.as_independent(*symbols, as_Add=True)[0]
        rest = sympy.expand(poly - constant)
        scale = _integer_scale(rest, constant)
        rest, bound = sympy.expand(rest * scale), -constant * scale
        first = polynomial_terms(rest, symbols)[0][0]
        if (first.is_Rational and first < 0) or (not first.is_Rational and first.could_extract_minus_sign()):
            rest, bound, op = sympy.expand(-rest), -bound, _FLIP[op]
        if bound == 0:  # a - b >= 0 reads a >= b
            negative = sympy.Add(*[t for t in sympy.Add.make_args(rest) if t.as_coeff_Mul()[0] < 0])
            if negative != 0 and negative != rest:
                rest, bound = sympy.expand(rest - negative), sympy.expand(-negative)
        left = polynomial_latex(rest, symbols) if latex else polynomial_text(rest, symbols)
        if bound.free_symbols:
            right = polynomial_latex(bound, symbols) if latex else polynomial_text(bound, symbols)
        else:
            form = canonical_form(bound)
            right = form.latex() if latex else form.text()
    else:
        form = canonical_form(expr)
        left, right = (form.latex() if latex else form.text()), "0"
    return f"{left} {OPERATORS[op][1 if latex else 0]} {right}"


def _integer_scale(rest: sympy.Expr, constant: sympy.Expr) -> sympy.Rational:
    """A positive rational making every rational coefficient of ``rest`` and ``constant`` a coprime integer."""
    from math import gcd, lcm

    coefficients = [t.as_coeff_Mul()[0] for t in sympy.Add.make_args(rest)]
    coefficients += [t.as_coeff_Mul()[0] for t in sympy.Add.make_args(constant) if t != 0]
    den = 1
    for c in coefficients:
        den = lcm(den, int(c.q))
    num = 0
    for c in coefficients:
        num = gcd(num, abs(int(c.p * den // c.q)))
    return sympy.Rational(den, num or 1)


def relation_text(expr: sympy.Expr, op: str) -> str:
    """``expr op 0`` in the condition grammar (``a <= 1`` for ``1 - a >= 0``)."""
    return _relation(expr, op, latex=False)


def relation_latex(expr: sympy.Expr, op: str) -> str:
    """``expr op 0`` in LaTeX (``a \\le 1``)."""
    return _relation(expr, op, latex=True)


def literals(condition) -> list:
    """The comparisons of a condition (``Eq``, ``Ne``, ...), in order of appearance, without repeats."""
    if isinstance(condition, sympy.core.relational.Relational):
        return [condition]
    out = []
    for arg in getattr(condition, "args", ()):
        for literal in literals(arg):
            if literal not in out:
                out.append(literal)
    return out


def _spell(condition, latex: bool, nested: bool = False) -> str:
    if condition is sympy.true or condition is True:
        return r"\text{always}" if latex else "True"
    if condition is sympy.false or condition is False:
        return r"\text{never}" if latex else "False"
    if isinstance(condition, sympy.Not):
        condition = condition.to_nnf() if hasattr(condition, "to_nnf") else sympy.simplify_logic(condition)
        if isinstance(condition, sympy.Not):
            raise InputError(f"cannot write the condition {condition}")
    if isinstance(condition, (sympy.And, sympy.Or)):
        word = (r" \text{ and } " if latex else " and ") if isinstance(condition, sympy.And) else \
            (r" \text{ or } " if latex else " or ")
        parts = [_spell(arg, latex, True) for arg in _ordered(condition.args)]
        body = word.join(parts)
        return f"({body})" if nested else body
    if isinstance(condition, sympy.core.relational.Relational):
        op = condition.rel_op
        return _relation(condition.lhs - condition.rhs, op, latex)
    raise InputError(f"cannot write the condition {condition}")


def _ordered(args) -> list:
    """Literals before compound parts, each group in a stable order (SymPy's argument order is a hash order)."""
    return sorted(args, key=lambda c: (isinstance(c, (sympy.And, sympy.Or)), sympy.default_sort_key(c)))


def condition_text(condition) -> str:
    """A condition in the condition grammar (see the module docstring)."""
    return _spell(condition, latex=False)


def condition_latex(condition) -> str:
    """A condition in LaTeX (``a = 0 \\text{ or } b \\ne 1``)."""
    return _spell(condition, latex=True)


def read_condition(text: str, symbols: Mapping[str, sympy.Symbol], *, where: str) -> sympy.Boolean:
    """Read a condition written by :func:`condition_text` (nothing is evaluated).

    Raises
    ------
    InputError
        For anything outside the condition grammar.
    """
    if not isinstance(text, str):
        raise InputError(f"{where}: expected a string, got {type(text).__name__}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise InputError(f"{where}: cannot parse {text!r} as a condition") from None
    source = text.strip()

    def visit(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return sympy.true if node.value else sympy.false
        if isinstance(node, ast.BoolOp):
            parts = [visit(value) for value in node.values]
            return sympy.And(*parts) if isinstance(node.op, ast.And) else sympy.Or(*parts)
        if isinstance(node, ast.Compare) and all(type(op) in _AST_OPS for op in node.ops):
            # A chain 0 < a <= 1 is the conjunction of its links.
            sides = [parse_expression(ast.get_source_segment(source, side), symbols, where=where, max_length=None)
                     for side in (node.left, *node.comparators)]
            links = [OPERATORS[_AST_OPS[type(op)]][2](x, y) for op, x, y in zip(node.ops, sides, sides[1:])]
            return sympy.And(*links)
        raise InputError(f"{where}: {text!r} is not in the condition grammar (comparisons joined by and/or)")

    return visit(tree.body)
