r"""``graphcollapse analyze --format latex``: a fragment that compiles as it is (with ``amsmath``).

The fragment has, in order:

1. the valid region of the symbols, in words and math (``0 \le a \le 1``);
2. an ``align`` block with the **closed** system of recursions the errors
   need (every entry on a right-hand side has its own equation), the start
   values and ``E_k`` (:mod:`~graphcollapse.presentation.reports.recursion`);
3. an ``align`` block with one numbered statement per model: its limit,
   growth rate or collapse, as a ``cases`` environment over the parameter
   sets where each holds when the graph has symbols;
4. a ``table`` environment with the per-model results, which refers to the
   numbered statements.

Every value is in canonical form: one ``\frac`` with integer coefficients,
factored, factors positive on the valid region.  :func:`latex_document`
wraps any fragment in a document that ``pdflatex`` compiles.

Examples
--------
>>> from graphcollapse.examples import load_example
>>> from graphcollapse.system import analyze
>>> fragment = latex_report(analyze(load_example("self_loop")))
>>> print(fragment.split("% Needs")[0].splitlines()[-1].split(" | ")[0])
% graphcollapse: gaussian_mean(d=1, sigma2=1), pooled mixing, symbolic arithmetic
>>> [line.strip() for line in fragment.splitlines() if "cases" in line][:1]
['E_{A}(t) &\\begin{cases}']
"""

from __future__ import annotations

from graphcollapse.presentation.printing import id_latex, text_escape
from graphcollapse.presentation.reports.recursion import recursion_latex
from graphcollapse.presentation.reports.text import observable_tables, shown_notes

__all__ = ["latex_report", "latex_document", "statement_latex", "label_of", "PREAMBLE"]

#: Packages a fragment needs.
PREAMBLE = r"\usepackage{amsmath}"


def label_of(prefix: str, model_id: str) -> str:
    """A LaTeX label for a model's statement (ids reduced to letters, digits and hex codes)."""
    safe = "".join(ch if ch.isascii() and ch.isalnum() else f"x{ord(ch):x}" for ch in str(model_id))
    return f"eq:{prefix}-{safe}"


def statement_latex(model) -> str:
    """The right-hand part of ``E_k(t) &…`` for a :class:`~graphcollapse.presentation.view.ModelView`."""
    cases = model.cases
    if len(cases) == 1 and cases[0][2] is None:
        kind, value, _ = cases[0]
        if kind == "limit":
            return None  # written as lim E_k(t) = L by the caller
        return model.statement(kind, value, True)
    rows = []
    for kind, value, where in cases:
        what = model.statement(kind, value, True)
        condition = r"\text{always}" if where is None else where.latex()
        rows.append(rf"  {what} & \text{{for }} {condition}")
    return "\\begin{cases}\n" + " \\\\\n".join(rows) + "\n\\end{cases}"


def latex_report(analysis, *, label: str = "gc") -> str:
    """The paste-ready LaTeX fragment (``label`` prefixes the equation labels)."""
    from graphcollapse.presentation.reports.dynamics import dynamics_report, is_dynamic

    if is_dynamic(analysis):  # dynamics (issue 13)
        return dynamics_report(analysis, "latex")
    from graphcollapse.presentation.view import present

    view = present(analysis)
    rec = analysis.recurrence
    out = [f"% graphcollapse: {analysis.family.describe()}, {analysis.graph.mixing} mixing, "
           f"{analysis.arithmetic} arithmetic",
           f"% Needs {PREAMBLE} in the preamble."]
    out += [f"% Note: {note}" for note in shown_notes(analysis)]
    if view.region is not None:
        out.append(rf"Valid region of the symbols: ${view.region.latex()}$; every factor below is positive "
                   r"on its interior.")
        out.append("")
    if rec.exact:
        out.append(r"Second moments $S_{kl}(t)$ of the errors and the closed system of recursions they follow:")
        out.append(r"\begin{align}")
        out += ["  " + line for line in recursion_latex(rec, view.at)]
        out.append(r"\end{align}")
    out.append(r"\begin{align}")
    lines = []
    for m in view.models:
        name = id_latex(m.id)
        body = statement_latex(m)
        tag = rf" \label{{{label_of(label, m.id)}}}"
        if body is None:
            lines.append(rf"  \lim_{{t\to\infty}} E_{{{name}}}(t) &= {m.cases[0][1].latex}{tag}")
        elif body.startswith("\\begin{cases}"):
            lines.append(rf"  E_{{{name}}}(t) &{body}{tag}")
        else:
            lines.append(rf"  E_{{{name}}}(t) &{body}{tag}")
    out.append(" \\\\\n".join(lines))
    out.append(r"\end{align}")
    out += _table(view, label)
    out += observable_tables(view, "latex")
    return "\n".join(out)


def _table(view, label: str) -> list[str]:
    symbolic = view.region is not None
    header = ["model", "collapses"] + (["collapses exactly when"] if symbolic else []) + ["growth", "rate",
                                                                                          "statement"]
    rows = []
    for m in view.models:
        rate = m.rate
        rate_cell = "--" if rate is None else (f"${rate.latex}$" if len(rate.latex) <= 40
                                              else rf"\eqref{{{label_of(label, m.id)}}}")
        cells = [f"${id_latex(m.id)}$", "yes" if m.collapses else "no"]
        if symbolic:
            cells.append("--" if m.condition_latex is None else f"${m.condition_latex}$")
        cells += [text_escape(m.growth), rate_cell, rf"\eqref{{{label_of(label, m.id)}}}"]
        rows.append(" & ".join(cells) + r" \\")
    caption = "Per-model results of graphcollapse"
    if symbolic:
        caption += (rf"; collapses: the verdict where no symbolic weight vanishes, valid region "
                    rf"${view.region.latex()}$")
    return [r"\begin{table}[ht]", r"  \centering", r"  \begin{tabular}{" + "l" * len(header) + "}", r"  \hline",
            "  " + " & ".join(header) + r" \\", r"  \hline", *["  " + row for row in rows], r"  \hline",
            r"  \end{tabular}", rf"  \caption{{{caption}.}}", rf"  \label{{tab:{label}-models}}", r"\end{table}"]


def latex_document(fragment: str) -> str:
    """A complete document around a fragment (what a test compiles; also ``--standalone``)."""
    return "\n".join([r"\documentclass{article}", PREAMBLE, r"\usepackage[margin=2cm]{geometry}",
                      r"\begin{document}", fragment, r"\end{document}", ""])

