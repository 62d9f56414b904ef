"""The conventions every command shares: the graph argument, ``--estimator``, ``--subs``, ``--format``.

* ``GRAPH``: a graph file (JSON) or the name of a built-in example;
* ``--estimator SPEC``: a family name or a JSON object overriding the file's;
* ``--subs a=1/3`` (repeatable, or ``a=1/3,b=1/2``): evaluate a symbolic graph
  at a point (values are read by the safe parser, like the file's formulas);
* ``--format text|json|markdown|latex`` (``--json`` is a shorthand).

This module imports nothing heavy at import time, so ``graphcollapse --help``
stays fast; graphs are loaded in :func:`load_graph`.
"""

from __future__ import annotations

from pathlib import Path

from graphcollapse.errors import InputError

__all__ = ["FORMATS", "add_graph_argument", "add_estimator_argument", "add_common_options", "add_limit_argument",
           "load_graph", "check_generations", "check_replications",
           "parse_estimator", "parse_subs", "output_format", "check_output_path", "emit"]

#: The output formats of every command.
FORMATS = ("text", "json", "markdown", "latex")


def add_graph_argument(parser) -> None:
    parser.add_argument("graph", metavar="GRAPH", help="graph file (JSON), or the name of a built-in example")


def add_estimator_argument(parser) -> None:
    parser.add_argument("--estimator", metavar="SPEC",
                        help='override the file\'s estimator: a family name (e.g. gaussian_mean) or a JSON object '
                             'such as \'{"family": "gaussian_mean", "d": 3, "sigma2": 2}\'')


def add_limit_argument(parser) -> None:
    """``--limit NAME=VALUE``: raise one of the documented resource bounds (:mod:`graphcollapse.bounds`)."""
    parser.add_argument("--limit", metavar="NAME=VALUE", action="append", default=[],
                        help="raise a resource bound for this run, e.g. --limit generations=1000000 "
                             "(repeatable; the README lists every bound and its default)")


def add_common_options(parser, *, formats=FORMATS, graph: bool = True) -> None:
    """GRAPH, ``--estimator``, ``--subs``, ``--format``/``--json`` and ``--limit`` for one command."""
    add_limit_argument(parser)
    if graph:
        add_graph_argument(parser)
        add_estimator_argument(parser)
        parser.add_argument("--subs", metavar="NAME=VALUE", action="append", default=[],
                            help="evaluate the graph's symbols at a point, e.g. --subs a=1/3 (repeatable, or "
                                 "a=1/3,b=1/2)")
    parser.add_argument("--format", choices=formats, default=None, help="output format (default: text)")
    parser.add_argument("--json", action="store_true", help="shorthand for --format json")


def output_format(args) -> str:
    """The chosen output format (``--json`` and the legacy ``--markdown``/``--latex`` are shorthands)."""
    chosen = [f for f, flag in (("json", "json"), ("markdown", "markdown"), ("latex", "latex"))
              if getattr(args, flag, False)]
    if args.format is not None:
        chosen.append(args.format)
    if len(set(chosen)) > 1:
        raise InputError(f"choose one output format, not {' and '.join(sorted(set(chosen)))}")
    return chosen[0] if chosen else "text"


def parse_estimator(text: str | None) -> dict | None:
    """``--estimator``: a family name or a JSON object (numbers kept exact)."""
    if text is None:
        return None
    from graphcollapse.graph.io import parse_json

    stripped = text.strip()
    if not stripped.startswith("{"):
        if not stripped.isidentifier():
            raise InputError(f"--estimator: expected a family name or a JSON object, got {text[:60]!r}")
        return {"family": stripped}
    value = parse_json(stripped, "--estimator")
    if not isinstance(value, dict):
        raise InputError("--estimator: expected a JSON object")
    return value


def parse_subs(items) -> dict[str, str]:
    """``--subs`` values as ``{name: formula text}`` (parsed later by the safe parser, against the graph)."""
    out: dict[str, str] = {}
    for item in items or ():
        for part in item.split(","):
            name, sep, value = part.partition("=")
            name, value = name.strip(), value.strip()
            if not sep or not name or not value:
                raise InputError(f"--subs: expected NAME=VALUE, got {part.strip()[:60]!r}")
            if name in out:
                raise InputError(f"--subs: {name!r} given twice")
            out[name] = value
    return out


def load_graph(path: str, estimator: str | None = None, subs=None):
    """Load ``GRAPH`` (a file, or a built-in example name), apply ``--estimator`` and ``--subs``."""
    from graphcollapse.examples import EXAMPLES, example_path
    from graphcollapse.graph import load

    candidate = Path(path)
    if not candidate.exists() and path in EXAMPLES:
        candidate = example_path(path)
    elif not candidate.exists():
        raise InputError(f"graph file {path[:200]!r} not found (built-in examples: {', '.join(EXAMPLES)})")
    graph = load(candidate)
    spec = parse_estimator(estimator)
    if spec is not None:
        graph = graph.with_estimator(spec)
    values = parse_subs(subs)
    if values:
        graph = graph.subs(values)
    return graph


def check_output_path(path: str | None, *, force: bool = False) -> None:
    """Refuse, before any work, an output file whose folder does not exist or that exists already."""
    if path is None:
        return
    target = Path(path)
    if not target.parent.exists() if str(target.parent) else False:
        raise InputError(f"output file {path[:200]!r}: the folder {str(target.parent)[:200]!r} does not exist")
    if target.is_dir():
        raise InputError(f"output file {path[:200]!r} is a folder")
    if target.exists() and not force:
        raise InputError(f"output file {path[:200]!r} exists; pass --force to overwrite it")


def emit(text: str) -> None:
    print(text)


def check_generations(value: int, option: str = "--generations") -> None:
    """``-T``: a non-negative number of generations within the ``generations`` bound (checked before any work)."""
    import graphcollapse.bounds as bounds

    if value < 0:
        raise InputError(f"{option} must be >= 0, got {value}")
    bounds.check("generations", value, option)


def check_replications(value: int, option: str = "--replications") -> None:
    """``-R``: at least 2 replications, within the ``replications`` bound (checked before any work)."""
    import graphcollapse.bounds as bounds

    if value < 2:
        raise InputError(f"{option} must be >= 2, got {value}")
    bounds.check("replications", value, option)
