"""The registry of checks and what a check reports.

A check is a function ``fn(level) -> str`` registered with :func:`check`.  It
returns one line saying what it verified (how many graphs, which
identities) and raises :class:`Counterexample` when a statement fails,
carrying the graph (if any) so the runner can write it out as a file that
``graphcollapse analyze`` re-runs.

Examples
--------
>>> @check("demo identity", levels=("quick",), group="example")
... def _demo(level):
...     return "1 + 1 = 2 verified"
>>> [c.name for c in CHECKS if c.group == "example"]
['demo identity']
>>> _ = CHECKS.pop()
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Check", "CHECKS", "check", "Counterexample", "LEVELS"]

LEVELS = ("quick", "full")


class Counterexample(AssertionError):
    """A statement failed; ``graph`` (an InteractionGraph or None) reproduces it."""

    def __init__(self, message: str, graph=None):
        super().__init__(message)
        self.graph = graph


@dataclass(frozen=True)
class Check:
    name: str
    group: str
    levels: tuple[str, ...]
    run: Callable[[str], str] = field(compare=False)


CHECKS: list[Check] = []


def check(name: str, *, levels: tuple[str, ...] = LEVELS, group: str = "identities"):
    """Register ``fn(level) -> summary`` as a check run at the given levels."""
    unknown = set(levels) - set(LEVELS)
    if unknown:
        raise ValueError(f"unknown level {sorted(unknown)[0]!r}")

    def decorate(fn: Callable[[str], str]) -> Callable[[str], str]:
        CHECKS.append(Check(name, group, tuple(levels), fn))
        return fn

    return decorate
