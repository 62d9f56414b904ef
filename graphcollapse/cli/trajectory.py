"""``graphcollapse trajectory GRAPH --generations T``: exact ``E_k(t)``, t = 0..T."""

from __future__ import annotations

import json

from graphcollapse.errors import InputError
from graphcollapse.cli.common import add_estimator_argument, add_graph_argument, emit

HELP = "exact errors E_k(t) for t = 0..T, and the closed form in t"


def add_parser(sub) -> None:
    parser = sub.add_parser("trajectory", help=HELP, description=(
        "Iterate the exact second-moment recursion and print every model's error for t = 0..T; "
        "with --closed-form also E_k(t) as an expression in t valid for every t >= 0 (small graphs)."))
    add_graph_argument(parser)
    add_estimator_argument(parser)
    parser.add_argument("--generations", "-T", type=int, required=True, metavar="T", help="last generation")
    parser.add_argument("--closed-form", action="store_true", help="also print E_k(t) in closed form")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def run(args) -> int:
    from graphcollapse.estimators import estimator_for
    from graphcollapse.presentation.reports import exact_string
    from graphcollapse.presentation.reports.text import format_table
    from graphcollapse.solvers.trajectory import closed_form, trajectory
    from graphcollapse.cli.common import load_graph

    if args.generations < 0:
        raise InputError(f"--generations must be >= 0, got {args.generations}")
    graph = load_graph(args.graph, args.estimator)
    rec = estimator_for(graph).recurrence()
    values = trajectory(rec, args.generations)
    forms = closed_form(rec) if args.closed_form else None
    ids = graph.ids
    if args.json:
        out = {"generations": args.generations, "estimator": estimator_for(graph).describe(),
               "models": {ids[k]: [exact_string(row[k]) for row in values] for k in range(graph.K)}}
        if forms is not None:
            out["closed_form"] = {ids[k]: exact_string(forms[k]) for k in range(graph.K)}
        if rec.notes:
            out["notes"] = list(rec.notes)
        emit(json.dumps(out, indent=1))
        return 0
    rows = [[str(t)] + [exact_string(v) for v in row] for t, row in enumerate(values)]
    emit(format_table(["t"] + list(ids), rows))
    if forms is not None:
        emit("")
        for k in range(graph.K):
            emit(f"E_{ids[k]}(t) = {exact_string(forms[k])}")
    for note in rec.notes:
        emit(f"Note: {note}")
    return 0
