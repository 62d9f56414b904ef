"""M-estimators to first order: ``H``, ``V``, ``G`` derived symbolically (docs/theory.md 3.3).

Built-in families (``{"family": name, "theta": {...}}``):

=============  ==========================  ==============================
family         parameters (``theta``)      log-density of one observation
=============  ==========================  ==============================
poisson        ``lambda``                  ``x log λ − λ − log x!``
bernoulli      ``p``                       ``x log p + (1 − x) log(1 − p)``
exponential    ``rate``                    ``log r − r x``
gaussian       ``mu``, ``sigma2``          ``−(x − μ)²/(2σ²) − log(2πσ²)/2``
=============  ==========================  ==============================

and ``{"family": "custom", "logpdf": "<expression>", "params": [...],
"variable": "x", "support": "real" | "positive" | "integers" | [lo, hi] |
{"values": [...]}, "theta": {...}}``, parsed with the safe expression
parser.  Any family takes an optional ``"loss"`` (an expression in the
variable and the parameters; default the negative log-likelihood).

With ``ℓ`` the loss and expectations under the true parameter ``θ*``:
``H = E[∇²ℓ]``, ``V = E[∇ℓ ∇ℓᵀ]``, ``G = ∂/∂θ' E_θ'[∇ℓ(θ*)]``, the
propagation ``M = −H⁻¹ G`` (the identity for every Fisher-consistent
estimator, e.g. the MLE) and the per-generation noise ``D_k = H⁻¹ V H⁻¹ /
n_k`` (pooled) — all first order: fixed ``t``, ``n → ∞``.  The error is
``tr S_kk``, the trace of the first-order covariance, in the same units as
the other families (the ``1/n_k`` factor included).

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 50, "real": 1}], "edges": []})
>>> rec = Poisson({"family": "poisson", "theta": {"lambda": 3}}, g).recurrence()
>>> rec.noise[0], rec.M
(Matrix([[3/50]]), Matrix([[1]]))
"""

from __future__ import annotations

from typing import Any, Mapping

import sympy

import graphcollapse.bounds as bounds
from graphcollapse.errors import InputError
from graphcollapse.estimators.ranges import POSITIVE, REAL, UNIT, Range
from graphcollapse.numbers.parse import check_name, parse_expression, to_exact
from graphcollapse.operator.recurrence import Recurrence
from graphcollapse.estimators.base import Estimator, register

__all__ = ["MEstimator", "Poisson", "Bernoulli", "Exponential", "GaussianMeanVariance", "Custom", "derive"]

ASYMPTOTIC_NOTE = ("first-order asymptotic (fixed t, n -> infinity): n Cov(theta_hat) -> S; "
                   "for fixed n and t -> infinity the finite-sample behaviour can differ")

_X = sympy.Symbol("x", real=True)


