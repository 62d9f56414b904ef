"""``graphcollapse threshold GRAPH [--model ID]``: the exact sample-size threshold for stability."""

from __future__ import annotations

import json

from graphcollapse.cli.common import add_common_options, emit, load_graph, output_format

HELP = "exact sample-size scale from which every model's error stays bounded (finite-sample OLS)"


def add_parser(sub) -> None:
    parser = sub.add_parser("threshold", help=HELP, description=(
        "Scale the sample counts by a factor lambda (all of them, or one model's with --model) and find exactly "
        "where the finite-sample recursion becomes stable: the critical lambda as an algebraic number, the "
        "smallest integer scale, and the stable and unstable intervals. Meaningful for estimators whose operator "
        "depends on the sample sizes (pooled linear_regression); Fisher-consistent estimators are stable for "
        "every scale unless a closed class lies upstream."))
    add_common_options(parser)
    parser.add_argument("--model", metavar="ID", help="scale only this model's counts (n, n_real, incoming edges)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from graphcollapse.presentation.reports import exact_string
    from graphcollapse.presentation.reports.tables import render_table
    from graphcollapse.system import System

    fmt = output_format(args)
    system = System(load_graph(args.graph, args.estimator, args.subs))
    graph = system.graph
    result = system.threshold(model=args.model)
    if fmt == "json":
        emit(json.dumps({
            "scope": result.scope,
            "never_stable": result.never_stable,
            "critical": None if result.critical is None else exact_string(result.critical),
            "critical_float": result.critical_float,
            "stable_from_integer": result.stable_from_integer,
            "minimum_scale": exact_string(result.minimum_scale),
            "intervals": [{"from": exact_string(lo), "to": exact_string(hi), "stable": ok}
                          for lo, hi, ok in result.intervals],
            "counts": {k: None if v is None else exact_string(v) for k, v in result.counts.items()},
        }, indent=1))
        return 0
    heading = f"graph {graph.name or args.graph}: scaling {result.scope} by lambda"
    comment = "% " if fmt == "latex" else ""
    emit(f"{comment}{heading}")
    emit(f"{comment}{result.statement()}")
    if result.intervals:
        rows = [[lo, hi, "stable" if ok else "unstable"] for lo, hi, ok in result.intervals]
        emit(render_table(["lambda from", "lambda to", "verdict"], rows, fmt))
    if result.critical is not None and result.counts:
        totals = ", ".join(f"{k}: n = {v} * lambda" for k, v in result.counts.items() if v is not None)
        emit(f"{comment}counts at lambda = 1: {totals}")
    return 0
