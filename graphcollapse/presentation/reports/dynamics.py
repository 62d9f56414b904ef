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
base graph, where it applies), ``statement``, ``explanation``.  As in the
static report, ``symbols`` lists the declared symbols the process uses,
``region`` states their valid region (phases, modes and mode probabilities
included; ``null`` without symbolic weights), ``interior_point`` the exact
point at which every factor is written positive, and ``holds_for`` where the
results hold: the valid region where no symbolic weight or probability of the
process vanishes (the verdicts are derived there).  The document
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

With symbols, every format states the valid region and where the results hold:

>>> s = from_dict({"symbols": ["a"], "models": [{"id": "A", "n": 10, "real": 1}, {"id": "B", "n": 10, "real": 1}],
...                "schedule": {"period": [{"name": "odd", "models": [{"id": "A", "real": "a"}],
...                                         "edges": [{"from": "B", "to": "A", "weight": "1 - a"}]},
...                                        {"name": "even"}]}})
>>> report = dynamics_to_dict(analyze(s))
>>> report["symbols"], report["region"]["text"], report["holds_for"]["text"], report["interior_point"]
(['a'], '0 <= a <= 1', '0 < a < 1', {'a': '1/2'})
>>> print(dynamics_report(analyze(s), "text").splitlines()[2])
Valid region of the symbols: 0 <= a <= 1
"""

from __future__ import annotations

from graphcollapse._version import __version__
from graphcollapse.presentation.formulas import Formula
from graphcollapse.presentation.printing import id_latex
from graphcollapse.presentation.reports.json_report import exact_string, float_or_none, where_entry
from graphcollapse.presentation.reports.tables import render_table
from graphcollapse.presentation.reports.text import plural

__all__ = ["is_dynamic", "dynamics_to_dict", "dynamics_report", "SCHEMA_ID"]

#: The ``schema`` field of the document.
SCHEMA_ID = "graphcollapse/dynamics/2"

#: Why the results hold where they do (said beside the set in every format).
HOLDS_WHY = "where no symbolic weight or probability vanishes"


def is_dynamic(analysis) -> bool:
    """Whether ``analysis`` is the result of a process with dynamics."""
    return getattr(analysis, "dynamics", None) is not None and hasattr(analysis, "phases")


def _view(analysis):
    from graphcollapse.presentation.view import present

    return present(analysis)


def _exact(view, value, key: str) -> dict:
    shown = view.formula(value)
    return {key: None if shown is None else shown.text, f"{key}_latex": None if shown is None else shown.latex,
            f"{key}_float": float_or_none(value)}


def _spell(view, value) -> str | None:
    """A value in the formula grammar, oriented at the view's point (``None`` stays ``None``)."""
    if value is None:
        return None
    return str(view.formula(value))


def _per_phase(view, names, values):
    if values is None:
        return None
    return {name: _spell(view, v) for name, v in zip(names, values)}


def _per_phase_latex(view, names, values):
    if values is None:
        return None
    return {name: view.formula(v).latex for name, v in zip(names, values)}


def _statement_text(m, view) -> str:
    """The statement in canonical form, with where it holds when there are symbols."""
    text = m.describe(lambda v: _spell(view, v))
    return text if view.holds is None else f"{text} for {view.holds.text()}"


def dynamics_to_dict(analysis) -> dict:
    """The JSON-ready dictionary of a :class:`~graphcollapse.solvers.dynamics.DynamicAnalysis`."""
    view = _view(analysis)
    graph = analysis.graph
    dynamics = analysis.dynamics
    models = {}
    for m in analysis.models:
        entry = {"collapses": m.collapses, "growth": m.growth}
        entry.update(_exact(view, m.growth_factor if m.growth == "geometric" else None, "growth_factor"))
        entry.update(_exact(view, m.limit, "limit"))
        entry["phase_limits"] = _per_phase(view, analysis.phases, m.phase_limits)
        entry["phase_limits_latex"] = _per_phase_latex(view, analysis.phases, m.phase_limits)
        entry.update(_exact(view, m.slope, "slope"))
        entry["phase_slopes"] = _per_phase(view, analysis.phases, m.phase_slopes)
        entry["phase_slopes_latex"] = _per_phase_latex(view, analysis.phases, m.phase_slopes)
        entry.update(_exact(view, m.rate_exponent, "rate_exponent"))
        entry.update(_exact(view, m.rate_constant, "rate_constant"))
        entry["log_factor"] = m.log_factor
        entry["topological_collapses"] = m.topological
        entry["statement"] = _statement_text(m, view)
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
        "symbols": [s.name for s in view.symbols],
        "region": where_entry(view.region),
        "interior_point": {s.name: exact_string(v) for s, v in sorted(view.at.items(), key=lambda sv: sv[0].name)}
        or None,
        "holds_for": where_entry(view.holds),
        "notes": list(analysis.notes),
        "dynamics": {"kind": dynamics.kind, "description": dynamics.describe(), "phases": list(analysis.phases)},
    }
    out.update(dynamics.to_dict())
    out.setdefault("memory", dynamics.memory.to_dict())
    out["models"] = models
    return out


def _rate(m, view):
    """The rate cell: the growth factor, ``t^(-α)`` (times ``log t``), or the slope."""
    if m.growth == "geometric":
        return view.formula(m.growth_factor)
    if m.growth == "vanishing" and m.rate_exponent is not None:
        alpha = view.formula(m.rate_exponent)
        text = f"t**(-({alpha}))" + ("*log(t)" if m.log_factor else "")
        latex = f"t^{{-({alpha.latex})}}" + (r" \log t" if m.log_factor else "")
        return Formula(None, text, latex)
    return view.formula(m.slope)


