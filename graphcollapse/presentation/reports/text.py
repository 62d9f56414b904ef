"""A readable text report: one table of models, then Theorem A, components and notes.

The table has the same columns as the Markdown report
(:func:`model_table`): the verdict, the exact collapse condition (with
symbols), growth, limit, rate and where the limit holds.  Long formulas are
printed in full below the table (``[1] A, limit: …``), never cut.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> from graphcollapse.system import analyze
>>> print(text_report(analyze(from_matrix([["1/2"]], n=[4]))).splitlines()[4])
0      no         bounded  1/3    0
"""

from __future__ import annotations

from graphcollapse.presentation.reports.tables import format_table, latex_text, render_table

__all__ = ["text_report", "format_table", "recurrence_report", "model_table", "observable_tables", "plural", "shown_notes",
           "LEGEND"]

#: What the verdict and condition columns mean (printed under the table when the graph has symbols).
LEGEND = ("collapses: the verdict where no symbolic weight vanishes; collapse condition: exactly when the model "
          "collapses")


def shown_notes(analysis) -> list[str]:
    """The analysis notes a report prints (the valid region is stated on its own line, in canonical form)."""
    return [note for note in analysis.notes if not note.startswith("valid region of the symbols:")]


def plural(count: int, noun: str) -> str:
    """``1 model``, ``3 models``."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def model_table(view, fmt: str) -> str:
    """The per-model table of an analysis view in ``text``, ``markdown`` or ``latex``."""
    symbolic = view.region is not None
    header = ["model", "collapses"] + (["collapse condition"] if symbolic else []) + ["growth", "limit", "rate"]
    if symbolic:
        header.append("limit holds for")
    rows = []
    for m in view.models:
        row = [m.id, "yes" if m.collapses else "no"]
        if symbolic:
            row.append(_condition(m, fmt))
        row += [m.growth, m.limit, m.rate]
        if symbolic:
            where = m.limit_where
            row.append(None if where is None else (where.text() if fmt == "text" else _math(where.latex(), fmt)))
        rows.append(row)
    return render_table(header, rows, fmt)


def _condition(m, fmt: str):
    if m.condition is None:
        return None
    return m.condition_text if fmt == "text" else _math(m.condition_latex, fmt)


def _math(latex: str, fmt: str):
    """A cell already in LaTeX (tables print it as math)."""
    from graphcollapse.presentation.formulas import Formula

    return Formula(None, None, latex)


def other_pieces(view, fmt: str) -> list[str]:
    """Lines for the limits that take another formula somewhere (piecewise limits)."""
    lines = []
    for m in view.models:
        for f, where in m.pieces:
            if m.limit is not None and f.value == m.limit.value:
                continue
            if fmt == "text":
                lines.append(f"  {m.id}: limit {f} for {where}")
            else:
                lines.append(f"* {m.id}: limit ${f.latex}$ for ${where.latex()}$")
    return lines


def observable_tables(view, fmt: str) -> list[str]:
    """Lines with one table per further observable of the estimator (a Gaussian fit's ``variance``, a
    categorical fit's ``diversity``): its limit, verdict and exact rate per model, in canonical form."""
    from graphcollapse.presentation.formulas import formula

    lines: list[str] = []
    models = [m.result for m in view.models]
    for name in dict.fromkeys(n for r in models for n in r.observables):
        caption = f"{name} (exact; collapse of a variance or a diversity means it vanishes):"
        rows = [[r.id, formula(o["limit"], view.at), "vanishes" if o["vanishes"] else o["growth"],
                 formula(o["rate"], view.at)] for r in models for o in [r.observables.get(name)] if o is not None]
        table = render_table(["model", "limit", "verdict", "rate"], rows, fmt)
        if fmt == "latex":
            lines += ["", rf"\noindent Further observable \texttt{{{latex_text(name)}}} (exact; a variance or a "
                      r"diversity that vanishes has collapsed):", "", r"\begin{center}", table, r"\end{center}"]
        else:
            lines += ["", caption if fmt == "text" else f"*{caption}*", *([""] if fmt == "markdown" else []), table]
    return lines


def text_report(analysis) -> str:
    """The human-readable report printed by ``graphcollapse analyze``."""
    from graphcollapse.presentation.reports.dynamics import dynamics_report, is_dynamic

    if is_dynamic(analysis):  # dynamics (issue 13)
        return dynamics_report(analysis, "text")
    from graphcollapse.presentation.view import present

    view = present(analysis)
    g = analysis.graph
    title = f"graph {g.name!r}: " if g.name else ""
    lines = [f"{title}{plural(g.K, 'model')}, {plural(g.num_edges, 'edge')}, {g.mixing} mixing, "
             f"{analysis.family.describe()}, {analysis.arithmetic} arithmetic"]
    if view.region is not None:
        lines.append(f"Valid region of the symbols: {view.region.text()}")
    lines.append("")
    lines.append(model_table(view, "text"))
    if view.region is not None:
        lines.append(LEGEND)
    pieces = other_pieces(view, "text")
    if pieces:
        lines.append("Where the limit takes another form:")
        lines += pieces
    lines += observable_tables(view, "text")
    lines.append("")
    lines.append("Theorem A (topological | spectral rho(W_A) | absorption in real data):")
    for m in view.models:
        a = m.result.theorem_a
        closed = "; ".join("{" + ", ".join(c) + "}" for c in a.closed_classes_upstream) or "none"
        rho = "1" if a.spectral_radius_is_one else "<1"
        shown = "" if a.spectral_radius_upstream is None else f" ({a.spectral_radius_upstream:.6g})"
        lines.append(f"  {m.id}: closed classes upstream {closed} | rho = {rho}{shown} | P(real) = {m.absorption_real}")
    explained = [m for m in analysis.models if m.explanation]
    if explained:
        lines.append("")
        lines.append(f"Exact verdict ({analysis.stability.method}) differs from the topological one:")
        for m in explained:
            lines.append(f"  {m.id}: {m.explanation}")
    top = analysis.topology
    lines.append("")
    lines.append("Components (upstream first):")
    for c, members in enumerate(top.components):
        flags = ["closed" if top.closed[c] else "open", "real data" if top.real_data[c] else "no real data"]
        period = top.periods[c]
        if period is not None:
            flags.append(f"period {period}")
        lines.append(f"  {{{', '.join(g.ids[i] for i in members)}}}: {', '.join(flags)}")
    for note in shown_notes(analysis):
        lines.append(f"Note: {note}")
    return "\n".join(lines)


def recurrence_report(rec) -> str:
    """The recursion ``S(t+1) = 𝓛(S(t)) + D`` written out: one equation per
    independent entry, then ``W``, ``M``, ``D`` and ``S(0)`` as matrices."""
    import sympy

    from graphcollapse.operator.recurrence import Recurrence

    if not isinstance(rec, Recurrence):      # a general MomentRecursion: its equations are the whole story
        lines = [f"Recursion of {rec.family} ({rec.graph.mixing} mixing), unknown by unknown:"]
        lines.extend(f"  {equation}" for equation in getattr(rec, "equations", lambda: [])())
        for name in rec.observable_names:
            forms = ", ".join(f"{rec.ids[k]}: {_form(rec, rec.observable(k, name))}" for k in range(rec.K))
            lines.append(f"{name}: {forms}")
        return "\n".join(lines)

    lines = [f"Recursion of {rec.family} ({rec.graph.mixing} mixing): S(t+1) = L(S(t)) + D, "
             f"E_k(t) = tr(T S_kk(t))"]
    lines.extend(f"  {equation}" for equation in rec.equations())
    matrices = [("W (row k = what model k trains on)", rec.W), ("M (propagation)", rec.M),
                ("D (fresh noise)", rec.noise_matrix()), ("S(0)", rec.initial_state()), ("T", rec.trace_weight)]
    for label, matrix in matrices:
        lines.append(f"{label} =")
        lines.extend("  " + row for row in sympy.pretty(sympy.Matrix(matrix), use_unicode=False).splitlines())
    if not rec.is_kronecker:
        lines.append("Diagonal entries follow the family's own rule S_kk(t+1) = tr(C_k S(t)) + D_k (see the equations).")
    return "\n".join(lines)


def _form(rec, form) -> str:
    """A linear form ``{unknown: weight}`` as ``weight*label + …``, labels as in the equations."""
    from graphcollapse.presentation.reports.json_report import exact_string

    return " + ".join(f"{exact_string(w)}*{_label(rec, u)}" for u, w in form.items())


def _label(rec, unknown) -> str:
    if isinstance(unknown, tuple) and unknown and isinstance(unknown[0], str):
        return f"{unknown[0]}_{','.join(rec.ids[m] for m in unknown[1:])}"
    return str(unknown)
