r"""One table, three formats: plain text, Markdown, LaTeX — never truncated.

Cells are plain text, numbers, exact values (SymPy expressions) or
:class:`~graphcollapse.presentation.formulas.Formula` s; exact values are
written in their canonical form (the formula grammar in text, math in
Markdown and LaTeX).  A formula longer than ``long`` characters does not
widen the table: its cell says ``[1]`` and the formula is printed in full
below the table, after ``[1]`` and the row and column it belongs to.

Examples
--------
>>> import sympy
>>> a = sympy.Symbol("a", real=True)
>>> rows = [["A", sympy.Rational(1, 3)], ["B_2", None], ["C", (1 + a)**6 / (a * (4 - a))]]
>>> print(render_table(["model", "limit"], rows, "markdown", long=20))
| model | limit |
|---|---|
| A | $\frac{1}{3}$ |
| B_2 | - |
| C | [1] |
<BLANKLINE>
[1] model = C, limit: $$\frac{(a + 1)^{6}}{a (4 - a)}$$
>>> print(render_table(["model", "limit"], rows[:2], "latex"))
\begin{tabular}{ll}
\hline
model & limit \\
\hline
A & $\frac{1}{3}$ \\
B\_2 & -- \\
\hline
\end{tabular}
>>> print(render_table(["model", "limit"], rows, "text", long=12))
model  limit
-----  -----
A      1/3
B_2    -
C      [1]
[1] model = C, limit: (a + 1)**6/(a*(4 - a))
"""

from __future__ import annotations

from itertools import islice
from typing import Any, Iterable, Iterator, Sequence

import sympy

from graphcollapse.errors import GraphCollapseError
from graphcollapse.presentation.formulas import Formula, formula
from graphcollapse.presentation.printing import text_escape

__all__ = ["render_table", "stream_table", "latex_text", "cell_text", "format_table", "LONG"]

#: Cells longer than this (characters of the cell's spelling) are printed below the table.
LONG = 60


def latex_text(text: str) -> str:
    """Plain text made safe inside LaTeX."""
    return text_escape(text)


def _formula(value: Any) -> Formula | None:
    if isinstance(value, Formula):
        return value
    if isinstance(value, bool) or not isinstance(value, (sympy.Basic, int, float)):
        return None
    try:
        return formula(value)
    except (GraphCollapseError, TypeError, ValueError):  # outside the canonical forms (a sum, a floor)
        return Formula(value, sympy.sstr(value), sympy.latex(value))


def cell_text(value: Any) -> str:
    """A cell as plain text (exact values in the formula grammar, never cut)."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    shown = _formula(value)
    return str(shown) if shown is not None else str(value)


def _cell(value: Any, fmt: str) -> tuple[str, bool]:
    """``(spelling, is math)`` of a cell in ``fmt``."""
    if value is None:
        return ("-" if fmt != "latex" else "--"), False
    if fmt == "text":
        return cell_text(value), False
    if isinstance(value, float):
        return f"{value:.6g}", True
    shown = _formula(value)
    if shown is not None:
        return shown.latex, True
    return (latex_text(value) if fmt == "latex" else str(value).replace("|", r"\|")), False


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """Left-aligned text columns separated by two spaces."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = ["  ".join(str(cell).ljust(w) for cell, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


def render_table(header: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, *, long: int | None = LONG) -> str:
    """The table in ``text``, ``markdown`` or ``latex``; cells longer than ``long`` go below it.

    Raises
    ------
    ValueError
        For another format.
    """
    if fmt not in ("text", "markdown", "latex"):
        raise ValueError(f"unknown table format {fmt!r}")
    notes: list[str] = []
    body = [_cells(row, header, fmt, long, notes) for row in rows]
    if fmt == "text":
        return "\n".join([format_table(list(header), body), *notes])
    head, tail = _frame(header, fmt)
    lines = head + [_line(cells, fmt) for cells in body] + tail
    return "\n".join(lines + ([""] + notes if notes else []))


def stream_table(header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, *, long: int | None = LONG,
                 chunk: int = 64) -> Iterator[str]:
    r""":func:`render_table` line by line, reading ``rows`` lazily (long trajectories never sit in memory).

    Text columns take their widths from the first ``chunk`` rows (a table of
    at most ``chunk`` rows reads exactly as :func:`render_table` writes it);
    a later, wider cell pushes its row to the right instead of being cut.
    Long cells are numbered as in :func:`render_table` and printed after the table.

    Examples
    --------
    >>> print("\n".join(stream_table(["t", "A"], iter([[0, 1], [1, sympy.Rational(1, 2)]]), "text")))
    t  A
    -  ---
    0  1
    1  1/2
    """
    if fmt not in ("text", "markdown", "latex"):
        raise ValueError(f"unknown table format {fmt!r}")
    rows = iter(rows)
    notes: list[str] = []
    if fmt != "text":
        head, tail = _frame(header, fmt)
        yield from head
        for row in rows:
            yield _line(_cells(row, header, fmt, long, notes), fmt)
        yield from tail
    else:
        first = [_cells(row, header, fmt, long, notes) for row in islice(rows, chunk)]
        widths = [max(len(str(cell)) for cell in column) for column in zip(header, *first)]
        yield "  ".join(str(cell).ljust(w) for cell, w in zip(header, widths)).rstrip()
        yield "  ".join("-" * w for w in widths)
        for row in first:
            yield "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
        for row in rows:
            yield "  ".join(cell.ljust(w) for cell, w in zip(_cells(row, header, fmt, long, notes), widths)).rstrip()
    if notes:
        yield from ([""] + notes if fmt != "text" else notes)


def _cells(row: Sequence[Any], header: Sequence[str], fmt: str, long: int | None, notes: list[str]) -> list[str]:
    """One row's cells in ``fmt``; a cell longer than ``long`` becomes ``[n]`` and its note joins ``notes``."""
    cells = []
    for j, value in enumerate(row):
        spelled, is_math = _cell(value, fmt)
        if long is not None and len(spelled) > long and (is_math or fmt == "text") and j > 0:
            notes.append(_note(len(notes) + 1, row[0], header[j], spelled, is_math, fmt, header[0]))
            spelled, is_math = f"[{len(notes)}]", False
        cells.append(f"${spelled}$" if is_math else spelled)
    return cells


def _frame(header: Sequence[str], fmt: str) -> tuple[list[str], list[str]]:
    """The lines before and after the body of a Markdown or LaTeX table."""
    if fmt == "markdown":
        return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)], []
    return ([r"\begin{tabular}{" + "l" * len(header) + "}", r"\hline",
             " & ".join(latex_text(h) for h in header) + r" \\", r"\hline"], [r"\hline", r"\end{tabular}"])


def _line(cells: list[str], fmt: str) -> str:
    return "| " + " | ".join(cells) + " |" if fmt == "markdown" else " & ".join(cells) + r" \\"


def _note(number: int, row_label: Any, column: str, spelled: str, is_math: bool, fmt: str, first: str) -> str:
    label = f"{first} = {cell_text(row_label)}"
    if fmt == "text":
        return f"[{number}] {label}, {column}: {spelled}"
    if fmt == "markdown":
        return f"[{number}] {label}, {column}: " + (f"$${spelled}$$" if is_math else spelled)
    return rf"\noindent[{number}] {latex_text(label)}, {latex_text(column)}: \[ {spelled} \]"
