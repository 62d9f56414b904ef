"""What the toolkit says about a process with a schedule, random modes or memory, per model.

Growth kinds extend the static ones (``bounded``, ``linear``, ``polynomial``,
``geometric``) by ``log`` (a closed class fed by linearly growing samples:
``E_k(t) = c log t + O(1)``) and ``vanishing`` (bounded with limit exactly 0:
``E_k(t) ~ C t^(-α)`` under accumulate, or a geometric decay when the noise
itself vanishes).  A schedule's ``growth_factor`` is per *period*, its
``slope`` per *generation* (the average over the phases of a period).

Examples
--------
>>> import sympy
>>> m = DynamicModel("A", collapses=False, growth="vanishing", limit=sympy.Integer(0),
...                  rate_exponent=2 - sympy.sqrt(2))
>>> m.statement
'E_A(t) ~ C t^(-(2 - sqrt(2)))'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

__all__ = ["DynamicModel", "DynamicAnalysis", "GROWTH_KINDS"]

#: Every growth kind a model can have, from tamest to wildest.
GROWTH_KINDS = ("vanishing", "bounded", "log", "linear", "polynomial", "geometric")


@dataclass(frozen=True)
class DynamicModel:
    """Everything derived for one model of a time-varying process.

    Attributes
    ----------
    id : str
    collapses : bool
        ``lim sup E_k(t) = ∞`` (exact).
    growth : str
        One of :data:`GROWTH_KINDS`.
    growth_factor : sympy.Expr or None
        Geometric growth: ``ρ`` per period (schedules) or per generation.
    limit : sympy.Expr or None
        ``lim E_k(t)`` when it exists (for a limit cycle: ``None``, see ``phase_limits``).
    phase_limits : tuple or None
        A periodic schedule: the limit at the end of every phase of the period.
    slope : sympy.Expr or None
        ``c_k`` per generation in ``E_k(t) = c_k t + O(1)`` (``linear``), or in ``c_k log t`` (``log``).
    phase_slopes : tuple or None
        A periodic schedule: the slope per generation seen at every phase.
    rate_exponent, rate_constant : sympy.Expr or None
        ``α`` and ``C`` in ``E_k(t) ~ C t^(-α)`` (``vanishing`` under accumulate).
    log_factor : bool
        A logarithmic factor multiplies ``t^(-α)`` (at ``α`` = 1 exactly, or a Jordan block).
    topological : bool or None
        The topological claim's verdict, where one applies (i.i.d. modes: the
        union rule; accumulate: Theorem A of the base graph), shown beside ``collapses``.
    explanation : str or None
        A sentence where the two verdicts differ, or where a closed form is missing.
    """

    id: str
    collapses: bool
    growth: str
    growth_factor: Any = None
    limit: Any = None
    phase_limits: tuple | None = None
    slope: Any = None
    phase_slopes: tuple | None = None
    rate_exponent: Any = None
    rate_constant: Any = None
    log_factor: bool = False
    topological: bool | None = None
    explanation: str | None = None

    @property
    def statement(self) -> str:
        """The exact asymptotic statement for ``E_k(t)``."""
        return self.describe()

    def describe(self, spell=str) -> str:
        """:attr:`statement` with every value written by ``spell`` (reports pass the canonical form)."""
        E = f"E_{self.id}(t)"
        if self.growth == "vanishing" and self.rate_exponent is not None:
            log = " log t" if self.log_factor else ""
            constant = "C" if self.rate_constant is None else f"({spell(self.rate_constant)})"
            return f"{E} ~ {constant} t^(-({spell(self.rate_exponent)})){log}"
        if self.growth == "vanishing":
            return f"{E} -> 0"
        if self.growth == "bounded":
            if self.phase_limits is not None and self.limit is None:
                return f"{E} -> the cycle ({', '.join(spell(v) for v in self.phase_limits)}), one limit per phase"
            if self.limit is None:
                return f"{E} stays bounded (no closed form for its limit)"
            return f"{E} -> {spell(self.limit)}"
        if self.growth in ("linear", "log"):
            scale = "t" if self.growth == "linear" else "log t"
            slopes = self.phase_slopes
            if slopes is not None and any(s != slopes[0] for s in slopes):
                shown = ", ".join(spell(s) for s in slopes)
                return f"{E} = c_i {scale} + O(1) at phase i of the period, c = ({shown})"
            return f"{E} = ({spell(self.slope)}) {scale} + O(1)"
        if self.growth == "geometric":
            return f"{E} ~ C ({spell(self.growth_factor)})^t"
        return f"{E} grows polynomially (Jordan block at spectral radius 1)"


@dataclass(frozen=True, eq=False)
class DynamicAnalysis:
    """Every answer for a process with dynamics; :attr:`models` holds the per-model results.

    ``dynamics`` is the graph's :class:`~graphcollapse.graph.dynamics.Dynamics`
    (what reports show), ``recursion`` the time-invariant recursion that
    decided the verdicts when there is one (a schedule's one-period map, the
    averaged or per-mode operator, a window's augmented state), ``phases``
    the names of a schedule's period (one limit each), ``period`` the
    generations after which the errors repeat their pattern (for the cross-check),
    ``region`` and ``interior_point`` the valid region of the symbols and the
    point at which reports write every factor positive (as for static graphs).
    """

    graph: Any
    dynamics: Any
    family: Any
    models: tuple
    method: str
    arithmetic: str
    notes: tuple = ()
    recursion: Any = None
    phases: tuple = ()
    period: int = 1
    asymptotic: bool = False
    details: dict = field(default_factory=dict)
    #: The valid region of the symbols (``None`` without symbols) and an exact interior point of it where no
    #: symbolic weight or probability vanishes (filled by :meth:`graphcollapse.system.System.analysis`).
    region: Any = None
    interior_point: dict = field(default_factory=dict)

    @cached_property
    def by_id(self) -> dict:
        return {m.id: m for m in self.models}
