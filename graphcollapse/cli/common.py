"""Argument helpers shared by the commands."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from graphcollapse.errors import InputError
from graphcollapse.graph import InteractionGraph, load

__all__ = ["add_graph_argument", "add_estimator_argument", "load_graph", "parse_estimator", "emit"]


def add_graph_argument(parser) -> None:
    parser.add_argument("graph", metavar="GRAPH", help="graph file (JSON), or the name of a built-in example")


def add_estimator_argument(parser) -> None:
    parser.add_argument("--estimator", metavar="SPEC",
                        help='override the file\'s estimator: a family name (e.g. gaussian_mean) or a JSON object '
                             'such as \'{"family": "gaussian_mean", "d": 3, "sigma2": 2}\'')


def parse_estimator(text: str | None) -> dict | None:
    """``--estimator``: a family name or a JSON object (numbers kept exact)."""
    if text is None:
        return None
    stripped = text.strip()
    if not stripped.startswith("{"):
        if not stripped.isidentifier():
            raise InputError(f"--estimator: expected a family name or a JSON object, got {text!r}")
        return {"family": stripped}
    try:
        value = json.loads(stripped, parse_float=Decimal)
    except json.JSONDecodeError as err:
        raise InputError(f"--estimator: malformed JSON at column {err.colno}: {err.msg}") from None
    if not isinstance(value, dict):
        raise InputError("--estimator: expected a JSON object")
    return value


def load_graph(path: str, estimator: str | None = None) -> InteractionGraph:
    """Load ``GRAPH`` (a file, or a built-in example name) and apply ``--estimator``."""
    from graphcollapse.examples import example_path, EXAMPLES

    candidate = Path(path)
    if not candidate.exists() and path in EXAMPLES:
        candidate = example_path(path)
    elif not candidate.exists():
        raise InputError(f"graph file {path!r} not found (built-in examples: {', '.join(EXAMPLES)})")
    graph = load(candidate)
    spec = parse_estimator(estimator)
    if spec is not None:
        graph = graph.with_estimator(spec)
    return graph


def emit(text: str) -> None:
    print(text)
