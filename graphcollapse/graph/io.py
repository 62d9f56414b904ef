"""Graph files: reading the JSON format (numbers stay exact), writing it back.

Examples
--------
>>> g = from_json('{"models": [{"id": "A", "n": 1, "real": 1}], "edges": []}')
>>> from_json(to_json(g)) == g
True
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import sympy

from graphcollapse.errors import InputError, guarded
from graphcollapse.graph.core import InteractionGraph
from graphcollapse.graph.schema import from_dict

__all__ = ["load", "from_json", "to_json", "save"]


@guarded
def load(path: str | Path) -> InteractionGraph:
    """Read a graph file (JSON; format in the README and :func:`from_json`).

    Raises
    ------
    InputError
        If the file cannot be read, is malformed JSON (with line and column),
        or describes an invalid graph.
    """
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise InputError(f"cannot read graph file {str(path)!r}: {err.strerror or err}") from None
    return from_json(text, source=path.name)


@guarded
def from_json(text: str, *, source: str = "graph") -> InteractionGraph:
    """Parse the JSON graph-file format.

    Numbers keep their exact decimal value (``0.1`` means ``1/10``).

    Examples
    --------
    >>> g = from_json('{"models": [{"id": "A", "n": 5, "real": 0.25},'
    ...               ' {"id": "B", "n": 5, "real": 1}],'
    ...               ' "edges": [{"from": "B", "to": "A", "weight": 0.75}]}')
    >>> g.real
    (1/4, 1)
    """
    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as err:
        raise InputError(f"{source}: malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}") from None
    except _DuplicateKey as err:
        raise InputError(f"{source}: duplicate key {err.args[0]!r} in a JSON object") from None
    if not isinstance(data, dict):
        raise InputError(f"{source}: the top level must be a JSON object")
    return from_dict(data)


class _DuplicateKey(Exception):
    pass


def _no_duplicate_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def to_json(graph: InteractionGraph, indent: int | None = 1) -> str:
    """Serialise a graph to the graph-file format (see :func:`from_json`)."""
    return json.dumps(graph.to_dict(), indent=indent, default=_json_default)


def save(graph: InteractionGraph, path: str | Path) -> None:
    """Write the graph file atomically (a temporary file, then a rename)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(to_json(graph) + "\n")
    tmp.replace(path)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, sympy.Basic):
        return int(value) if value.is_Integer else str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")
