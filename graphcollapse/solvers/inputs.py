"""What the solvers accept: a recursion, or a graph whose estimator builds one.

>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 10, "real": "1/2"}],
...                "edges": [{"from": "A", "to": "A", "weight": "1/2"}]})
>>> type(recursion_of(g, "limits")).__name__
'Recurrence'
>>> recursion_of("g.json", "limits")
Traceback (most recent call last):
...
graphcollapse.errors.InputError: limits takes an InteractionGraph or its recursion (graphcollapse.recurrence(graph)), got str
"""

from __future__ import annotations

from graphcollapse.errors import InputError, UnsupportedError
from graphcollapse.graph import InteractionGraph
from graphcollapse.operator.moments import MomentRecursion

__all__ = ["recursion_of"]


def recursion_of(obj, what: str, *, general: bool = True):
    """``obj`` itself if it is a recursion, the graph's own recursion if it is a graph, else a one-line error.

    ``general=False`` asks for the static :class:`~graphcollapse.operator.recurrence.Recurrence`
    (the solvers written for the Kronecker-structured operator).
    """
    from graphcollapse.operator.recurrence import Recurrence

    if isinstance(obj, InteractionGraph):
        from graphcollapse.estimators import recurrence

        obj = recurrence(obj)
    wanted = MomentRecursion if general else Recurrence
    if isinstance(obj, wanted):
        return obj
    if isinstance(obj, MomentRecursion):
        raise UnsupportedError(f"{what} solves the static recurrence of the Kronecker-form families; this "
                               f"estimator's recursion is general: use graphcollapse.System(graph) or analyze(graph)")
    kind = "recursion" if general else "recurrence"
    raise InputError(f"{what} takes an InteractionGraph or its {kind} (graphcollapse.recurrence(graph)), "
                     f"got {type(obj).__name__}")
