r"""The recursion behind the results, as a closed system a reader can check.

The error of model ``k`` is a linear form in the second moments ``S_kk``;
the equation of ``S_kk(t+1)`` involves cross moments ``S_jl(t)``, whose own
equations involve others.  :func:`closed_system` follows those
dependencies from the displayed ``E_k`` to the end, so every entry on a
right-hand side has its own equation on the page (``S_CC`` needs ``S_BC``,
which needs ``S_AB`` and ``S_AC``, …).  When that system is longer than
:data:`MAX_EQUATIONS`, :func:`recursion_latex` writes the matrix form
``S(t+1) = W S(t) Wᵀ + D`` with ``W`` and ``D`` spelled out instead.
Coefficients are in canonical form (:mod:`~graphcollapse.presentation.canonical`).

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> from graphcollapse.estimators import recurrence
>>> rec = recurrence(from_matrix([[0, 0], ["1/2", "1/2"]], real=[1, 0], n=[10, 10]))
>>> print(*recursion_latex(rec), sep="\n")
S_{00}(t+1) &= \frac{1}{10}, \nonumber \\
S_{11}(t+1) &= \frac{1}{4} S_{00}(t) + \frac{1}{2} S_{01}(t) + \frac{1}{4} S_{11}(t) + \frac{1}{10}, \nonumber \\
S_{01}(t+1) &= 0, \nonumber \\
S_{kk}(0) &= \frac{1}{10} \ (\text{every } k),\quad S_{kl}(0) = 0 \ (k \ne l),\quad E_{k}(t) = S_{kk}(t). \nonumber
"""

from __future__ import annotations

import sympy

from graphcollapse.presentation.canonical import canonical_form
from graphcollapse.presentation.printing import id_latex, text_escape

__all__ = ["closed_system", "recursion_latex", "entry_latex", "MAX_EQUATIONS"]

#: Longest system of equations written out; longer ones are shown in matrix form.
MAX_EQUATIONS = 30


def closed_system(rec, models=None) -> tuple:
    """``(index, rows, noise, initial, needed)``: the entries the errors of ``models`` depend on, closed.

    ``needed`` lists the entry numbers: first the diagonal entries of the
    models (in model order), then every cross moment they reach.
    """
    index, rows, noise, initial = rec.vech_system(range(rec.K))
    forms = rec.vech_trace(index)
    models = range(rec.K) if models is None else models
    start = [u for k in models for u in forms[k]]
    needed = list(dict.fromkeys(start))
    seen = set(needed)
    position = 0
    while position < len(needed):
        for v in rows[needed[position]]:
            if v not in seen:
                seen.add(v)
                needed.append(v)
        position += 1
    diagonal = [u for u in needed if index.pairs[u][0] == index.pairs[u][1]]
    cross = sorted((u for u in needed if index.pairs[u][0] != index.pairs[u][1]))
    return index, rows, noise, initial, diagonal + cross


def entry_latex(rec, pair, when: str) -> str:
    """``S_{AB}(t)`` for the flattened pair ``(x, y)`` (``S_{AB,12}(t)`` for blocks)."""
    p = rec.p
    (k, a), (l, b) = divmod(pair[0], p), divmod(pair[1], p)
    ids = rec.ids
    first, second = id_latex(ids[k]), id_latex(ids[l])
    sub = f"{first}{second}" if len(first) == len(second) == 1 else f"{first},{second}"
    if p > 1:
        sub += f",{a + 1}{b + 1}"
    return f"S_{{{sub}}}({when})"


def _sum(terms, at=None) -> str:
    """``[(coefficient, what)]`` as ``c_1 x_1 + c_2 x_2 - …`` (``what`` empty for a constant)."""
    out = ""
    for coefficient, what in terms:
        form = canonical_form(coefficient, at)
        if form.sign == 0:
            continue
        magnitude = form if form.sign > 0 else canonical_form(-coefficient, at)
        if not what:
            body = magnitude.latex_factor() if out or form.sign < 0 else magnitude.latex()
        elif magnitude.is_one:
            body = what
        else:
            body = f"{magnitude.latex_factor()} {what}"
        if not out:
            out = body if form.sign > 0 else f"-{body}"
        else:
            out += f" + {body}" if form.sign > 0 else f" - {body}"
    return out or "0"


def recursion_latex(rec, at=None, models=None, *, max_equations: int = MAX_EQUATIONS) -> list[str]:
    """``align`` lines (unnumbered) of the closed recursion, its start and the errors.

    Parameters
    ----------
    rec : Recurrence
        An exact recursion.
    at : mapping, optional
        Interior point at which coefficients are written positive.
    models : sequence of int, optional
        Whose errors are shown (default all).
    """
    if not hasattr(rec, "vech_system"):  # a general moment recursion (distribution fitting, issue 14)
        return moment_recursion_latex(rec, at, models, max_equations=max_equations)
    index, rows, noise, initial, needed = closed_system(rec, models)
    if len(needed) > max_equations:
        return _matrix_form(rec, at, len(needed))
    lines = []
    for u in needed:
        pair = index.pairs[u]
        terms = [(c, entry_latex(rec, index.pairs[v], "t")) for v, c in sorted(rows[u].items())]
        terms.append((noise[u], ""))
        lines.append(rf"{entry_latex(rec, pair, 't+1')} &= {_sum(terms, at)}, \nonumber \\")
    lines.append(_start_and_errors(rec, index, initial, needed) + r" \nonumber")
    return lines


