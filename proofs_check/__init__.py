"""Machine-checked derivations and exhaustive verification of graphcollapse's theorems.

Run ``python -m proofs_check --quick`` (CI) or ``--full``; see the README.
Importing the package registers every check module listed in :data:`MODULES`.
"""

from importlib import import_module

from .registry import CHECKS, Check, Counterexample, check

__all__ = ["CHECKS", "Check", "Counterexample", "check", "MODULES", "load_checks"]

#: Check modules, imported in this order.
MODULES = (
    "identities",
    "census",
    "ols",
    "statistics",
    "fitting",
    "modes_census",
    "families",
)


def load_checks() -> list[Check]:
    for name in MODULES:
        import_module(f"{__name__}.{name}")
    return CHECKS
