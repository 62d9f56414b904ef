r"""``graphcollapse analyze --format markdown``: the per-model table, the valid region and the notes.

The columns are those of the text report (:func:`~graphcollapse.presentation.reports.text.model_table`),
with every value as math; long formulas go below the table as display math.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> from graphcollapse.system import analyze
>>> print(markdown_report(analyze(from_matrix([["1/2"]], n=[4]))).splitlines()[2])
| 0 | no | bounded | $\frac{1}{3}$ | $0$ |
"""

from __future__ import annotations

from graphcollapse.presentation.reports.text import (LEGEND, model_table, observable_tables, other_pieces,
                                                      shown_notes)

__all__ = ["markdown_report"]


def markdown_report(analysis) -> str:
    """The Markdown report."""
    from graphcollapse.presentation.reports.dynamics import dynamics_report, is_dynamic

    if is_dynamic(analysis):  # dynamics (issue 13)
        return dynamics_report(analysis, "markdown")
    from graphcollapse.presentation.view import present

    view = present(analysis)
    lines = []
    if view.region is not None:
        lines += [f"Valid region of the symbols: ${view.region.latex()}$", ""]
    lines.append(model_table(view, "markdown"))
    if view.region is not None:
        lines += ["", f"*{LEGEND}.*"]
    lines += observable_tables(view, "markdown")
    pieces = other_pieces(view, "markdown")
    if pieces:
        lines += ["", "Where the limit takes another form:", ""] + pieces
    for note in shown_notes(analysis):
        lines += ["", f"*Note: {note}*"]
    return "\n".join(lines)
