"""The documented resource bounds: every input ends in bounded time and memory.

Each bound is a field of :class:`Bounds` with its default below; a value
beyond it is refused before the work starts (or, for exact numbers that grow
while the engine computes, as soon as they cross it) with one
:class:`~graphcollapse.errors.ResourceLimitError` line that names the field,
the bound and how to raise it: ``--limit NAME=VALUE`` on the command line,
``with raised_bounds(NAME=VALUE):`` in Python.

=====================  ==============  ==================================================
bound                  default         what it bounds
=====================  ==============  ==================================================
``expression_length``  2000            characters of one formula
``expression_depth``   100             nesting depth of a formula (sums and products of
                                       many terms count once)
``exponent``           1000            ``|k|`` in ``x**k``
``number_bits``        65536           bits of the numerator or denominator of an exact
                                       number read or computed while reading (≈ 19,700
                                       decimal digits)
``degree``             64              degree of a formula in its symbols
``factorial``          1000            ``k`` in ``factorial(k)`` with a number ``k``
``support_points``     1000            points of a custom finite support
``file_bytes``         67108864        bytes of a graph file (64 MiB)
``json_depth``         32              nesting of JSON objects and lists
``models``             50000           models of an exact graph
``edges``              500000          edges of an exact graph
``generations``        100000          ``T`` of a trajectory, check or plot
``symbolic_generations`` 100           ``T`` of a trajectory whose values have symbols
                                       (each generation's rational function is longer)
``trajectory_values``  10000000        values ``(T + 1) K`` of one trajectory table
``state_values``       67108864        entries of the second-moment state ``S`` a
                                       trajectory holds
``exact_bits``         1048576         bits of one exact value a trajectory computes
``trajectory_bits``    268435456       bits of all exact values of one trajectory
``replications``       10000000        ``R`` of a simulation
``simulation_values``  67108864        errors ``R (T + 1) K`` a simulation records
                                       (512 MiB of floats)
``simulation_draws``   200000000       random numbers a simulation draws (its work;
                                       ``--method sufficient`` draws fewer)
``simulation_memory``  1073741824      bytes of working memory of one block of
                                       replications (1 GiB)
``sample_count``       10**15          samples of one fit in a simulation
=====================  ==============  ==================================================

Python's own guard against printing integers of more than 4,300 digits is
lifted inside :func:`unlimited_int_digits` (the command line runs in it):
the bounds above keep every number the toolkit reads or makes small enough
to convert in reasonable time, so every exact result prints.

Examples
--------
>>> current().generations
100000
>>> with raised_bounds(generations=10**6):
...     current().generations
1000000
>>> check("generations", 200000, "--generations")
Traceback (most recent call last):
...
graphcollapse.errors.ResourceLimitError: --generations = 200000 exceeds the bound 100000 on T of a trajectory, check or plot (raise it with --limit generations=N; in Python, with raised_bounds(generations=N))
"""

from __future__ import annotations

import dataclasses
import math
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Iterator, Mapping

from graphcollapse.errors import InputError, ResourceLimitError

__all__ = ["Bounds", "current", "raised_bounds", "check", "hint", "parse_limits", "bits_of", "decimal_bits",
           "unlimited_int_digits", "describe", "as_mapping"]


def _bound(default: int, meaning: str):
    return field(default=default, metadata={"meaning": meaning})


@dataclass(frozen=True)
class Bounds:
    """The resource bounds in force (see the module docstring for each one's meaning)."""

    expression_length: int = _bound(2000, "characters of one formula")
    expression_depth: int = _bound(100, "nesting depth of a formula")
    exponent: int = _bound(1000, "|k| in x**k")
    number_bits: int = _bound(65536, "bits of an exact number read from the input")
    degree: int = _bound(64, "degree of a formula in its symbols")
    factorial: int = _bound(1000, "k in factorial(k)")
    support_points: int = _bound(1000, "points of a custom finite support")
    file_bytes: int = _bound(64 * 2**20, "bytes of a graph file")
    json_depth: int = _bound(32, "nesting depth of JSON")
    models: int = _bound(50_000, "models of an exact graph")
    edges: int = _bound(500_000, "edges of an exact graph")
    generations: int = _bound(100_000, "T of a trajectory, check or plot")
    phases: int = _bound(256, "phases of a schedule (prefix and period) or modes of random interaction")
    symbolic_generations: int = _bound(100, "T of a trajectory with symbols")
    trajectory_values: int = _bound(10_000_000, "values (T + 1) K of one trajectory")
    state_values: int = _bound(2**26, "entries of the second-moment state S a trajectory holds")
    exact_bits: int = _bound(2**20, "bits of one exact value of a trajectory")
    trajectory_bits: int = _bound(2**28, "bits of all exact values of one trajectory")
    replications: int = _bound(10_000_000, "replications R of a simulation")
    simulation_values: int = _bound(2**26, "errors R (T + 1) K a simulation records")
    simulation_draws: int = _bound(200_000_000, "random numbers a simulation draws")
    simulation_memory: int = _bound(2**30, "bytes of working memory of one block of replications")
    sample_count: int = _bound(10**15, "samples of one fit in a simulation")


_CURRENT: ContextVar[Bounds] = ContextVar("graphcollapse_bounds", default=Bounds())
_NAMES = tuple(f.name for f in dataclasses.fields(Bounds))


def current() -> Bounds:
    """The bounds in force (the defaults, or those of the innermost :func:`raised_bounds`)."""
    return _CURRENT.get()