def derive(logpdf: sympy.Expr, params: list[sympy.Symbol], variable: sympy.Symbol, support,
           theta: Mapping[sympy.Symbol, sympy.Expr], loss: sympy.Expr | None = None):
    """``(H, V, G)`` at ``θ*`` for one observation, exactly.

    ``support`` is ``("interval", lo, hi)``, ``("integers", lo, hi)`` or
    ``("values", [v, …])``.

    Examples
    --------
    >>> x, r = sympy.symbols("x r", positive=True)
    >>> derive(sympy.log(r) - r * x, [r], x, ("interval", 0, sympy.oo), {r: 2})
    (Matrix([[1/4]]), Matrix([[1/4]]), Matrix([[-1/4]]))
    """
    loss = -logpdf if loss is None else loss
    shifted = {p: sympy.Dummy(f"{p.name}_data", positive=True) for p in params}
    density = sympy.exp(logpdf)

    moments: dict = {}

    def integrate(f, at: Mapping) -> sympy.Expr:
        """``E[f(x)]`` under the model with parameters ``at``, by summation or integration."""
        integrand = f * density.subs(at)
        kind = support[0]
        if kind == "values":
            value = sum((integrand.subs(variable, v) for v in support[1]), sympy.Integer(0))
        elif kind == "integers":
            k = sympy.Dummy("k", integer=True, nonnegative=True)
            term = _integer_powers(sympy.expand(integrand.subs(variable, k)), k)
            value = sympy.summation(sympy.simplify(term), (k, support[1], support[2]))
        else:
            value = sympy.integrate(integrand, (variable, support[1], support[2]))
        value = _branch_at_truth(sympy.simplify(value), {shifted[q]: theta[q] for q in params})
        if value.has(sympy.Integral, sympy.Sum, sympy.Piecewise):
            raise InputError(f"M-estimator: could not evaluate the expectation of {f} in closed form")
        return value

    def expect(f, at: Mapping) -> sympy.Expr:
        """``E[f(x)]``; polynomials in ``x`` go through cached moments (one integral per power)."""
        f = sympy.expand(f)
        poly = f.as_poly(variable) if f.has(variable) else None
        if f.has(variable) and poly is None:
            return integrate(f, at)
        if poly is None:
            return f
        key = tuple(sorted(at.items(), key=str))
        total = sympy.Integer(0)
        for (power,), coeff in poly.terms():
            if (power, key) not in moments:
                moments[(power, key)] = integrate(variable**power, at)
            total += coeff * moments[(power, key)]
        return sympy.simplify(total)

    mass = integrate(sympy.Integer(1), dict(theta))
    if mass != 1:
        raise InputError(f"M-estimator: the density exp(logpdf) sums/integrates to {mass}, not 1, "
                                 "at theta*; give a normalised log-density")

    p = len(params)
    grad = [sympy.diff(loss, q) for q in params]
    truth = dict(theta)
    H = sympy.Matrix(p, p, lambda i, j: expect(sympy.diff(grad[i], params[j]), truth).subs(truth))
    mean_score = [sympy.simplify(expect(g, truth).subs(truth)) for g in grad]
    if any(m != 0 for m in mean_score):
        raise InputError(
            f"M-estimator: E[grad loss] at theta* is {mean_score}, not 0: theta* is not a fixed point of the "
            "estimator, so the first-order recursion around it does not apply")
    V = sympy.Matrix(p, p, lambda i, j: sympy.simplify(expect(grad[i] * grad[j], truth).subs(truth)))
    data_params = {q: shifted[q] for q in params}
    G = sympy.zeros(p, p)
    for i in range(p):
        mean = expect(grad[i].subs(truth), data_params)  # E_θ'[∇_i ℓ(θ*)] as a function of θ'
        for j in range(p):
            G[i, j] = sympy.simplify(sympy.diff(mean, shifted[params[j]]).subs(
                {shifted[q]: truth[q] for q in params}))
    return H.applyfunc(sympy.simplify), V, G


def _integer_powers(expr: sympy.Expr, k: sympy.Symbol) -> sympy.Expr:
    """Rewrite ``exp(a + k b)`` as ``exp(a) exp(b)^k`` for the integer ``k``, so ``exp(k log(1 - q))`` becomes
    ``(1 - q)^k`` (exact for integer ``k``, which SymPy will not assume), a form ``summation`` recognises.

    Examples
    --------
    >>> k, q = sympy.Symbol("k", integer=True), sympy.Symbol("q", real=True)
    >>> _integer_powers(sympy.exp(sympy.log(q) + k * sympy.log(1 - q)), k)
    q*(1 - q)**k
    """
    def linear_in_k(e):
        return isinstance(e, sympy.exp) and e.args[0].has(k) and not sympy.diff(e.args[0], k).has(k)

    def split(e):
        arg = e.args[0]
        return sympy.exp(arg.subs(k, 0)) * sympy.exp(sympy.diff(arg, k)) ** k

    return expr.replace(linear_in_k, split)


