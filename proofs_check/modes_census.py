"""Census of random interaction (MODEL.md 6.2): is the mean-square verdict topological on the union support?

Claim (i.i.d. modes, ``M = I``): model ``k`` collapses iff upstream of ``k`` in
the *union* graph (an edge, or real data, present in some mode) lies a closed
class of the union: a strongly connected set that trains on nothing outside
itself and receives real data in no mode.

Mode sets
---------
A mode is a support pattern on ``K`` models (bit ``k*K + j``: model k trains on
j; bit ``K*K + k``: k receives real data; every model has a source).  A mode set
is a multiset of ``m`` patterns, taken up to relabelling the models (its
canonical form: the smallest sorted tuple of codes over the ``K!``
relabellings).  Weights are random positive rationals on the support
(integers 1..9 normalised per row with the real weight, seeded by the mode
set), mode probabilities too.

Per mode set
------------
* the union rule, computed here from the bits (reachability by transitive
  closure, closed classes as sets of mutually reachable models without outside
  sources or real data);
* the exact verdict, computed here too: the averaged pair operator
  ``L = Σ_i p_i W_i ⊗ W_i`` on the entries ``S_kl`` (``k ≤ l``) is nonnegative,
  so ``ρ(L_U) < 1`` on the unknowns ``U`` that ``S_kk`` depends on iff
  ``I − L_U`` is a nonsingular M-matrix iff Gaussian elimination without
  pivoting meets only positive pivots (exact fractions).  Fresh noise is
  positive at every model, so ``ρ(L_U) ≥ 1`` means growth;
* ``TOOLKIT_SAMPLES`` mode sets of every size also go through the toolkit
  (:func:`graphcollapse.solvers.dynamics.analyze_dynamics`), which must agree.

Markov switching (``m = 2`` modes): every support pattern of the 2 x 2
transition matrix (each row: which modes may follow), random positive
weights, uniform law of the first mode; per-mode operator
``(Πᵀ ⊗ I) diag(L_j)``, same exact test.  The census counts the (mode set,
chain) pairs where the union rule fails and checks the one direction that
must survive every chain (a closed class of the union upstream forces
collapse).  The union rule does **not** survive: the committed graph file
``counterexamples/markov_alternation.json`` (MODEL.md 6.1's first surprise as a
two-mode chain that always switches) collapses although the union has real
data everywhere; the check re-analyses it with the toolkit.
"""

from __future__ import annotations

import json
from fractions import Fraction
from itertools import combinations_with_replacement, permutations, product
from pathlib import Path
from random import Random

from .registry import Counterexample, check

GROUP = "modes"
#: Mode sets per size that also go through the toolkit (spread evenly; its exact pole analysis takes seconds).
TOOLKIT_SAMPLES = 6
COUNTEREXAMPLE = Path(__file__).parent / "counterexamples" / "markov_alternation.json"


# ------------------------------------------------------------------ patterns
def patterns(K: int) -> list[int]:
    """Every valid labelled support pattern on K models (every model has a source)."""
    out = []
    for code in range(1 << (K * K + K)):
        if all(any(code >> (k * K + j) & 1 for j in range(K)) or code >> (K * K + k) & 1 for k in range(K)):
            out.append(code)
    return out


def relabel(code: int, perm: tuple, K: int) -> int:
    out = 0
    for k in range(K):
        for j in range(K):
            if code >> (k * K + j) & 1:
                out |= 1 << (perm[k] * K + perm[j])
        if code >> (K * K + k) & 1:
            out |= 1 << (K * K + perm[k])
    return out


def mode_sets(K: int, m: int):
    """Mode sets of ``m`` patterns on ``K`` models, one per isomorphism class."""
    codes = patterns(K)
    perms = list(permutations(range(K)))
    for chosen in combinations_with_replacement(codes, m):
        if chosen == min(tuple(sorted(relabel(c, p, K) for c in chosen)) for p in perms):
            yield chosen


def weights(code: int, K: int, rng: Random):
    """``(W, real)`` with random positive rational weights on the support of ``code``."""
    W, real = [], []
    for k in range(K):
        cells = [rng.randint(1, 9) if code >> (k * K + j) & 1 else 0 for j in range(K)]
        r = rng.randint(1, 9) if code >> (K * K + k) & 1 else 0
        total = sum(cells) + r
        W.append([Fraction(c, total) for c in cells])
        real.append(Fraction(r, total))
    return W, real


# -------------------------------------------------------------- union rule
def reachability(adjacency) -> list[list[bool]]:
    """``reach[i][j]``: a path from ``i`` to ``j`` along ``adjacency`` (length 0 included), by transitive closure."""
    n = len(adjacency)
    reach = [[bool(adjacency[i][j]) or i == j for j in range(n)] for i in range(n)]
    for mid in range(n):
        for i in range(n):
            for j in range(n):
                reach[i][j] = reach[i][j] or (reach[i][mid] and reach[mid][j])
    return reach