def describe(name: str) -> str:
    """What the bound ``name`` bounds, in a few words."""
    return next(f.metadata["meaning"] for f in dataclasses.fields(Bounds) if f.name == name)


@contextmanager
def raised_bounds(**changes: int) -> Iterator[Bounds]:
    """Change some bounds for the code inside the ``with`` block (this thread and context only).

    Raises
    ------
    InputError
        For an unknown bound or a value that is not a positive integer.

    Examples
    --------
    >>> with raised_bounds(models=10) as b:
    ...     b.models, current().models
    (10, 10)
    >>> current().models
    50000
    """
    for name, value in changes.items():
        if name not in _NAMES:
            raise InputError(f"unknown bound {name!r} (known: {', '.join(_NAMES)})")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"bound {name} must be a positive integer, got {value!r}")
    token = _CURRENT.set(dataclasses.replace(_CURRENT.get(), **changes))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def check(name: str, value: int | float, what: str, *, qualifier: str = "") -> None:
    """Raise :class:`ResourceLimitError` when ``value`` exceeds the bound ``name``.

    ``what`` names the field or option that carries the value; ``qualifier``
    (``"at least "``, ``"about "``) says when the value is an estimate.
    """
    limit = getattr(current(), name)
    if value > limit:
        raise ResourceLimitError(
            f"{what} = {qualifier}{_shown(value)} exceeds the bound {limit} on {describe(name)} {hint(name)}")


def hint(name: str) -> str:
    """How to raise the bound ``name``, as the tail of an error message."""
    return f"(raise it with --limit {name}=N; in Python, with raised_bounds({name}=N))"


def _shown(value) -> str:
    """A value for a message: exact when short, ``1.1e+12`` or ``2^N`` when long."""
    if isinstance(value, float):
        return f"{value:.3g}"
    value = int(value)
    if value.bit_length() > 1000:
        return f"2^{value.bit_length() - 1} or more"
    return str(value) if abs(value) < 10**10 else f"{value:.3g}"


def parse_limits(items) -> dict[str, int]:
    """``--limit NAME=VALUE`` items (``VALUE`` an integer, ``2**20`` or ``1e9`` also read) as a dict.

    Examples
    --------
    >>> parse_limits(["generations=1e6", "exact_bits=2**22"])
    {'generations': 1000000, 'exact_bits': 4194304}
    """
    out: dict[str, int] = {}
    for item in items or ():
        name, sep, text = str(item).partition("=")
        name, text = name.strip(), text.strip()
        if not sep or name not in _NAMES:
            raise InputError(f"--limit: expected NAME=VALUE with NAME one of {', '.join(_NAMES)}; got {item[:60]!r}")
        value = _integer(text)
        if value is None or value < 1:
            raise InputError(f"--limit {name}: expected a positive integer, got {text[:40]!r}")
        out[name] = value
    return out


def _integer(text: str) -> int | None:
    """A positive integer written as digits, ``a**b``/``a^b`` or ``ae b`` (no evaluation of code)."""
    text = text.replace("_", "")
    for sep in ("**", "^"):
        if sep in text:
            base, _, power = text.partition(sep)
            if base.isdigit() and power.isdigit() and len(base) <= 4 and len(power) <= 3:
                return int(base) ** int(power)
            return None
    mantissa, e, power = text.lower().partition("e")
    if e and mantissa.isdigit() and power.isdigit() and len(power) <= 2 and len(mantissa) <= 18:
        return int(mantissa) * 10 ** int(power)
    return int(text) if text.isdigit() and len(text) <= 30 else None


def bits_of(value) -> int:
    """Bits of the larger of numerator and denominator of a rational (an int, Fraction or SymPy Rational).

    Examples
    --------
    >>> from fractions import Fraction
    >>> bits_of(Fraction(-255, 4)), bits_of(2**100)
    (8, 101)
    """
    p = getattr(value, "numerator", value)
    q = getattr(value, "denominator", 1)
    p = p() if callable(p) else p
    q = q() if callable(q) else q
    return max(abs(int(p)).bit_length(), abs(int(q)).bit_length())


def decimal_bits(digits: int, exponent: int) -> int:
    """An upper bound on the bits of the exact rational ``d₁d₂…d_digits × 10^exponent``.

    Examples
    --------
    >>> decimal_bits(3, -2)      # 1.25 = 125/100: at most 5 decimal digits, 18 bits
    18
    >>> decimal_bits(1, 999999999) > 10**9
    True
    """
    return math.ceil((max(digits, 1) + abs(exponent)) * math.log2(10)) + 1


@contextmanager
def unlimited_int_digits() -> Iterator[None]:
    """Lift Python's 4,300-digit limit on ``int``/``str`` conversions inside the block.

    The toolkit's own bounds (:data:`Bounds.number_bits`, :data:`Bounds.exact_bits`)
    keep every number small enough to convert quickly, so every exact result
    prints.  The previous setting is restored on exit.

    Examples
    --------
    >>> with unlimited_int_digits():
    ...     len(str(10**5000))
    5001
    """
    getter = getattr(sys, "get_int_max_str_digits", None)
    if getter is None:                      # Python < 3.10.7 has no such limit
        yield
        return
    before = getter()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(before)


def as_mapping() -> Mapping[str, int]:
    """The bounds in force as a plain mapping (for reports)."""
    return dataclasses.asdict(current())
