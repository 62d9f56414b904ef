r"""Reports of graph families: one family's closed forms, their values at one size, the classification table.

Every closed form is printed with its provenance: "derived (method), K ≥ …;
checked exactly at K = …" or, for a guess, "conjectured, verified for K ≤ M"
— in every format, so a guess can never be pasted without its label.
``rename`` writes the size under another name (``--size-symbol N``).

Examples
--------
>>> from graphcollapse.families import family
>>> from graphcollapse.families.classify import analyze_family
>>> result = analyze_family(family("star", real="1/2", n=10, options={"direction": "out"}), check=2)
>>> print(family_report(result, "text").splitlines()[0])
family star(direction=out; real data at hub); real weight 1/2; pooled; n = 10; gaussian_mean(d=1, sigma2=1)
"""

from __future__ import annotations

import sympy

from graphcollapse.families.rules import K, POSITION
from graphcollapse.presentation.reports.tables import latex_text, render_table

__all__ = ["family_report", "size_report", "classification_report", "family_to_dict", "HEADER", "SCHEMA_ID"]

#: The ``schema`` field of ``graphcollapse family FAMILY --format json`` (``family all``: ``family_table``).
SCHEMA_ID = "graphcollapse/family/2"


#: The size at which factors are oriented positive: forms hold for every K from ``valid_from`` on,
#: so a factor is written positive for large K (``2K - 1``, never ``1 - 2K``).
LARGE_SIZE = sympy.Integer(10**6)


def _shown(value, rename=None):
    """A form as a :class:`~graphcollapse.presentation.formulas.Formula`, factors positive for large sizes
    (the value itself where the canonical printer cannot read it: a sum, a floor)."""
    from graphcollapse.presentation.formulas import formula

    if not isinstance(value, sympy.Basic):
        return value
    sizes = {str(K), str(POSITION)} | ({rename} if rename else set())
    try:
        return formula(value, {s: LARGE_SIZE for s in value.free_symbols if s.name in sizes})
    except Exception:  # noqa: BLE001 - shown as SymPy writes it
        return value


def _latex(value, rename=None) -> str:
    """A form in LaTeX: its canonical form (one fraction), or SymPy's spelling where it has none."""
    shown = _shown(value, rename)
    return shown.latex if hasattr(shown, "latex") else sympy.latex(value)


def _spelled(value) -> tuple:
    """``(text, latex)`` of a form: the canonical form where the formula grammar can write it, else SymPy's."""
    if value is None:
        return None, None
    try:
        shown = _shown(value)
        shown = shown if hasattr(shown, "latex") else None
    except Exception:  # noqa: BLE001 - a form the canonical printer cannot read (a sum, a floor): SymPy's spelling
        shown = None
    if shown is None or shown.text is None:
        return str(value), sympy.latex(value)
    return shown.text, shown.latex


def family_to_dict(result) -> dict:
    """The JSON of a family's analysis: :meth:`FamilyResult.to_dict` with ``schema`` and the forms in canonical form.

    Every form's ``expr`` is written in the formula grammar (canonical form) where it can be, with
    ``expr_latex`` beside it (``sum_form_latex`` likewise); the size symbol is ``size_symbol``.
    """
    data = {"schema": SCHEMA_ID, **result.to_dict()}
    for cls, entry in zip(result.classes, data["classes"]):
        for key in ("limit", "slope"):
            form, out = getattr(cls, key), entry.get(key)
            if form is None or out is None:
                continue
            out["expr"], out["expr_latex"] = _spelled(form.expr)
            if form.sum_form is not None:
                out["sum_form_latex"] = sympy.latex(form.sum_form)
    return data

#: Columns of a family's table.
HEADER = ["class", "models", "collapses", "condition", "limit / growth rate", "as K (or i) -> oo", "provenance"]


def _renamed(value, rename):
    if rename is None or not isinstance(value, sympy.Basic):
        return value
    return value.xreplace({K: sympy.Symbol(rename, integer=True, positive=True)})


def _verdict(cls) -> str:
    if cls.collapses is None:
        return "?"
    if cls.collapses:
        return f"yes ({cls.growth})"
    return "no"


def _condition(cls):
    if cls.predicate is None:
        return "never" if not cls.collapses else "always"
    return cls.predicate


def _form_cells(cls, rename):
    form = cls.slope if cls.collapses else cls.limit
    if form is None:
        return [None, None, "-"]
    value = form.expr if form.expr is not None else form.recurrence
    kind = "c = " if cls.collapses else "L = "
    if isinstance(value, sympy.Basic):
        shown = _shown(_renamed(value, rename), rename)
    else:
        shown = value if value is None else f"{kind}{value}"
    asym = form.asymptotic
    at_infinity = None if asym is None else _shown(_renamed(asym.leading if asym.leading is not None else asym.limit,
                                                            rename), rename)
    label = form.label if rename is None else form.label.replace("K ", f"{rename} ").replace("K =", f"{rename} =")
    return [shown, at_infinity, label]


def _heading(result) -> str:
    fam = result.family
    return f"family {fam.describe()}; {fam.rule.describe()}"


def _notes(result, rename) -> list[str]:
    notes = list(dict.fromkeys(result.notes))
    for cls in result.classes:
        for form in (cls.limit, cls.slope):
            if form is None:
                continue
            if form.sum_form is not None:
                notes.append(f"{cls.label}: as a sum over the roots of unity, L = {_renamed(form.sum_form, rename)}")
            if form.asymptotic is not None and form.asymptotic.note:
                notes.append(f"{cls.label}: {form.asymptotic.variable} -> oo {form.asymptotic.note}")
            if form.recurrence is not None:
                notes.append(f"{cls.label}: {form.recurrence} [{form.label}]")
            notes += [f"{cls.label}: {n}" for n in form.notes]
    for e in result.exceptions:
        what = f"collapses, growth rate {e.value}" if e.collapses else f"limit {e.value}"
        notes.append(f"K = {e.size} (below the range of the forms), {e.label}: {what}")
    if result.threshold:
        notes.append(result.threshold)
    size = rename or str(K)
    notes.append(f"{size} is the family size" + ("; i is the distance from the real data"
                                                    if any(c.by_position for c in result.classes) else ""))
    return notes


