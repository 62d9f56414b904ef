"""Graph files: reading the JSON format (numbers stay exact), writing it back.

Examples
--------
>>> g = from_json('{"models": [{"id": "A", "n": 1, "real": 1}], "edges": []}')
>>> from_json(to_json(g)) == g
True
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import sympy

import graphcollapse.bounds as bounds
from graphcollapse.errors import InputError, ResourceLimitError, guarded
from graphcollapse.graph.core import InteractionGraph
from graphcollapse.graph.schema import from_dict

__all__ = ["load", "from_json", "parse_json", "to_json", "save"]


@guarded
def load(path: str | Path) -> InteractionGraph:
    """Read a graph file (JSON; format in the README and :func:`from_json`).

    Raises
    ------
    InputError
        If the file cannot be read, is not UTF-8 text, is malformed JSON
        (with line and column), or describes an invalid graph.
    ResourceLimitError
        For a file beyond the ``file_bytes`` bound, JSON nested beyond
        ``json_depth``, or a graph beyond the ``models``/``edges`` bounds.
    """
    path = Path(path)
    shown = _shown_path(path)
    try:
        size = path.stat().st_size
        bounds.check("file_bytes", size, f"graph file {shown}: size in bytes")
        with path.open("rb") as handle:
            # A file may grow, or be a device: read at most one byte beyond the bound.
            raw = handle.read(bounds.current().file_bytes + 1)
    except OSError as err:
        raise InputError(f"cannot read graph file {shown}: {err.strerror or err}") from None
    bounds.check("file_bytes", len(raw), f"graph file {shown}: size in bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"graph file {shown} is not UTF-8 text (byte 0x{raw[err.start]:02x} at offset "
                         f"{err.start}); graph files are JSON in UTF-8") from None
    return from_json(text, source=path.name)


def _shown_path(path: Path) -> str:
    text = repr(str(path))
    return text if len(text) <= 200 else text[:197] + "..."


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
    data = parse_json(text, source)
    if not isinstance(data, dict):
        raise InputError(f"{source}: the top level must be a JSON object")
    return from_dict(data)


def parse_json(text: str, source: str) -> Any:
    """JSON with exact numbers, within the ``json_depth`` and ``number_bits`` bounds.

    Decimals stay :class:`~decimal.Decimal` (exact), integers are read only
    up to the digits the ``number_bits`` bound allows, duplicate keys are an
    error, and the nesting depth is checked after reading.

    Examples
    --------
    >>> parse_json('{"a": [1, 0.5]}', "x")
    {'a': [1, Decimal('0.5')]}
    >>> parse_json("[" * 40 + "]" * 40, "x")
    Traceback (most recent call last):
    ...
    graphcollapse.errors.ResourceLimitError: x: JSON nesting depth = 40 exceeds the bound 32 on nesting depth of JSON (raise it with --limit json_depth=N; in Python, with raised_bounds(json_depth=N))
    """
    if not isinstance(text, str):
        raise InputError(f"{source}: expected JSON text, got {type(text).__name__}")
    try:
        with bounds.unlimited_int_digits():
            data = json.loads(text, parse_float=Decimal, parse_int=_bounded_int(source),
                              parse_constant=_no_constant, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as err:
        raise InputError(f"{source}: malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}") from None
    except _DuplicateKey as err:
        raise InputError(f"{source}: duplicate key {_shown_key(err.args[0])} in a JSON object") from None
    except _NotANumber as err:
        raise InputError(f"{source}: {err.args[0]} is not a number in JSON") from None
    except RecursionError:
        raise ResourceLimitError(f"{source}: JSON nested too deeply to read "
                                 f"(the bound json_depth is {bounds.current().json_depth})") from None
    bounds.check("json_depth", _depth(data), f"{source}: JSON nesting depth")
    return data


def _depth(data: Any) -> int:
    """Nesting depth of JSON data (iterative: the data may be deep)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _bounded_int(source: str):
    def parse(digits: str) -> int:
        # An integer of k digits has at least (k - 1) log2(10) bits: refuse it before the
        # conversion, whose cost grows quadratically with the digits.
        count = len(digits.lstrip("-"))
        bounds.check("number_bits", math.floor((count - 1) * math.log2(10)) + 1,
                     f"{source}: bits of an integer of {count} digits", qualifier="at least ")
        return int(digits)

    return parse


class _NotANumber(Exception):
    pass


def _no_constant(name: str):
    raise _NotANumber(name)


def _shown_key(key: str) -> str:
    text = repr(key)
    return text if len(text) <= 60 else text[:57] + "..."


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
    with bounds.unlimited_int_digits():   # every exact number prints, whatever its size
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
