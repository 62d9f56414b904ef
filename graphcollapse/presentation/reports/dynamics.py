r"""Reports of a process with a schedule, random modes or memory: JSON, text, Markdown, LaTeX.

The existing reports call these when handed a
:class:`~graphcollapse.solvers.dynamics.DynamicAnalysis` (:func:`is_dynamic`).

JSON contract (``graphcollapse analyze --json``): the fields of the static
report that still apply (``graphcollapse``, ``name``, ``mixing``,
``estimator``, ``arithmetic``, ``verdict_method``, ``notes``), the graph file's
own ``schedule``, ``modes``, ``switching`` and ``memory`` fields (phases and
modes written as full graphs), ``dynamics`` (``kind``: ``schedule``, ``iid``,
``markov`` or ``static``; ``description``; ``phases``: the period's phase
names), and per model: ``collapses``, ``growth`` (``vanishing``, ``bounded``,
``log``, ``linear``, ``polynomial``, ``geometric``), ``growth_factor`` (per
period for schedules), ``limit``, ``phase_limits`` and ``phase_slopes``
(``{phase name: value}`` for a schedule's limit cycle), ``slope`` (per
generation), ``rate_exponent`` and ``rate_constant`` (``E ~ C t^(-α)``),
``log_factor``, ``topological_collapses`` (the union rule or Theorem A of the
base graph, where it applies), ``statement``, ``explanation``.  The document
names its kind in ``schema`` (``graphcollapse/dynamics/2``) and validates
against the package's JSON schema; every exact value ``X`` is a formula in
canonical form (the formula grammar; ``pi`` and ``polygamma`` may appear,
read back with :func:`~graphcollapse.presentation.formulas.read_formula`)
with ``X_latex`` and a ``X_float`` twin; ``phase_limits``/``phase_slopes``
come with ``*_latex`` maps.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.system import analyze
>>> g = from_dict({"models": [{"id": "A", "n": 10}], "edges": [{"from": "A", "to": "A", "weight": 1}],
...                "memory": "accumulate"})
>>> report = dynamics_to_dict(analyze(g))
>>> report["schema"], report["memory"], report["models"]["A"]["limit"], report["models"]["A"]["limit_latex"]
('graphcollapse/dynamics/2', 'accumulate', 'pi**2/60', '\\frac{\\pi^{2}}{60}')
>>> print(dynamics_report(analyze(g), "text").splitlines()[2])
model  collapses  growth   limit     rate
"""

from __future__ import annotations

from graphcollapse._version import __version__
from graphcollapse.presentation.formulas import Formula, formula
from graphcollapse.presentation.reports.json_report import exact_string, float_or_none
from graphcollapse.presentation.reports.tables import latex_text, render_table

__all__ = ["is_dynamic", "dynamics_to_dict", "dynamics_report", "SCHEMA_ID"]

#: The ``schema`` field of the document.
SCHEMA_ID = "graphcollapse/dynamics/2"


def is_dynamic(analysis) -> bool:
    """Whether ``analysis`` is the result of a process with dynamics."""
    return getattr(analysis, "dynamics", None) is not None and hasattr(analysis, "phases")


def _exact(value, key: str) -> dict:
    shown = formula(value)
    return {key: None if shown is None else shown.text, f"{key}_latex": None if shown is None else shown.latex,
            f"{key}_float": float_or_none(value)}


def _per_phase(names, values):
    if values is None:
        return None
    return {name: exact_string(v) for name, v in zip(names, values)}


def _per_phase_latex(names, values):
    if values is None:
        return None
    return {name: formula(v).latex for name, v in zip(names, values)}


def dynamics_to_dict(analysis) -> dict:
    """The JSON-ready dictionary of a :class:`~graphcollapse.solvers.dynamics.DynamicAnalysis`."""
    graph = analysis.graph
    dynamics = analysis.dynamics
    models = {}
    for m in analysis.models:
        entry = {"collapses": m.collapses, "growth": m.growth}
        entry.update(_exact(m.growth_factor if m.growth == "geometric" else None, "growth_factor"))
        entry.update(_exact(m.limit, "limit"))
        entry["phase_limits"] = _per_phase(analysis.phases, m.phase_limits)
        entry["phase_limits_latex"] = _per_phase_latex(analysis.phases, m.phase_limits)
        entry.update(_exact(m.slope, "slope"))
        entry["phase_slopes"] = _per_phase(analysis.phases, m.phase_slopes)
        entry["phase_slopes_latex"] = _per_phase_latex(analysis.phases, m.phase_slopes)
        entry.update(_exact(m.rate_exponent, "rate_exponent"))
        entry.update(_exact(m.rate_constant, "rate_constant"))
        entry["log_factor"] = m.log_factor
        entry["topological_collapses"] = m.topological
        entry["statement"] = m.statement
        if m.explanation:
            entry["explanation"] = m.explanation
        models[m.id] = entry
    out = {
        "schema": SCHEMA_ID,
        "graphcollapse": __version__,
        "name": graph.name,
        "mixing": graph.mixing,
        "estimator": analysis.family.describe() if analysis.family is not None else graph.estimator.get("family"),
        "arithmetic": analysis.arithmetic,
        "verdict_method": analysis.method,
        "notes": list(analysis.notes),
        "dynamics": {"kind": dynamics.kind, "description": dynamics.describe(), "phases": list(analysis.phases)},
    }
    out.update(dynamics.to_dict())
    out.setdefault("memory", dynamics.memory.to_dict())
    out["models"] = models
    return out



