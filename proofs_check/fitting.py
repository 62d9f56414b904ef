"""The distribution-fitting recursions of MODEL.md section 7, derived symbolically and checked by raw sampling.

**Gaussian fits.**  Given the past, a pooled batch holds ``n_j`` samples
from ``N(m_j, s_j)`` per source (real data: ``m = 0``, ``s = σ²``).  The
moments of one fit follow from ``E x = m``, ``E x² = m² + s`` and
independence:

    E[x̄²]      = (Σ n_j m_j)²/n² + Σ n_j s_j / n²
    E[scatter] = Σ n_j (m_j² + s_j) − (Σ n_j m_j)²/n − Σ n_j s_j / n,

and the weighted rules combine per-source fits the same way.  Averaging over
the past replaces ``m_j m_j'`` by ``S_jj'`` and ``s_j`` by ``v_j``: the
recursion's rows.  The checks (1) compute these expectations with
``sympy.stats`` on explicit normal samples for small batches, (2) build the
general rows from the moment formulas for symbolic counts and compare them
coefficient by coefficient with the toolkit's, (3) do the same for token
counts (``E[N Nᵀ] = m(diag p − p pᵀ) + m² p pᵀ``, checked on explicit
categorical draws), including the reduction ``E[e_k e_lᵀ] = a_kl Σ*``, and
(4) compare both families' exact trajectories with a plain sample-by-sample
simulation written here (not the toolkit's simulator) on random graphs.
"""

from __future__ import annotations

import numpy as np
import sympy
from sympy.stats import E, FiniteRV, Normal

import graphcollapse as gc
from graphcollapse.crosscheck.check import RELIABLE_RELATIVE_VARIANCE
from graphcollapse.operator import iterate

from .registry import Counterexample, check

GROUP = "fitting"


def _is_zero(expr) -> bool:
    return sympy.cancel(sympy.together(expr)) == 0


# --------------------------------------------------------------- the moment algebra of one fit
def _pooled_moments(counts, means, variances):
    """``(E[x̄ − 0], E[x̄²], E[scatter])`` of one pooled batch, from the moment formulas."""
    n = sum(counts)
    first = sum(c * m for c, m in zip(counts, means))
    spread = sum(c * s for c, s in zip(counts, variances))
    return first / n, first ** 2 / n ** 2 + spread / n ** 2, \
        sum(c * (m ** 2 + s) for c, m, s in zip(counts, means, variances)) - first ** 2 / n - spread / n


def _mixture_variance(weights, counts, means, variances, ddof):
    """``E`` of the mixture covariance ``Σ w (σ̂_j² + x̄_j²) − (Σ w x̄_j)²`` of per-source fits."""
    fit_var = [s * (c - 1) / (c - ddof) for c, s in zip(counts, variances)]
    second = [m ** 2 + s / c for c, m, s in zip(counts, means, variances)]          # E x̄_j²
    cross = sum(w * m for w, m in zip(weights, means)) ** 2 + \
        sum(w ** 2 * s / c for w, c, s in zip(weights, counts, variances))          # E (Σ w x̄_j)²
    return sum(w * (f + q) for w, f, q in zip(weights, fit_var, second)) - cross


@check("Gaussian fit: moments of one pooled and one weighted fit by symbolic expectation over normal samples",
       group=GROUP)
