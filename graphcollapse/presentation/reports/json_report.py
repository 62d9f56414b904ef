"""The JSON contract of ``graphcollapse analyze --json``.

Exact values are strings in SymPy syntax; floats are JSON numbers or null.
Per model: ``collapses`` (bool, or a SymPy predicate string when the answer
depends on symbols), ``closed_classes_upstream``, ``absorption_real``,
``spectral_radius_upstream``, ``limit``, ``limit_float``, ``slope``,
``slope_float``, ``growth``, ``growth_factor``, ``statement`` and, where the
exact and topological verdicts differ, ``explanation``; for estimators with
further observables (a Gaussian fit's ``variance``, a categorical fit's
``diversity``), ``observables``: per name its ``limit``, ``limit_float``,
``growth``, convergence ``rate`` and whether it ``vanishes`` (collapse of a
variance or a diversity).

Examples
--------
>>> exact_string(sympy.Rational(1, 3)), float_or_none(sympy.Rational(1, 4))
('1/3', 0.25)
>>> exact_string(None), float_or_none(sympy.oo)
(None, None)
"""

from __future__ import annotations

import math
from typing import Any

import sympy

from graphcollapse._version import __version__

__all__ = ["analysis_to_dict", "exact_string", "float_or_none"]


def exact_string(value: Any) -> str | None:
    """A SymPy-syntax string for an exact value (``None`` stays ``None``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(value)
    return sympy.sstr(value)


def float_or_none(value: Any) -> float | None:
    """A float for a numeric value; ``None`` for symbols, infinities, ``None``."""
    if value is None:
        return None
    try:
        if isinstance(value, sympy.Basic):
            if value.free_symbols or isinstance(value, sympy.Piecewise):
                return None
            result = float(sympy.N(value, 30))
        else:
            result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def analysis_to_dict(analysis) -> dict:
    """The full JSON-ready dictionary of an analysis."""
    from graphcollapse.presentation.reports.dynamics import dynamics_to_dict, is_dynamic

    if is_dynamic(analysis):  # dynamics (issue 13)
        return dynamics_to_dict(analysis)
    graph = analysis.graph
    top = analysis.topology
    ids = graph.ids
    components = []
    for c, members in enumerate(top.components):
        components.append({
            "members": [ids[i] for i in members],
            "closed": bool(top.closed[c]),
            "period": top.periods[c],
            "real_data": bool(top.real_data[c]),
        })
    models = {}
    for m in analysis.models:
        a = m.theorem_a
        collapses: Any = m.collapses
        if m.predicate is not None and m.predicate not in (sympy.true, sympy.false):
            collapses = exact_string(m.predicate)
        elif m.predicate is not None:
            collapses = bool(m.predicate)
        entry = {
            "collapses": collapses,
            "closed_classes_upstream": [list(c) for c in a.closed_classes_upstream],
            "absorption_real": exact_string(a.absorption_real),
            "spectral_radius_upstream": a.spectral_radius_upstream,
            "topological_collapses": m.topological_collapses,
            "limit": exact_string(m.limit),
            "limit_float": float_or_none(m.limit),
            "slope": exact_string(m.slope),
            "slope_float": float_or_none(m.slope),
            "growth": m.growth,
            "growth_factor": exact_string(m.growth_factor) if m.growth == "geometric" else None,
            "growth_constant": exact_string(m.growth_constant) if m.growth_constant is not None else None,
            "statement": m.statement,
        }
        if m.explanation:
            entry["explanation"] = m.explanation
        if m.observables:
            entry["observables"] = {name: {"limit": exact_string(o["limit"]), "limit_float": float_or_none(o["limit"]),
                                           "growth": o["growth"], "rate": exact_string(o["rate"]),
                                           "vanishes": bool(o["vanishes"])}
                                    for name, o in m.observables.items()}
        models[m.id] = entry
    return {
        "graphcollapse": __version__,
        "name": graph.name,
        "mixing": graph.mixing,
        "estimator": analysis.family.describe(),
        "arithmetic": analysis.arithmetic,
        "verdict_method": analysis.stability.method,
        "notes": list(analysis.notes),
        "components": components,
        "models": models,
    }
