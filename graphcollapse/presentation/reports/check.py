"""Reports of a :class:`~graphcollapse.crosscheck.check.CrossCheck`: text, JSON, figure.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> from graphcollapse import cross_check, simulate
>>> g = from_matrix([["1/2"]], n=[10])
>>> check = cross_check(g, simulate(g, generations=4, replications=500, seed=2))
>>> check_text(check).splitlines()[-1]
'PASSED: all 7 tests agree (Holm, family-wise level 0.001).'
>>> sorted(check_to_dict(check)["models"]["0"])
['collapses', 'generations', 'growth', 'limit', 'slope']
"""

from __future__ import annotations

import math

import numpy as np

from graphcollapse.presentation.plots.style import require_matplotlib
from graphcollapse.presentation.reports.json_report import float_or_none

__all__ = ["check_text", "check_to_dict", "check_plot", "require_matplotlib", "late_label", "SHOWN_GENERATIONS",
           "SCHEMA_ID"]

#: The ``schema`` field of ``graphcollapse check --json``.
SCHEMA_ID = "graphcollapse/check/2"

#: Runs of up to this many generations print every one; longer runs print this many per model
#: (evenly spaced, plus every generation that disagrees) unless every one is asked for.
SHOWN_GENERATIONS = 16
_Z95 = 1.959963984540054


def _g(value) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.5g}"


def _shown(T: int, failing: set[int], every: bool) -> list[int]:
    if every or T + 1 <= SHOWN_GENERATIONS:
        return list(range(T + 1))
    picks = set(np.linspace(0, T, SHOWN_GENERATIONS).round().astype(int).tolist()) | failing
    return sorted(picks)


def late_label(window) -> str:
    """What the late level is: the mean over the last period, which the limit test uses (``t = T`` for period 1)."""
    first = window.generations - window.period + 1
    return f"simulated at t = {first}" if window.period == 1 else f"mean over t = {first}..{window.generations}"


def check_text(check, every: bool = False, fmt: str = "text") -> str:
    """The report printed by ``graphcollapse check`` in ``text``, ``markdown`` or ``latex``."""
    from graphcollapse.presentation.reports.text import plural

    result, pred = check.result, check.prediction
    g = result.graph
    title = f"graph {g.name!r}: " if g.name else ""
    params = ", ".join(f"{key}={value}" for key, value in g.estimator.items() if key != "family")
    blocks: list = [("heading", f"{title}{plural(g.K, 'model')}, {g.mixing} mixing, estimator "
                                f"{result.family}({params})"),
                    ("text", f"simulation: {plural(result.replications, 'replication')}, generations "
                             f"0..{result.generations}, method {result.method}, seed {result.seed_entropy}"),
                    ("gap",)]
    rows = []
    for model, kinds in check.by_model.items():
        tests = kinds["value"]
        failing = {test.t for test in tests if test.rejected}
        for t in _shown(result.generations, failing, every):
            test = tests[t]
            rows.append([model, str(t), _g(test.predicted), _g(test.estimate), f"{test.stderr:.2g}",
                         f"{test.z:.2f}", "FAIL" if test.rejected else "ok"])
    blocks.append(("text", "E_k(t): exact value against the Monte Carlo mean"))
    blocks.append(("table", ["model", "t", "exact", "simulated", "stderr", "z", "agrees"], rows,
                   "Exact $E_k(t)$ against the Monte Carlo mean"))
    if not (every or result.generations + 1 <= SHOWN_GENERATIONS):
        blocks.append(("text", "(a selection of generations; every one was tested: --all-generations prints them)"))
    blocks.append(("gap",))
    w = check.window
    late = late_label(w)
    blocks.append(("text", f"Asymptotics over t = {w.start}..{w.generations}"
                           + (f" (blocks of {w.period} generations, one period)" if w.period > 1 else "")
                           + f": predicted rate and limit against the fitted slope [95% CI] and the late level "
                             f"({late}: what the limit test compares)"))
    rows = []
    for k, model in enumerate(pred.ids):
        kinds = check.by_model[model]
        growth = kinds["growth"][0] if kinds["growth"] else None
        limit = kinds["limit"][0] if kinds["limit"] else None
        slope, se = check.fitted_slopes[k], check.fitted_slope_stderr[k]
        fitted = f"{slope:.4g} [{slope - _Z95 * se:.4g}, {slope + _Z95 * se:.4g}]" if w.has_slope else "-"
        agrees = all(not t.rejected for t in (growth, limit) if t is not None)
        rate = "oo" if pred.slopes[k] == math.inf else _g(pred.slopes[k])
        level = f"{limit.estimate:.5g} ± {limit.stderr:.2g}" if limit is not None else "-"
        rows.append([model, "yes" if pred.collapses[k] else "no", pred.growth[k], rate, fitted,
                     _g(pred.limits[k]), level, "ok" if agrees else "FAIL"])
    blocks.append(("table", ["model", "collapses", "growth", "rate", "fitted slope", "limit", late, "agrees"], rows,
                   "Predicted rates and limits against the later half of the simulation"))
    blocks.append(("gap",))
    if pred.asymptotic:
        blocks.append(("text", "Note: the predictions are first-order asymptotic (n -> infinity); the simulation is "
                               "the exact finite-sample process, so O(1/n) differences are expected (--rel-tol "
                               "grants a margin)."))
    blocks.append(("text", "Note: growth and limit tests allow for the transient the exact trajectory still shows in "
                           "the window."))
    further = _tested_observables(check)
    if further:
        blocks.append(("text", f"Also tested, at every generation and in the limit: {', '.join(further)}."))
    for line in check.skipped:
        blocks.append(("text", f"Not tested (the replications cannot resolve the Monte Carlo mean): {line}."))
    total, failures = len(check.tests), check.failures
    level = f"(Holm, family-wise level {check.alpha:g})"
    if not failures:
        blocks.append(("text", f"PASSED: all {plural(total, 'test')} agree {level}."))
    else:
        blocks.append(("text", f"FAILED: {len(failures)} of {plural(total, 'test')} disagree {level}:"))
        blocks += [("item", test.label) for test in failures[:20]]
        if len(failures) > 20:
            blocks.append(("item", f"... and {len(failures) - 20} more"))
    return _render(blocks, fmt)