def _branch_at_truth(value: sympy.Expr, truth: Mapping) -> sympy.Expr:
    """The branch of a piecewise expectation that holds at ``θ*``.

    Sums and integrals with symbolic parameters come back as ``Piecewise``
    (e.g. ``Σ k (1 - q)^k`` converges for ``|1 - q| < 1``).  Only values and
    first derivatives at ``θ*`` are needed, so the branch whose condition holds
    at ``θ*`` is the answer when that condition is strict (it then holds on a
    neighbourhood of ``θ*``); otherwise the expression is left alone and
    reported as not evaluable.

    Examples
    --------
    >>> q = sympy.Symbol("q", positive=True)
    >>> value = sympy.Piecewise((1 / q, sympy.Abs(1 - q) < 1), (sympy.Sum(q, (q, 0, sympy.oo)), True))
    >>> _branch_at_truth(value, {q: sympy.Rational(1, 3)})
    1/q
    """
    if not isinstance(value, sympy.Piecewise):
        return value
    for expr, condition in value.args:
        if condition.subs(truth) is not sympy.true:
            continue
        closed = any(isinstance(rel, (sympy.Le, sympy.Ge, sympy.Eq)) for rel in condition.atoms(sympy.Rel))
        return value if closed and condition.free_symbols & set(truth) else expr
    return value


