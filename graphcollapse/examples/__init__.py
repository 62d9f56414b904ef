"""Built-in example graphs, usable by name wherever a graph file is expected.

Examples
--------
>>> sorted(EXAMPLES)[:3]
['accumulate', 'alternating', 'chain']
>>> load_example("two_cycle").ids
('A', 'B')
"""

from __future__ import annotations

from pathlib import Path


__all__ = ["EXAMPLES", "example_path", "load_example"]

_HERE = Path(__file__).parent
#: Example name -> one-line description.
EXAMPLES = {
    "demo": "a chain with real data, and a closed 2-cycle feeding a model that also sees real data",
    "chain": "R -> A -> B: A trains on real data only, B only on A (MODEL.md section 5)",
    "two_cycle": "A <-> B with no real data: a periodic closed class",
    "mixed_pair": "A and B each train half on themselves and half on the other, no real data",
    "self_loop": "one model retraining on its own outputs with real-data weight a (symbolic)",
    "ring4": "a directed ring of 4 models with symbolic weights a, w and noise s",
    "alternating": "a schedule alternating A <- B and B <- A: both collapse, although neither graph has a closed class",
    "accumulate": "one model keeping all its data (Gerstgrasser et al.): E(t) -> (sigma^2/n) pi^2/6",
    "random_modes": "the alternating modes drawn by a Markov chain that always switches: collapse, unlike i.i.d.",
}


def example_path(name: str) -> Path:
    """Path of a built-in example's JSON file."""
    return _HERE / f"{name}.json"


def load_example(name: str):
    """Load a built-in example by name (an :class:`~graphcollapse.graph.InteractionGraph`)."""
    from graphcollapse.graph import load  # lazily: the example list is read by ``--help``

    return load(example_path(name))
