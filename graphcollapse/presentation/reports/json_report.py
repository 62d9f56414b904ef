"""The JSON contract of ``graphcollapse analyze --json``: schema ``graphcollapse/analysis/2``.

The document validates against ``graphcollapse/presentation/schema/graphcollapse.schema.json``
(see :mod:`graphcollapse.presentation.schema`).  Every quantity has one type:

* ``collapses`` is always a boolean: the verdict where no symbolic weight
  vanishes (for a numeric graph, the verdict); ``collapse_condition`` is the
  exact condition in the condition grammar (``"a == 0"``), or ``null``
  without symbols;
* every formula field ``X`` is a string in the formula grammar (or
  ``null``), with ``X_latex`` beside it (and ``X_float`` for numbers); it
  reads back exactly with :func:`graphcollapse.numbers.parse.parse_expression`
  and the declared ``symbols``, nothing else;
* ``limit`` is the limit where no symbolic weight vanishes; ``limit_pieces``
  lists every formula the limit takes, each with ``where`` it holds
  (``{"text", "latex", "empty"}``, the text in the condition grammar);
* ``region`` states the valid region of the symbols, ``interior_point`` the
  exact point at which every factor is written positive.
* ``observables`` (estimators with further observables: a Gaussian fit's
  ``variance``, a categorical fit's ``diversity``): per name its ``limit``
  and convergence ``rate`` as formula fields, its ``growth`` and whether it
  ``vanishes`` (collapse of a variance or a diversity);
* a process with a schedule, random modes or memory has its own document,
  ``graphcollapse/dynamics/2``
  (:func:`~graphcollapse.presentation.reports.dynamics.dynamics_to_dict`).

Examples
--------
>>> from graphcollapse.examples import load_example
>>> from graphcollapse.system import analyze
>>> data = analysis_to_dict(analyze(load_example("self_loop")))
>>> data["schema"], data["symbols"], data["region"]["text"]
('graphcollapse/analysis/2', ['a', 'n'], '0 <= a <= 1 and n > 0')
>>> model = data["models"]["A"]
>>> model["collapses"], model["collapse_condition"], model["limit"], model["limit_where"]["text"]
(False, 'a == 0', '1/(a*n*(2 - a))', '0 < a <= 1 and n > 0')
"""

from __future__ import annotations

from typing import Any

import sympy

from graphcollapse._version import __version__
from graphcollapse.presentation.formulas import float_of, formula

__all__ = ["analysis_to_dict", "exact_string", "float_or_none", "where_entry", "formula_fields", "observable_fields",
           "SCHEMA_ID"]

#: The ``schema`` field of the document (its version changes when a field changes meaning).
SCHEMA_ID = "graphcollapse/analysis/2"


def exact_string(value: Any) -> str | None:
    """An exact value in the formula grammar, in canonical form (``None`` stays ``None``).

    Examples
    --------
    >>> exact_string(sympy.Rational(1, 3)), exact_string(None)
    ('1/3', None)
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    shown = formula(value)
    return shown.text if shown.text is not None else str(shown)


def float_or_none(value: Any) -> float | None:
    """A float for a finite numeric value; ``None`` for symbols, infinities, ``None``.

    Examples
    --------
    >>> float_or_none(sympy.Rational(1, 4)), float_or_none(sympy.oo)
    (0.25, None)
    """
    return float_of(value)


def where_entry(where) -> dict | None:
    """``{"text", "latex", "empty"}`` of a :class:`~graphcollapse.presentation.validity.Where` (``None`` stays)."""
    if where is None:
        return None
    return {"text": where.text(), "latex": where.latex(), "empty": where.empty}


def formula_fields(key: str, value, *, with_float: bool = False) -> dict:
    """The JSON fields of a :class:`~graphcollapse.presentation.formulas.Formula` (or ``None``) under ``key``."""
    if value is None:
        out: dict = {key: None, f"{key}_latex": None}
        if with_float:
            out[f"{key}_float"] = None
        return out
    return value.entry(key, with_float=with_float)


def observable_fields(observable: dict, at) -> dict:
    """The JSON of one further observable of a model (``limit``, ``growth``, ``rate``, ``vanishes``)."""
    return {**formula_fields("limit", formula(observable["limit"], at), with_float=True), "growth": observable["growth"],
            **formula_fields("rate", formula(observable["rate"], at), with_float=True),
            "vanishes": bool(observable["vanishes"])}


def analysis_to_dict(analysis, view=None) -> dict:
    """The full JSON-ready dictionary of an analysis (``view``: its :func:`~graphcollapse.presentation.view.present`)."""
    from graphcollapse.presentation.view import present

    from graphcollapse.presentation.reports.dynamics import dynamics_to_dict, is_dynamic

    if is_dynamic(analysis):  # dynamics (issue 13)
        return dynamics_to_dict(analysis)
    view = present(analysis) if view is None else view
    graph = analysis.graph
    top = analysis.topology
    ids = graph.ids
    components = [{"members": [ids[i] for i in members], "closed": bool(top.closed[c]), "period": top.periods[c],
                   "real_data": bool(top.real_data[c])} for c, members in enumerate(top.components)]
    models = {}
    for m in view.models:
        r = m.result
        a = r.theorem_a
        entry: dict = {
            "collapses": bool(m.collapses),
            "collapse_condition": m.condition_text,
            "collapse_condition_latex": m.condition_latex,
            "topological_collapses": bool(r.topological_collapses),
            "closed_classes_upstream": [list(c) for c in a.closed_classes_upstream],
            **formula_fields("absorption_real", m.absorption_real),
            "spectral_radius_upstream": float_of(a.spectral_radius_upstream),
            "growth": r.growth,
            **formula_fields("limit", m.limit, with_float=True),
            "limit_where": where_entry(m.limit_where),
            "limit_pieces": [{**formula_fields("limit", f), "where": where_entry(w)} for f, w in m.pieces],
            **formula_fields("slope", m.slope, with_float=True),
            "slope_where": where_entry(m.slope_where),
            **formula_fields("growth_factor", m.growth_factor, with_float=True),
            **formula_fields("growth_constant", m.growth_constant),
            "statement": "; ".join(m.statement(kind, value, False) + ("" if w is None else f" for {w}")
                                   for kind, value, w in m.cases),
        }
        if r.explanation:
            entry["explanation"] = r.explanation
        if r.observables:
            entry["observables"] = {name: observable_fields(o, view.at) for name, o in r.observables.items()}
        models[m.id] = entry
    return {
        "schema": SCHEMA_ID,
        "graphcollapse": __version__,
        "name": graph.name,
        "mixing": graph.mixing,
        "estimator": analysis.family.describe(),
        "arithmetic": analysis.arithmetic,
        "verdict_method": analysis.stability.method,
        "symbols": [s.name for s in view.symbols],
        "region": where_entry(view.region),
        "interior_point": {s.name: exact_string(v) for s, v in sorted(view.at.items(), key=lambda sv: sv[0].name)}
        or None,
        "notes": list(analysis.notes),
        "components": components,
        "models": models,
    }
