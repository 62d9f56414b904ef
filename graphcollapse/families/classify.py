"""Analyse one family, cross-check it with the simulator, classify the built-in families under one rule.

:func:`analyze_family` derives the closed forms where a symmetry reduction
applies (:mod:`.derive`) and guesses them elsewhere (:mod:`.conjecture`);
:func:`simulation_check` tests the forms at one size against the Monte Carlo
simulator; :func:`classify` runs the built-in families under one rule and
collects, per position class, which collapse, the limit as a function of
``K`` and its order as ``K → ∞``.

Examples
--------
>>> from graphcollapse.families import family
>>> result = analyze_family(family("complete", real="a", n="n", self_loops=True), check=3)
>>> print(result.classes[0].limit.expr)
(-K*a**2 + 2*K*a + a**2 - 2*a + 1)/(K*a*n*(2 - a))
>>> str(result.classes[0].limit.asymptotic)
'K -> oo: 1/n'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import sympy

from graphcollapse.errors import InputError, UnsupportedError, guarded
from graphcollapse.families.base import family as make_family
from graphcollapse.families.concrete import Concrete
from graphcollapse.families.conjecture import DEFAULT_UP_TO, conjecture
from graphcollapse.families.derive import derive_blocks, derive_circulant, derive_levels
from graphcollapse.families.guess import DEFAULT_VERIFY
from graphcollapse.families.results import FamilyResult
from graphcollapse.families.rules import POSITION, Rule
from graphcollapse.families.structures import Blocks, Circulant, Levels

__all__ = ["analyze_family", "simulation_check", "classify", "Classification", "TABLE_FAMILIES"]

_DERIVE = {Blocks: derive_blocks, Circulant: derive_circulant, Levels: derive_levels}

#: The built-in variants of the classification table: (name, options, real_at).
TABLE_FAMILIES = (
    ("complete", {}, "all"),
    ("star", {"direction": "both"}, "hub"),
    ("star", {"direction": "out"}, "hub"),
    ("star", {"direction": "in"}, "spokes"),
    ("bipartite", {"direction": "both"}, "a"),
    ("cycle", {"direction": "directed"}, "all"),
    ("cycle", {"direction": "bidirected"}, "all"),
    ("circulant", {"offsets": (1, 2)}, "all"),
    ("path", {"direction": "directed"}, "start"),
    ("tree", {"arity": 2, "flow": "down"}, "origin"),
    ("tree", {"arity": 2, "flow": "up"}, "origin"),
)


@guarded
def analyze_family(family, *, check: int = 4, up_to: int = DEFAULT_UP_TO, verify: int = DEFAULT_VERIFY,
                   budget_seconds: float = 30.0) -> FamilyResult:
    """Closed forms in ``K`` for every position class of ``family``.

    Parameters
    ----------
    family : Family
    check : int
        Sizes at which every derived form is compared with the single-graph analysis (exactly).
    up_to : int
        Largest size analysed when a form has to be guessed.
    verify : int
        Sizes beyond the fit on which a guess must agree.
    budget_seconds : float
        Time allowed to the search for a guess (per class).
    """
    if isinstance(check, bool) or not isinstance(check, int) or not 2 <= check <= 20:
        raise InputError(f"check must be an integer between 2 and 20, got {check!r}")
    if isinstance(up_to, bool) or not isinstance(up_to, int) or not 4 <= up_to <= 60:
        raise InputError(f"up_to must be an integer between 4 and 60, got {up_to!r}")
    concrete = Concrete(family)
    derive = _DERIVE.get(type(family.structure))
    notes: list[str] = []
    if derive is not None:
        try:
            return derive(family, concrete, check)
        except UnsupportedError as err:
            notes.append(f"no derivation: {err}")
    return conjecture(family, concrete, up_to=up_to, verify=verify, budget_seconds=budget_seconds,
                      notes=tuple(notes))


def _numeric(result: FamilyResult, size: int):
    """The family with its symbols at a point the simulator accepts, and that point.

    Weights take the interior point of the valid region; symbols in the
    sample sizes take the smallest multiple (at least 20) of the
    denominators of the weights at ``K = size``, so every count is whole.
    """
    family = result.family
    names = {s.name: s for s in family.rule.symbols}
    point = {s.name: v for s, v in (result.extra.get("point") or {}).items() if s.name in names}
    rule = family.rule
    size_names = {s.name for key in ("n", "n0", "n_real") if getattr(rule, key) is not None
                  for s in getattr(rule, key).free_symbols} - {"K"}
    chosen = {name: v for name, v in point.items() if name not in size_names}
    for name in names:
        if name not in size_names and name not in chosen:
            chosen[name] = sympy.Integer(1)
    if size_names:
        probe = family.subs({**chosen, **{name: 1 for name in size_names}}).graph(size)
        lcm = sympy.ilcm(*[sympy.Rational(v).q for v in (*probe.weights, *probe.real)], 1)
        chosen.update({name: lcm * -(-20 // lcm) for name in size_names})
    return family.subs(chosen) if chosen else family, chosen


def simulation_check(result: FamilyResult, *, size: int | None = None, generations: int = 30,
                     replications: int = 2000, seed: int = 0, alpha: float | None = None) -> dict:
    """Test the closed forms at one size against the simulator (Holm-corrected z-tests).

    Symbols are set to an interior point of the valid region.  The
    prediction under test takes its limits and growth rates from the
    closed forms; the exact trajectory of the single-graph analysis sets
    the transient allowances (:func:`graphcollapse.crosscheck.check.compare`).
    """
    from graphcollapse.system import System

    size = max(result.valid_from, result.family.min_size) + 1 if size is None else size
    numeric, point = _numeric(result, size)
    graph = numeric.graph(size)
    system = System(graph)
    reference = system.prediction(generations)
    limits, slopes = reference.limits.copy(), reference.slopes.copy()
    used = []
    for cls in result.classes:
        for label, members in _members_of(numeric, cls, size).items():
            position = int(label.split("=")[1]) if cls.by_position else None
            for form, target in ((cls.limit, limits), (cls.slope, slopes)):
                if form is None or form.expr is None:
                    continue
                value = form.at(size, position, **{k: v for k, v in point.items()})
                target[list(members)] = float(value)
                used.append(cls.label)
    predicted = replace(reference, limits=limits, slopes=slopes)
    sim = system.simulate(generations, replications, seed=seed, method="sufficient")
    rel_tol = 0.05 if reference.asymptotic else 0.0
    outcome = system.check(sim, predicted, alpha=alpha, rel_tol=rel_tol)
    return {"K": size, "point": {k: str(v) for k, v in point.items()}, "generations": generations,
            "replications": replications, "seed": seed, "passed": bool(outcome.passed), "tests": len(outcome.tests),
            "classes": sorted(set(used)), "failures": [t.label for t in outcome.failures]}


def _members_of(family, cls, size) -> dict[str, tuple[int, ...]]:
    classes = family.classes(size)
    if cls.by_position:
        return classes
    if cls.label == "farthest":
        return {"farthest": classes[max(classes, key=lambda label: int(label.split("=")[1]))]}
    return {cls.label: classes[cls.label]} if cls.label in classes else {}


@dataclass(frozen=True)
class Classification:
    """The built-in families under one rule: one :class:`FamilyResult` per variant (or the error)."""

    rule: Rule
    results: tuple
    failures: tuple[tuple[str, str], ...] = ()

    def rows(self) -> list[dict]:
        """One row per (family, class): verdict, predicate, limit (or slope), its order in ``K``, provenance."""
        out = []
        for result in self.results:
            fam = result.family
            for cls in result.classes:
                form = cls.slope if cls.collapses else cls.limit
                shown = None if form is None else form.expr
                asym = None if form is None else form.asymptotic
                out.append({
                    "family": fam.describe(), "class": cls.label, "collapses": cls.collapses,
                    "predicate": cls.predicate,
                    "quantity": "slope" if cls.collapses else "limit",
                    "value": shown, "variable": POSITION if cls.by_position else None,
                    "order": None if asym is None else asym.order,
                    "at_infinity": None if asym is None else asym.limit,
                    "provenance": "—" if form is None else ("derived" if form.derived else form.label),
                })
        return out


@guarded
def classify(rule: Rule | None = None, *, variants: Sequence = TABLE_FAMILIES, check: int = 3, up_to: int = 9,
             budget_seconds: float = 10.0) -> Classification:
    """Analyse every built-in variant (:data:`TABLE_FAMILIES`) under ``rule``.

    ``up_to`` and ``budget_seconds`` bound the guesses (variants that a rule
    such as self-loops leaves without a derivation).
    """
    rule = Rule.of() if rule is None else rule
    results, failures = [], []
    for name, options, real_at in variants:
        fam = make_family(name, rule=rule, real_at=real_at, options=dict(options))
        try:
            results.append(analyze_family(fam, check=check, up_to=up_to, budget_seconds=budget_seconds))
        except UnsupportedError as err:
            failures.append((fam.describe(), str(err)))
    return Classification(rule, tuple(results), tuple(failures))

