"""``graphcollapse threshold GRAPH [--model ID]``: the exact sample-size threshold for stability."""

from __future__ import annotations

import json

from graphcollapse.cli.common import add_common_options, emit, load_graph, output_format
from graphcollapse.cli.outputs import add_standalone_option, check_standalone, standalone

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
    add_standalone_option(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    from graphcollapse.presentation.reports.threshold import ThresholdReport
    from graphcollapse.system import System

    fmt = output_format(args)
    check_standalone(args, fmt)
    system = System(load_graph(args.graph, args.estimator, args.subs))
    report = ThresholdReport(system.threshold(model=args.model), system.graph.name or args.graph)
    if fmt == "json":
        emit(json.dumps(report.to_dict(), indent=1))
    else:
        emit(standalone(report.render(fmt), args))
    return 0