def gaussian_fit_moments(level: str) -> str:
    designs = [(2, 1), (1, 1, 1), (3,)] if level == "quick" else [(2, 1), (1, 1, 1), (3,), (2, 2), (3, 1), (2, 1, 1)]
    done = 0
    for design in designs:
        means = sympy.symbols(f"m0:{len(design)}", real=True)
        variances = sympy.symbols(f"s0:{len(design)}", positive=True)
        groups = [[Normal(f"x{j}_{i}", means[j], sympy.sqrt(variances[j])) for i in range(c)]
                  for j, c in enumerate(design)]
        xs = [x for group in groups for x in group]
        n = len(xs)
        mean = sum(xs) / n
        got = (E(mean), E(sympy.expand(mean ** 2)), E(sympy.expand(sum((x - mean) ** 2 for x in xs))))
        formulas = _pooled_moments(design, means, variances)
        for name, value, formula in zip(("E x̄", "E x̄²", "E scatter"), got, formulas):
            if not _is_zero(value - formula):
                raise Counterexample(f"pooled batch {design}: {name} = {sympy.factor(value)}, the moment formula "
                                     f"gives {sympy.factor(formula)}")
        # weighted, mixture rule: per-source fits (sources of one sample have scatter 0)
        weights = sympy.symbols(f"w0:{len(design)}", positive=True)
        for ddof in (0, 1):
            if ddof == 1 and min(design) < 2:
                continue
            fits = []
            for group in groups:
                g_mean = sum(group) / len(group)
                fits.append((g_mean, sum((x - g_mean) ** 2 for x in group) / (len(group) - ddof)))
            combined = sum(w * f[0] for w, f in zip(weights, fits))
            mixture = sum(w * (f[1] + f[0] ** 2) for w, f in zip(weights, fits)) - combined ** 2
            value = E(sympy.expand(mixture))
            formula = _mixture_variance(weights, design, means, variances, ddof)
            if not _is_zero(value - formula):
                raise Counterexample(f"weighted batch {design}, ddof {ddof}: E mixture variance = "
                                     f"{sympy.factor(value)}, the formula gives {sympy.factor(formula)}")
        done += 1
    return f"E x̄, E x̄², E scatter and the mixture variance by sympy.stats on {done} batch designs"


# ------------------------------------------------- derivation = implementation (symbolic counts)
def _fitting_graph(mixing: str, family: dict):
    """C trains on A, B and real data with symbolic counts n1, n2, n3 (A, B: real data only)."""
    models = [{"id": "A", "n": "nA", "real": 1}, {"id": "B", "n": "nB", "real": 1}]
    if mixing == "pooled":
        models.append({"id": "C", "n_real": "n3"})
        edges = [{"from": "A", "to": "C", "n": "n1"}, {"from": "B", "to": "C", "n": "n2"}]
    else:
        models.append({"id": "C", "n": "nC", "real": "r", "n_real": "n3"})
        edges = [{"from": "A", "to": "C", "weight": "wA", "n": "n1"}, {"from": "B", "to": "C", "weight": "1 - r - wA",
                                                                      "n": "n2"}]
        models[0]["n_real"], models[1]["n_real"] = "nA", "nB"
    symbols = ["nA", "nB", "n1", "n2", "n3"] + (["nC", "r", "wA"] if mixing == "weighted" else [])
    return gc.from_dict({"symbols": symbols, "mixing": mixing, "estimator": family, "models": models,
                         "edges": edges})


def _as_row(expr, means, variances, labels_m, labels_s):
    """A polynomial in the past's ``m_j``, ``s_j`` averaged over the past: ``m_j m_j' → S_jj'``, ``s_j → v_j``."""
    poly = sympy.Poly(sympy.expand(expr), *means, *variances)
    row, constant = {}, sympy.Integer(0)
    for powers, coef in poly.terms():
        pm, ps = powers[:len(means)], powers[len(means):]
        if sum(pm) == 2 and sum(ps) == 0:
            i, j = [k for k, e in enumerate(pm) for _ in range(e)]
            row[labels_m(i, j)] = row.get(labels_m(i, j), 0) + coef
        elif sum(pm) == 0 and sum(ps) == 1:
            row[labels_s(ps.index(1))] = row.get(labels_s(ps.index(1)), 0) + coef
        elif sum(powers) == 0:
            constant += coef
        else:
            raise Counterexample(f"the moment formula has a term of degree {powers}: not a second-moment recursion")
    return row, constant


def _compare_rows(what, rec, unknown, derived, constant):
    got = rec.row(unknown)
    for key in set(got) | set(derived):
        if not _is_zero(got.get(key, 0) - derived.get(key, 0)):
            raise Counterexample(f"{what}: coefficient of {key} in the row of {unknown} is "
                                 f"{sympy.factor(got.get(key, 0))}, the derivation gives "
                                 f"{sympy.factor(derived.get(key, 0))}")
    if not _is_zero(rec.constant(unknown) - constant):
        raise Counterexample(f"{what}: constant of {unknown} is {rec.constant(unknown)}, derived {constant}")


