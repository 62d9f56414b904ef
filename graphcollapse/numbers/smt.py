"""Polynomial sign conditions in several variables, decided by z3's nonlinear real arithmetic.

z3's ``nlsat`` procedure is complete for polynomial constraints over the
reals (up to its time-out).  Coefficients in a number field ``QQ<θ>`` are
encoded with a fresh real variable ``θ``: its minimal polynomial ``m(θ) = 0``
and an isolating rational interval ``lo < θ < hi`` (certified: the
enclosure of the primitive element is refined until it meets a single
isolating interval of ``m``) pin it to the right conjugate.  Model values
come back as rationals or as z3 algebraic numbers (a polynomial and a root
index), converted exactly.  When the model is irrational we try, with a few
more checks, to fix the variables one by one to nearby simple rationals, so
regions with interior get rational witnesses.

z3 is optional: without it every question here is ``"undecided"`` with the
reason to install it; nothing is guessed.
"""

from __future__ import annotations

import functools
import importlib
from fractions import Fraction

import sympy

from graphcollapse.errors import InternalConsistencyError
from graphcollapse.numbers.algebraic import real_root, simplest_between
from graphcollapse.numbers.domain import NumberDomain, enclosure

__all__ = ["solve", "INSTALL_HINT"]

INSTALL_HINT = "install z3-solver (pip install 'graphcollapse[exact]')"
#: Widths of the boxes in which simpler rational witnesses are sought, widest first.
RATIONAL_STEPS = (Fraction(1), Fraction(1, 16), Fraction(1, 1024))
_X = sympy.Symbol("x")


def _load_z3():
    try:
        return importlib.import_module("z3")
    except ImportError:
        return None


def solve(group, indices, domain: NumberDomain, timeout: float, session: dict | None = None):
    """Decide the conditions ``group`` (``(g, op)`` with g in the domain's polynomial ring) over ``indices``.

    ``session`` is a dict owned by the caller: the z3 context is created in
    it once and reused by every group of one decision, and by nothing else.

    Returns ``(status, values, method)``: ``values`` maps symbol indices to
    exact SymPy values when feasible, and is the reason when undecided.
    """
    z3 = _load_z3()
    method = "z3 nlsat"
    if z3 is None:
        return "undecided", INSTALL_HINT, method
    if timeout <= 0:
        return "undecided", "time-out before z3 started", method
    session = {} if session is None else session
    if "context" not in session:
        session["context"] = z3.Context()
    ctx = session["context"]
    solver = z3.SolverFor("QF_NRA", ctx=ctx)
    solver.set("timeout", max(1, int(timeout * 1000)))
    variables = {i: z3.Real(f"x{i}", ctx) for i in indices}
    encoder = _Encoder(z3, ctx, variables, domain)
    if encoder.theta is not None:
        coefficients, lo, hi = _theta_interval(domain)
        solver.add(encoder.polynomial_in_theta(coefficients) == 0)
        solver.add(encoder.theta > encoder.number(lo), encoder.theta < encoder.number(hi))
    for g, op in group:
        solver.add(_relation(encoder.polynomial(g), op, encoder.number(0)))
    try:
        result = solver.check()
        if result == z3.unsat:
            return "infeasible", {}, method
        if result != z3.sat:
            return "undecided", f"z3 returned {result}: {solver.reason_unknown()}", method
        model = _rationalise(z3, solver, variables, solver.model(), timeout)
        return "feasible", {i: _value(z3, model.eval(v, model_completion=True)) for i, v in variables.items()}, method
    except z3.Z3Exception as err:
        return "undecided", f"z3 failed: {err}", method


def _relation(lhs, op: str, zero):
    return {"==": lambda: lhs == zero, "!=": lambda: lhs != zero, ">": lambda: lhs > zero,
            ">=": lambda: lhs >= zero, "<": lambda: lhs < zero, "<=": lambda: lhs <= zero}[op]()


