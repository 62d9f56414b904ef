r"""What every report of an analysis shows, computed once: :func:`present`.

The text, Markdown, LaTeX and JSON reports all read an :class:`AnalysisView`,
so a limit, a condition or a validity region reads the same in every
format.  Per model (:class:`ModelView`):

* ``collapses``: the verdict where no symbolic weight vanishes (a boolean);
  ``condition``: exactly when the model collapses (``None`` without symbols);
* ``limit`` (the limit where no weight vanishes) and ``pieces``: every
  formula the limit takes, each with the set of parameters where it holds
  (the valid region, minus where the model collapses, and the piece's own
  condition);
* ``slope``, ``growth_factor``, ``growth_constant`` and where they hold;
* ``cases``: the statement about ``E_k(t)`` as (what, where) pairs, which
  the LaTeX report writes as a ``cases`` environment.

Examples
--------
>>> from graphcollapse.examples import load_example
>>> from graphcollapse.system import analyze
>>> view = present(analyze(load_example("self_loop")))
>>> model = view.models[0]
>>> model.collapses, model.condition_text, model.limit.text, str(model.pieces[0][1])
(False, 'a == 0', '1/(a*n*(2 - a))', '0 < a <= 1 and n > 0')
>>> [(kind, str(where)) for kind, _, where in model.cases]
[('limit', '0 < a <= 1 and n > 0'), ('collapse', 'a == 0 and n > 0')]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy

from graphcollapse.presentation.conditions import condition_latex, condition_text
from graphcollapse.presentation.formulas import Formula, formula
from graphcollapse.presentation.validity import Where, where
from graphcollapse.solvers.predicate import holds_at, symbolic_weights

__all__ = ["AnalysisView", "ModelView", "DynamicsView", "present", "generic_condition"]


@dataclass(frozen=True)
class ModelView:
    """One model's results, spelled (see the module docstring)."""

    id: str
    result: object
    collapses: bool
    condition: object
    limit: Formula | None
    pieces: tuple
    slope: Formula | None
    slope_where: Where | None
    growth_factor: Formula | None
    growth_constant: Formula | None
    absorption_real: Formula | None
    cases: tuple

    @property
    def growth(self) -> str:
        return self.result.growth

    @property
    def condition_text(self) -> str | None:
        return None if self.condition is None else condition_text(self.condition)

    @property
    def condition_latex(self) -> str | None:
        return None if self.condition is None else condition_latex(self.condition)

    @property
    def rate(self) -> Formula | None:
        """The growth rate shown in tables: the factor for geometric growth, else the slope."""
        return self.growth_factor if self.growth == "geometric" else self.slope

    @property
    def limit_where(self) -> Where | None:
        """Where :attr:`limit` holds (``None`` without symbols)."""
        generic = [w for f, w in self.pieces if self.limit is not None and f.value == self.limit.value]
        return generic[0] if generic else None

    def statement(self, kind: str, value: Formula | None, latex: bool) -> str:
        """``E_k(t) -> L geometrically`` (or its LaTeX) for one kind of case."""
        name = self.id
        f = (lambda x: x.latex) if latex else (lambda x: str(x))
        if kind == "limit":
            return rf"\to {f(value)}" if latex else f"E_{name}(t) -> {f(value)} geometrically"
        if kind == "linear":
            body = f"{_factor(value, latex)} t + O(1)" if latex else f"({f(value)})*t + O(1)"
            return f"= {body}" if latex else f"E_{name}(t) = {body}"
        if kind == "geometric":
            rho = _factor(value, latex)
            constant = self.growth_constant
            if constant is None:
                return rf"\sim C\, {rho}^{{t}}" if latex else f"E_{name}(t) ~ C ({value})^t"
            if latex:
                return rf"= {_factor(constant, True)}\, {rho}^{{t}} + o\bigl({rho}^{{t}}\bigr)"
            return f"E_{name}(t) = ({constant})*({value})**t + o(({value})**t)"
        if kind == "polynomial":
            return r"\text{ grows polynomially (Jordan block at spectral radius 1)}" if latex else \
                f"E_{name}(t) grows polynomially (Jordan block at spectral radius 1)"
        return r"\text{ is unbounded (collapse)}" if latex else f"E_{name}(t) is unbounded (collapse)"


def _factor(value: Formula, latex: bool) -> str:
    """A formula as a factor (in parentheses unless it is a plain number or a single fraction)."""
    if value is None:
        return "?"
    body = value.latex if latex else str(value)
    plain = value.text is not None and not any(op in value.text.lstrip("-") for op in "+-") and \
        not value.text.startswith("-")
    if latex:
        return body if plain or body.startswith(r"\frac") else rf"\left({body}\right)"
    return body if plain else f"({body})"


@dataclass(frozen=True)
class AnalysisView:
    """Every model's :class:`ModelView`, the valid region and the orientation point."""

    analysis: object
    models: tuple
    region: Where | None
    at: dict

    @cached_property
    def by_id(self) -> dict:
        return {m.id: m for m in self.models}

    @property
    def symbols(self) -> tuple:
        return tuple(sorted(self.analysis.graph.free_symbols_all, key=lambda s: s.name)) \
            if self.analysis.graph.is_exact else ()