def _ascii(text, fmt):
    """LaTeX text mode has no ≥ and ≤ by default."""
    return text.replace("≥", ">=").replace("≤", "<=") if fmt == "latex" and isinstance(text, str) else text


def family_report(result, fmt: str = "text", rename: str | None = None) -> str:
    """One family: a row per class (verdict, condition, closed form, ``K → ∞``, provenance) and notes."""
    rows = [[_ascii(c, fmt) for c in [cls.label, cls.members, _verdict(cls), _condition(cls),
                                      *_form_cells(cls, rename)]]
            for cls in result.classes]
    header = [h.replace("as K", f"as {rename or K}") for h in HEADER]
    table = render_table(header, rows, fmt)
    notes = _notes(result, rename)
    if fmt == "latex":
        labels = [f"% {cls.label}: {form.label}" for cls in result.classes
                  for form in (cls.limit, cls.slope) if form is not None]
        lines = [f"% graphcollapse: {_heading(result)}"] + labels + [f"% Note: {n}" for n in notes]
        lines += [table, _latex_forms(result, rename)]
        return "\n".join(lines)
    if fmt == "markdown":
        return "\n".join([f"**{_heading(result)}**", "", table, ""] + [f"* {n}" for n in notes])
    return "\n".join([_heading(result), "", table, ""] + [f"Note: {n}" for n in notes])


def _latex_forms(result, rename) -> str:
    """The closed forms as an ``align*`` block, each tagged with its provenance."""
    lines = [r"\begin{align*}"]
    body = []
    for cls in result.classes:
        form = cls.slope if cls.collapses else cls.limit
        if form is None or form.expr is None:
            continue
        name = latex_text(cls.label).replace(" ", r"\ ")
        arg = f"{rename or 'K'}" + (", i" if cls.by_position else "")
        letter = "c" if cls.collapses else "L"
        tag = latex_text(form.label).replace("≥", r"$\geq$").replace("≤", r"$\leq$")
        body.append(rf"  {letter}_{{\mathrm{{{name}}}}}({arg}) &= {_latex(_renamed(form.expr, rename), rename)}"
                    rf" && \text{{{tag}}}")
    lines.append(" \\\\\n".join(body))
    lines.append(r"\end{align*}")
    return "\n".join(lines) if body else ""


def size_report(result, size: int, fmt: str = "text", *, check=None) -> str:
    """The closed forms at ``K = size`` (position classes: one row per distance ``i``).

    ``check`` maps class labels to whether the value equals the single-graph analysis at that size.
    """
    rows = []
    for cls in result.classes:
        form = cls.slope if cls.collapses else cls.limit
        positions = range(size) if cls.by_position else [None]
        for i in positions:
            label = cls.label if i is None else f"i = {i}"
            value = None if form is None or form.expr is None else form.at(size, i)
            agrees = None if check is None else check.get(label)
            rows.append([label, _verdict(cls), "growth rate" if cls.collapses else "limit", value,
                         "-" if agrees is None else ("yes" if agrees else "NO"),
                         "-" if form is None else form.label])
    header = ["class", "collapses", "quantity", f"value at K = {size}", "= single-graph analysis", "provenance"]
    rows = [[_ascii(c, fmt) for c in row] for row in rows]
    table = render_table(header, rows, fmt)
    heading = f"{_heading(result)}; at K = {size}"
    if fmt == "latex":
        return f"% graphcollapse: {heading}\n{table}"
    if fmt == "markdown":
        return f"**{heading}**\n\n{table}"
    return f"{heading}\n\n{table}"


def classification_report(classification, fmt: str = "text", rename: str | None = None) -> str:
    """The built-in families under one rule: who collapses, the limit and its order in ``K``."""
    rows = []
    for row in classification.rows():
        order = row["order"]
        variable = row["variable"]
        value = _renamed(row["value"], rename)
        rows.append([row["family"], row["class"], "yes" if row["collapses"] else "no",
                     "never" if row["predicate"] is None and not row["collapses"] else row["predicate"],
                     f"{row['quantity']}" + (f" (in {variable})" if variable is not None else ""), value,
                     _renamed(order, rename), _renamed(row["at_infinity"], rename), _ascii(row["provenance"], fmt)])
    size = rename or str(K)
    header = ["family", "class", "collapses", "condition", "quantity", "closed form", f"order ({size} or i)",
              "limit as it grows", "provenance"]
    table = render_table(header, rows, fmt)
    heading = f"graph families under one rule: {classification.rule.describe()}"
    notes = [f"{fam}: {reason}" for fam, reason in classification.failures]
    notes.append(f"{size} is the family size; i is the distance from the real data ({POSITION} = 0 .. {size} - 1)")
    if fmt == "latex":
        guesses = [f"% {row['family']}, {row['class']}: {row['provenance']}" for row in classification.rows()
                   if row["provenance"] not in ("derived", "—")]
        return "\n".join([f"% graphcollapse: {heading}"] + guesses + [f"% Note: {n}" for n in notes] + [table])
    if fmt == "markdown":
        return "\n".join([f"**{heading}**", "", table, ""] + [f"* {n}" for n in notes])
    return "\n".join([heading, "", table, ""] + [f"Note: {n}" for n in notes])