@check("Gaussian fit recursion: the rows derived from the moment formulas equal the toolkit's "
       "(symbolic counts; pooled, weighted mixture and average; ddof 0 and 1)", group=GROUP)
def gaussian_fit_rows(level: str) -> str:
    n1, n2, n3, r, wA = sympy.symbols("n1 n2 n3 r wA", real=True)
    m = sympy.symbols("mA mB", real=True)
    s = sympy.symbols("sA sB", positive=True)
    pair = {(0, 0): ("S", 0, 0), (0, 1): ("S", 0, 1), (1, 1): ("S", 1, 1)}
    cases = 0
    for mixing, rule in (("pooled", None), ("weighted", "mixture"), ("weighted", "average")):
        for ddof in (0, 1):
            family = {"family": "gaussian_fit", "ddof": ddof}
            if rule:
                family["weighted_variance"] = rule
            rec = gc.recurrence(_fitting_graph(mixing, family))
            C = ("v", 2)
            if mixing == "pooled":
                counts, means, variances = (n1, n2, n3), (m[0], m[1], 0), (s[0], s[1], 1)
                n = n1 + n2 + n3
                _, second, scatter = _pooled_moments(counts, means, variances)
                variance = scatter / (n - ddof)
            else:
                weights, counts = (wA, 1 - r - wA, r), (n1, n2, n3)
                means, variances = (m[0], m[1], 0), (s[0], s[1], 1)
                second = sum(w * mm for w, mm in zip(weights, means)) ** 2 + \
                    sum(w ** 2 * ss / c for w, c, ss in zip(weights, counts, variances))
                if rule == "mixture":
                    variance = _mixture_variance(weights, counts, means, variances, ddof)
                else:
                    variance = sum(w * ss * (c - 1) / (c - ddof) for w, c, ss in zip(weights, counts, variances))
            labels = (lambda i, j: pair[(min(i, j), max(i, j))], lambda j: ("v", j))
            what = f"{mixing}{'/' + rule if rule else ''}, ddof {ddof}"
            _compare_rows(what, rec, ("S", 2, 2), *_as_row(second, m, s, *labels))
            _compare_rows(what, rec, C, *_as_row(variance, m, s, *labels))
            cases += 1
    return f"rows of S_CC and v_C with three symbolic sources in {cases} cases (mixing rule x ddof)"


# --------------------------------------------------------------------------- categorical fits
@check("categorical recursion: token-count moments by symbolic expectation, the Σ* reduction, and the rows "
       "derived from them equal the toolkit's (symbolic counts, pooled and weighted)", group=GROUP)
