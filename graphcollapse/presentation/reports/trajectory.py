r"""``graphcollapse trajectory``: exact ``E_k(t)`` for ``t = 0..T`` and the closed forms in ``t``, in every format.

:class:`TrajectoryReport` gathers what the command computed (the values, the
closed forms as structured terms with their eigenvalues named once, where
they hold) and writes it as text, Markdown, LaTeX (a ``table``
environment, an ``align`` block, the minimal polynomials named once) or
JSON (schema ``graphcollapse/trajectory/2``).

Examples
--------
>>> from graphcollapse.examples import load_example
>>> from graphcollapse.system import System
>>> report = TrajectoryReport.of(System(load_example("chain")), 2, closed_form=True)
>>> print(report.text().splitlines()[-2])
E_B(t) = 3/100 - 1/100*[t == 0]
>>> data = report.to_dict()
>>> data["models"]["B"], data["closed_form"]["B"]["terms"][1]["only_at_t"]
(['1/50', '3/100', '3/100'], 0)
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from graphcollapse._version import __version__
from graphcollapse.presentation.closed_forms import EigenvalueNames
from graphcollapse.presentation.decompose import closed_form_terms
from graphcollapse.presentation.formulas import formula
from graphcollapse.presentation.printing import id_latex, symbol_latex
from graphcollapse.presentation.reports.json_report import where_entry
from graphcollapse.presentation.reports.latex import PREAMBLE
from graphcollapse.presentation.reports.tables import render_table
from graphcollapse.presentation.view import generic_condition
from graphcollapse.presentation.validity import where
from graphcollapse.solvers.predicate import process_symbols

__all__ = ["TrajectoryReport", "SCHEMA_ID"]

SCHEMA_ID = "graphcollapse/trajectory/2"


@dataclass
class TrajectoryReport:
    """The values ``E_k(t)``, the closed forms (or ``None``) and where they hold."""

    system: object
    values: tuple
    forms: list | None
    names: EigenvalueNames
    region: object
    holds: object

    @classmethod
    def of(cls, system, generations: int, *, closed_form: bool = False) -> "TrajectoryReport":
        """Compute the trajectory (and the closed forms) of a :class:`~graphcollapse.system.System`."""
        values = system.trajectory(generations)
        at = system.interior_point
        names = EigenvalueNames(system.region)
        forms = None
        if closed_form:
            forms = [closed_form_terms(expr, names=names, at=at) for expr in system.closed_form()]
        condition = generic_condition(system.graph) if system.region is not None else sympy.true
        if forms:
            condition = sympy.And(condition, *[sympy.Ne(f, 0) for form in forms for f in form.denominators()])
        return cls(system, values, forms, names, where(system.region), where(system.region, condition))

    @property
    def ids(self) -> tuple:
        return self.system.graph.ids

    def _values(self) -> list:
        at = self.system.interior_point
        return [[t, *(formula(v, at) for v in row)] for t, row in enumerate(self.values)]

    def _notes(self) -> list[str]:
        return list(self.system.recurrence.notes)

    # -- text and Markdown ------------------------------------------------------------------------
    def text(self) -> str:
        lines = []
        if self.region is not None:
            lines.append(f"Valid region of the symbols: {self.region.text()}")
            if self.forms is not None:
                lines.append(f"The closed forms hold for {self.holds.text()}")
            lines.append("")
        lines.append(render_table(["t", *self.ids], self._values(), "text"))
        if self.forms is not None:
            lines.append("")
            lines += [f"E_{model}(t) = {form.text()}" for model, form in zip(self.ids, self.forms)]
            lines += [f"  {e.name}: each root of {e.polynomial_text()} = 0" + _radicals_text(e)
                      for e in self.names.by_polynomial.values()]
            lines.append("(for every t >= 0)")
        lines += [f"Note: {note}" for note in self._notes()]
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = []
        if self.region is not None:
            lines += [f"Valid region of the symbols: ${self.region.latex()}$" + (
                "." if self.forms is None else f"; the closed forms hold for ${self.holds.latex()}$."), ""]
        lines.append(render_table(["t", *self.ids], self._values(), "markdown"))
        if self.forms is not None:
            lines += ["", "Closed forms, for every $t \\ge 0$:", ""]
            lines += [f"$$E_{{{id_latex(model)}}}(t) = {form.latex()}$$" for model, form in zip(self.ids, self.forms)]
            lines += [f"* {_eigenvalue_latex(e, dollars=True)}" for e in self.names.by_polynomial.values()]
        lines += ["", *[f"*Note: {note}*" for note in self._notes()]] if self._notes() else []
        return "\n".join(lines)

    # -- LaTeX ----------------------------------------------------------------------------------------
    def latex(self, *, label: str = "gc") -> str:
        lines = [f"% graphcollapse: E_k(t) of {self.system.estimator.describe()}, "
                 f"{self.system.graph.mixing} mixing", f"% Needs {PREAMBLE} in the preamble."]
        lines += [f"% Note: {note}" for note in self._notes()]
        if self.region is not None:
            lines += [rf"Valid region of the symbols: ${self.region.latex()}$" + (
                "." if self.forms is None else rf"; the closed forms below hold for ${self.holds.latex()}$."), ""]
        caption = f"Exact errors $E_k(t)$, $t = 0, \\dots, {len(self.values) - 1}$"
        lines += [r"\begin{table}[ht]", r"  \centering",
                  *["  " + line for line in render_table(["t", *self.ids], self._values(), "latex").splitlines()],
                  rf"  \caption{{{caption}.}}", rf"  \label{{tab:{label}-trajectory}}", r"\end{table}"]
        if self.forms is not None:
            lines.append(r"For every $t \ge 0$:")
            lines.append(r"\begin{align}")
            rows = [rf"  E_{{{id_latex(model)}}}(t) &= {form.latex()} \label{{eq:{label}-closed-{i}}}"
                    for i, (model, form) in enumerate(zip(self.ids, self.forms))]
            lines.append(" \\\\\n".join(rows))
            lines.append(r"\end{align}")
            eigen = list(self.names.by_polynomial.values())
            if eigen:
                lines.append("where " + "; ".join(_eigenvalue_latex(e, dollars=True) for e in eigen) + ".")
        return "\n".join(lines)

    # -- JSON -------------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        system = self.system
        graph = system.graph
        at = system.interior_point
        out = {"schema": SCHEMA_ID, "graphcollapse": __version__, "name": graph.name,
               "estimator": system.estimator.describe(), "generations": len(self.values) - 1,
               "symbols": [s.name for s in sorted(process_symbols(graph), key=lambda s: s.name)]
               if graph.is_exact else [],
               "region": where_entry(self.region),
               "closed_form_holds_for": where_entry(self.holds) if self.forms is not None else None,
               "models": {model: [_text(v, at) for v in column] for model, column in zip(self.ids, zip(*self.values))},
               "models_latex": {model: [formula(v, at).latex for v in column]
                                for model, column in zip(self.ids, zip(*self.values))}}
        if self.forms is not None:
            out["closed_form"] = {model: form.to_dict() for model, form in zip(self.ids, self.forms)}
            out["eigenvalues"] = {e.name: e.to_dict() for e in self.names.by_polynomial.values()}
        out["notes"] = self._notes()
        return out

    def render(self, fmt: str) -> str:
        """The report in ``text``, ``markdown`` or ``latex``."""
        return {"text": self.text, "markdown": self.markdown, "latex": self.latex}[fmt]()


def _text(value, at) -> str:
    shown = formula(value, at)
    return shown.text if shown.text is not None else str(shown)


def _radicals_text(e) -> str:
    return "" if e.radicals is None else " (" + ", ".join(text for text, _ in e.radicals) + ")"


def _eigenvalue_latex(e, dollars: bool) -> str:
    d = "$" if dollars else ""
    name = symbol_latex(e.symbol)
    out = rf"{d}{name}{d} runs over the roots of {d}{e.polynomial_latex()} = 0{d}"
    if e.radicals is not None:
        out += " (" + ", ".join(f"{d}{latex}{d}" for _, latex in e.radicals) + ")"
    return out
