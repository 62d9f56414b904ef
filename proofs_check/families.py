"""Graph families (MODEL.md section 8): closed forms in K against independent computations.

Four checks:

* the issue's formula for the complete digraph with self-loops,
  ``(σ²/n)(1 + (1−α)²/(K(1−(1−α)²)))``, comes out of the orbit quotient as an
  identity of rational functions in ``K``, ``α``, ``n``, ``σ²``;
* every derived form (orbit quotient, Fourier basis, recursion by position)
  equals the single-graph analysis — a different algorithm: component-wise
  Lyapunov and Sylvester solves on the concrete graph — at sizes *beyond*
  those the derivation checked itself, for several families, weight rules and
  estimators;
* the circulant closed form equals the mode sum ``(1/K) Σ_m F(|λ(ω^m)|²)``
  evaluated with cosines in 40-digit floating point (tolerance ``1e-30``);
* guessed forms are labelled, and a guess is rejected when its verification
  sizes disagree.

The derivations under test are looked up at call time, so tests can
substitute wrong ones.
"""

from __future__ import annotations

import mpmath
import sympy

from graphcollapse import families as fam
from graphcollapse.numbers import is_zero
from graphcollapse.system import analyze

from .registry import Counterexample, check

GROUP = "families"

#: (name, options, real_at, rule fields) of the families checked at every level.
QUICK = (
    ("complete", {}, "all", {"real": "1/3", "n": 4}),
    ("star", {"direction": "both"}, "hub", {"real": "2/5", "n": 5}),
    ("bipartite", {"direction": "both", "other": "2"}, "all", {"real": "1/2", "n": 3, "mixing": "weighted"}),
    ("cycle", {"direction": "bidirected"}, "all", {"real": "1/4", "n": 2}),
    ("path", {"direction": "directed"}, "all", {"real": "1/3", "n": 3}),
    ("tree", {"arity": 2, "flow": "up"}, "all", {"real": "1/5", "n": 2}),
)
FULL = QUICK + (
    ("complete", {}, "none", {"real": "0", "n": 3, "self_loops": True}),
    ("star", {"direction": "in"}, "hub", {"real": "1/3", "n": 8, "estimator": {"family": "linear_regression", "d": 2}}),
    ("star", {"direction": "out"}, "all", {"real": "1/2", "n": 4, "estimator": {"family": "generic", "noise": 3}}),
    ("bipartite", {"direction": "a_to_b"}, "a", {"real": "1/3", "n": 5, "self_loops": True}),
    ("circulant", {"offsets": (1, 3)}, "all", {"real": "1/3", "n": 2}),
    ("cycle", {"direction": "bidirected"}, "all", {"real": "0", "n": 2}),
    ("tree", {"arity": 3, "flow": "down"}, "all", {"real": "1/2", "n": 2}),
    ("complete", {}, "all", {"real": "a", "n": "n", "self_loops": True}),
)


def _family(name, options, real_at, rule):
    return fam.family(name, real_at=real_at, options=dict(options), **rule)


@check("complete digraph: the issue's closed form in K, as an identity", group=GROUP)
def issue_formula(level: str) -> str:
    f = fam.family("complete", real="a", n="n", self_loops=True, estimator={"family": "gaussian_mean", "sigma2": "s"})
    result = fam.analyze_family(f, check=3)
    form = result.by_label["model"].limit
    a, n, s = sorted(f.rule.symbols, key=str)
    expected = s / n * (1 + (1 - a) ** 2 / (fam.K * (1 - (1 - a) ** 2)))
    if not form.derived or not is_zero(form.expr - expected):
        raise Counterexample(f"complete digraph: derived {form.expr}, the issue says {expected}", f.graph(3))
    return "L(K) = (s/n)(1 + (1-a)^2/(K(1-(1-a)^2))) derived by the orbit quotient, exactly"