@dataclass(frozen=True)
class DynamicsView:
    """What the reports of a process with dynamics show about its symbols, computed once.

    ``region`` is the valid region of the symbols (phases, modes and mode
    law included), ``holds`` where the results hold: the valid region where
    no symbolic weight or probability of the process vanishes (the verdicts
    of a process with dynamics are derived there, like a static graph's
    slopes); both ``None`` without symbolic weights.  ``at`` is the interior
    point at which every factor is written positive: :meth:`formula` spells
    a value there.
    """

    analysis: object
    region: Where | None
    holds: Where | None
    at: dict

    @property
    def symbols(self) -> tuple:
        from graphcollapse.solvers.predicate import process_symbols

        graph = self.analysis.graph
        return tuple(sorted(process_symbols(graph), key=lambda s: s.name)) if graph.is_exact else ()

    def formula(self, value) -> Formula | None:
        """A value in canonical form, its factors positive at :attr:`at`."""
        return formula(value, self.at)


def generic_condition(graph, predicate=None):
    """``And`` of ``atom != 0`` over the irreducible factors of the symbolic weights (where no weight vanishes).

    The factors are the predicate's atoms when there is a predicate.  For a process with dynamics the
    weights are those of its phases or modes, and its mode probabilities
    (:func:`~graphcollapse.solvers.predicate.symbolic_weights`).
    """
    if predicate is not None:
        atoms = predicate.atoms
    else:
        atoms = []
        for w in symbolic_weights(graph):  # with dynamics: every phase's or mode's weights and probabilities
            if getattr(w, "free_symbols", None):
                try:
                    factors = [f for f, _ in sympy.factor_list(w)[1] if f.free_symbols]
                except sympy.polys.polyerrors.PolynomialError:  # not a polynomial: its numerator vanishes
                    factors = [sympy.fraction(sympy.cancel(w))[0]]
                atoms += [f for f in factors if f not in atoms]
    return sympy.And(*[sympy.Ne(a, 0) for a in atoms]) if atoms else sympy.true


def present(analysis) -> AnalysisView | DynamicsView:
    """The :class:`AnalysisView` of an :class:`~graphcollapse.analysis.Analysis` (computed once per analysis);
    the :class:`DynamicsView` of a :class:`~graphcollapse.solvers.dynamics.DynamicAnalysis`."""
    cached = analysis.__dict__.get("_presentation_view")
    if cached is not None:
        return cached
    view = _present(analysis)
    analysis.__dict__["_presentation_view"] = view  # the analysis is frozen; its __dict__ holds caches
    return view


def _present(analysis) -> AnalysisView | DynamicsView:
    at = dict(analysis.interior_point or {})
    region = analysis.region
    if region is not None and not symbolic_weights(analysis.graph):
        region = None  # an estimator's own variables (a likelihood's x, lambda) are not parameters of the graph
    if getattr(analysis, "dynamics", None) is not None and hasattr(analysis, "phases"):  # dynamics (issue 13)
        generic = generic_condition(analysis.graph) if region is not None else sympy.true
        return DynamicsView(analysis, where(region), where(region, generic), at)
    generic = generic_condition(analysis.graph, analysis.predicate) if region is not None else sympy.true
    models = tuple(_model_view(m, region, generic, at) for m in analysis.models)
    return AnalysisView(analysis, models, where(region), at)


def _model_view(m, region, generic, at) -> ModelView:
    predicate = m.predicate
    collapse = predicate if predicate is not None else (sympy.true if m.collapses else sympy.false)
    staying = sympy.Not(collapse) if collapse not in (sympy.true, sympy.false) else \
        (sympy.false if collapse is sympy.true else sympy.true)
    pieces = []
    limit = None
    values = m.limit.args if isinstance(m.limit, sympy.Piecewise) else ((m.limit, sympy.true),) \
        if m.limit is not None else ()
    for value, condition in values:
        shown = formula(value, at)
        pieces.append((shown, where(region, sympy.And(staying, condition))))
        if not m.collapses and (not at or holds_at(condition, at)) and limit is None:
            limit = shown
    if not m.collapses and limit is None and pieces:
        limit = pieces[0][0]
    growth_factor = formula(m.growth_factor, at) if m.growth == "geometric" else None
    growth_constant = formula(m.growth_constant, at) if m.growth_constant is not None else None
    slope = formula(m.slope, at)
    # A slope c_k > 0 is derived where no weight vanishes; the slope 0 of a bounded model holds wherever it is.
    slope_where = where(region, sympy.And(generic, collapse)) if m.collapses else where(region, staying)
    cases = [("limit", f, w) for f, w in pieces if w is None or not w.empty]
    if m.collapses:
        kind = {"linear": "linear", "geometric": "geometric"}.get(m.growth, "polynomial" if m.growth == "polynomial"
                                                                   else "collapse")
        cases.insert(0, (kind, growth_factor if kind == "geometric" else slope, slope_where))
        rest = where(region, sympy.And(collapse, sympy.Not(generic))) if generic is not sympy.true else None
    else:
        rest = where(region, collapse) if collapse is not sympy.false else None
    if rest is not None and not rest.empty:
        cases.append(("collapse", None, rest))
    if region is None:
        cases = [c for c in cases if c[0] != "collapse"] or cases
    return ModelView(m.id, m, m.collapses, predicate, limit, tuple(pieces), slope, slope_where, growth_factor,
                     growth_constant, formula(m.theorem_a.absorption_real, at), tuple(cases))