def _rate(m):
    """The rate cell: the growth factor, ``t^(-α)`` (times ``log t``), or the slope."""
    if m.growth == "geometric":
        return m.growth_factor
    if m.growth == "vanishing" and m.rate_exponent is not None:
        alpha = formula(m.rate_exponent)
        text = f"t**(-({alpha}))" + ("*log(t)" if m.log_factor else "")
        latex = f"t^{{-({alpha.latex})}}" + (r" \log t" if m.log_factor else "")
        return Formula(None, text, latex)
    return m.slope


def _limit(m):
    if m.limit is not None or m.phase_limits is None:
        return m.limit
    shown = [formula(v) for v in m.phase_limits]
    return Formula(None, "cycle: " + ", ".join(str(f) for f in shown),
                   r"\text{cycle: } " + r",\ ".join(f.latex for f in shown))


def dynamics_report(analysis, fmt: str = "text") -> str:
    """``graphcollapse analyze`` for a process with dynamics, in ``text``, ``markdown`` or ``latex``."""
    g = analysis.graph
    family = analysis.family.describe() if analysis.family is not None else g.estimator.get("family")
    head = (f"{'graph ' + repr(g.name) + ': ' if g.name else ''}{g.K} models, {g.mixing} mixing, {family}, "
            f"{analysis.arithmetic} arithmetic")
    lines = [head, f"dynamics: {analysis.dynamics.describe()}"]
    if fmt == "latex":
        lines = [f"% {line}" for line in lines]
    elif fmt == "markdown":
        lines = [f"*{line}*" for line in lines]
    rows = [[m.id, "yes" if m.collapses else "no", m.growth, _limit(m), _rate(m)] for m in analysis.models]
    lines.append(render_table(["model", "collapses", "growth", "limit", "rate"], rows, fmt))
    if analysis.phases and any(m.phase_limits or m.phase_slopes for m in analysis.models):
        header = ["model"] + [f"{name}" for name in analysis.phases]
        per_phase = [[m.id] + list(m.phase_limits if m.phase_limits is not None else
                                   (f"slope {exact_string(s)}" for s in m.phase_slopes or ()) or ["-"])
                     for m in analysis.models]
        lines.append(_line("At the end of each phase of the period (limit, or slope per generation):", fmt))
        lines.append(render_table(header, per_phase, fmt))
    lines.append(_line("Statements:", fmt))
    for m in analysis.models:
        lines.append(_statement(m, fmt))
    topological = [m for m in analysis.models if m.topological is not None]
    if topological:
        rule = "union rule (i.i.d. modes)" if analysis.dynamics.modes is not None else "under replace (Theorem A)"
        shown = ", ".join(f"{m.id}: {'collapses' if m.topological else 'bounded'}" for m in topological)
        lines.append(_line(f"Topological verdict, {rule}: {shown}", fmt))
    for m in analysis.models:
        if m.explanation:
            lines.append(_line(f"{m.id}: {m.explanation}", fmt))
    lines.append(_line(f"Verdicts: {analysis.method}", fmt))
    for note in analysis.notes:
        lines.append(_line(f"Note: {note}", fmt))
    return "\n".join(lines)


def _line(text: str, fmt: str) -> str:
    if fmt == "latex":
        return f"% {text}"
    if fmt == "markdown":
        return f"\n{text}"
    return text


def _statement(m, fmt: str) -> str:
    if fmt != "latex":
        return f"- {m.statement}" if fmt == "markdown" else f"  {m.statement}"
    E = rf"E_{{{latex_text(m.id)}}}(t)"
    if m.growth == "vanishing" and m.rate_exponent is not None:
        constant = "C" if m.rate_constant is None else formula(m.rate_constant).latex
        log = r"\log t" if m.log_factor else ""
        body = rf"{E} \sim {constant}\, t^{{-({formula(m.rate_exponent).latex})}} {log}"
    elif m.growth in ("bounded", "vanishing") and m.limit is not None:
        body = rf"\lim_{{t\to\infty}} {E} = {formula(m.limit).latex}"
    elif m.growth == "linear" and m.slope is not None:
        body = rf"{E} = {formula(m.slope).latex}\, t + O(1)"
    elif m.growth == "log" and m.slope is not None:
        body = rf"{E} = {formula(m.slope).latex}\, \log t + O(1)"
    elif m.growth == "geometric":
        body = rf"{E} \sim C \left({formula(m.growth_factor).latex}\right)^t"
    else:
        return f"% {m.statement}"
    return rf"\[ {body} \]"
