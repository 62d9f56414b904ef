"""The ``K → ∞`` law of collapse in sparse, locally tree-like random digraphs.

Setting: a random digraph whose neighbourhoods look like a branching process
with joint in/out-degree law ``P(i, o)`` (mean degree ``c``) and no degree
correlation between neighbours — Erdős–Rényi ``D(K, c/K)``, random in- and
out-regular digraphs, the directed configuration model.  A model with
in-degree ``i`` and out-degree ``o`` receives real data with probability
``ρ(i, o)`` (``ρ = p`` for the ``random`` rule; a degree threshold for
``top-in``/``top-out``).  The derivation is in ``docs/ensembles.md``; the
equations (flow direction ``j → k``: ``k`` trains on ``j``):

1. Forward (flow) extinction ``u`` and backward extinction ``w``, the
   smallest roots in ``[0, 1]`` of::

       u = Σ P(i,o) (i/c) u^o          w = Σ P(i,o) (o/c) w^i

2. The giant strong component's downstream set (what collapses once it
   does) has the fraction ``φ = 1 − Σ P(i,o) w^i``.
3. Closed classes are, with probability → 1, directed cycles through models
   with exactly one source and no real data.  The number of closed
   ``ℓ``-cycles is asymptotically Poisson with mean ``y^ℓ/ℓ``, independent
   over ``ℓ ≥ ℓ₀`` (``ℓ₀ = 1`` when self-loops are allowed, the default;
   ``2`` without)::

       y = Σ_o P(1,o) (o/c) (1 − ρ(1,o))

4. A closed ``ℓ``-cycle feeds the giant unless every extra out-edge of every
   member dies out: probability ``1 − g^ℓ``, with::

       g = Σ_o P(1,o) (o/c) (1 − ρ(1,o)) u^{o−1} / y

5. Hence (Poisson thinning)::

       Λ_closed = Σ_{ℓ≥ℓ₀} y^ℓ/ℓ            = −ln(1 − y) − [ℓ₀=2] y
       Λ_feed   = Σ_{ℓ≥ℓ₀} (y^ℓ − (yg)^ℓ)/ℓ = ln((1 − yg)/(1 − y)) − [ℓ₀=2] y(1 − g)
       P(macroscopic collapse) = 1 − e^{−Λ_feed},   fraction | macroscopic → φ

For ``D(K, c/K)`` with real data on a random fraction ``p``: ``P(i,o)`` is
Poisson(c) × Poisson(c), ``u = w = 1 − θ`` with ``θ = 1 − e^{−cθ}``,
``φ = θ``, ``y = x = c e^{−c}(1 − p)``, ``g = 1 − θ``, so::

    P(macroscopic collapse) = 1 − (1 − x) / (1 − x(1 − θ))              (self-loops allowed)
    P(macroscopic collapse) = 1 − (1 − x) e^{xθ} / (1 − x(1 − θ))       (no self-loops)

Degenerate case: when no model can lack a source (``P(i = 0) = 0``) and no
model gets real data, every model collapses, for every ``K``.

Not derived (the ensembles are not locally tree-like without degree
correlations): preferential attachment (age–degree correlations, hubs at the
root) and small-world rewiring (short lattice loops); a given set of
real-data models.  :func:`law` says so instead of returning numbers.

Examples
--------
>>> a = law("erdos_renyi", {"c": 2.0}, "random", 0.0)
>>> round(a.phi, 4), round(a.p_macro, 4), round(a.mean_closed, 4)
(0.7968, 0.2282, 0.3156)
>>> law("small_world", {"k": 4, "beta": 0.1}, "random", 0.1).derived
False
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from graphcollapse.ensembles.degrees import LAW_CUTOFF, DegreeLaw, degree_law
from graphcollapse.errors import InputError

__all__ = ["AsymptoticLaw", "law", "degree_laws_of", "erdos_renyi_closed_form", "extinction"]


@dataclass(frozen=True)
class AsymptoticLaw:
    """The ``K → ∞`` prediction at one parameter point (or why there is none)."""

    derived: bool
    reason: str = ""
    p_macro: float | None = None       # probability that a macroscopic fraction collapses
    phi: float | None = None           # collapse fraction given that it does
    mean_fraction: float | None = None  # E[collapse fraction] = p_macro * phi
    mean_closed: float | None = None   # expected number of closed classes
    mean_feeding: float | None = None  # expected number of closed classes that feed the giant
    u: float | None = None
    w: float | None = None
    y: float | None = None
    g: float | None = None

    def to_json(self) -> dict:
        return dict(self.__dict__)


def extinction(pgf, derivative_at_one: float) -> float:
    """Smallest root in ``[0, 1]`` of ``z = pgf(z)`` (``pgf`` increasing and convex, ``pgf(1) = 1``)."""
    if derivative_at_one <= 1.0 + 1e-12:
        return 1.0  # (sub)critical: the process dies out
    h = lambda z: pgf(z) - z  # noqa: E731 - convex, h(0) >= 0, negative just below 1
    if h(0.0) <= 0.0:
        return 0.0
    hi = 0.5
    while h(hi) >= 0.0:
        hi = 1.0 - (1.0 - hi) / 2.0
        if 1.0 - hi < 1e-15:  # pragma: no cover - only at the critical point, excluded above
            return 1.0
    return float(optimize.brentq(h, 0.0, hi, xtol=1e-15, rtol=1e-15))


def degree_laws_of(ensemble: str, params: dict) -> tuple[DegreeLaw, DegreeLaw, int] | str:
    """``(in_law, out_law, ℓ₀)`` of an ensemble with an independent in/out law, or why there is none."""
    if ensemble == "erdos_renyi":
        c = params["c"]
        return degree_law("poisson", c), degree_law("poisson", c), 1 if params.get("loops", True) else 2
    shortest = 1 if params.get("loops", True) else 2
    if ensemble == "in_regular":
        return degree_law("fixed", params["d"]), degree_law("poisson", params["d"]), shortest
    if ensemble == "out_regular":
        return degree_law("poisson", params["d"]), degree_law("fixed", params["d"]), shortest
    if ensemble == "configuration":
        if params.get("in_degrees") is not None:
            return "not derived here for given degree sequences (use i.i.d. degree laws)"
        c, gamma = params["c"], params["gamma"]
        return (degree_law(params["in_law"], c, gamma=gamma), degree_law(params["out_law"], c, gamma=gamma),
                shortest)
    if ensemble == "preferential_attachment":
        return "not derived: preferential attachment correlates degree with age (not locally tree-like " \
               "without degree correlations)"
    if ensemble == "small_world":
        return "not derived: small-world graphs keep short lattice loops (not locally tree-like)"
    raise InputError(f"unknown ensemble {ensemble!r}")


def _cutoff(law_: DegreeLaw) -> int:
    if law_.name == "powerlaw":
        return LAW_CUTOFF
    return int(law_.c + 40 * math.sqrt(law_.c) + 60)


def _real_probability(rule: str, p: float, pmf: np.ndarray) -> np.ndarray:
    """``ρ`` as a function of the degree: the top ``p`` of the mass, the boundary degree split evenly."""
    if rule == "random":
        return np.full(pmf.size, p)
    above = np.concatenate([np.cumsum(pmf[::-1])[::-1][1:], [0.0]])  # P(D > d)
    rho = np.clip((p - above) / np.where(pmf > 0, pmf, 1.0), 0.0, 1.0)
    return np.where(pmf > 0, rho, 0.0)


def law(ensemble: str, params: dict, rule: str, p: float) -> AsymptoticLaw:
    """The asymptotic law at one point (see the module notes for the equations)."""
    if rule == "set":
        return AsymptoticLaw(False, "not derived for a given set of real-data models (it has no K → ∞ limit)")
    laws = degree_laws_of(ensemble, params)
    if isinstance(laws, str):
        return AsymptoticLaw(False, laws)
    in_law, out_law, ell0 = laws
    pin, pout = in_law.pmf(_cutoff(in_law), truncate=False), out_law.pmf(_cutoff(out_law), truncate=False)
    din, dout = np.arange(pin.size), np.arange(pout.size)
    c = float(in_law.c)
    if pin[0] == 0.0 and p == 0.0:
        return AsymptoticLaw(True, "no model lacks a source and none gets real data: every model collapses",
                             1.0, 1.0, 1.0, None, None, 0.0, 0.0, None, None)
    g_out = lambda z: float(np.dot(pout, np.power(z, dout)))  # noqa: E731 - probability generating functions
    g_in = lambda z: float(np.dot(pin, np.power(z, din)))  # noqa: E731
    # Independent in/out laws with equal means c: both offspring means are E[i] E[o] / c = c.
    u = extinction(g_out, c)
    w = extinction(g_in, c)
    phi = 1.0 - g_in(w)
    # Probability that a model with one source and out-degree o sees no real data.
    if rule == "top-out":
        keep = 1.0 - _real_probability(rule, p, pout)
    else:
        rho_one = _real_probability(rule, p, pin)[1] if pin.size > 1 else 1.0
        keep = np.full(pout.size, 1.0 - rho_one)
    weight = (pin[1] if pin.size > 1 else 0.0) * pout * dout / c * keep
    y = float(weight.sum())
    if y >= 1.0:
        return AsymptoticLaw(True, "closed cycles are not sparse (y >= 1): their number grows with K",
                             1.0 if phi > 0 else 0.0, phi, phi, math.inf, math.inf, u, w, y, None)
    g = float(np.dot(weight[1:], np.power(u, dout[1:] - 1)) / y) if y > 0 else 1.0
    short = 1.0 if ell0 == 2 else 0.0
    closed = -math.log1p(-y) - short * y
    feeding = math.log1p(-y * g) - math.log1p(-y) - short * y * (1.0 - g) if phi > 0 else 0.0
    p_macro = -math.expm1(-feeding)
    return AsymptoticLaw(True, "", p_macro, phi, p_macro * phi, closed, feeding, u, w, y, g)


def erdos_renyi_closed_form(c: float, p: float, loops: bool = True) -> tuple[float, float]:
    """``(P(macroscopic collapse), θ)`` for ``D(K, c/K)`` with a random real fraction ``p``, in closed form.

    ``θ = 1 + W₀(−c e^{−c})/c`` (Lambert ``W``); an independent route to the
    general :func:`law` used by the tests.

    >>> [round(v, 4) for v in erdos_renyi_closed_form(2.0, 0.0)]
    [0.2282, 0.7968]
    """
    from scipy.special import lambertw

    theta = 1.0 + float(lambertw(-c * math.exp(-c)).real) / c if c > 1 else 0.0
    x = c * math.exp(-c) * (1.0 - p)
    none = (1.0 - x) / (1.0 - x * (1.0 - theta))
    if not loops:
        none *= math.exp(x * theta)
    return 1.0 - none, theta
