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

from contextlib import nullcontext

import ast
import keyword
import math
import re
from decimal import Decimal
from fractions import Fraction
from numbers import Integral
from typing import Callable, Mapping

import sympy

import graphcollapse.bounds as bounds
from graphcollapse.errors import InputError, ResourceLimitError

__all__ = ["parse_expression", "to_exact", "check_name", "number_bits", "RESERVED_NAMES", "RESERVED_PATTERN",
           "MAX_EXPRESSION_LENGTH", "MAX_EXPONENT"]

#: Default of the longest formula the parser accepts (the bound ``expression_length``).
MAX_EXPRESSION_LENGTH = bounds.Bounds().expression_length
#: Degree and exponent bounds when reading back the toolkit's own formulas.
_OWN_FORMULA_DEGREE = 10**6
#: Default of the largest ``|k|`` in ``x ** k`` (the bound ``exponent``; guards ``2**10**10``).
MAX_EXPONENT = bounds.Bounds().exponent

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
class _Unsupported(Exception):
    """Raised inside the walker; turned into one user-facing message."""


def parse_expression(
    text: str,
    symbols: Mapping[str, sympy.Symbol],
    *,
    where: str,
    functions: Mapping[str, Callable[..., sympy.Expr]] | None = None,
    max_length: int | str | None = "bound",
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
    max_length : int, "bound" or None
        Longest text accepted: the ``expression_length`` bound of
        :mod:`graphcollapse.bounds` (default), a number, or ``None`` (no
        limit, for reading back formulas the toolkit wrote itself).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    InputError
        For syntax errors, unknown names, disallowed constructs and division by zero.
    ResourceLimitError
        For a formula beyond the documented bounds (:mod:`graphcollapse.bounds`):
        its length, nesting depth, an exponent, the bits of a number it
        makes, its degree in the symbols, ``factorial`` of a large number.
        Each is checked before the operation that would exceed it runs.

    Examples
    --------
    >>> parse_expression("Rational(2, 6) + 2**-1", {}, where="x")
    5/6
    >>> parse_expression("((9**999)**999)**999", {}, where="x")
    Traceback (most recent call last):
    ...
    graphcollapse.errors.ResourceLimitError: x: (9**999)**999 would have at least 3163833 bits, beyond the bound 65536 on bits of an exact number read from the input (raise it with --limit number_bits=N; in Python, with raised_bounds(number_bits=N))
    """
    if not isinstance(text, str):
        raise InputError(f"{where}: expected a string, got {type(text).__name__}")
    if max_length is not None:
        limit = bounds.current().expression_length if max_length == "bound" else max_length
        if len(text) > limit:
            raise ResourceLimitError(f"{where}: expression longer than {limit} characters ({len(text)}) "
                                     f"{bounds.hint('expression_length')}")
    allowed = dict(_BASE_FUNCTIONS)
    if functions:
        allowed.update(functions)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        raise InputError(f"{where}: cannot parse {_quoted(text)} as a formula") from None
    except (RecursionError, MemoryError):
        raise ResourceLimitError(f"{where}: formula nested too deeply for the parser "
                                 f"{bounds.hint('expression_depth')}") from None
    try:
        # A formula the toolkit wrote itself (max_length None) is read back without the input's bounds on
        # degree and exponents (a limit may have degree 90); the bits of its numbers stay bounded.
        with bounds.raised_bounds(degree=_OWN_FORMULA_DEGREE, exponent=_OWN_FORMULA_DEGREE) if max_length is None \
                else nullcontext():
            value, _ = _Walker(text.strip(), symbols, allowed).visit(tree.body, 0)
    except _Unsupported:
        names = ", ".join(sorted(allowed))
        raise InputError(
            f'{where}: unsupported expression "{_shown_text(text)}" (only numbers, declared symbols, '
            f"+ - * / **, parentheses, {names}, Rational are allowed)"
        ) from None
    except _UnknownName as err:
        raise InputError(f"{where}: unknown symbol {_shown(err.args[0])} (declare it in \"symbols\")") from None
    except _BadValue as err:
        raise InputError(f"{where}: {err.args[0]} in {_quoted(text)}") from None
    except _TooLarge as err:
        message, name = err.args
        raise ResourceLimitError(f"{where}: {message}, beyond the bound {getattr(bounds.current(), name)} on "
                                 f"{bounds.describe(name)} {bounds.hint(name)}") from None
    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise InputError(f"{where}: {_quoted(text)} is not finite (division by zero?)")
    return value


def _quoted(text: str) -> str:
    """``repr`` of (the start of) a formula, for one-line messages."""
    return repr(text) if len(text) <= 80 else repr(text[:77]) + "..."


def _shown_text(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


class _UnknownName(Exception):
    pass


class _BadValue(Exception):
    pass


class _TooLarge(Exception):
    """``(what, bound name)``: an operation would exceed a bound."""


_SUMS = (ast.Add, ast.Sub)
_PRODUCTS = (ast.Mult, ast.Div)


class _Walker:
    """Rebuilds a whitelisted AST as a SymPy expression, refusing all else.

    :meth:`visit` returns ``(expression, degree)``, the degree being an upper
    bound on the total degree in the symbols (numerator plus denominator for
    quotients), so that a power is refused before SymPy would expand it.
    Chains of ``+ -`` and of ``* /`` and runs of unary signs are walked
    iteratively and count as one level of nesting: ``"0+" * 990 + "1/2"``
    is a sum of 991 terms, not 990 nested sums.
    """

    def __init__(self, source: str, symbols: Mapping[str, sympy.Symbol], functions: Mapping[str, Callable]):
        self.source = source
        self.symbols = symbols
        self.functions = functions
        self.bounds = bounds.current()

    def visit(self, node: ast.AST, depth: int) -> tuple[sympy.Expr, int]:
        if depth > self.bounds.expression_depth:
            raise _TooLarge(f"formula nested more than {self.bounds.expression_depth} levels deep",
                            "expression_depth")
        if isinstance(node, ast.Constant):
            return self._constant(node), 0
        if isinstance(node, ast.Name):
            if node.id in self.symbols:
                return self.symbols[node.id], 1
            if node.id in self.functions or node.id == "Rational":
                raise _Unsupported()
            raise _UnknownName(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            negative = False
            while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
                negative ^= isinstance(node.op, ast.USub)
                node = node.operand
            value, degree = self.visit(node, depth + 1)
            return (-value if negative else value), degree
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                return self._power(node, depth)
            if isinstance(node.op, _SUMS):
                return self._chain(node, depth, _SUMS)
            if isinstance(node.op, _PRODUCTS):
                return self._chain(node, depth, _PRODUCTS)
            raise _Unsupported()
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        raise _Unsupported()

    def _chain(self, node: ast.BinOp, depth: int, ops: tuple) -> tuple[sympy.Expr, int]:
        """A left-leaning chain ``a ± b ± c …`` or ``a */ b */ c …`` as one sum or product."""
        operands = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, ops):
            operands.append((isinstance(node.op, (ast.Sub, ast.Div)), node.right))
            node = node.left
        operands.append((False, node))
        parts, degrees = [], []
        for inverse, operand in reversed(operands):
            value, degree = self.visit(operand, depth + 1)
            if ops is _SUMS:
                parts.append(-value if inverse else value)
            else:
                if inverse and value == 0:
                    raise _BadValue("division by zero")
                parts.append(1 / value if inverse else value)
            degrees.append(degree)
        if ops is _SUMS:
            result, degree = sympy.Add(*parts), max(degrees)
        else:
            result, degree = sympy.Mul(*parts), sum(degrees)
        self._check(result, degree)
        return result, degree

    def _check(self, value: sympy.Expr, degree: int) -> None:
        """The bits of ``value``'s numbers and its degree are within the bounds."""
        if degree > self.bounds.degree:
            raise _TooLarge(f"the formula has degree {degree} in its symbols", "degree")
        size = number_bits(value)
        if size > self.bounds.number_bits:
            raise _TooLarge(f"a number of {size} bits", "number_bits")

    def _constant(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Unsupported()
        if isinstance(value, int):
            if value.bit_length() > self.bounds.number_bits:
                raise _TooLarge(f"an integer of {value.bit_length()} bits", "number_bits")
            return sympy.Integer(value)
        # Re-read the literal's own text so that 0.1 means 1/10 exactly; its size is
        # checked before the exact rational is built (1e-999999999 would take forever).
        literal = ast.get_source_segment(self.source, node) or repr(value)
        return _decimal(Decimal(literal.replace("_", "")), lambda bits: _TooLarge(
            f"the number {literal[:40]} has about {bits} bits", "number_bits"))

    def _power(self, node: ast.BinOp, depth: int) -> tuple[sympy.Expr, int]:
        base, degree = self.visit(node.left, depth + 1)
        exponent, exponent_degree = self.visit(node.right, depth + 1)
        if not exponent.is_Rational:
            raise _BadValue("exponents must be rational numbers")
        if abs(exponent) > self.bounds.exponent:
            raise _BadValue(f"exponent {exponent} exceeds {self.bounds.exponent} "
                            f"{bounds.hint('exponent')}")
        if base == 0 and exponent < 0:
            raise _BadValue("division by zero")
        # Bound the result before computing it: |p| copies of the base for p/q.
        copies = abs(int(exponent.p))
        result_degree = degree * copies
        if result_degree > self.bounds.degree:
            raise _TooLarge(f"the formula has degree {result_degree} in its symbols", "degree")
        size = number_bits(base)
        if base.is_Add or base.free_symbols:  # multinomial coefficients grow too
            size += len(sympy.Add.make_args(base)).bit_length()
        if size * copies > self.bounds.number_bits:
            segment = ast.get_source_segment(self.source, node) or f"{base}**{exponent}"
            raise _TooLarge(f"{_shown_text(segment)} would have at least {size * copies} bits", "number_bits")
        result = base**exponent
        self._check(result, result_degree)
        return result, result_degree

    def _call(self, node: ast.Call, depth: int) -> tuple[sympy.Expr, int]:
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise _Unsupported()
        name = node.func.id
        if name != "Rational" and name not in self.functions:
            raise _Unsupported()
        visited = [self.visit(arg, depth + 1) for arg in node.args]
        args = [value for value, _ in visited]
        degree = max((d for _, d in visited), default=0)
        if name == "Rational":
            if len(args) not in (1, 2) or not all(arg.is_Integer for arg in args):
                raise _BadValue("Rational takes one or two integers")
            if len(args) == 2 and args[1] == 0:
                raise _BadValue("division by zero")
            return sympy.Rational(*[int(arg) for arg in args]), 0
        function = self.functions[name]
        if function is sympy.factorial and args and args[0].is_number:
            # SymPy evaluates factorial(10**9) on the spot: refuse it before.
            if not args[0].is_Integer or args[0] < 0:
                raise _BadValue("factorial takes a non-negative integer")
            if args[0] > self.bounds.factorial:
                raise _TooLarge(f"factorial({args[0]})", "factorial")
        try:
            result = function(*args)
        except (TypeError, ValueError):
            raise _BadValue(f"wrong arguments for {name}") from None
        self._check(result, degree)
        return result, degree


def number_bits(value: sympy.Basic) -> int:
    """Bits of the largest numerator or denominator among the rational numbers in ``value``.

    Examples
    --------
    >>> number_bits(sympy.Rational(1, 2**100)), number_bits(sympy.Symbol("a") + 3)
    (101, 2)
    """
    if value.is_Rational:
        return bounds.bits_of(value)
    return max((bounds.bits_of(r) for r in value.atoms(sympy.Rational)), default=0)


def _decimal(value: Decimal, too_large: Callable[[int], Exception]) -> sympy.Rational:
    """The exact rational of a finite decimal, refused (``too_large(bits)``) beyond the bit bound."""
    sign, digits, exponent = value.as_tuple()
    size = bounds.decimal_bits(len(digits), exponent)
    if size > bounds.current().number_bits:
        raise too_large(size)
    frac = Fraction(value)
    return sympy.Rational(frac.numerator, frac.denominator)


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
        _check_bits(int(value), where)
        return sympy.Integer(int(value))
    if isinstance(value, Fraction):
        _check_bits(value, where)
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(f"{where}: {value} is not finite")
        return _decimal(value, lambda bits: ResourceLimitError(
            f"{where}: the number {str(value)[:40]} has about {bits} bits, beyond the bound "
            f"{bounds.current().number_bits} on {bounds.describe('number_bits')} {bounds.hint('number_bits')}"))
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
        _check_bits(value, where)
        return _real_algebraic(value, where)
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return to_exact(value.item(), symbols, where=where, functions=functions)
    raise InputError(f"{where}: expected a number or a formula, got {type(value).__name__}")


def _check_bits(value, where: str) -> None:
    """An exact number given as a Python or SymPy object must fit the ``number_bits`` bound."""
    size = number_bits(value) if isinstance(value, sympy.Basic) else bounds.bits_of(value)
    bounds.check("number_bits", size, f"{where}: bits of a number")


def _real_algebraic(value: sympy.Expr, where: str) -> sympy.Expr:
    """``value`` if it is a rational function of the symbols with real algebraic coefficients."""
    from graphcollapse.numbers.algebraic import scan

    try:
        scan(value)
    except InputError as err:
        raise InputError(f"{where}: {err}") from None
    return value