class MEstimator(Estimator):
    """A parametric family fitted by minimising a loss; first-order asymptotics.

    :attr:`parameters` holds the parsed ``logpdf``, ``params``, ``variable``,
    ``support``, the true parameter ``theta`` (keyed by parameter symbol) and
    the ``loss`` (``None``: the negative log-likelihood).  Built-ins without a
    loss simulate by their closed-form MLE; everything else by the general
    M-estimation kernel (sampling from the density, numerical fits).
    """

    keys = frozenset({"theta", "loss"})
    asymptotic = True
    kernel = "general_m:LossKernel"
    #: Overridden by the built-ins: (parameter names, log-density text, support).
    PARAMS: tuple[str, ...] = ()
    LOGPDF: str = ""
    SUPPORT: Any = ("interval", -sympy.oo, sympy.oo)
    DOMAIN: dict = {}
    #: The range of each parameter (:mod:`graphcollapse.estimators.ranges`); custom parameters are real.
    RANGES: dict[str, Range] = {}

    #: Closed-form MLE kernel of a built-in (used when no loss is given).
    mle_kernel: str | None = None

    def parse(self):
        logpdf, params, variable, support = self.model()
        return {"logpdf": logpdf, "params": params, "variable": variable, "support": support,
                "theta": self.true_parameter(params), "loss": self.loss_expression(params, variable)}

    def error_dof(self) -> float:
        """The number of parameters: to first order the error is Gaussian in that many dimensions."""
        return float(len(self.parameters["params"]))

    def kernel_path(self) -> str:
        if self.mle_kernel is not None and self.spec.get("loss") is None:
            return self.mle_kernel
        return self.kernel

    def model(self):
        """``(logpdf, params, variable, support)`` as SymPy objects."""
        params = [sympy.Symbol(name, **self.DOMAIN.get(name, {"positive": True})) for name in self.PARAMS]
        # "lambda" is a Python keyword, so the formula text spells it lambda_.
        symbols = {p.name + ("_" if p.name == "lambda" else ""): p for p in params} | {"x": _X, "pi": sympy.pi}
        functions = {"log": sympy.log, "factorial": sympy.factorial}
        logpdf = parse_expression(self.LOGPDF, symbols, where=f"estimator {self.name!r} logpdf", functions=functions)
        return logpdf, params, _X, self.SUPPORT

    def true_parameter(self, params) -> dict:
        """``θ*`` from the spec's ``"theta"``, exactly, keyed by the parameter symbols."""
        raw = self.spec.get("theta")
        if not isinstance(raw, Mapping):
            raise InputError(f"estimator {self.name!r}: give the true parameter \"theta\" (values for "
                                     f"{', '.join(p.name for p in params)})")
        names = {p.name: p for p in params}
        unknown = set(raw) - set(names)
        if unknown:
            raise InputError(f"estimator {self.name!r}: theta has unknown parameter {sorted(unknown)[0]!r} "
                                     f"(parameters: {', '.join(names)})")
        missing = [n for n in names if n not in raw]
        if missing:
            raise InputError(f"estimator {self.name!r}: theta needs a value for {missing[0]!r}")
        symbols = {s.name: s for s in self.graph.symbols}
        out = {}
        for name, p in names.items():
            where = f"estimator {self.name!r}: theta {name}"
            value = to_exact(raw[name], symbols, where=where)
            if value.free_symbols:
                raise InputError(f"{where} must be a number")
            out[p] = self.RANGES.get(name, REAL).check(value, where)
        return out

    def loss_expression(self, params, variable):
        """The spec's ``"loss"`` as a SymPy expression (``None``: the negative log-likelihood)."""
        raw = self.spec.get("loss")
        if raw is None:
            return None
        symbols = {p.name + ("_" if p.name == "lambda" else ""): p for p in params} | {variable.name: variable}
        return parse_expression(_formula(raw, f"estimator {self.name!r} loss"), symbols,
                                where=f"estimator {self.name!r} loss",
                                functions={"log": sympy.log, "exp": sympy.exp, "Abs": sympy.Abs})

    def recurrence(self) -> Recurrence:
        g = self.graph
        if not g.is_exact:
            raise InputError(f"graph {g.name!r}: {self.name} needs an exact graph")
        parsed = self.parameters
        H, V, G = derive(parsed["logpdf"], parsed["params"], parsed["variable"], parsed["support"],
                         parsed["theta"], parsed["loss"])
        params = parsed["params"]
        if H.det() == 0:
            raise InputError(f"estimator {self.name!r}: the Hessian H is singular at theta*")
        Hinv = H.inv()
        M = (-Hinv * G).applyfunc(sympy.simplify)
        sandwich = (Hinv * V * Hinv).applyfunc(sympy.simplify)
        noise, initial = [], []
        incoming: list[list] = [[] for _ in range(g.K)]
        for j, k, w, count in zip(g.sources.tolist(), g.targets.tolist(), g.weights, g.edge_n or [None] * g.num_edges):
            if w != 0:
                incoming[k].append((j, w, count))
        for k in range(g.K):
            if g.mixing == "pooled":
                n = self.model_value(g.n, k, "n", what="samples per generation")
                factor = 1 / n
            else:
                factor = sympy.Integer(0)
                if g.real[k] != 0:
                    factor += g.real[k] ** 2 / self.model_value(g.n_real, k, "n_real", what="real samples")
                for _, w, count in incoming[k]:
                    factor += w**2 / count
            n0 = self.model_value(g.n0, k, "n0", what="generation-0 real samples")
            noise.append(sympy.ImmutableMatrix(sandwich * factor))
            initial.append(sympy.ImmutableMatrix(sandwich / n0))
        notes = (f"{self.describe()}: {ASYMPTOTIC_NOTE}",)
        return Recurrence(graph=g, family=self.name, W=g.weight_matrix(), M=sympy.ImmutableMatrix(M),
                          noise=tuple(noise), initial=tuple(initial), trace_weight=sympy.eye(len(params)),
                          asymptotic=True, notes=notes)


@register
class Poisson(MEstimator):
    name = "poisson"
    mle_kernel = "m_estimators:PoissonKernel"
    PARAMS = ("lambda",)
    LOGPDF = "x*log(lambda_) - lambda_ - log(factorial(x))"
    SUPPORT = ("integers", 0, sympy.oo)
    RANGES = {"lambda": POSITIVE}


@register
class Bernoulli(MEstimator):
    name = "bernoulli"
    mle_kernel = "m_estimators:BernoulliKernel"
    PARAMS = ("p",)
    LOGPDF = "x*log(p) + (1 - x)*log(1 - p)"
    SUPPORT = ("values", [0, 1])
    RANGES = {"p": UNIT}