def _unknown_latex(rec, unknown, time: str) -> str:
    """``S_{AB}(t)``, ``v_{A}(t)``: a labelled unknown ``(name, k, l, ...)`` of a general moment recursion."""
    if isinstance(unknown, tuple) and unknown and isinstance(unknown[0], str):
        name = unknown[0] if len(unknown[0]) == 1 else rf"\mathrm{{{text_escape(unknown[0])}}}"
        models = "".join(id_latex(rec.ids[m]) for m in unknown[1:])
        return rf"{name}_{{{models}}}({time})"
    return rf"\mathrm{{{text_escape(str(unknown))}}}({time})"


def moment_recursion_latex(rec, at=None, models=None, *, max_equations: int = MAX_EQUATIONS) -> list[str]:
    """``align`` lines of a general :class:`~graphcollapse.operator.moments.MomentRecursion`: every unknown the
    errors need (closed), its start, and each model's error as a linear form in the unknowns."""
    models = range(rec.K) if models is None else models
    needed = rec.closure_of_models(models)
    if len(needed) > max_equations:
        return [rf"\text{{{len(needed)} unknowns: see graphcollapse analyze --recurrence}} \nonumber"]
    lines = []
    for u in needed:
        terms = [(c, _unknown_latex(rec, v, "t")) for v, c in rec.row(u).items()]
        terms.append((rec.constant(u), ""))
        lines.append(rf"{_unknown_latex(rec, u, 't+1')} &= {_sum(terms, at)}, \nonumber \\")
    starts = ", ".join(rf"{_unknown_latex(rec, u, '0')} = {canonical_form(rec.initial_value(u)).latex()}"
                       for u in needed)
    lines.append(rf"&{starts}, \nonumber \\")
    errors = r",\quad ".join(rf"E_{{{id_latex(rec.ids[k])}}}(t) = "
                             rf"{_sum([(w, _unknown_latex(rec, u, 't')) for u, w in rec.observable(k).items()], at)}"
                             for k in models)
    lines.append(rf"&{errors} \nonumber")
    return lines


def _start_and_errors(rec, index, initial, needed) -> str:
    diagonal = [u for u in needed if index.pairs[u][0] == index.pairs[u][1]]
    values = [initial[u] for u in diagonal]
    if values and all(v == values[0] for v in values):
        start = rf"S_{{kk}}(0) &= {canonical_form(values[0]).latex()} \ (\text{{every }} k)"
    else:
        start = "&" + r",\ ".join(f"{entry_latex(rec, index.pairs[u], '0')} = {canonical_form(initial[u]).latex()}"
                                   for u in diagonal)
    start += r",\quad S_{kl}(0) = 0 \ (k \ne l)"
    forms = rec.vech_trace(index)
    weights = {tuple(sorted(f.values(), key=str)) for f in forms.values()}
    if rec.p == 1 and len(weights) == 1:
        (weight,) = next(iter(weights))
        factor = "" if weight == 1 else canonical_form(weight).latex_factor() + r"\, "
        return start + rf",\quad E_{{k}}(t) = {factor}S_{{kk}}(t)."
    errors = []
    for k, form in forms.items():
        terms = [(w, entry_latex(rec, index.pairs[u], "t")) for u, w in sorted(form.items())]
        errors.append(rf"E_{{{id_latex(rec.ids[k])}}}(t) = {_sum(terms)}")
    return start + r",\quad " + r",\ ".join(errors) + "."


def _matrix_form(rec, at, count: int) -> list[str]:
    """``S(t+1) = W S(t) Wᵀ + D`` with ``W`` and ``D`` written out (small ``K``) or described."""
    if not rec.is_kronecker:
        return [rf"&\text{{(the recursion has {count} equations; graphcollapse analyze --recurrence prints them)}}"
                r" \nonumber"]
    lines = [r"S(t+1) &= (W \otimes M)\, S(t)\, (W \otimes M)^{\top} + D, \nonumber \\" if rec.p > 1 else
             r"S(t+1) &= W S(t) W^{\top} + D, \nonumber \\"]
    K = rec.K
    if K <= 12:
        W = sympy.Matrix(rec.W)
        body = r" \\ ".join(" & ".join(canonical_form(W[i, j], at).latex() for j in range(K)) for i in range(K))
        lines.append(rf"W &= \begin{{pmatrix}} {body} \end{{pmatrix}}, \nonumber \\")
        noise = r",\ ".join(canonical_form(sympy.Matrix(block).trace(), at).latex() for block in rec.noise)
        lines.append(rf"D &= \operatorname{{diag}}({noise}) \text{{ (traces of the blocks)}}, \nonumber \\")
    else:
        lines.append(rf"&\text{{$W$: the ${K} \times {K}$ weight matrix (row $k$: what model $k$ trains on)}}, "
                     r"\nonumber \\")
    lines.append(r"&\text{$S(0)$ block diagonal (independent fits on real data), } E_k(t) = "
                 r"\operatorname{tr}\bigl(T\, S_{kk}(t)\bigr). \nonumber")
    return lines