@check("derived family forms equal the single-graph analysis beyond the checked sizes", group=GROUP)
def forms_beyond_checked_sizes(level: str) -> str:
    cases = QUICK if level == "quick" else FULL
    compared = 0
    for name, options, real_at, rule in cases:
        f = _family(name, options, real_at, rule)
        result = fam.analyze_family(f, check=2)
        beyond = [k for k in range(max(result.valid_from, f.min_size) + 2, max(result.valid_from, f.min_size) + 4)
                  if k <= (4 if name == "tree" else 7)]
        for size in beyond:
            truth = analyze(f.graph(size))
            for cls in result.classes:
                form = cls.slope if cls.collapses else cls.limit
                if form is None or not form.derived:
                    raise Counterexample(f"{f.describe()}: class {cls.label!r} has no derived form", f.graph(size))
                for label, members in f.classes(size).items():
                    if not (cls.by_position or label == cls.label):
                        continue
                    i = int(label.split("=")[1]) if cls.by_position else None
                    model = truth.models[members[0]]
                    expected = model.slope if cls.collapses else model.limit
                    if model.collapses != cls.collapses or not is_zero(form.at(size, i) - expected):
                        raise Counterexample(f"{f.describe()} at K = {size}, {label}: the closed form gives "
                                             f"{form.at(size, i)}, the single-graph analysis {expected}",
                                             f.graph(size))
                    compared += 1
    return f"{compared} values of {len(cases)} families, weight rules and estimators at sizes beyond their checks"


def _mode_sum(fourier, size: int, dps: int = 40) -> mpmath.mpf:
    """``(1/K) Σ_m F(g_m)`` with ``g_m`` from cosines, in ``dps``-digit floating point (numeric families)."""
    F = fourier.mode_value  # a rational function of g alone
    variables = tuple(F.free_symbols)
    with mpmath.workdps(dps):
        total = mpmath.mpf(0)
        for m in range(size):
            gm = sympy.Float(sympy.N(fourier.g_mode(m).xreplace({fam.K: size}), dps), dps)
            total += mpmath.mpf(sympy.N(F.xreplace({variables[0]: gm}) if variables else F, dps))
        return total / size


@check("circulant closed forms equal the mode sum over the roots of unity (40 digits)", group=GROUP)
def circulant_mode_sums(level: str) -> str:
    from graphcollapse.families.fourier import Fourier

    cases = [((1, -1), "1/3"), ((1, 2), "1/4")] + ([((2, -1), "1/2"), ((1, -1, 3), "1/5")] if level == "full" else [])
    compared = 0
    for offsets, real in cases:
        f = fam.family("circulant", real=real, n=3, options={"offsets": offsets})
        fourier = Fourier.of(f.structure)
        for size in range(f.min_size, f.min_size + (3 if level == "quick" else 6)):
            closed = fourier.explicit_at(size) if fourier.pairs is not None else fourier.closed_form_at(size)
            with mpmath.workdps(40):
                numeric = _mode_sum(fourier, size)
                gap = abs(mpmath.mpf(str(sympy.N(closed, 45))) - numeric)
            if gap > mpmath.mpf(10) ** -30:
                raise Counterexample(f"circulant {offsets} at K = {size}: closed form {closed}, mode sum {numeric}",
                                     f.graph(size))
            compared += 1
    return f"{compared} circulant limits: residue closed form = cosine mode sum to 30 digits"


@check("guessed forms are labelled, and a guess contradicted by a further size is refused", group=GROUP)
def guesses_are_labelled(level: str) -> str:
    from graphcollapse.families.guess import guess

    f = fam.family("cycle", real="1/2", n=1, real_at="one")
    result = fam.analyze_family(f, up_to=9 if level == "quick" else 14)
    for cls in result.classes:
        form = cls.limit
        if form.derived or not str(form).endswith(f"[conjectured, verified for K ≤ {form.verified_up_to}]"):
            raise Counterexample(f"class {cls.label!r}: a guess printed as {form}", f.graph(f.min_size))
    values = {k: sympy.Rational(k, k + 1) for k in range(1, 10)}
    values[9] += sympy.Rational(1, 10**6)  # the last verification size disagrees with k/(k+1)
    found = guess(values)
    if found is not None and (found.expr is None or
                              not all(is_zero(found.expr.xreplace({fam.K: k}) - v) for k, v in values.items())):
        raise Counterexample(f"a guess contradicted by its own data was reported: {found}")
    return f"{len(result.classes)} guessed classes labelled; a contradicted guess refused"
