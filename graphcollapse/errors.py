"""The error hierarchy: one root, a type per kind of failure, and the guard at the API boundary.

Everything graphcollapse raises is a :class:`GraphCollapseError`:

* :class:`InputError` (also a :class:`ValueError`): what a user gave us is
  wrong — a graph file, a parameter, an option.  The message is one line
  that names the model, edge or field at fault.  :class:`UnsupportedError`
  (a valid input, a request outside what is implemented, e.g. a closed form
  too large or a spectral verdict with free symbols) and
  :class:`ResourceLimitError` (a documented bound on sizes, digits or
  generations; the message names the option that raises it) refine it.
* :class:`ComputationError` (also an :class:`ArithmeticError`): the input is
  valid but the mathematics has no answer of the requested kind:
  :class:`SingularSystemError` (certified singular, not an unlucky point),
  :class:`NotSemisimpleError` (a Jordan block where a semisimple eigenvalue
  was needed), :class:`UndecidedError` (an exact decision procedure gave up,
  e.g. a solver time-out; never silently guessed).
* :class:`MissingExtraError` (also an :class:`ImportError`): an optional
  dependency is needed; the message says which ``pip install`` adds it.
* :class:`InternalError` (also a :class:`RuntimeError`): a bug in
  graphcollapse.  :class:`InternalConsistencyError` means two independent
  computations of one mathematical fact disagreed.

Public functions are wrapped by :func:`guarded`, which lets the package's own
errors through and turns anything else into an :class:`InternalError` (or a
:class:`ResourceLimitError` for exhausted memory or recursion), so no other
exception type escapes.  The command line prints the one-line message and
exits with status 2 (every error but the internal ones) or 3 (internal).

Examples
--------
>>> try:
...     raise InputError("model 'B': weights sum to 3/4, not 1")
... except ValueError as err:   # input errors are ValueErrors too
...     print(err)
model 'B': weights sum to 3/4, not 1
>>> @guarded
... def broken():
...     return 1 / 0
>>> broken()
Traceback (most recent call last):
...
graphcollapse.errors.InternalError: broken: ZeroDivisionError: division by zero (a bug in graphcollapse; please report it)
"""

from __future__ import annotations

import functools
from typing import Callable, TypeVar

__all__ = [
    "GraphCollapseError", "InputError", "UnsupportedError", "ResourceLimitError",
    "ComputationError", "SingularSystemError", "NotSemisimpleError", "UndecidedError",
    "MissingExtraError", "InternalError", "InternalConsistencyError",
    "guarded", "guarded_class", "exit_status", "shown_value",
]


class GraphCollapseError(Exception):
    """The root of every error graphcollapse raises."""


class InputError(GraphCollapseError, ValueError):
    """Bad input: a graph file, a parameter, an option (one line naming the field)."""


class UnsupportedError(InputError):
    """A valid input, but a request outside what graphcollapse implements."""


class ResourceLimitError(InputError):
    """A documented resource bound (size, digits, generations, memory) was exceeded."""


class ComputationError(GraphCollapseError, ArithmeticError):
    """The input is valid, but the mathematics has no answer of the requested kind."""


class SingularSystemError(ComputationError, ZeroDivisionError):
    """A linear system is singular (certified, not an unlucky evaluation point)."""


class NotSemisimpleError(ComputationError):
    """An eigenvalue carries a Jordan block where a semisimple one was needed."""


class UndecidedError(ComputationError):
    """An exact decision procedure gave up (e.g. a time-out); the answer is not guessed."""


class MissingExtraError(GraphCollapseError, ImportError):
    """An optional dependency is missing; the message names the extra that installs it."""


class InternalError(GraphCollapseError, RuntimeError):
    """A bug in graphcollapse, never a property of the input."""


class InternalConsistencyError(InternalError):
    """Two independent derivations of one result disagree (a bug, not a user error)."""


F = TypeVar("F", bound=Callable)


def guarded(func: F) -> F:
    """Let graphcollapse errors through; turn every other exception into one of ours.

    ``MemoryError`` and ``RecursionError`` become :class:`ResourceLimitError`
    (the input was too large or too deeply nested for this machine);
    anything else is a bug and becomes :class:`InternalError`, with the
    original exception chained for ``--debug`` and for developers.
    ``KeyboardInterrupt`` and ``SystemExit`` pass unchanged.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except GraphCollapseError:
            raise
        except MemoryError as err:
            raise ResourceLimitError(f"{func.__name__}: out of memory; the input is too large for this machine") \
                from err
        except RecursionError as err:
            raise ResourceLimitError(f"{func.__name__}: the input is nested too deeply") from err
        except Exception as err:  # noqa: BLE001 - the whole point: nothing else escapes
            raise InternalError(f"{func.__name__}: {type(err).__name__}: {err} "
                                "(a bug in graphcollapse; please report it)") from err

    wrapper.__wrapped_guard__ = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def guarded_class(cls: type) -> type:
    """Apply :func:`guarded` to every public method and cached property of ``cls``."""
    from functools import cached_property

    for name, member in list(vars(cls).items()):
        if name.startswith("_"):
            continue
        if isinstance(member, cached_property):
            wrapped = cached_property(guarded(member.func))
            wrapped.__set_name__(cls, name)
            setattr(cls, name, wrapped)
        elif isinstance(member, property) and member.fget is not None:
            setattr(cls, name, property(guarded(member.fget), member.fset, member.fdel, member.__doc__))
        elif callable(member) and not isinstance(member, (type, staticmethod, classmethod)):
            setattr(cls, name, guarded(member))
    return cls


def exit_status(err: BaseException) -> int:
    """The command-line exit status for an error: 3 for bugs, 2 for everything else of ours.

    >>> exit_status(InputError("x")), exit_status(InternalConsistencyError("x")), exit_status(KeyError("x"))
    (2, 3, 3)
    """
    if isinstance(err, GraphCollapseError) and not isinstance(err, InternalError):
        return 2
    return 3


def shown_value(value, limit: int = 60) -> str:
    """``repr(value)`` for an error message: one short line, also for huge integers.

    Examples
    --------
    >>> shown_value("pooled ")
    "'pooled '"
    >>> shown_value(10**5000)
    'an integer of about 5000 digits'
    >>> shown_value("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    try:
        text = repr(value)
    except ValueError:   # a container holding an integer beyond Python's printing limit
        return f"a {type(value).__name__} holding a very large integer"
    return text if len(text) <= limit else text[:limit - 3] + "..."
