"""``graphcollapse check GRAPH -R R -T T``: the exact predictions against a Monte Carlo simulation."""

from __future__ import annotations

import json

from graphcollapse.errors import InputError
from graphcollapse.cli.common import (add_common_options, check_generations, check_output_path, check_replications,
                                      emit, load_graph, output_format)
from graphcollapse.cli.outputs import add_standalone_option, check_standalone, standalone

HELP = "check the exact predictions against a Monte Carlo simulation (exit 0: they agree, 1: they do not)"


def add_parser(sub) -> None:
    parser = sub.add_parser("check", help=HELP, description=(
        "Simulate the process (models drawing real and synthetic samples and refitting) and compare, for every "
        "model and generation, the exact E_k(t) with the Monte Carlo mean, and every verdict, growth rate and "
        "limit with what the later half of the run shows. All tests together are corrected with Holm's procedure "
        "at the family-wise level --alpha. Exit status 0 when everything agrees, 1 when something does not."))
    add_common_options(parser)
    parser.add_argument("--replications", "-R", type=int, required=True, metavar="R", help="independent runs")
    parser.add_argument("--generations", "-T", type=int, required=True, metavar="T", help="last generation")
    parser.add_argument("--seed", type=int, help="random seed (the report prints the one used)")
    parser.add_argument("--method", choices=("samples", "sufficient"), default="samples",
                        help="draw every sample (default), or the sufficient statistics directly "
                             "(same distribution, cost independent of n)")
    parser.add_argument("--alpha", type=float, default=0.001, help="family-wise error level (default 0.001)")
    parser.add_argument("--rel-tol", type=float, default=0.0, metavar="TOL",
                        help="relative margin granted to every prediction (e.g. for first-order families)")
    parser.add_argument("--chunk-size", type=int, metavar="N", help="replications held in memory at once")
    parser.add_argument("--all-generations", action="store_true", help="print every generation in the table")
    parser.add_argument("--plot", metavar="FILE", help="write a PNG of theory against simulation (needs matplotlib)")
    parser.add_argument("--force", action="store_true", help="overwrite the --plot file if it exists")
    add_standalone_option(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    from graphcollapse.system import System
    from graphcollapse.crosscheck.check import check_levels, check_testable
    from graphcollapse.simulation.engine.budget import preflight
    from graphcollapse.presentation.reports.check import check_plot, check_text, check_to_dict, require_matplotlib
    from graphcollapse.presentation.progress import progress_bar

    fmt = output_format(args)
    check_standalone(args, fmt)
    # Every option, the output path and the cost of the run are checked before any work.
    check_generations(args.generations)
    check_replications(args.replications)
    if args.seed is not None and args.seed < 0:
        raise InputError(f"--seed must be a non-negative integer, got {args.seed}")
    if args.chunk_size is not None and args.chunk_size < 1:
        raise InputError(f"--chunk-size must be >= 1, got {args.chunk_size}")
    check_levels(args.alpha, args.rel_tol)
    if args.plot:
        require_matplotlib()
        check_output_path(args.plot, force=args.force)
    system = System(load_graph(args.graph, args.estimator, args.subs))
    check_testable(system.graph)
    preflight(system.graph, args.generations, args.replications, args.method)
    reference = system.prediction(args.generations)
    with progress_bar(args.generations + 1, "simulating", unit="generation") as progress:
        result = system.simulate(args.generations, args.replications, seed=args.seed, method=args.method,
                                 chunk_size=args.chunk_size, progress=progress if progress.active else None)
    check = system.check(result, alpha=args.alpha, rel_tol=args.rel_tol, reference=reference)
    if args.plot:
        check_plot(check, args.plot)
    if fmt == "json":
        emit(json.dumps(check_to_dict(check), indent=1))
    else:
        emit(standalone(check_text(check, every=args.all_generations, fmt=fmt), args))
        if args.plot:
            emit(f"figure written to {args.plot}")
    return 0 if check.passed else 1