def union_rule(codes, K: int) -> list[bool]:
    """Collapse per model: a closed class of the union graph upstream (reachability by bits)."""
    edge = [[any(c >> (k * K + j) & 1 for c in codes) for j in range(K)] for k in range(K)]   # k trains on j
    real = [any(c >> (K * K + k) & 1 for c in codes) for k in range(K)]
    reach = reachability(edge)                                                                 # j upstream of k
    closed = []
    for k in range(K):
        cls = [j for j in range(K) if reach[k][j] and reach[j][k]]
        outside = any(edge[a][b] and b not in cls for a in cls for b in range(K))
        if not outside and not any(real[a] for a in cls):
            closed.append(set(cls))
    return [any(reach[k][min(c)] for c in closed) for k in range(K)]


# ------------------------------------------------------------ exact verdicts
def pair_operator(W, K: int) -> dict:
    """``W ⊗ W`` on the entries ``S_kl``, ``k ≤ l``: ``{(k, l): {(j, j'): coefficient}}``."""
    pairs = [(k, l) for k in range(K) for l in range(k, K)]
    out = {}
    for k, l in pairs:
        row: dict = {}
        for j in range(K):
            for jj in range(K):
                c = W[k][j] * W[l][jj]
                if c:
                    key = (min(j, jj), max(j, jj))
                    row[key] = row.get(key, 0) + c
        out[(k, l)] = row
    return out


def closure(rows: dict, start) -> list:
    seen, stack = set(start), list(start)
    while stack:
        for v in rows[stack.pop()]:
            if v not in seen:
                seen.add(v)
                stack.append(v)
    return sorted(seen)


def contracts(rows: dict, unknowns: list) -> bool:
    """``ρ(L_U) < 1`` for a nonnegative ``L``: all pivots of ``I − L_U`` positive (M-matrix test)."""
    index = {u: i for i, u in enumerate(unknowns)}
    n = len(unknowns)
    A = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    for u in unknowns:
        for v, c in rows[u].items():
            if v in index:
                A[index[u]][index[v]] -= c
    for p in range(n):
        if A[p][p] <= 0:
            return False
        for r in range(p + 1, n):
            if A[r][p]:
                f = A[r][p] / A[p][p]
                for c in range(p, n):
                    A[r][c] -= f * A[p][c]
    return True


def iid_verdict(modes, law, K: int) -> list[bool]:
    rows: dict = {}
    for (W, _), p in zip(modes, law):
        for u, row in pair_operator(W, K).items():
            target = rows.setdefault(u, {})
            for v, c in row.items():
                target[v] = target.get(v, 0) + p * c
    return [not contracts(rows, closure(rows, [(k, k)])) for k in range(K)]


def markov_verdict(modes, P, K: int) -> list[bool]:
    single = [pair_operator(W, K) for W, _ in modes]
    m = len(modes)
    rows: dict = {}
    for j in range(m):
        for u, row in single[j].items():
            target: dict = {}
            for i in range(m):
                if P[i][j]:
                    for v, c in row.items():
                        target[(i, v)] = target.get((i, v), 0) + P[i][j] * c
            rows[(j, u)] = target
    return [not contracts(rows, closure(rows, [(j, (k, k)) for j in range(m)])) for k in range(K)]


# ------------------------------------------------------------ graph files
def graph_data(modes, law, K: int, transition=None) -> dict:
    ids = "ABCD"[:K]
    data = {"name": "census mode set", "models": [{"id": i, "n": 2, "real": 1} for i in ids], "edges": []}
    data["modes"] = []
    for (W, real), p in zip(modes, law):
        entry = {"models": [{"id": ids[k], "real": str(real[k])} for k in range(K)],
                 "edges": [{"from": ids[j], "to": ids[k], "weight": str(W[k][j])}
                           for k in range(K) for j in range(K) if W[k][j]]}
        entry["probability"] = str(p)  # i.i.d.: every generation's law; Markov: the first mode's
        data["modes"].append(entry)
    if transition is not None:
        data["switching"] = {"transition": [[str(v) for v in row] for row in transition]}
    return data


def _toolkit(data) -> list[bool]:
    from graphcollapse.graph import from_dict
    from graphcollapse.solvers.dynamics import analyze_dynamics

    return [m.collapses for m in analyze_dynamics(from_dict(data)).models]


# ------------------------------------------------------------------ checks
SIZES = {"quick": [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2)],
         "full": [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3), (3, 1)]}
#: ``--full`` adds this many random two-mode sets on 3 models (exhaustive would be ~950,000 classes).
RANDOM_SETS = 20_000


def random_mode_sets(K: int, m: int, count: int):
    """``count`` random mode sets (seeded; canonical forms, repeats allowed)."""
    codes = patterns(K)
    perms = list(permutations(range(K)))
    rng = Random(f"random mode sets {K} {m}")
    for _ in range(count):
        chosen = tuple(rng.choice(codes) for _ in range(m))
        yield min(tuple(sorted(relabel(c, p, K) for c in chosen)) for p in perms)


@check("i.i.d. modes: the mean-square verdict is the union rule on every small mode set (MODEL.md 6.2)",
       levels=("quick", "full"), group=GROUP)
