"""A readable text report: one table of models, then components and notes.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> from graphcollapse.system import analyze
>>> print(text_report(analyze(from_matrix([["1/2"]], n=[4]))).splitlines()[4])
0      no         bounded  1/3         0
"""

from __future__ import annotations

from graphcollapse.presentation.reports.json_report import exact_string

__all__ = ["text_report", "format_table", "recurrence_report"]


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """Left-aligned columns separated by two spaces."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = ["  ".join(str(cell).ljust(w) for cell, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


def _short(value, limit: int = 60) -> str:
    text = exact_string(value) or "-"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def text_report(analysis) -> str:
    """The human-readable report printed by ``graphcollapse analyze``."""
    from graphcollapse.presentation.reports.dynamics import dynamics_report, is_dynamic

    if is_dynamic(analysis):  # dynamics (issue 13)
        return dynamics_report(analysis, "text")
    g = analysis.graph
    title = f"graph {g.name!r}: " if g.name else ""
    lines = [f"{title}{g.K} models, {g.num_edges} edges, {g.mixing} mixing, {analysis.family.describe()}, "
             f"{analysis.arithmetic} arithmetic"]
    rows = []
    for m in analysis.models:
        verdict = "yes" if m.collapses else "no"
        if m.predicate is not None and str(m.predicate) not in ("True", "False"):
            verdict = f"iff {m.predicate}"
        rows.append([m.id, verdict, m.growth, _short(m.limit), _short(m.growth_factor if m.growth == "geometric"
                                                                         else m.slope)])
    lines.append("")
    lines.append(format_table(["model", "collapses", "growth", "limit", "rate"], rows))
    for name in dict.fromkeys(n for m in analysis.models for n in m.observables):
        lines.append("")
        lines.append(f"{name} (exact; collapse of a variance or a diversity means it vanishes):")
        lines.append(format_table(["model", "limit", "verdict", "rate"], [
            [m.id, _short(o["limit"]), "vanishes" if o["vanishes"] else o["growth"], _short(o["rate"])]
            for m in analysis.models for o in [m.observables[name]]]))
    lines.append("")
    lines.append("Theorem A (topological | spectral rho(W_A) | absorption in real data):")
    for m in analysis.models:
        a = m.theorem_a
        closed = "; ".join("{" + ", ".join(c) + "}" for c in a.closed_classes_upstream) or "none"
        rho = "1" if a.spectral_radius_is_one else "<1"
        shown = "" if a.spectral_radius_upstream is None else f" ({a.spectral_radius_upstream:.6g})"
        lines.append(f"  {m.id}: closed classes upstream {closed} | rho = {rho}{shown} | "
                     f"P(real) = {exact_string(a.absorption_real)}")
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
    for note in analysis.notes:
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
    return " + ".join(f"{exact_string(w)}*{_label(rec, u)}" for u, w in form.items())


def _label(rec, unknown) -> str:
    if isinstance(unknown, tuple) and unknown and isinstance(unknown[0], str):
        return f"{unknown[0]}_{','.join(rec.ids[m] for m in unknown[1:])}"
    return str(unknown)
