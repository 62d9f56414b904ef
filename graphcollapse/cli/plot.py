"""``graphcollapse plot GRAPH --kind graph|trajectory|phase|limits [--out FILE]``: figures (matplotlib)."""

from __future__ import annotations

from pathlib import Path

from graphcollapse.cli.common import add_estimator_argument, add_graph_argument, check_output_path, emit, parse_subs
from graphcollapse.errors import InputError

HELP = "draw the graph, E_k(t) against the simulation, the phase diagram, or the limits (needs matplotlib)"

#: Options that only some kinds take (dest -> kinds).
_ONLY_FOR = {"generations": ("trajectory",), "replications": ("trajectory",), "seed": ("trajectory",),
             "method": ("trajectory",), "log": ("trajectory",), "models": ("trajectory", "phase"),
             "resolution": ("phase",), "condensed": ("graph",)}


def add_parser(sub) -> None:
    parser = sub.add_parser("plot", help=HELP, description=(
        "Write a figure: 'graph' (the interaction graph: collapsing models marked, closed classes shaded, "
        "real-data inflow and weights drawn; the condensation beyond 50 models), 'trajectory' (exact E_k(t), "
        "with --replications the simulation mean and 95%% band, and the limit or the asymptote c_k t), "
        "'phase' (over one or two symbolic weights: where each model collapses, from the exact predicate, and "
        "its limit elsewhere), 'limits' (limits and growth rates per model, grouped by strong component). "
        "PNG, PDF or SVG by the suffix of --out. Needs pip install 'graphcollapse[plot]'."))
    add_graph_argument(parser)
    parser.add_argument("--kind", choices=("graph", "trajectory", "phase", "limits"), default="graph",
                        help="which figure (default: graph)")
    parser.add_argument("--out", "-o", metavar="FILE",
                        help="output file, .png, .pdf or .svg (default: GRAPH-KIND.png in this directory)")
    add_estimator_argument(parser)
    parser.add_argument("--subs", "--set", dest="values", action="append", default=[], metavar="NAME=VALUE",
                        help="give a symbol a value, e.g. --subs a=1/2 (repeatable, or a=1/2,b=1/3); the phase "
                             "plot keeps the weights' symbols free and fixes the others at 1 unless given")
    parser.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    parser.add_argument("--model", dest="models", action="append", metavar="ID",
                        help="draw this model (repeatable; trajectory and phase; default: all, at most 12)")
    parser.add_argument("--generations", "-T", type=int, metavar="T", help="last generation (trajectory; default 30)")
    parser.add_argument("--replications", "-R", type=int, metavar="R",
                        help="also simulate R replications and draw their mean and 95%% band (trajectory)")
    parser.add_argument("--seed", type=int, help="random seed of the simulation (trajectory)")
    parser.add_argument("--method", choices=("samples", "sufficient"),
                        help="simulation method (trajectory; default sufficient)")
    scale = parser.add_mutually_exclusive_group()
    scale.add_argument("--log", dest="log", action="store_const", const=True,
                       help="logarithmic error axis (trajectory; default: where it helps)")
    scale.add_argument("--linear", dest="log", action="store_const", const=False, help="linear error axis")
    parser.add_argument("--resolution", type=int, metavar="N", help="pixels per axis (phase, two symbols; default 160)")
    view = parser.add_mutually_exclusive_group()
    view.add_argument("--condensed", dest="condensed", action="store_const", const=True,
                      help="draw the condensation, one node per strong component (graph)")
    view.add_argument("--full", dest="condensed", action="store_const", const=False,
                      help="draw every model even beyond 50 (graph)")
    parser.set_defaults(run=run)


def _options(args) -> dict:
    options = {}
    for dest, kinds in _ONLY_FOR.items():
        value = getattr(args, dest)
        if value is None:
            continue
        if args.kind not in kinds:
            flag = {"models": "--model", "condensed": "--condensed/--full", "log": "--log/--linear"}.get(
                dest, "--" + dest)
            raise InputError(f"{flag} applies to --kind {' or '.join(kinds)}, not {args.kind}")
        options[dest] = value
    if args.kind == "trajectory":
        options.setdefault("generations", 30)
        options.setdefault("method", "sufficient")
    return options


def run(args) -> int:
    from graphcollapse.cli.common import load_graph
    from graphcollapse.presentation.plots import plot, require_matplotlib, save_figure
    from graphcollapse.presentation.progress import progress_bar

    require_matplotlib()
    options = _options(args)
    values = parse_subs(args.values)
    out = Path(args.out) if args.out else Path(f"{Path(args.graph).stem}-{args.kind}.png")
    if out.suffix.lower() not in (".png", ".pdf", ".svg"):
        raise InputError(f"--out {str(out)[:200]!r}: the file name must end in .png, .pdf or .svg")
    check_output_path(str(out), force=args.force)
    graph = load_graph(args.graph, args.estimator)
    from graphcollapse.graph.dynamics import has_dynamics

    if has_dynamics(graph) and args.kind != "trajectory":  # dynamics (issue 13)
        raise InputError(f"--kind {args.kind} draws a static graph; this file has a schedule, modes or memory "
                         "(use --kind trajectory, or graphcollapse check --plot)")
    if args.kind == "trajectory" and options.get("replications"):
        with progress_bar(options["generations"] + 1, "simulating", unit="generation") as bar:
            figure = plot(graph, args.kind, values=values, progress=bar if bar.active else None, **options)
    else:
        figure = plot(graph, args.kind, values=values, **options)
    save_figure(figure, out)
    emit(f"figure written to {out}")
    return 0