@register
class Exponential(MEstimator):
    name = "exponential"
    mle_kernel = "m_estimators:ExponentialKernel"
    PARAMS = ("rate",)
    LOGPDF = "log(rate) - rate*x"
    SUPPORT = ("interval", 0, sympy.oo)
    RANGES = {"rate": POSITIVE}


@register
class GaussianMeanVariance(MEstimator):
    name = "gaussian"
    mle_kernel = "m_estimators:GaussianKernel"
    PARAMS = ("mu", "sigma2")
    DOMAIN = {"mu": {"real": True}, "sigma2": {"positive": True}}
    LOGPDF = "-(x - mu)**2/(2*sigma2) - log(2*pi*sigma2)/2"
    SUPPORT = ("interval", -sympy.oo, sympy.oo)
    RANGES = {"mu": REAL, "sigma2": POSITIVE}


@register
class Custom(MEstimator):
    """A user-given log-density (and optional loss), parsed safely."""

    name = "custom"
    keys = frozenset({"theta", "loss", "logpdf", "params", "variable", "support"})

    def model(self):
        params_raw = self.spec.get("params")
        if not isinstance(params_raw, list) or not params_raw or not all(isinstance(p, str) for p in params_raw):
            raise InputError("estimator 'custom': \"params\" must be a non-empty list of parameter names")
        for name in params_raw:
            check_name(name, "estimator 'custom' parameter")
        if len(set(params_raw)) != len(params_raw):
            raise InputError("estimator 'custom': a parameter is named twice")
        variable_name = self.spec.get("variable", "x")
        check_name(variable_name, "estimator 'custom' variable")
        if variable_name in params_raw:
            raise InputError("estimator 'custom': \"variable\" must be a name distinct from the parameters")
        support = _support(self.spec.get("support", "real"))
        variable = sympy.Symbol(variable_name, real=True)
        params = [sympy.Symbol(p, real=True) for p in params_raw]
        if "logpdf" not in self.spec:
            raise InputError("estimator 'custom': give \"logpdf\", the log-density of one observation")
        symbols = {p.name: p for p in params} | {variable.name: variable, "pi": sympy.pi}
        logpdf = parse_expression(_formula(self.spec["logpdf"], "estimator 'custom' logpdf"), symbols,
                                  where="estimator 'custom' logpdf",
                                  functions={"log": sympy.log, "exp": sympy.exp, "factorial": sympy.factorial})
        return logpdf, params, variable, support


def _formula(raw, where: str) -> str:
    """A formula of the spec must be text (numbers are not log-densities or losses)."""
    if not isinstance(raw, str):
        raise InputError(f"{where} must be a formula (a string), not {type(raw).__name__}")
    return raw


def _support(raw):
    if raw == "real":
        return ("interval", -sympy.oo, sympy.oo)
    if raw == "positive":
        return ("interval", 0, sympy.oo)
    if raw == "integers":
        return ("integers", 0, sympy.oo)
    if isinstance(raw, Mapping) and isinstance(raw.get("values"), list):
        bounds.check("support_points", len(raw["values"]), "estimator 'custom': points of the support")
        values = [to_exact(v, {}, where="estimator 'custom' support") for v in raw["values"]]
        if len(set(values)) != len(values):
            raise InputError("estimator 'custom': a support point is listed twice")
        return ("values", values)
    if isinstance(raw, list) and len(raw) == 2:
        lo, hi = (sympy.oo * (1 if v == "oo" else -1) if isinstance(v, str) and v in ("oo", "-oo")
                  else to_exact(v, {}, where="estimator 'custom' support") for v in raw)
        if not lo < hi:
            raise InputError(f"estimator 'custom': the support [{lo}, {hi}] is empty")
        return ("interval", lo, hi)
    raise InputError("estimator 'custom': support must be \"real\", \"positive\", \"integers\", "
                             "[lo, hi] or {\"values\": [...]}")
