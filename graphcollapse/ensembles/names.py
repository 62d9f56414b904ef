"""The names the ensembles accept, in a module with no imports.

The command line lists them in ``--help``; keeping them here lets ``--help``
stay fast (the ensembles themselves need SciPy).  Each defining module
checks that its table matches (see the tests).
"""

__all__ = ["ENSEMBLE_NAMES", "DEGREE_LAWS", "REAL_RULES", "WEIGHT_RULES", "PROPORTION_METHODS", "MEAN_METHODS"]

ENSEMBLE_NAMES = ("erdos_renyi", "in_regular", "out_regular", "configuration", "preferential_attachment",
                  "small_world")
DEGREE_LAWS = ("poisson", "fixed", "geometric", "powerlaw")
REAL_RULES = ("random", "top-in", "top-out", "set")
WEIGHT_RULES = ("uniform", "dirichlet")
PROPORTION_METHODS = ("wilson", "clopper-pearson")
MEAN_METHODS = ("t", "bootstrap")
