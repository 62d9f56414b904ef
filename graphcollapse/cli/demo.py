"""``graphcollapse demo``: the main job on a built-in example."""

from __future__ import annotations

from graphcollapse.cli.common import emit

HELP = "analyse a built-in example graph (start here)"


def add_parser(sub) -> None:
    from graphcollapse.examples import EXAMPLES

    parser = sub.add_parser("demo", help=HELP, description=(
        "Analyse a built-in example and print its report. Built-in examples can also be passed by name "
        "to every command in place of a file, and written out with --write to start your own graph."))
    parser.add_argument("--example", default="demo", choices=sorted(EXAMPLES), help="which example (default: demo)")
    parser.add_argument("--write", metavar="FILE", help="write the example's graph file to FILE and stop")
    parser.set_defaults(run=run)


def run(args) -> int:
    from graphcollapse.system import analyze
    from graphcollapse.examples import load_example
    from graphcollapse.presentation.reports import text_report

    graph = load_example(args.example)
    if args.write:
        graph.save(args.write)
        emit(f"wrote {args.write}")
        return 0
    emit(f"Example {args.example!r}: {graph.name}")
    emit("")
    emit(text_report(analyze(graph)))
    return 0
