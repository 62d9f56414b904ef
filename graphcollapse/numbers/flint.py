"""The one switch for python-flint, the optional accelerator of every exact kernel.

python-flint (the ``fast`` extra) gives fast multivariate polynomials
(``fmpq_mpoly``), integer matrices (``fmpz_mat``) and certified ball
arithmetic (``arb``).  Every module that can use it asks :func:`enabled` at
call time and reaches the library through :func:`lib`; without it the same
results come from SymPy and mpmath, more slowly.  Tests turn it off in this
one place with :func:`disabled`.

Examples
--------
>>> with disabled():
...     enabled()
False
"""

from __future__ import annotations

from contextlib import contextmanager

__all__ = ["AVAILABLE", "enabled", "lib", "disabled"]

try:  # optional accelerator
    import flint as _flint

    #: python-flint is installed and recent enough (multivariate polynomials and balls).
    AVAILABLE = hasattr(_flint, "fmpq_mpoly_ctx") and hasattr(_flint, "arb")
except ImportError:  # pragma: no cover - depends on the environment
    _flint = None
    AVAILABLE = False

_enabled = AVAILABLE


def enabled() -> bool:
    """Whether the exact kernels use python-flint right now."""
    return _enabled


def lib():
    """The ``flint`` module (only call when :func:`enabled`)."""
    return _flint


@contextmanager
def disabled():
    """Run the exact kernels without python-flint inside the block (for tests and comparisons)."""
    global _enabled
    saved = _enabled
    _enabled = False
    try:
        yield
    finally:
        _enabled = saved
