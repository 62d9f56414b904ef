"""``graphcollapse trajectory GRAPH --generations T``: exact ``E_k(t)``, t = 0..T."""

from __future__ import annotations

import json

from graphcollapse.cli.common import add_common_options, check_generations, emit, load_graph, output_format
from graphcollapse.cli.outputs import add_standalone_option, check_standalone, standalone

HELP = "exact errors E_k(t) for t = 0..T, and the closed form in t"


def add_parser(sub) -> None:
    parser = sub.add_parser("trajectory", help=HELP, description=(
        "Iterate the exact second-moment recursion and print every model's error for t = 0..T; "
        "with --closed-form also E_k(t) as an expression in t valid for every t >= 0 (small graphs)."))
    add_common_options(parser)
    parser.add_argument("--generations", "-T", type=int, required=True, metavar="T", help="last generation")
    parser.add_argument("--closed-form", action="store_true", help="also print E_k(t) in closed form")
    add_standalone_option(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    from graphcollapse.presentation.reports.trajectory import TrajectoryReport
    from graphcollapse.system import System

    check_generations(args.generations)
    fmt = output_format(args)
    check_standalone(args, fmt)
    system = System(load_graph(args.graph, args.estimator, args.subs))
    report = TrajectoryReport.of(system, args.generations, closed_form=args.closed_form)
    if fmt == "json":
        emit(json.dumps(report.to_dict(), indent=1))
    else:
        emit(standalone(report.render(fmt), args))
    return 0