def _render(blocks, fmt: str) -> str:
    """Headings, paragraphs, list items and tables in ``text``, ``markdown`` or ``latex``."""
    from graphcollapse.presentation.reports.tables import latex_text, render_table

    lines: list[str] = []
    for block in blocks:
        kind = block[0]
        if kind == "gap":
            lines.append("")
        elif kind == "table":
            _, header, rows, caption = block
            table = render_table(header, rows, fmt, long=None)
            if fmt == "latex":
                lines += [r"\begin{table}[ht]", r"  \centering", *["  " + x for x in table.splitlines()],
                          rf"  \caption{{{caption}.}}", r"\end{table}"]
            elif fmt == "markdown":
                lines += ["", table, ""]
            else:
                lines.append(table)
        elif fmt == "text":
            lines.append(f"  {block[1]}" if kind == "item" else block[1])
        elif fmt == "markdown":
            text = block[1]
            lines.append(f"**{text}**" if kind == "heading" else f"* {text}" if kind == "item" else text)
            if kind != "item":
                lines.append("")
        else:
            text = latex_text(block[1])
            lines.append(r"\paragraph{" + text + "}" if kind == "heading" else
                         (r"\quad " + text + r" \\" if kind == "item" else text))
    out = "\n".join(lines)
    while "\n\n\n" in out:
        out = out.replace("\n\n\n", "\n\n")
    return out.strip("\n")


def _test_dict(test) -> dict:
    return {"predicted": float_or_none(test.predicted), "estimate": float_or_none(test.estimate),
            "stderr": float_or_none(test.stderr), "allowance": test.allowance, "z": float_or_none(test.z),
            "p_value": test.p_value, "agrees": not test.rejected}


def check_to_dict(check) -> dict:
    """JSON-ready data: ``passed`` and, per model id, ``generations`` of ``{t, predicted, mean, stderr}``."""
    result, pred = check.result, check.prediction
    models = {}
    for k, model in enumerate(pred.ids):
        kinds = check.by_model[model]
        generations = [{"t": test.t, "predicted": float_or_none(test.predicted),
                        "mean": float_or_none(test.estimate), "stderr": float_or_none(test.stderr),
                        "z": float_or_none(test.z), "p_value": test.p_value, "agrees": not test.rejected}
                       for test in kinds["value"]]
        slope = None
        if check.window.has_slope:
            slope = {"predicted": float_or_none(pred.slopes[k]), "fitted": float_or_none(check.fitted_slopes[k]),
                     "stderr": float_or_none(check.fitted_slope_stderr[k]),
                     "ci95": [float_or_none(check.fitted_slopes[k] - _Z95 * check.fitted_slope_stderr[k]),
                              float_or_none(check.fitted_slopes[k] + _Z95 * check.fitted_slope_stderr[k])],
                     "test": _test_dict(kinds["growth"][0]) if kinds["growth"] else None}
        limit = None
        if kinds["limit"]:
            limit = {"predicted": float_or_none(pred.limits[k]), **_test_dict(kinds["limit"][0]),
                     "window": [check.window.generations - check.window.period + 1, check.window.generations]}
        models[model] = {"collapses": bool(pred.collapses[k]), "growth": pred.growth[k], "generations": generations,
                         "slope": slope, "limit": limit}
    return {
        "schema": SCHEMA_ID,
        "passed": check.passed,
        "alpha": check.alpha,
        "correction": "holm",
        "tests": len(check.tests),
        "failures": [test.label for test in check.failures],
        "family": result.family,
        "method": result.method,
        "replications": result.replications,
        "generations": result.generations,
        "seed": result.seed_entropy,
        "rel_tol": check.rel_tol,
        "asymptotic": pred.asymptotic,
        "window": {"start": check.window.start, "period": check.window.period,
                   "late": [check.window.generations - check.window.period + 1, check.window.generations]},
        "models": models,
        **({"observables": _observables_dict(check), "skipped": list(check.skipped)} if check.prediction.observables
           else {}),
    }


def _observables_dict(check) -> dict:
    """Per further observable and model: its value tests and limit test."""
    out = {}
    for name in _tested_observables(check):
        per_model = check.by_observable[name]
        out[name] = {model: {"generations": [{"t": test.t, "predicted": float_or_none(test.predicted),
                                              "mean": float_or_none(test.estimate),
                                              "stderr": float_or_none(test.stderr), "agrees": not test.rejected}
                                             for test in kinds["value"]],
                             "limit": _test_dict(kinds["limit"][0]) if kinds["limit"] else None}
                     for model, kinds in per_model.items()}
    return out


def check_plot(check, path) -> None:
    """Write a figure of theory (lines) against simulation (points, 95% bands), one panel per model.

    Raises
    ------
    MissingExtraError
        If matplotlib is not installed.
    """
    from graphcollapse.presentation.plots import check_figure, save_figure

    save_figure(check_figure(check), path)


def _tested_observables(check) -> list:
    """The further observables (beside the error) that the simulation recorded and the check tested."""
    return [name for name, per_model in check.by_observable.items()
            if name != "error" and any(kinds["value"] for kinds in per_model.values())]
