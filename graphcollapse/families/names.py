"""The names of the built-in graph families, importable without SymPy (the command line's ``--help`` lists them).

A test checks them against :data:`graphcollapse.families.FAMILIES`.
"""

#: Built-in families in the order they are registered and listed.
BUILTIN_FAMILIES = ("complete", "star", "bipartite", "cycle", "circulant", "path", "tree")
