"""How results are shown: reports in text, JSON, Markdown and LaTeX (and figures).

The building blocks every command uses to show exact results (see
``docs/presentation.md``), imported lazily so that importing a submodule
(the progress bars, the figures) stays cheap:

* :func:`canonical_form`, :class:`Canonical`: one fraction with integer
  coefficients, factors positive on the valid region;
* :func:`formula`, :class:`Formula`: a value in the formula grammar, in
  LaTeX and as a float, and its JSON fields;
* :func:`condition_text`, :func:`condition_latex`, :func:`read_condition`:
  conditions in the condition grammar, and read back;
* :func:`where`, :class:`Where`: where a result holds (``0 < a \\le 1``);
* :func:`closed_form_terms`, :class:`EigenvalueNames`, :func:`evaluate_entry`:
  closed forms in ``t`` as structured terms;
* :func:`present`: the view of an analysis every report reads;
* :mod:`~graphcollapse.presentation.schema`: the JSON schema and its validator.
"""

from importlib import import_module

__all__ = ["canonical_form", "Canonical", "formula", "Formula", "condition_text", "condition_latex",
           "read_condition", "where", "Where", "closed_form_terms", "EigenvalueNames", "evaluate_entry", "present"]

_WHERE = {"canonical_form": "canonical", "Canonical": "canonical", "formula": "formulas", "Formula": "formulas",
          "condition_text": "conditions", "condition_latex": "conditions", "read_condition": "conditions",
          "where": "validity", "Where": "validity", "closed_form_terms": "decompose", "evaluate_entry": "decompose",
          "EigenvalueNames": "closed_forms", "present": "view"}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
