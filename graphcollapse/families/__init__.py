"""Graph families: closed forms in a symbolic size ``K`` (MODEL.md section 8)."""

from graphcollapse.families.base import FAMILIES, Family, family, register
from graphcollapse.families.rules import K, POSITION, Rule
from graphcollapse.families import builtin  # noqa: F401,E402  (registers the built-ins)

__all__ = ["FAMILIES", "Family", "family", "register", "K", "POSITION", "Rule"]
