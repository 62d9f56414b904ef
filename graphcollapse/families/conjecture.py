"""Families without a symmetry reduction: exact values at ``K = K_0 … N``, a fitted form, labelled a conjecture.

For each tracked class the single-graph analysis gives the verdict and the
limit (or the growth rate) at every size; on the sizes where the verdict
no longer changes, :func:`~.guess.guess` fits a rational function or a
linear recurrence in ``K`` and verifies it on further sizes.  The result
is a :class:`~.results.ClosedForm` with ``derived=False``: every report
prints it as "conjectured, verified for K ≤ M".  Where nothing fits, the
exact values themselves are reported.

Classes tracked: a family's own classes present at every size; for
families by position, the distances ``i = 0, 1, 2`` and the farthest model.

Examples
--------
>>> from graphcollapse.families import family
>>> f = family("cycle", real="1/2", n=1, real_at="one")
>>> result = conjecture(f, Concrete(f), up_to=9)
>>> print(result.by_label["i = 0"].limit)
(K + 3)/3  [conjectured, verified for K ≤ 9]
"""

from __future__ import annotations

import sympy

from graphcollapse.families.asymptotics import rational_asymptotic
from graphcollapse.families.concrete import ClassValue, Concrete
from graphcollapse.families.guess import DEFAULT_VERIFY, guess
from graphcollapse.families.results import ClassResult, ClosedForm, Exception_, FamilyResult

__all__ = ["conjecture", "tracked_classes", "DEFAULT_UP_TO"]

#: Largest size analysed for a guess by default.
DEFAULT_UP_TO = 12
_POSITIONS = 3


def tracked_classes(family, size: int) -> dict[str, tuple[int, ...]]:
    """The classes followed across sizes (see the module docstring)."""
    classes = family.classes(size)
    if not getattr(family, "by_position", False):
        return classes
    out = {label: members for label, members in classes.items() if int(label.split("=")[1]) < _POSITIONS}
    out["farthest"] = classes[max(classes, key=lambda label: int(label.split("=")[1]))]
    return out


def _value(concrete: Concrete, size: int, members) -> ClassValue:
    model = concrete.analysis(size).models[members[0]]
    return ClassValue(model.collapses, model.growth, model.limit, model.slope, model.predicate)


def conjecture(family, concrete: Concrete, *, up_to: int = DEFAULT_UP_TO, verify: int = DEFAULT_VERIFY,
               budget_seconds: float = 30.0, notes: tuple[str, ...] = ()) -> FamilyResult:
    """Guessed forms in ``K`` for every tracked class (see the module docstring)."""
    start = family.min_size
    sizes = list(range(start, max(up_to, start + verify + 2) + 1))
    series: dict[str, dict[int, ClassValue]] = {}
    for size in sizes:
        concrete.values(size)  # checks that every class is an orbit
        for label, members in tracked_classes(family, size).items():
            series.setdefault(label, {})[size] = _value(concrete, size, members)
    classes, exceptions, values_out = [], [], {}
    order = sorted(series, key=lambda label: (label == "farthest", label))
    for label, by_size in ((label, series[label]) for label in order):
        present = sorted(by_size)
        last = by_size[present[-1]]
        # the tail of sizes on which the verdict and the growth kind are those of the largest size
        tail = [present[-1]]
        for size in reversed(present[:-1]):
            if by_size[size].collapses != last.collapses or by_size[size].growth != last.growth \
                    or size != tail[0] - 1:
                break
            tail.insert(0, size)
        for size in present:
            if size < tail[0]:
                v = by_size[size]
                exceptions.append(Exception_(size, label, v.collapses, v.slope if v.collapses else v.limit))
        pick = (lambda v: v.slope) if last.collapses else (lambda v: v.limit)
        data = {size: pick(by_size[size]) for size in tail}
        values_out[label] = data
        form = None
        if all(v is not None and v != sympy.oo for v in data.values()):
            found = guess(data, verify=verify, budget_seconds=budget_seconds)
            if found is not None:
                form = ClosedForm(found.expr, False, f"{found.kind} in K", found.fitted + found.verified, tail[0],
                                  recurrence=found.recurrence,
                                  asymptotic=None if found.expr is None else rational_asymptotic(found.expr))
        if form is None:
            form = ClosedForm(None, False, "no fit", tuple(tail), tail[0],
                              notes=(f"no rational function or constant-coefficient linear recurrence in K fits the "
                                     f"exact values at K = {tail[0]}..{tail[-1]}",))
        members = "the models at distance K - 1" if label == "farthest" else (
            f"the models at distance {label.split('=')[1].strip()}" if label.startswith("i =") else label)
        classes.append(ClassResult(label, members, last.collapses, last.growth,
                                   None if last.collapses else form, form if last.collapses else None,
                                   last.predicate))
    notes = tuple(notes) + ("no symmetry reduction applies: forms are fitted to exact values and verified on "
                            "further sizes (conjectures, never derived)",)
    return FamilyResult(family, tuple(classes), start, tuple(exceptions), notes=notes,
                        extra={"values": values_out})