def _limit(m, view):
    if m.limit is not None or m.phase_limits is None:
        return view.formula(m.limit)
    shown = [view.formula(v) for v in m.phase_limits]
    return Formula(None, "cycle: " + ", ".join(str(f) for f in shown),
                   r"\text{cycle: } " + r",\ ".join(f.latex for f in shown))


def _region_lines(view, fmt: str) -> list[str]:
    """The valid region and where the results hold, as the static reports state them."""
    if view.region is None:
        return []
    if fmt == "text":
        return [f"Valid region of the symbols: {view.region.text()}",
                f"The results below hold for {view.holds.text()} ({HOLDS_WHY})"]
    if fmt == "markdown":
        return [f"Valid region of the symbols: ${view.region.latex()}$; the results below hold for "
                f"${view.holds.latex()}$ ({HOLDS_WHY}).", ""]
    return [rf"Valid region of the symbols: ${view.region.latex()}$; every factor below is positive on its "
            rf"interior, and the results hold for ${view.holds.latex()}$ ({HOLDS_WHY}).", ""]


def dynamics_report(analysis, fmt: str = "text") -> str:
    """``graphcollapse analyze`` for a process with dynamics, in ``text``, ``markdown`` or ``latex``."""
    view = _view(analysis)
    g = analysis.graph
    family = analysis.family.describe() if analysis.family is not None else g.estimator.get("family")
    head = (f"{'graph ' + repr(g.name) + ': ' if g.name else ''}{plural(g.K, 'model')}, {g.mixing} mixing, {family}, "
            f"{analysis.arithmetic} arithmetic")
    lines = [head, f"dynamics: {analysis.dynamics.describe()}"]
    if fmt == "latex":
        lines = [f"% {line}" for line in lines]
    elif fmt == "markdown":
        lines = [f"*{line}*" for line in lines] + [""]
    lines += _region_lines(view, fmt)
    rows = [[m.id, "yes" if m.collapses else "no", m.growth, _limit(m, view), _rate(m, view)]
            for m in analysis.models]
    lines.append(render_table(["model", "collapses", "growth", "limit", "rate"], rows, fmt))
    if analysis.phases and any(m.phase_limits or m.phase_slopes for m in analysis.models):
        header = ["model"] + [f"{name}" for name in analysis.phases]
        per_phase = [[m.id] + ([view.formula(v) for v in m.phase_limits] if m.phase_limits is not None else
                               [f"slope {_spell(view, s)}" for s in m.phase_slopes or ()] or ["-"])
                     for m in analysis.models]
        lines.append(_line("At the end of each phase of the period (limit, or slope per generation):", fmt))
        lines.append(render_table(header, per_phase, fmt))
    lines.append(_line("Statements:", fmt))
    for m in analysis.models:
        lines.append(_statement(m, view, fmt))
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


def _factor(value) -> str:
    """A formula's LaTeX as a factor (in parentheses unless it is a plain number or one fraction)."""
    body = value.latex
    plain = value.text is not None and not any(op in value.text.lstrip("-") for op in "+-") and \
        not value.text.startswith("-")
    return body if plain or body.startswith(r"\frac") else rf"\left({body}\right)"


def _relation_latex(m, view) -> str | None:
    """What follows ``E_k(t)`` in the LaTeX statement (``\\to L``, ``\\sim C t^{-α}``, ...), or ``None``."""
    f = view.formula
    if m.growth == "vanishing" and m.rate_exponent is not None:
        constant = "C" if m.rate_constant is None else _factor(f(m.rate_constant))
        log = r" \log t" if m.log_factor else ""
        return rf"\sim {constant}\, t^{{-({f(m.rate_exponent).latex})}}{log}"
    if m.growth == "vanishing":
        return r"\to 0"
    if m.growth == "bounded":
        if m.phase_limits is not None and m.limit is None:
            cycle = r",\ ".join(f(v).latex for v in m.phase_limits)
            return rf"\to \text{{the cycle }} \left({cycle}\right) \text{{, one limit per phase}}"
        return None if m.limit is None else rf"\to {f(m.limit).latex}"
    if m.growth in ("linear", "log") and m.slope is not None:
        scale = "t" if m.growth == "linear" else r"\log t"
        slopes = m.phase_slopes
        if slopes is not None and any(s != slopes[0] for s in slopes):
            shown = r",\ ".join(f(s).latex for s in slopes)
            return (rf"= c_i\, {scale} + O(1) \text{{ at phase $i$ of the period, }} "
                    rf"c = \left({shown}\right)")
        return rf"= {_factor(f(m.slope))}\, {scale} + O(1)"
    if m.growth == "geometric" and m.growth_factor is not None:
        return rf"\sim C\, {_factor(f(m.growth_factor))}^{{t}}"
    if m.growth == "polynomial":
        return r"\text{ grows polynomially (Jordan block at spectral radius 1)}"
    return None


def _statement(m, view, fmt: str) -> str:
    if fmt != "latex":
        text = _statement_text(m, view)
        return f"- {text}" if fmt == "markdown" else f"  {text}"
    E = rf"E_{{{id_latex(m.id)}}}(t)"
    relation = _relation_latex(m, view)
    if relation is None:
        return f"% {m.describe(lambda v: _spell(view, v))}"
    if view.holds is not None:  # where it holds, as the static report's cases
        return (rf"\[ {E} \begin{{cases}}" + "\n" + rf"  {relation} & \text{{for }} {view.holds.latex()}"
                + "\n" + r"\end{cases} \]")
    if relation.startswith(r"\to ") and m.limit is not None:
        return rf"\[ \lim_{{t\to\infty}} {E} = {view.formula(m.limit).latex} \]"
    return rf"\[ {E} {relation} \]"
