"""The interaction graph: the validated value object, its file format and its adapters.

An edge ``j -> k`` means model ``k`` trains on model ``j``'s synthetic outputs
(data flows from ``j`` to ``k``); row ``k`` of ``W`` is what ``k`` trains on.

* :mod:`.core`: :class:`InteractionGraph`, the immutable value object;
* :mod:`.schema`: :func:`from_dict`, defaults, mixing rules, validation;
* :mod:`.io`: the JSON graph-file format (:func:`load`, :func:`from_json`);
* :mod:`.adapters`: :func:`from_networkx`, :func:`from_matrix`;
* :mod:`.floats`: float graphs for very large inputs.
"""

from graphcollapse.graph.core import FLOAT_SUM_TOLERANCE, MIXING_RULES, EdgeSpec, InteractionGraph, ModelSpec
from graphcollapse.graph.schema import from_dict
from graphcollapse.graph.io import from_json, load
from graphcollapse.graph.adapters import from_matrix, from_networkx

__all__ = ["InteractionGraph", "ModelSpec", "EdgeSpec", "from_dict", "from_json", "load", "from_networkx",
           "from_matrix", "MIXING_RULES", "FLOAT_SUM_TOLERANCE"]