class _Encoder:
    """Builds z3 terms for polynomials over QQ or QQ<θ>, with cached powers."""

    def __init__(self, z3, ctx, variables: dict, domain: NumberDomain):
        self.z3, self.ctx, self.variables, self.domain = z3, ctx, variables, domain
        self.theta = None if domain.is_rational else z3.Real("theta", ctx)
        self._powers: dict = {}

    def number(self, q) -> object:
        q = Fraction(int(q.numerator), int(q.denominator))
        return self.z3.RealVal(f"{q.numerator}/{q.denominator}", self.ctx)

    def power(self, key, base, exponent: int):
        if exponent == 1:
            return base
        if (key, exponent) not in self._powers:
            self._powers[key, exponent] = base * self.power(key, base, exponent - 1)
        return self._powers[key, exponent]

    def polynomial_in_theta(self, coefficients) -> object:
        """Σ c_k θ^k for rational coefficients listed from the highest degree down."""
        degree = len(coefficients) - 1
        terms = []
        for k, c in enumerate(coefficients):
            if c:
                exponent = degree - k
                term = self.number(c)
                if exponent:
                    term = term * self.power("theta", self.theta, exponent)
                terms.append(term)
        return self.z3.Sum(terms) if len(terms) > 1 else terms[0] if terms else self.number(0)

    def polynomial(self, g) -> object:
        terms = []
        for monom, coefficient in g.terms():
            if self.domain.is_rational:
                factor = self.number(coefficient)
            else:
                factor = self.polynomial_in_theta(coefficient.to_list())
            for i, exponent in enumerate(monom):
                if exponent:
                    factor = factor * self.power(i, self.variables[i], exponent)
            terms.append(factor)
        return self.z3.Sum(terms) if len(terms) > 1 else terms[0] if terms else self.number(0)


@functools.lru_cache(maxsize=64)
def _theta_interval(domain: NumberDomain):
    """The minimal polynomial's coefficients and a rational interval isolating θ among its real roots."""
    minpoly = sympy.Poly(domain.ground.mod.to_list(), _X, domain=sympy.QQ)
    isolating = [(Fraction(int(lo.p), int(lo.q)), Fraction(int(hi.p), int(hi.q))) for (lo, hi), _ in minpoly.intervals()]
    bits = 64
    while True:
        lo, hi = (Fraction(int(t.p), int(t.q)) for t in enclosure(domain.theta, bits))
        meeting = [(a, b) for a, b in isolating if not (hi < a or b < lo)]
        if len(meeting) == 1:
            # Endpoints of isolating intervals of an irreducible polynomial of degree > 1 are not roots.
            return tuple(domain.ground.mod.to_list()), meeting[0][0], meeting[0][1]
        if not meeting:
            raise InternalConsistencyError(f"the primitive element {domain.theta} is no root of its minimal polynomial")
        bits *= 2


def _rationalise(z3, solver, variables: dict, model, timeout: float):
    """Try to move an irrational model to nearby simple rationals, one variable at a time (exact re-checks)."""
    if all(z3.is_rational_value(model.eval(v, model_completion=True)) for v in variables.values()):
        return model
    solver.set("timeout", max(1, int(min(timeout, 1.0) * 1000 / (len(variables) * len(RATIONAL_STEPS)))))
    for variable in variables.values():
        value = model.eval(variable, model_completion=True)
        if z3.is_rational_value(value):
            continue
        approx = value.approx(20)
        centre = Fraction(approx.numerator_as_long(), approx.denominator_as_long())
        for width in RATIONAL_STEPS:
            candidate = simplest_between(centre - width, centre + width)
            solver.push()
            solver.add(variable == z3.RealVal(f"{candidate.numerator}/{candidate.denominator}", variable.ctx))
            if solver.check() == z3.sat:
                model = solver.model()  # keep the push: later variables are fixed on top of this one
                break
            solver.pop()
    return model


def _value(z3, value) -> sympy.Expr:
    """A z3 numeral (rational or algebraic) as an exact SymPy value."""
    if z3.is_rational_value(value):
        return sympy.Rational(value.numerator_as_long(), value.denominator_as_long())
    if z3.is_algebraic_value(value):
        coefficients = [int(c.as_long()) for c in value.poly()]  # lowest degree first
        poly = sympy.Poly(list(reversed(coefficients)), _X, domain=sympy.QQ)
        return real_root(poly, value.index() - 1)  # z3 counts real roots from 1, left to right
    raise InternalConsistencyError(f"z3 returned a non-numeral model value {value}")
