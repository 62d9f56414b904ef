"""A whitelist parser for the numbers and formulas found in graph files.

Text from a file is never evaluated.  :func:`parse_expression` reads a string
with :mod:`ast` and rebuilds it node by node from an explicit whitelist:
numbers (decimals stay exact rationals), the names of declared symbols,
``+ - * / **``, parentheses, ``sqrt(x)`` and ``Rational(p, q)``.  Callers
that need more functions (the log-densities of custom M-estimators) pass
them in ``functions``; each is a trusted SymPy callable chosen by the caller,
never a name looked up from the text.

Examples
--------
>>> from sympy import Symbol
>>> a = Symbol("a", real=True)
>>> parse_expression("1/2 - a/4", {"a": a}, where="edge A->B weight")
1/2 - a/4
>>> parse_expression("0.1", {}, where="model 'A' real")
1/10
>>> parse_expression("__import__('os').system('x')", {}, where="model 'A' real")
Traceback (most recent call last):
...
graphcollapse.errors.InputError: model 'A' real: unsupported expression "__import__('os').system('x')" (only numbers, declared symbols, + - * / **, parentheses, sqrt, Rational are allowed)
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from decimal import Decimal
from fractions import Fraction
from numbers import Integral
from typing import Callable, Mapping

import sympy

from graphcollapse.errors import InputError

__all__ = ["parse_expression", "to_exact", "check_name", "RESERVED_NAMES", "RESERVED_PATTERN", "MAX_EXPRESSION_LENGTH",
           "MAX_EXPONENT"]

#: Longest string the parser accepts (a guard against pathological input).
MAX_EXPRESSION_LENGTH = 2000
#: Largest absolute integer exponent accepted in ``x ** k`` (guards ``2**10**10``).
MAX_EXPONENT = 1000

_BASE_FUNCTIONS: dict[str, Callable[..., sympy.Expr]] = {"sqrt": sympy.sqrt}

#: Names a symbol or parameter may not take: SymPy's own names (``I``, ``E``,
#: ``pi``, ``N``, ``S``, ``beta``, ``gamma``, ``sqrt``, ...), which a formula
#: written out by the toolkit would read back as a constant or a function, and
#: the names the toolkit writes itself (``t`` the generation, ``z``, ``K``).
RESERVED_NAMES = frozenset(name for name in dir(sympy) if not name.startswith("_")) | {"t", "z", "K", "oo"}
#: Names of eigenvalues given as roots in closed forms (``lambda_1``, ``lambda_2``, ...): reserved too.
RESERVED_PATTERN = re.compile(r"lambda_[0-9]+")


def check_name(name: object, what: str) -> str:
    """A valid, unreserved name for a symbol or a parameter, or a one-line :class:`InputError`.

    Examples
    --------
    >>> check_name("alpha", "symbol")
    'alpha'
    >>> check_name("E", "symbol")
    Traceback (most recent call last):
    ...
    graphcollapse.errors.InputError: symbol 'E': reserved name (SymPy reads it as E), choose another
    """
    if isinstance(name, sympy.Symbol):
        name = name.name
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name) or len(name) > 64:
        raise InputError(f"{what} {_shown(name)}: not a valid name (letters, digits and _, not a Python keyword)")
    if RESERVED_PATTERN.fullmatch(name):
        raise InputError(f"{what} {name!r}: reserved name (the toolkit names eigenvalues lambda_1, lambda_2, ...), "
                         "choose another")
    if name in RESERVED_NAMES:
        meaning = getattr(sympy, name, None)
        shown = f"SymPy reads it as {meaning}" if meaning is not None and not callable(meaning) else \
            ("a SymPy function" if meaning is not None else "the toolkit writes it in formulas")
        raise InputError(f"{what} {name!r}: reserved name ({shown}), choose another")
    return name


def _shown(name: object) -> str:
    text = repr(name)
    return text if len(text) <= 40 else text[:37] + "..."
_BINARY = {
    ast.Add: lambda x, y: x + y,
    ast.Sub: lambda x, y: x - y,
    ast.Mult: lambda x, y: x * y,
    ast.Div: lambda x, y: x / y,
}


class _Unsupported(Exception):
    """Raised inside the walker; turned into one user-facing message."""


def parse_expression(
    text: str,
    symbols: Mapping[str, sympy.Symbol],
    *,
    where: str,
    functions: Mapping[str, Callable[..., sympy.Expr]] | None = None,
    max_length: int | None = MAX_EXPRESSION_LENGTH,
) -> sympy.Expr:
    """Parse ``text`` into a SymPy expression without evaluating any code.

    Parameters
    ----------
    text : str
        The formula, e.g. ``"1/3"``, ``"0.25"``, ``"1 - a"``, ``"sqrt(2)/2"``.
    symbols : mapping of str to Symbol
        The declared symbols; any other name is an error.
    where : str
        What is being parsed, used as the prefix of error messages
        (``"edge A->B weight"``).
    functions : mapping, optional
        Extra whitelisted functions (name to trusted SymPy callable).
    max_length : int or None
        Longest text accepted (``None``: no limit, for reading back formulas
        the toolkit wrote itself).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    InputError
        For syntax errors, unknown names, disallowed constructs, division by
        zero and exponents beyond :data:`MAX_EXPONENT`.

    Examples
    --------
    >>> parse_expression("Rational(2, 6) + 2**-1", {}, where="x")
    5/6
    """
    if not isinstance(text, str):
        raise InputError(f"{where}: expected a string, got {type(text).__name__}")
    if max_length is not None and len(text) > max_length:
        raise InputError(f"{where}: expression longer than {max_length} characters")
    allowed = dict(_BASE_FUNCTIONS)
    if functions:
        allowed.update(functions)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise InputError(f"{where}: cannot parse {text!r} as a formula") from None
    try:
        value = _Walker(text.strip(), symbols, allowed).visit(tree.body)
    except _Unsupported:
        names = ", ".join(sorted(allowed))
        raise InputError(
            f'{where}: unsupported expression "{text}" (only numbers, declared symbols, '
            f"+ - * / **, parentheses, {names}, Rational are allowed)"
        ) from None
    except _UnknownName as err:
        raise InputError(f"{where}: unknown symbol {err.args[0]!r} (declare it in \"symbols\")") from None
    except _BadValue as err:
        raise InputError(f"{where}: {err.args[0]} in {text!r}") from None
    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise InputError(f"{where}: {text!r} is not finite (division by zero?)")
    return value


class _UnknownName(Exception):
    pass


class _BadValue(Exception):
    pass


class _Walker:
    """Rebuilds a whitelisted AST as a SymPy expression, refusing all else."""

    def __init__(self, source: str, symbols: Mapping[str, sympy.Symbol], functions: Mapping[str, Callable]):
        self.source = source
        self.symbols = symbols
        self.functions = functions

    def visit(self, node: ast.AST) -> sympy.Expr:
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            if node.id in self.symbols:
                return self.symbols[node.id]
            if node.id in self.functions or node.id == "Rational":
                raise _Unsupported()
            raise _UnknownName(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            operand = self.visit(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                return self._power(node)
            op = _BINARY.get(type(node.op))
            if op is None:
                raise _Unsupported()
            return op(self.visit(node.left), self.visit(node.right))
        if isinstance(node, ast.Call):
            return self._call(node)
        raise _Unsupported()

    def _constant(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Unsupported()
        if isinstance(value, int):
            return sympy.Integer(value)
        # Re-read the literal's own text so that 0.1 means 1/10 exactly.
        literal = ast.get_source_segment(self.source, node) or repr(value)
        frac = Fraction(literal)
        return sympy.Rational(frac.numerator, frac.denominator)

    def _power(self, node: ast.BinOp) -> sympy.Expr:
        base = self.visit(node.left)
        exponent = self.visit(node.right)
        if not exponent.is_Rational:
            raise _BadValue("exponents must be rational numbers")
        if abs(exponent) > MAX_EXPONENT:
            raise _BadValue(f"exponent {exponent} exceeds {MAX_EXPONENT}")
        return base**exponent

    def _call(self, node: ast.Call) -> sympy.Expr:
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise _Unsupported()
        name = node.func.id
        args = [self.visit(arg) for arg in node.args]
        if name == "Rational":
            if len(args) not in (1, 2) or not all(arg.is_Integer for arg in args):
                raise _BadValue("Rational takes one or two integers")
            if len(args) == 2 and args[1] == 0:
                raise _BadValue("division by zero")
            return sympy.Rational(*[int(arg) for arg in args])
        function = self.functions.get(name)
        if function is None:
            raise _Unsupported()
        return function(*args)


def to_exact(
    value: object,
    symbols: Mapping[str, sympy.Symbol],
    *,
    where: str,
    functions: Mapping[str, Callable[..., sympy.Expr]] | None = None,
) -> sympy.Expr:
    """Turn a value from JSON, a dict or a matrix entry into an exact SymPy number.

    Integers stay integers; :class:`decimal.Decimal` (what the JSON reader
    produces for ``0.25``) and :class:`fractions.Fraction` become exact
    rationals; a Python ``float`` becomes the rational of its shortest decimal
    representation (``0.1`` means ``1/10``); strings go through
    :func:`parse_expression`; SymPy expressions pass through after a check
    that every free symbol is declared.

    Examples
    --------
    >>> from decimal import Decimal
    >>> to_exact(Decimal("0.125"), {}, where="x"), to_exact(0.1, {}, where="x"), to_exact("1/3", {}, where="x")
    (1/8, 1/10, 1/3)
    """
    if isinstance(value, bool):
        raise InputError(f"{where}: expected a number, got a boolean")
    if isinstance(value, Integral):
        return sympy.Integer(int(value))
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(f"{where}: {value} is not finite")
        frac = Fraction(value)
        return sympy.Rational(frac.numerator, frac.denominator)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{where}: {value} is not finite")
        frac = Fraction(repr(value))
        return sympy.Rational(frac.numerator, frac.denominator)
    if isinstance(value, str):
        return _real_algebraic(parse_expression(value, symbols, where=where, functions=functions), where)
    if isinstance(value, sympy.Basic):
        unknown = {s.name for s in value.free_symbols} - set(symbols)
        if unknown:
            raise InputError(f"{where}: unknown symbol {sorted(unknown)[0]!r} (declare it in \"symbols\")")
        # Re-use the declared Symbol objects so assumptions match.
        value = value.xreplace({s: symbols[s.name] for s in value.free_symbols})
        if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise InputError(f"{where}: {value} is not finite")
        if value.has(sympy.Float):
            # A SymPy Float means its decimal digits, as a Python float means its shortest repr.
            value = value.xreplace({f: sympy.Rational(str(f)) for f in value.atoms(sympy.Float)})
        return _real_algebraic(value, where)
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return to_exact(value.item(), symbols, where=where, functions=functions)
    raise InputError(f"{where}: expected a number or a formula, got {type(value).__name__}")


def _real_algebraic(value: sympy.Expr, where: str) -> sympy.Expr:
    """``value`` if it is a rational function of the symbols with real algebraic coefficients."""
    from graphcollapse.numbers.algebraic import scan

    try:
        scan(value)
    except InputError as err:
        raise InputError(f"{where}: {err}") from None
    return value

