"""What every figure starts from: a :class:`~graphcollapse.system.System`, its verdicts, the models shown."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import sympy

from graphcollapse.errors import GraphCollapseError, InputError
from graphcollapse.graph import InteractionGraph

__all__ = ["as_system", "symbols_in_use", "require_numbers", "model_status", "chosen_models", "MAX_PANELS"]

#: Figures with one panel per model show at most this many panels.
MAX_PANELS = 12


def as_system(source, values: Mapping | None = None):
    """A :class:`~graphcollapse.system.System` from a graph or a system, symbols substituted by ``values``."""
    from graphcollapse.system import System

    if isinstance(source, InteractionGraph):
        system = System(source)
    elif isinstance(source, System):
        system = source
    else:
        raise InputError(f"expected an InteractionGraph or a System, got {type(source).__name__}")
    if values:
        graph = system.graph.with_estimator(system.estimator.spec).subs(values)
        system = System(graph, arithmetic=None if system.arithmetic == "exact" else system.arithmetic)
    return system


def symbols_in_use(system) -> list[sympy.Symbol]:
    """Symbols the answers depend on (weights, sizes, variances), sorted by name."""
    found = set(system.graph.free_symbols) | set(system.recurrence.symbols or ())
    return sorted(found, key=lambda s: s.name)


def require_numbers(system, what: str) -> None:
    """Refuse a graph with symbols, naming them and how to give them values."""
    names = [s.name for s in symbols_in_use(system)]
    if names:
        example = ", ".join(f'"{n}": "1/2"' for n in names[:2])
        raise InputError(f"the {what} needs numbers, but the graph has the symbols {', '.join(names)}: "
                         f"give them values (--subs {' --subs '.join(f'{n}=VALUE' for n in names)}; "
                         f"in Python values={{{example}}})")


def model_status(system) -> list[str]:
    """Per model ``"collapses"``, ``"bounded"`` or ``"conditional"`` (symbols decide).

    Exact graphs with symbols: ``conditional`` wherever the exact collapse
    predicate is neither true nor false; elsewhere the deciding verdict of
    the family's own operator (the generic support with symbols).
    """
    try:
        bounded = np.asarray(system.stability.bounded, dtype=bool)
    except GraphCollapseError:
        bounded = ~np.asarray(system.topology.collapsing, dtype=bool)
    status = ["bounded" if b else "collapses" for b in bounded]
    if system.graph.free_symbols:
        try:
            predicate = system.predicate
        except GraphCollapseError:
            predicate = None
        if predicate is not None:
            for k, p in enumerate(predicate.predicates):
                if p is sympy.true:
                    status[k] = "collapses"
                elif p is sympy.false:
                    status[k] = "bounded"
                else:
                    status[k] = "conditional"
    return status


def chosen_models(system, models: Sequence[str] | None, most: int = MAX_PANELS) -> tuple[list[int], str]:
    """Positions of the models to draw, and a note when some were left out."""
    ids = system.graph.ids
    if models:
        positions = []
        for model in models:
            if model not in system.graph.index:
                raise InputError(f"--model {model!r}: no such model (models: {', '.join(ids[:10])}"
                                 f"{', ...' if len(ids) > 10 else ''})")
            positions.append(system.graph.index[model])
        if len(positions) > most:
            raise InputError(f"--model: at most {most} models per figure, got {len(positions)}")
        return positions, ""
    if len(ids) <= most:
        return list(range(len(ids))), ""
    return list(range(most)), f"the first {most} of {len(ids)} models (choose others with --model)"