def categorical_rows(level: str) -> str:
    p = sympy.symbols("p0:2", positive=True)
    probs = [p[0], p[1], 1 - p[0] - p[1]]
    sizes = (1, 2, 3) if level == "quick" else (1, 2, 3, 4)
    for size in sizes:
        tokens = [FiniteRV(f"X{size}_{i}", dict(enumerate(probs))) for i in range(size)]
        N = [sum(sympy.KroneckerDelta(x, a) for x in tokens) for a in range(3)]
        for a in range(3):
            for b in range(3):
                expected = size * ((probs[a] if a == b else 0) - probs[a] * probs[b]) + size ** 2 * probs[a] * probs[b]
                if not _is_zero(E(N[a] * N[b]) - expected):
                    raise Counterexample(f"{size} tokens: E[N_{a} N_{b}] = {E(N[a] * N[b])}, expected {expected}")
    # The Σ* reduction: with E p_j = p* and E[e_j e_j'ᵀ] = a_jj' Σ*, the pooled fit's cross moment is a multiple
    # of Σ*.  Written out with a symbolic p* and symbolic counts for two model sources and real data.
    n1, n2, n3, r, wA = sympy.symbols("n1 n2 n3 r wA", real=True)
    a = {(i, j): sympy.Symbol(f"a{i}{j}") for i in range(2) for j in range(i, 2)}
    star_vec = sympy.Matrix(probs)
    star = sympy.diag(*probs) - star_vec * star_vec.T

    def cross(i, j):
        return a[(min(i, j), max(i, j))] * star

    n = n1 + n2 + n3
    counts, weights = (n1, n2), (n1 / n, n2 / n)
    pooled = sum((weights[i] * weights[j] * cross(i, j) for i in range(2) for j in range(2)), sympy.zeros(3, 3)) + \
        (n3 * star + sum((counts[j] * (star - cross(j, j)) for j in range(2)), sympy.zeros(3, 3))) / n ** 2
    wts = (wA, 1 - r - wA)
    weighted = sum((wts[i] * wts[j] * cross(i, j) for i in range(2) for j in range(2)), sympy.zeros(3, 3)) + \
        r ** 2 * star / n3 + sum((wts[j] ** 2 * (star - cross(j, j)) / counts[j] for j in range(2)), sympy.zeros(3, 3))
    checked = 0
    for mixing, moment in (("pooled", pooled), ("weighted", weighted)):
        ratio = sympy.cancel(moment[0, 1] / star[0, 1])
        if not all(_is_zero(moment[i, j] - ratio * star[i, j]) for i in range(3) for j in range(3)):
            raise Counterexample(f"{mixing}: the fit's second moment is not a multiple of Σ*")
        rec = gc.recurrence(_fitting_graph(mixing, {"family": "categorical", "p": ["1/2", "1/3", "1/6"]}))
        symbols = list(a.values())
        poly = sympy.Poly(sympy.expand(sympy.cancel(ratio) * sympy.denom(sympy.together(ratio))), *symbols)
        denominator = sympy.denom(sympy.together(ratio))
        derived = {("S", i, j): sympy.cancel(poly.coeff_monomial(a[(i, j)]) / denominator) for (i, j) in a}
        constant = sympy.cancel(poly.coeff_monomial(1) / denominator)
        _compare_rows(mixing, rec, ("S", 2, 2), {k: v for k, v in derived.items() if not _is_zero(v)}, constant)
        # h = 1 - a has the same operator; its constant is 1 - (row sum) - (a's constant)
        h_row = {("H",) + key[1:]: v for key, v in rec.row(("S", 2, 2)).items()}
        _compare_rows(f"{mixing} (h = 1 - a)", rec, ("H", 2, 2), h_row,
                      1 - sum(rec.row(("S", 2, 2)).values()) - rec.constant(("S", 2, 2)))
        checked += 1
    return (f"E[N Nᵀ] on explicit draws of {max(sizes)} tokens or fewer; the Σ* reduction and the rows of a_CC, "
            f"h_CC for {checked} mixing rules with symbolic counts")


# ------------------------------------------------------------------------ raw sampling check
def _raw_gaussian(graph, T, R, rng):
    """Pooled Gaussian fits (d = 1, MLE), sample by sample: mean errors and variances, ``(R, T+1, K)``."""
    K = graph.K
    W = np.array(graph.weight_matrix().tolist(), dtype=float)
    n = np.array([int(v) for v in graph.n])
    counts = np.rint(W * n[:, None]).astype(int)
    real = n - counts.sum(axis=1)
    mu, var = np.zeros((R, K)), np.ones((R, K))
    errors, variances = np.empty((R, T + 1, K)), np.empty((R, T + 1, K))
    for t in range(T + 1):
        new_mu, new_var = np.empty((R, K)), np.empty((R, K))
        for k in range(K):
            parts = [rng.standard_normal((R, n[k] if t == 0 else real[k]))]
            if t:
                parts += [mu[:, [j]] + np.sqrt(var[:, [j]]) * rng.standard_normal((R, counts[k, j]))
                          for j in range(K) if counts[k, j]]
            x = np.concatenate(parts, axis=1)
            new_mu[:, k], new_var[:, k] = x.mean(axis=1), x.var(axis=1)
        mu, var = new_mu, new_var
        errors[:, t], variances[:, t] = mu ** 2, var
    return errors, variances


