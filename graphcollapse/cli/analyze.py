"""``graphcollapse analyze GRAPH``: verdicts, limits, growth rates, conditions."""

from __future__ import annotations

import json

from graphcollapse.cli.common import add_estimator_argument, add_graph_argument, emit, load_graph

HELP = "verdict, exact limit or growth rate, and collapse condition for every model"


def add_parser(sub) -> None:
    parser = sub.add_parser("analyze", help=HELP, description=(
        "Analyse an interaction graph: for every model, whether its error collapses (Theorem A in its "
        "topological, spectral and Markov forms, and the family's exact operator), the exact limit of "
        "its error or its growth rate, and, with symbolic weights, the exact collapse condition."))
    add_graph_argument(parser)
    add_estimator_argument(parser)
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print one JSON object (for programs)")
    form.add_argument("--markdown", action="store_true", help="print a Markdown table")
    form.add_argument("--latex", action="store_true", help="print LaTeX fragments to paste into a paper")
    parser.add_argument("--float", action="store_true", help="floating-point limits (large graphs)")
    parser.add_argument("--recurrence", action="store_true",
                        help="also print the recursion: one equation per entry and its matrices (text output)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from graphcollapse.system import analyze
    from graphcollapse.errors import InputError
    from graphcollapse.presentation.reports import latex_report, markdown_report, text_report
    from graphcollapse.presentation.reports.text import recurrence_report

    graph = load_graph(args.graph, args.estimator)
    result = analyze(graph, arithmetic="float" if args.float else None)
    if args.json:
        emit(json.dumps(result.to_dict(), indent=1))
    elif args.markdown:
        emit(markdown_report(result))
    elif args.latex:
        emit(latex_report(result))
    else:
        emit(text_report(result))
        if args.recurrence:
            if not graph.is_exact:
                raise InputError("--recurrence needs an exact graph")
            emit("")
            emit(recurrence_report(result.recurrence))
    return 0
