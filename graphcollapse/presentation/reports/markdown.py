r"""A Markdown table of the per-model results.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> from graphcollapse.system import analyze
>>> print(markdown_report(analyze(from_matrix([["1/2"]], n=[4]))).splitlines()[2])
| 0 | no | bounded | $\frac{1}{3}$ | $0$ | - |
"""

from __future__ import annotations

import sympy

__all__ = ["markdown_report"]


def _math(value) -> str:
    if value is None:
        return "-"
    return f"${sympy.latex(value)}$"


def markdown_report(analysis) -> str:
    """``graphcollapse analyze --markdown``."""
    from graphcollapse.presentation.reports.dynamics import dynamics_report, is_dynamic

    if is_dynamic(analysis):  # dynamics (issue 13)
        return dynamics_report(analysis, "markdown")
    lines = ["| model | collapses | growth | limit | rate | condition |",
             "|---|---|---|---|---|---|"]
    for m in analysis.models:
        verdict = "yes" if m.collapses else "no"
        rate = m.growth_factor if m.growth == "geometric" else m.slope
        condition = "-" if m.predicate is None or m.predicate in (sympy.true, sympy.false) else _math(m.predicate)
        lines.append(f"| {m.id} | {verdict} | {m.growth} | {_math(m.limit)} | {_math(rate)} | {condition} |")
    for note in analysis.notes:
        lines.append("")
        lines.append(f"*Note: {note}*")
    return "\n".join(lines)
