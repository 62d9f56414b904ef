r"""A LaTeX fragment per model: recurrence, limit, growth rate, condition.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> from graphcollapse.system import analyze
>>> fragment = latex_report(analyze(from_matrix([["1/2"]], n=[4])))
>>> r"&= \frac{1}{3}" in fragment
True
"""

from __future__ import annotations

import sympy

from graphcollapse.operator.recurrence import VechIndex

__all__ = ["latex_report"]


def _name(model_id: str) -> str:
    return model_id.replace("_", r"\_")


def latex_report(analysis) -> str:
    """``graphcollapse analyze --latex``: paste-ready ``align*`` blocks."""
    from graphcollapse.presentation.reports.dynamics import dynamics_report, is_dynamic

    if is_dynamic(analysis):  # dynamics (issue 13)
        return dynamics_report(analysis, "latex")
    rec = analysis.recurrence
    out = [f"% graphcollapse: {analysis.family.describe()}, {analysis.graph.mixing} mixing, {analysis.arithmetic}"]
    for note in analysis.notes:
        out.append(f"% Note: {note}")
    equations = rec.equation_system(latex=True) if rec.exact else []
    p = rec.p
    pairs = VechIndex(tuple(range(rec.K)), p).pairs
    for k, m in enumerate(analysis.models):
        name = _name(m.id)
        out.append(f"% model {m.id}")
        out.append(r"\begin{align*}")
        own = [eq for eq, (x, y) in zip(equations, pairs) if x // p == y // p == k]
        for lhs, rhs in own:
            out.append(rf"  {sympy.latex(lhs)} &= {sympy.latex(rhs)} \\")
        if m.growth == "bounded":
            out.append(rf"  L_{{{name}}} = \lim_{{t\to\infty}} E_{{{name}}}(t) &= {sympy.latex(m.limit)} \\")
        elif m.growth == "linear":
            out.append(rf"  E_{{{name}}}(t) &= {sympy.latex(m.slope)}\, t + O(1) \\")
        elif m.growth == "geometric":
            out.append(rf"  E_{{{name}}}(t) &\sim C \left({sympy.latex(m.growth_factor)}\right)^t \\")
        else:
            out.append(rf"  E_{{{name}}}(t) &\text{{ grows polynomially}} \\")
        if m.predicate is not None and m.predicate not in (sympy.true, sympy.false):
            out.append(rf"  \text{{collapses}} &\iff {sympy.latex(m.predicate)}")
        else:
            out.append(rf"  \text{{collapses}} &: \text{{{'yes' if m.collapses else 'no'}}}")
        out.append(r"\end{align*}")
    return "\n".join(out)