def _raw_tokens(graph, p, T, R, rng):
    """Pooled categorical fits, token by token: errors ``‖p_k − p*‖²`` and diversities, ``(R, T+1, K)``."""
    K, C = graph.K, len(p)
    W = np.array(graph.weight_matrix().tolist(), dtype=float)
    n = np.array([int(v) for v in graph.n])
    counts = np.rint(W * n[:, None]).astype(int)
    real = n - counts.sum(axis=1)
    fits = np.broadcast_to(p, (R, K, C)).copy()
    errors, diversity = np.empty((R, T + 1, K)), np.empty((R, T + 1, K))

    def draw(prob, m):
        cdf = np.cumsum(prob, axis=-1)[:, None, :]
        tokens = (rng.random((prob.shape[0], m))[:, :, None] > cdf[:, :, :-1]).sum(axis=-1)
        return np.stack([(tokens == c).sum(axis=1) for c in range(C)], axis=1)

    for t in range(T + 1):
        new = np.empty((R, K, C))
        for k in range(K):
            tally = draw(np.broadcast_to(p, (R, C)), n[k] if t == 0 else real[k])
            if t:
                for j in range(K):
                    if counts[k, j]:
                        tally = tally + draw(fits[:, j], counts[k, j])
            new[:, k] = tally / n[k]
        fits = new
        errors[:, t] = np.square(fits - p).sum(axis=-1)
        diversity[:, t] = 1 - np.square(fits).sum(axis=-1)
    return errors, diversity


def _random_graph(rng, K):
    """A pooled graph on K models with whole counts: every model draws its sources and real data."""
    models, edges = [], []
    for k in range(K):
        sources = [j for j in range(K) if rng.random() < 0.5] or [int(rng.integers(K))]
        parts = rng.integers(2, 6, size=len(sources) + 1)
        parts[-1] = parts[-1] if rng.random() < 0.5 else 0
        models.append({"id": f"M{k}", "n_real": int(parts[-1])})
        edges += [{"from": f"M{j}", "to": f"M{k}", "n": int(c)} for j, c in zip(sources, parts[:-1])]
    return gc.from_dict({"models": models, "edges": edges})


@check("Gaussian and categorical fits: exact trajectories against a plain sample-by-sample simulation "
       "(random pooled graphs)", group=GROUP)
def fitting_raw_sampling(level: str) -> str:
    rng = np.random.default_rng(7070)
    graphs = 3 if level == "quick" else 12
    R = 4000 if level == "quick" else 20000
    T = 6
    p = np.array([0.5, 0.3, 0.2])
    worst = 0.0
    for i in range(graphs):
        graph = _random_graph(rng, int(rng.integers(1, 4)))
        gauss = gc.recurrence(graph, {"family": "gaussian_fit"})
        tokens = gc.recurrence(graph, {"family": "categorical", "p": ["1/2", "3/10", "1/5"]})
        # a collapsing fitted variance is dominated by rare draws: test it only where R draws resolve it
        tails = gauss.monte_carlo_tails(gc.Topology.of(graph))["variance"]
        resolved = tails[None, :] ** np.arange(1, T + 2)[:, None] <= R * RELIABLE_RELATIVE_VARIANCE
        for (name, rec, kind), draws in zip(
                [("gaussian error", gauss, "error"), ("gaussian variance", gauss, "variance"),
                 ("categorical error", tokens, "error"), ("categorical diversity", tokens, "diversity")],
                [*_raw_gaussian(graph, T, R, rng), *_raw_tokens(graph, p, T, R, rng)]):
            exact = np.array(iterate(rec, T, kind), dtype=float)
            se = draws.std(axis=0, ddof=1) / np.sqrt(R)
            z = np.abs(draws.mean(axis=0) - exact) / np.where(se > 0, se, np.inf)
            if name == "gaussian variance":
                z = np.where(resolved, z, 0.0)
            # 4 families x 7 generations x K models per graph: a 5 SE band keeps false alarms below 1e-3
            if z.max() > 5:
                t, k = np.unravel_index(np.argmax(z), z.shape)
                raise Counterexample(f"graph {i}: {name} of model {graph.ids[k]} at t = {t}: exact {exact[t, k]:.5g}, "
                                     f"raw simulation {draws.mean(axis=0)[t, k]:.5g} ± {se[t, k]:.2g}", graph)
            worst = max(worst, float(z.max()))
    return (f"{graphs} random graphs, {R} replications, 4 observables x {T + 1} generations each, "
            f"worst |z| = {worst:.2f}")
