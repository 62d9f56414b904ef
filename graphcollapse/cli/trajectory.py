"""``graphcollapse trajectory GRAPH --generations T``: exact ``E_k(t)``, t = 0..T."""

from __future__ import annotations

import json

from graphcollapse.cli.common import add_common_options, check_generations, emit, load_graph, output_format

HELP = "exact errors E_k(t) for t = 0..T, and the closed form in t"


def add_parser(sub) -> None:
    parser = sub.add_parser("trajectory", help=HELP, description=(
        "Iterate the exact second-moment recursion and print every model's error for t = 0..T; "
        "with --closed-form also E_k(t) as an expression in t valid for every t >= 0 (small graphs)."))
    add_common_options(parser)
    parser.add_argument("--generations", "-T", type=int, required=True, metavar="T", help="last generation")
    parser.add_argument("--closed-form", action="store_true", help="also print E_k(t) in closed form")
    parser.set_defaults(run=run)


def run(args) -> int:
    import sympy

    from graphcollapse.presentation.reports import exact_string
    from graphcollapse.presentation.reports.tables import latex_text, stream_table
    from graphcollapse.system import System

    check_generations(args.generations)
    fmt = output_format(args)
    system = System(load_graph(args.graph, args.estimator, args.subs))
    graph, rec = system.graph, system.recurrence
    forms = system.closed_form() if args.closed_form else None
    # Rows stream (a long run never sits in memory); the bounds are checked before the first row.
    values = system.iter_trajectory(args.generations)
    ids = graph.ids
    if fmt == "json":
        values = tuple(values)
        out = {"generations": args.generations, "estimator": system.estimator.describe(),
               "models": {ids[k]: [exact_string(row[k]) for row in values] for k in range(graph.K)}}
        if forms is not None:
            out["closed_form"] = {ids[k]: exact_string(forms[k]) for k in range(graph.K)}
        if rec.notes:
            out["notes"] = list(rec.notes)
        emit(json.dumps(out, indent=1))
        return 0
    for line in stream_table(["t"] + list(ids), ([t, *row] for t, row in enumerate(values)), fmt):
        emit(line)
    if forms is not None:
        emit("")
        if fmt == "latex":
            emit(r"\begin{align*}")
            emit(" \\\\\n".join(rf"  E_{{{latex_text(ids[k])}}}(t) &= {sympy.latex(forms[k])}" for k in range(graph.K)))
            emit(r"\end{align*}")
        else:
            for k in range(graph.K):
                line = f"E_{ids[k]}(t) = {exact_string(forms[k])}"
                emit(f"- ${sympy.latex(forms[k])}$ for $E_{{{ids[k]}}}(t)$" if fmt == "markdown" else line)
    for note in rec.notes:
        emit(f"% Note: {note}" if fmt == "latex" else f"Note: {note}")
    return 0
