"""``graphcollapse analyze GRAPH``: verdicts, limits, growth rates, conditions."""

from __future__ import annotations

import json

from graphcollapse.cli.common import add_common_options, emit, load_graph, output_format
from graphcollapse.cli.outputs import add_standalone_option, check_standalone, standalone

HELP = "verdict, exact limit or growth rate, and collapse condition for every model"


def add_parser(sub) -> None:
    parser = sub.add_parser("analyze", help=HELP, description=(
        "Analyse an interaction graph: for every model, whether its error collapses (Theorem A in its "
        "topological, spectral and Markov forms, and the estimator's exact operator), the exact limit of "
        "its error or its growth rate, and, with symbolic weights, the exact collapse condition."))
    add_common_options(parser)
    # --markdown and --latex predate --format; they stay as shorthands.
    parser.add_argument("--markdown", action="store_true", help="shorthand for --format markdown")
    parser.add_argument("--latex", action="store_true", help="shorthand for --format latex")
    parser.add_argument("--float", action="store_true", help="floating-point limits (large graphs)")
    parser.add_argument("--recurrence", action="store_true",
                        help="also print the recursion: one equation per entry and its matrices (text output)")
    add_standalone_option(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    from graphcollapse.errors import InputError
    from graphcollapse.presentation.reports import analysis_to_dict, latex_report, markdown_report, text_report
    from graphcollapse.presentation.reports.text import recurrence_report
    from graphcollapse.system import analyze

    fmt = output_format(args)
    check_standalone(args, fmt)
    if args.recurrence and fmt != "text":
        raise InputError("--recurrence is part of the text report; drop it or use --format text")
    graph = load_graph(args.graph, args.estimator, args.subs)
    if args.recurrence and not graph.is_exact:
        raise InputError("--recurrence needs an exact graph")
    result = analyze(graph, arithmetic="float" if args.float else None)
    if fmt == "json":
        emit(json.dumps(analysis_to_dict(result), indent=1))
    elif fmt == "markdown":
        emit(markdown_report(result))
    elif fmt == "latex":
        emit(standalone(latex_report(result), args))
    else:
        emit(text_report(result))
        if args.recurrence:
            emit("")
            emit(recurrence_report(result.recurrence))
    return 0
