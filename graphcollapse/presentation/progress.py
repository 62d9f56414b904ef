"""Progress bars for long work: drawn on a terminal, silent everywhere else.

Simulations, the census and other sweeps report progress as calls
``update(done, total)``.  :func:`progress_bar` returns such a callable: on a
terminal it draws one line with `tqdm <https://tqdm.github.io>`_ (the
optional ``progress`` extra), redrawn in place and erased when the work is
done; when the stream is not a terminal (a pipe, a CI log, a notebook), or
tqdm is not installed, it does nothing at all.

Examples
--------
>>> import io
>>> update = progress_bar(10, "simulating", stream=io.StringIO())   # not a terminal
>>> update(5, 10), update(10, 10)
(None, None)
>>> update.active
False
"""

from __future__ import annotations

import sys
from typing import TextIO

__all__ = ["progress_bar", "ProgressBar"]


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed or detached stream
        return False


class ProgressBar:
    """``update(done, total)``: one tqdm line on a terminal, or nothing.

    The bar closes (and erases its line) when ``done`` reaches ``total``;
    :meth:`close` does so early, e.g. after an interruption.  It is also a
    context manager that closes on exit.
    """

    def __init__(self, total: int | None, description: str, stream: TextIO | None = None, unit: str = "step"):
        stream = sys.stderr if stream is None else stream
        self._bar = None
        if _is_terminal(stream):
            try:
                from tqdm import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self._bar = tqdm(total=total, desc=description, unit=unit, file=stream, leave=False,
                                 dynamic_ncols=True, mininterval=0.2, disable=False)

    @property
    def active(self) -> bool:
        """Whether anything is drawn (a terminal, and tqdm installed)."""
        return self._bar is not None

    def __call__(self, done: int, total: int) -> None:
        bar = self._bar
        if bar is None:
            return
        if bar.total != total:
            bar.total = total
        if done > bar.n:
            bar.update(done - bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress_bar(total: int | None, description: str, *, stream: TextIO | None = None, unit: str = "step") -> ProgressBar:
    """A progress callback ``update(done, total)`` for ``total`` steps of ``description``.

    Parameters
    ----------
    total : int or None
        Steps expected (``None``: not known yet; every call may correct it).
    description : str
        Shown before the bar, e.g. ``"simulating"``.
    stream : file-like, optional
        Where the bar goes (default ``sys.stderr``); nothing is drawn unless
        it is a terminal.
    unit : str
        What a step is, for the rate shown (``"block"``, ``"generation"``).
    """
    return ProgressBar(total, description, stream, unit)