def iid_census(level: str) -> str:
    checked = sampled = 0
    runs = [(K, m, list(mode_sets(K, m))) for K, m in SIZES[level]]
    if level == "full":
        runs.append((3, 2, list(random_mode_sets(3, 2, RANDOM_SETS))))
    for K, m, sets in runs:
        every = max(1, len(sets) // TOOLKIT_SAMPLES)
        for number, codes in enumerate(sets):
            rng = Random(f"iid {K} {codes}")  # a string seed: the same on every run
            modes = [weights(c, K, rng) for c in codes]
            parts = [rng.randint(1, 4) for _ in codes]
            law = [Fraction(p, sum(parts)) for p in parts]
            expected = union_rule(codes, K)
            exact = iid_verdict(modes, law, K)
            if exact != expected:
                from graphcollapse.graph import from_dict

                raise Counterexample(f"K = {K}, {m} modes {codes}: exact {exact}, union rule {expected}",
                                     from_dict(graph_data(modes, law, K)))
            if number % every == 0:
                if _toolkit(graph_data(modes, law, K)) != exact:
                    raise Counterexample(f"K = {K}, modes {codes}: the toolkit disagrees with the census")
                sampled += 1
            checked += 1
    sizes = ", ".join(f"K={K}/{m} modes" for K, m in SIZES[level])
    extra = f", and {RANDOM_SETS} random ones with K=3/2 modes" if level == "full" else ""
    return (f"{checked} mode sets: every one up to isomorphism with {sizes}{extra}; exact verdict = union rule; "
            f"{sampled} also by the toolkit")


CHAINS = [((1, 0), (0, 1)), ((1, 0), (1, 1)), ((0, 1), (1, 0)), ((1, 1), (1, 1)), ((1, 0), (1, 0)),
          ((1, 1), (1, 0)), ((0, 1), (0, 1)), ((1, 1), (0, 1)), ((0, 1), (1, 1))]


def recurrent_classes(support) -> list[list[int]]:
    """The recurrent classes of a chain given by its support rows (mode i may be followed by j)."""
    m = len(support)
    reach = reachability(support)
    classes = []
    for i in range(m):
        cls = [j for j in range(m) if reach[i][j] and reach[j][i]]
        if all(not reach[a][b] or b in cls for a in cls for b in range(m)) and cls not in classes:
            classes.append(cls)
    return classes


@check("Markov switching: where the union rule fails (counterexample graph file) and the direction that survives",
       levels=("quick", "full"), group=GROUP)
def markov_census(level: str) -> str:
    """Markov switching, every chain support on 2 modes: the union rule fails; one direction survives.

    The direction that must survive every chain: a closed class of the union
    of the modes of a *recurrent* class of the chain (every chain reaches its
    recurrent classes; the first mode's law is uniform) upstream of ``k`` forces
    collapse (on it every mode of the class is stochastic, so the stationary
    law times the all-ones state is a fixed point).  Modes visited finitely
    often do not count: a chain that leaves a mode for good forgets it.
    """
    K_max = 2
    pairs = failures = refined_failures = 0
    first = None
    for K in range(1, K_max + 1):
        for codes in mode_sets(K, 2):
            rng = Random(f"markov {K} {codes}")
            modes = [weights(c, K, rng) for c in codes]
            expected = union_rule(codes, K)
            for support in CHAINS:
                P = []
                for row in support:
                    cells = [rng.randint(1, 4) * s for s in row]
                    P.append([Fraction(c, sum(cells)) for c in cells])
                exact = markov_verdict(modes, P, K)
                pairs += 1
                forced = [False] * K
                for cls in recurrent_classes(support):
                    for k, flag in enumerate(union_rule([codes[i] for i in cls], K)):
                        forced[k] = forced[k] or flag
                for k in range(K):
                    if forced[k] and not exact[k]:
                        from graphcollapse.graph import from_dict

                        raise Counterexample(f"K = {K}, modes {codes}, chain {support}: a closed class of the union "
                                             f"of a recurrent class is upstream of model {k} but it stays bounded",
                                             from_dict(graph_data(modes, [Fraction(1, 2)] * 2, K, P)))
                if exact != expected:
                    failures += 1
                    first = first or (K, codes, support)
                if exact != forced:
                    refined_failures += 1
    stored = json.loads(COUNTEREXAMPLE.read_text())
    from graphcollapse.graph import from_dict
    from graphcollapse.solvers.dynamics import analyze_dynamics
    from graphcollapse.solvers.dynamics.modes import union_rule as toolkit_union

    graph = from_dict(stored)
    verdict = [m.collapses for m in analyze_dynamics(graph).models]
    if verdict == list(toolkit_union(graph.dynamics.modes)):
        raise Counterexample("the committed Markov counterexample no longer breaks the union rule", graph)
    return (f"the union rule fails for {failures} of {pairs} (mode set, chain) pairs on K <= {K_max} models "
            f"(first: K = {first[0]}, modes {first[1]}, chain support {first[2]}), and its version over the "
            f"recurrent classes of the chain for {refined_failures}; 'a closed class of the union of a recurrent "
            f"class upstream => collapse' held for every pair; {COUNTEREXAMPLE.name}: collapses {verdict}, "
            "the union rule says no model does")
