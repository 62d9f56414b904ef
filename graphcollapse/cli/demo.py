"""``graphcollapse demo``: the main job on a built-in example."""

from __future__ import annotations

from graphcollapse.cli.common import add_common_options, check_output_path, emit, output_format
from graphcollapse.cli.outputs import add_standalone_option, check_standalone, standalone

HELP = "analyse a built-in example graph (start here)"


def add_parser(sub) -> None:
    from graphcollapse.examples import EXAMPLES  # a dict of names: cheap to import

    parser = sub.add_parser("demo", help=HELP, description=(
        "Analyse a built-in example and print its report. Built-in examples can also be passed by name "
        "to every command in place of a file, and written out with --write to start your own graph."))
    parser.add_argument("--example", default="demo", choices=sorted(EXAMPLES), help="which example (default: demo)")
    parser.add_argument("--write", metavar="FILE", help="write the example's graph file to FILE and stop")
    parser.add_argument("--force", action="store_true", help="overwrite the --write file if it exists")
    add_common_options(parser, graph=False)
    add_standalone_option(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    import json

    from graphcollapse.examples import load_example
    from graphcollapse.presentation.reports import analysis_to_dict, latex_report, markdown_report, text_report
    from graphcollapse.system import analyze

    fmt = output_format(args)
    check_standalone(args, fmt)
    if args.write:
        check_output_path(args.write, force=args.force)
    graph = load_example(args.example)
    if args.write:
        graph.save(args.write)
        emit(f"wrote {args.write}")
        return 0
    result = analyze(graph)
    if fmt == "json":
        emit(json.dumps(analysis_to_dict(result), indent=1))
        return 0
    if fmt == "text":
        emit(f"Example {args.example!r}: {graph.name}")
        emit("")
    emit(standalone({"text": text_report, "markdown": markdown_report, "latex": latex_report}[fmt](result), args))
    return 0
