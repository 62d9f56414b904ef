r"""One table, four formats: plain text, Markdown, LaTeX, and the JSON-ready rows.

Cells are exact values (SymPy expressions, numbers) or plain text; exact
values are written as math in Markdown (``$…$``) and LaTeX, text is escaped.
Nothing is truncated: long formulas wrap in Markdown and LaTeX, and the text
table prints them whole.

Examples
--------
>>> import sympy
>>> rows = [["A", sympy.Rational(1, 3)], ["B_2", None]]
>>> print(render_table(["model", "limit"], rows, "markdown"))
| model | limit |
|---|---|
| A | $\frac{1}{3}$ |
| B_2 | - |
>>> print(render_table(["model", "limit"], rows, "latex"))
\begin{tabular}{ll}
\hline
model & limit \\
\hline
A & $\frac{1}{3}$ \\
B\_2 & -- \\
\hline
\end{tabular}
"""

from __future__ import annotations

from itertools import islice
from typing import Any, Iterable, Iterator, Sequence

import sympy

__all__ = ["render_table", "stream_table", "latex_text", "cell_text"]

_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_text(text: str) -> str:
    """Plain text made safe inside LaTeX."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def cell_text(value: Any) -> str:
    """A cell as plain text (exact values in SymPy syntax, never cut)."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, sympy.Basic):
        return sympy.sstr(value)
    return str(value)


def _math(value: Any, fmt: str) -> str:
    if value is None:
        return "-" if fmt == "markdown" else "--"
    if isinstance(value, sympy.Basic) or isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float):
            return f"${value:.6g}$"
        return f"${sympy.latex(value)}$"
    return latex_text(value) if fmt == "latex" else str(value).replace("|", r"\|")


def render_table(header: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    """The table in ``text``, ``markdown`` or ``latex``."""
    if fmt == "text":
        from graphcollapse.presentation.reports.text import format_table

        return format_table(list(header), [[cell_text(c) for c in row] for row in rows])
    if fmt == "markdown":
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(_math(c, fmt) for c in row) + " |" for row in rows]
        return "\n".join(lines)
    if fmt == "latex":
        lines = [r"\begin{tabular}{" + "l" * len(header) + "}", r"\hline",
                 " & ".join(latex_text(h) for h in header) + r" \\", r"\hline"]
        lines += [" & ".join(_math(c, fmt) for c in row) + r" \\" for row in rows]
        lines += [r"\hline", r"\end{tabular}"]
        return "\n".join(lines)
    raise ValueError(f"unknown table format {fmt!r}")


def stream_table(header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, *, chunk: int = 64) -> Iterator[str]:
    r""":func:`render_table` line by line, reading ``rows`` lazily (long trajectories never sit in memory).

    Text columns take their widths from the first ``chunk`` rows (a table of
    at most ``chunk`` rows reads exactly as :func:`render_table` writes it);
    a later, wider cell pushes its row to the right instead of being cut.

    Examples
    --------
    >>> print("\n".join(stream_table(["t", "A"], iter([[0, 1], [1, sympy.Rational(1, 2)]]), "text")))
    t  A
    -  ---
    0  1
    1  1/2
    """
    rows = iter(rows)
    if fmt != "text":
        lines = render_table(header, [], fmt).split("\n")
        tail = lines[-2:] if fmt == "latex" else []
        yield from lines[:len(lines) - len(tail)]
        for row in rows:
            yield render_table(header, [row], fmt).split("\n")[len(lines) - len(tail)]
        yield from tail
        return
    first = [[cell_text(c) for c in row] for row in islice(rows, chunk)]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *first)]
    yield "  ".join(str(cell).ljust(w) for cell, w in zip(header, widths)).rstrip()
    yield "  ".join("-" * w for w in widths)
    for row in first:
        yield "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
    for row in rows:
        yield "  ".join(cell_text(c).ljust(w) for c, w in zip(row, widths)).rstrip()
