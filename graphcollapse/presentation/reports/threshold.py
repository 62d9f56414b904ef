r"""``graphcollapse threshold``: the exact sample-size threshold in every format.

The critical scale ``λ*`` is an algebraic number: a rational, a square
root, or the real root of an irreducible cubic or higher, which the formula
grammar cannot write; it is then given by its polynomial and which real
root it is (``critical_root_of`` in JSON, "the largest real root of …" in
words), with its float beside it.  JSON: schema ``graphcollapse/threshold/2``.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.system import System
>>> g = from_dict({"estimator": {"family": "linear_regression", "d": 6},
...                "models": [{"id": "A", "n_real": 1, "n0": 12}], "edges": [{"from": "A", "to": "A", "n": 7}]})
>>> report = ThresholdReport(System(g).threshold(), "g")
>>> report.to_dict()["critical_root_of"]
{'polynomial': '480*lambda_1**3 - 556*lambda_1**2 - 29*lambda_1 + 7', 'variable': 'lambda_1', 'index': 2}
>>> print(report.text().splitlines()[1])
stable exactly for lambda > lambda* = the largest real root of 480*lambda_1**3 - 556*lambda_1**2 - 29*lambda_1 + 7 (about 1.19859); smallest integer scale: 2
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from graphcollapse._version import __version__
from graphcollapse.numbers.domain import compare
from graphcollapse.presentation.formulas import Formula, formula
from graphcollapse.presentation.printing import text_escape
from graphcollapse.presentation.reports.json_report import formula_fields
from graphcollapse.presentation.reports.latex import PREAMBLE
from graphcollapse.presentation.reports.tables import render_table

__all__ = ["ThresholdReport", "SCHEMA_ID", "root_words"]

SCHEMA_ID = "graphcollapse/threshold/2"
_CRITICAL = Formula(None, "lambda*", r"\lambda^{*}")


def root_words(f: Formula, latex: bool) -> str:
    """A value in words where it is a root (``the largest real root of …``), else its spelling."""
    if f.root_of is None:
        return f.latex if latex else str(f)
    value = f.value
    count = len(sympy.Poly(value.poly.as_expr(), value.poly.gen).real_roots())
    index = f.root_of["index"]
    which = "largest" if index == count - 1 else "smallest" if index == 0 else f"{_ordinal(index + 1)} smallest"
    poly = f.latex.split(r"\operatorname{RootOf}(")[1].rsplit(r",\ ", 1)[0] if latex else f.root_of["polynomial"]
    about = f"{f.number:.6g}" if f.number is not None else "?"
    if latex:
        return rf"\text{{the {which} real root of }} {poly} \approx {about}"
    return f"the {which} real root of {poly} (about {about})"


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


@dataclass
class ThresholdReport:
    """A :class:`~graphcollapse.solvers.threshold.Threshold` and the graph's name, ready to print."""

    result: object
    name: str

    def _statement(self, latex: bool) -> str:
        r = self.result
        if r.never_stable:
            return r.statement()
        if r.critical is None:
            low = formula(r.minimum_scale)
            return (rf"stable for every admissible scale $\lambda \ge {low.latex}$" if latex
                    else f"stable for every admissible scale (lambda >= {low})")
        critical = formula(r.critical)
        if latex:
            return (rf"stable exactly for $\lambda > \lambda^{{*}}$, $\lambda^{{*}} = {root_words(critical, True)}$ "
                    rf"({text_escape(r.scope)} times $\lambda$); smallest integer scale: {r.stable_from_integer}")
        return (f"stable exactly for lambda > lambda* = {root_words(critical, False)}; "
                f"smallest integer scale: {r.stable_from_integer}")

    def _rows(self) -> list:
        critical = self.result.critical

        def endpoint(value):
            if value is sympy.oo:
                return formula(value)
            if critical is not None and (value == critical or compare(value, critical) == 0):
                return _CRITICAL  # the table names lambda*, the statement above says what it is
            return formula(value)

        return [[endpoint(lo), endpoint(hi), "stable" if ok else "unstable"] for lo, hi, ok in self.result.intervals]

    def _counts(self) -> str:
        counts = self.result.counts
        return ", ".join(f"{k}: n = {v} * lambda" for k, v in counts.items() if v is not None)

    def text(self) -> str:
        lines = [f"graph {self.name}: scaling {self.result.scope} by lambda", self._statement(False)]
        if self.result.intervals:
            lines.append(render_table(["lambda from", "lambda to", "verdict"], self._rows(), "text"))
        if self.result.critical is not None and self.result.counts:
            lines.append(f"counts at lambda = 1: {self._counts()}")
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"**graph {self.name}: scaling {self.result.scope} by $\\lambda$**", "", self._statement(True)]
        if self.result.intervals:
            lines += ["", render_table(["lambda from", "lambda to", "verdict"], self._rows(), "markdown")]
        if self.result.critical is not None and self.result.counts:
            lines += ["", f"Counts at $\\lambda = 1$: {self._counts()}."]
        return "\n".join(lines)

    def latex(self, *, label: str = "gc") -> str:
        lines = [f"% graphcollapse: sample-size threshold of graph {self.name}, scaling {self.result.scope}".replace(
                     "\n", " "),
                 f"% Needs {PREAMBLE} in the preamble.", self._statement(True) + "."]
        if self.result.intervals:
            lines += [r"\begin{table}[ht]", r"  \centering",
                      *["  " + line for line in render_table([r"lambda from", "lambda to", "verdict"], self._rows(),
                                                             "latex").splitlines()],
                      r"  \caption{Stability of the recursion when the sample counts are scaled by $\lambda$.}",
                      rf"  \label{{tab:{label}-threshold}}", r"\end{table}"]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        r = self.result
        intervals = []
        for lo, hi, ok in r.intervals:
            entry = {**formula_fields("from", formula(lo))}
            entry.update(formula_fields("to", None if hi is sympy.oo else formula(hi)))
            if hi is sympy.oo:
                entry["to_latex"] = r"\infty"
            entry["stable"] = bool(ok)
            intervals.append(entry)
        return {"schema": SCHEMA_ID, "graphcollapse": __version__, "name": self.name, "scope": r.scope,
                "never_stable": r.never_stable,
                **formula_fields("critical", formula(r.critical), with_float=True),
                "stable_from_integer": r.stable_from_integer,
                **formula_fields("minimum_scale", formula(r.minimum_scale)),
                "intervals": intervals,
                "counts": {k: None if v is None else formula(v).text for k, v in r.counts.items()},
                "statement": self._statement(False)}

    def render(self, fmt: str) -> str:
        return {"text": self.text, "markdown": self.markdown, "latex": self.latex}[fmt]()
