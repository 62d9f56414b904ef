"""Exhaustive census of Theorem A: every support pattern on K models.

Patterns
--------
A *support pattern* on K models says which edges exist (model k trains on
model j, self-loops included) and which models receive real data; every
model needs at least one source.  It is stored as an integer ``code``: bit
``k*K + j`` is set when model k trains on model j, bit ``K*K + k`` when
model k receives real data.  Two patterns are the same up to isomorphism
when a relabelling of the models maps one onto the other; the *canonical
form* of a pattern is the smallest code over all K! relabellings, and the
census checks exactly the valid patterns that are their own canonical form.

Their number is confirmed twice, independently of that enumeration:

* **Burnside's lemma**: the number of orbits is the average number of valid
  labelled patterns a permutation fixes, and a permutation with vertex
  cycles C fixes ``Π_C (2^(1 + Σ_D gcd(|C|, |D|)) − 1)`` of them (the
  pair orbits in the rows of C, plus C's real-data bit, not all empty);
* **brute force** (K ≤ 4): walk through all ``2^(K²+K)`` labelled codes in
  order, and for each valid one not yet seen mark its whole orbit, applying
  every permutation to the 0/1 matrices themselves (a different code path
  from the bit tables of the enumeration).  The first member met of each
  orbit is its smallest, so the orbit minima must be exactly the census's
  patterns.

Per pattern
-----------
Random positive rational weights are drawn on the support (integers 1..9
normalised per row, so rows plus real data sum to exactly 1; seeded by the
pattern, so a result never depends on the order, the machine or a resume),
with the ``generic`` estimator (random ``tr D_k`` and ``E_k(0)``).  Checked:

* Theorem A: the topological, exact spectral and Markov forms reported by
  :func:`graphcollapse.verdict.theorem_a` agree with one another, with the
  deciding verdict of :func:`graphcollapse.analysis.analyze`, and with an
  independent topological verdict computed here from the bits (closed
  classes by transitive closure), a float ``ρ(W_A(k))`` (numpy eigenvalues)
  and float absorption probabilities (numpy solve);
* Theorem C: for every model that does not collapse, the exact limit equals
  the float solution of ``S = W S Wᵀ + D`` on all non-collapsing models at
  once (a Kronecker solve, not the toolkit's block-by-block Lyapunov and
  Sylvester route), to relative 1e-8;
* Theorem B: for every model, the exact slope (0 when bounded) equals a
  float Cesàro mean of the increments ``E_k(t+1) − E_k(t)``: the increments
  obey ``Δ(t+1) = W Δ(t) Wᵀ``, the mean is taken over a window of
  ``lcm(1..K)`` steps (a multiple of every possible period) after a burn-in
  long enough for every non-unit eigenvalue to have died out (doubled until
  two windows agree), to relative 1e-8.

The weights are ratios of small integers, so exact answers are rationals
with small denominators and a wrong formula is off by far more than 1e-8
(the tests confirm that an error of one part in a million is caught); the
float references are accurate to about 1e-12 here.  Float "= 1" versus
"< 1" decisions use the provable margin :func:`float_gap`, and a float
reference that cannot reach its accuracy (a decaying eigenvalue so close to
1 that the burn-in would exceed 10^7 steps) is reported as a failure,
never passed.

Running it
----------
``python -m proofs_check --quick`` checks K = 1..3, ``--full`` K = 1..4;
``python -m proofs_check census --max-models K [--workers N] [--scheduler
ADDRESS] [--checkpoint FILE]`` runs any K as a resumable sweep (see
:mod:`proofs_check.sweep`).  The work is split into *blocks*: all codes with
the same low bits, a few dozen to a few hundred patterns each (K = 4: 256
blocks; K = 5: 65 536 blocks of about 130 patterns).  Each block enumerates
its own patterns, so no machine ever holds the whole K = 5 list.

K = 5 on a cluster
------------------
K = 5 has 8 436 712 patterns; at the measured CPU time per pattern (print it
for your machines with ``census --max-models 5 --estimate 64``, which checks
64 random blocks) it is tens of core-hours.  Install ``graphcollapse[dask]``
from the same checkout on the coordinating machine and on every worker
(SymPy holds the GIL, so give each worker process one thread), start a Dask
scheduler and workers (``dask scheduler``; ``dask worker ADDRESS --nworkers
auto --nthreads 1``), then run::

    python -m proofs_check census --min-models 5 --max-models 5 \\
        --scheduler ADDRESS --checkpoint census5.jsonl

The checkpoint lives on the coordinating machine only; if the coordinator,
the scheduler or workers die, run the same command again and it resumes.

Examples
--------
>>> [burnside_count(K) for K in range(1, 6)]
[3, 28, 620, 40424, 8436712]
>>> [len(brute_force_orbits(K)) for K in (1, 2, 3)]
[3, 28, 620]
>>> decode(2, 0b010110)  # 0 trains on 1, 1 on 0, 0 gets real data
(((False, True), (True, False)), (True, False))
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
import time
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from .registry import Counterexample, check
from .sweep import default_workers, run_sweep, write_json_atomic

__all__ = [
    "decode", "encode", "is_valid", "burnside_count", "brute_force_orbits", "canonical_codes",
    "block_count", "block_patterns", "all_patterns", "pattern_graph", "check_pattern", "check_block",
    "CensusResult", "run_census", "DEFAULT_SEED", "BRUTE_FORCE_MAX_K", "MAX_K",
]

DEFAULT_SEED = 20261124
#: Brute-force orbit enumeration walks all 2^(K²+K) labelled codes; beyond K = 4 it is too slow.
BRUTE_FORCE_MAX_K = 4
#: Codes are int64 and permutation tables are per row; K = 6 would need 2^42 codes anyway.
MAX_K = 6
#: log2 of the number of blocks per K (blocks = codes sharing their low bits).
BLOCK_BITS = {1: 0, 2: 0, 3: 5, 4: 8, 5: 16, 6: 24}
MAX_WEIGHT = 9
LIMIT_RTOL = 1e-8
SLOPE_RTOL = 1e-8
FLOAT_ATOL = 1e-12
#: Longest burn-in of the float Cesàro reference (its drift, about t·1e-16, stays below 1e-9).
MAX_BURN_IN = 10**7
#: Failures kept in full (message and graph) per block; the rest are counted.
FAILURES_KEPT = 3


# ------------------------------------------------------------------ patterns
def _check_k(K: int) -> None:
    if not 1 <= K <= MAX_K:
        raise ValueError(f"the census handles 1 <= K <= {MAX_K} models, not {K}")


def decode(K: int, code: int) -> tuple[tuple[tuple[bool, ...], ...], tuple[bool, ...]]:
    """``(E, R)``: ``E[k][j]`` when model k trains on model j, ``R[k]`` when k has real data."""
    E = tuple(tuple(bool(code >> (k * K + j) & 1) for j in range(K)) for k in range(K))
    R = tuple(bool(code >> (K * K + k) & 1) for k in range(K))
    return E, R


def encode(K: int, E, R) -> int:
    """Inverse of :func:`decode`."""
    code = 0
    for k in range(K):
        for j in range(K):
            if E[k][j]:
                code |= 1 << (k * K + j)
        if R[k]:
            code |= 1 << (K * K + k)
    return code


def is_valid(K: int, code: int) -> bool:
    """Every model has a source (a model edge or real data)."""
    E, R = decode(K, code)
    return all(R[k] or any(E[k]) for k in range(K))


def burnside_count(K: int) -> int:
    """Valid patterns up to isomorphism, by Burnside's lemma (see the module notes)."""
    _check_k(K)
    total = 0
    for perm in itertools.permutations(range(K)):
        seen, cycles = set(), []
        for start in range(K):
            if start in seen:
                continue
            length, i = 0, start
            while i not in seen:
                seen.add(i)
                i = perm[i]
                length += 1
            cycles.append(length)
        fixed = 1
        for c in cycles:
            fixed *= 2 ** (1 + sum(math.gcd(c, d) for d in cycles)) - 1
        total += fixed
    count, remainder = divmod(total, math.factorial(K))
    if remainder:
        raise AssertionError(f"Burnside sum {total} not divisible by {K}!")
    return count


def brute_force_orbits(K: int) -> list[int]:
    """Minimum code of every orbit, by marking orbits over all labelled codes (K ≤ 4)."""
    _check_k(K)
    if K > BRUTE_FORCE_MAX_K:
        raise ValueError(f"brute-force enumeration is for K <= {BRUTE_FORCE_MAX_K}")
    n_bits = K * K + K
    seen = bytearray(1 << n_bits)
    perms = list(itertools.permutations(range(K)))
    minima = []
    labelled = 0
    for code in range(1 << n_bits):
        if seen[code]:
            continue
        E, R = decode(K, code)
        if not all(R[k] or any(E[k]) for k in range(K)):
            continue
        minima.append(code)
        for perm in perms:
            # relabel model k as perm[k]: new E[perm[k]][perm[j]] = E[k][j]
            newE = [[False] * K for _ in range(K)]
            newR = [False] * K
            for k in range(K):
                newR[perm[k]] = R[k]
                for j in range(K):
                    newE[perm[k]][perm[j]] = E[k][j]
            image = encode(K, newE, newR)
            if not seen[image]:
                seen[image] = 1
                labelled += 1
    expected = (2 ** (K + 1) - 1) ** K
    if labelled != expected:
        raise AssertionError(f"K={K}: orbits cover {labelled} labelled patterns, expected {expected}")
    return minima


@lru_cache(maxsize=None)
def _perm_tables(K: int) -> tuple[np.ndarray, ...]:
    """For every permutation: per-row lookup tables (K+1 rows, the last for real data)."""
    size = 1 << K
    tables = []
    for perm in itertools.permutations(range(K)):
        table = np.zeros((K + 1, size), dtype=np.int64)
        for bits in range(size):
            for k in range(K):
                value = 0
                for j in range(K):
                    if bits >> j & 1:
                        value |= 1 << (perm[k] * K + perm[j])
                table[k, bits] = value
            table[K, bits] = sum(1 << (K * K + perm[k]) for k in range(K) if bits >> k & 1)
        tables.append(table)
    return tuple(tables)


def canonical_codes(K: int, codes: np.ndarray) -> np.ndarray:
    """Canonical form (minimum over relabellings) of every code in ``codes``."""
    _check_k(K)
    codes = np.asarray(codes, dtype=np.int64)
    mask = (1 << K) - 1
    rows = [(codes >> (k * K)) & mask for k in range(K + 1)]
    best = None
    for table in _perm_tables(K):
        image = table[0][rows[0]]
        for k in range(1, K + 1):
            image = image | table[k][rows[k]]
        best = image if best is None else np.minimum(best, image)
    return best


def block_count(K: int) -> int:
    _check_k(K)
    return 1 << BLOCK_BITS[K]


def block_patterns(K: int, block: int) -> list[int]:
    """Canonical valid codes whose low ``BLOCK_BITS[K]`` bits equal ``block``, ascending."""
    bits = BLOCK_BITS[K]
    if not 0 <= block < (1 << bits):
        raise ValueError(f"K={K} has blocks 0..{(1 << bits) - 1}, not {block}")
    n_bits = K * K + K
    codes = (np.arange(1 << (n_bits - bits), dtype=np.int64) << bits) | block
    mask = (1 << K) - 1
    valid = np.ones(codes.shape, dtype=bool)
    for k in range(K):
        valid &= (((codes >> (k * K)) & mask) != 0) | (((codes >> (K * K + k)) & 1) != 0)
    codes = codes[valid]
    return codes[canonical_codes(K, codes) == codes].tolist()


def all_patterns(K: int) -> list[int]:
    """Every canonical valid code on K models, ascending."""
    return sorted(code for block in range(block_count(K)) for code in block_patterns(K, block))


# ------------------------------------------------------------ one pattern
def _weights(K: int, code: int, seed: int):
    """Exact row-normalised weights, real-data weights, noise and initial errors."""
    E, R = decode(K, code)
    rng = random.Random(f"census:{seed}:{K}:{code}")
    W, real, sizes = [], [], []
    for k in range(K):
        raw = [rng.randint(1, MAX_WEIGHT) if E[k][j] else 0 for j in range(K)]
        r = rng.randint(1, MAX_WEIGHT) if R[k] else 0
        total = sum(raw) + r
        W.append([Fraction(x, total) for x in raw])
        real.append(Fraction(r, total))
        sizes.append(total)  # pooled samples: raw[j] from model j, r real ones
    noise = [Fraction(rng.randint(1, MAX_WEIGHT), rng.randint(1, 4)) for _ in range(K)]
    initial = [Fraction(rng.randint(1, MAX_WEIGHT), rng.randint(1, 4)) for _ in range(K)]
    return E, R, W, real, sizes, noise, initial


def pattern_graph(K: int, code: int, seed: int = DEFAULT_SEED):
    """The graph the census checks for a pattern (a file ``graphcollapse analyze`` reads)."""
    from graphcollapse.graph import from_matrix

    _, _, W, real, sizes, noise, initial = _weights(K, code, seed)
    ids = [str(k) for k in range(K)]
    estimator = {"family": "generic",
                 "noise": {i: str(v) for i, v in zip(ids, noise)},
                 "initial": {i: str(v) for i, v in zip(ids, initial)}}
    return from_matrix([[str(w) for w in row] for row in W], real=[str(r) for r in real], n=sizes, ids=ids,
                       name=f"census K={K} pattern {code} seed {seed}", estimator=estimator)


def _closure(K: int, E) -> list[list[bool]]:
    """``up[k][j]``: j is upstream of k (a path j -> ... -> k, k itself included)."""
    up = [[E[k][j] or j == k for j in range(K)] for k in range(K)]
    for m in range(K):
        for k in range(K):
            if up[k][m]:
                for j in range(K):
                    if up[m][j]:
                        up[k][j] = True
    return up


def _own_topology(K: int, E, R):
    """Independent topological verdicts: closed classes and which models collapse."""
    up = _closure(K, E)
    classes = []
    for k in range(K):
        members = frozenset(j for j in range(K) if up[k][j] and up[j][k])
        if members not in classes:
            classes.append(members)
    closed = [c for c in classes
              if not any(R[i] for i in c) and all(j in c for i in c for j in range(K) if E[i][j])]
    in_closed = [any(k in c for c in closed) for k in range(K)]
    collapses = [any(up[k][j] for c in closed for j in c) for k in range(K)]
    return collapses, in_closed, classes


def float_gap(K: int) -> float:
    """How far from 1 a float may be and still be told apart from 1, for these weights.

    Every weight is at least ``w = 1/(9 (K+1))``.  A class that leaks (to real
    data or elsewhere) leaks at least ``w^K`` of its mass within K steps, so
    its spectral radius is at most ``1 − w^K / K``; a walk that can reach a
    closed class does so within K − 1 steps with probability at least
    ``w^(K−1)``.  Half the smaller bound separates "= 1" from "< 1" (K = 4:
    3e-8, K = 5: 2e-10), far above the float errors (about 1e-15) involved.
    """
    w = 1.0 / (MAX_WEIGHT * (K + 1))
    return 0.5 * w**K / K


def _cesaro_slopes(W: np.ndarray, delta0: np.ndarray, K: int) -> np.ndarray:
    """Float Cesàro mean of the increments ``diag(W^t Δ0 W^tᵀ)``."""
    window = math.lcm(*range(1, K + 1))
    moduli = np.abs(np.linalg.eigvals(W))
    decaying = moduli[moduli < 1 - float_gap(K)]
    slowest = float(decaying.max()) if decaying.size else 0.0
    burn = K + (math.ceil(60.0 / -math.log(slowest)) if slowest > 0 else 0)
    if burn > MAX_BURN_IN:
        # W^t in floats drifts by about t·1e-16; beyond this the reference is not good to 1e-8.
        raise ArithmeticError(f"a decaying eigenvalue of modulus {slowest} needs a burn-in of {burn} steps")

    def mean_after(t: int) -> np.ndarray:
        X = np.linalg.matrix_power(W, t)
        acc = np.zeros(K)
        for _ in range(window):
            acc += np.einsum("ij,jk,ik->i", X, delta0, X)
            X = W @ X
        return acc / window

    previous = mean_after(burn)
    while 2 * burn <= 4 * MAX_BURN_IN:
        burn *= 2
        current = mean_after(burn)
        if np.allclose(current, previous, rtol=1e-12, atol=FLOAT_ATOL):
            return current
        previous = current
    raise ArithmeticError(f"float Cesàro mean did not settle (slowest decaying eigenvalue modulus {slowest})")


def check_pattern(K: int, code: int, seed: int = DEFAULT_SEED) -> tuple[int, str]:
    """Check one pattern; returns ``(collapse mask, digest of the exact results)``.

    Raises :class:`Counterexample` (with the graph) on any disagreement.
    """
    import sympy

    from graphcollapse.system import analyze
    from graphcollapse.errors import InternalConsistencyError

    E, R, Wq, realq, _, noiseq, initialq = _weights(K, code, seed)
    graph = pattern_graph(K, code, seed)
    where = f"K={K} pattern {code}"
    try:
        result = analyze(graph)
    except InternalConsistencyError as err:
        raise Counterexample(f"{where}: the toolkit's Theorem A forms disagree: {err}", graph) from None
    except Exception as err:  # any crash on a valid graph is a finding too
        raise Counterexample(f"{where}: analyze raised {type(err).__name__}: {err}", graph) from None

    # Independent references: topology from the bits, floats from numpy.
    own_collapse, in_closed, classes = _own_topology(K, E, R)
    W = np.array([[float(w) for w in row] for row in Wq])
    real = np.array([float(r) for r in realq])
    up = _closure(K, E)  # the same closure _own_topology uses
    transient = [k for k in range(K) if not in_closed[k]]
    absorption = np.zeros(K)
    if transient:
        A = np.eye(len(transient)) - W[np.ix_(transient, transient)]
        absorption[transient] = np.linalg.solve(A, real[transient])

    # ρ(W_A(k)) is the largest ρ(W_C) over the classes C in A(k) (W_A(k) is block triangular);
    # within a class the Perron root is simple, so its float value is accurate to ~1e-15,
    # unlike an eigenvalue of the whole block, which may sit in a Jordan block.
    class_rho = {c: float(np.max(np.abs(np.linalg.eigvals(W[np.ix_(sorted(c), sorted(c))])))) for c in classes}
    gap = float_gap(K)
    mask = 0
    for k, model in enumerate(result.models):
        v = model.theorem_a
        rho = max(class_rho[c] for c in classes if any(up[k][j] for j in c))
        h_exact = sympy.sympify(v.absorption_real)
        forms = {
            "independent topological (from the bits)": own_collapse[k],
            "theorem_a verdict": bool(v.collapses),
            "closed class upstream": bool(v.closed_classes_upstream),
            "exact spectral rho(W_A(k)) = 1": bool(v.spectral_radius_is_one),
            "exact Markov absorption in real data < 1": bool(h_exact != 1),
            "analyze verdict": bool(model.collapses),
            "analyze topological verdict": bool(model.topological_collapses),
            "float spectral radius = 1": rho > 1 - gap,
            "float absorption in real data < 1": bool(absorption[k] < 1 - gap),
        }
        if len(set(forms.values())) != 1:
            listing = ", ".join(f"{name}: {value}" for name, value in forms.items())
            raise Counterexample(f"{where}, model {k}: Theorem A forms disagree ({listing})", graph)
        if not (h_exact.is_Rational and abs(float(h_exact) - absorption[k]) <= 1e-9):
            raise Counterexample(f"{where}, model {k}: exact absorption in real data {h_exact}, "
                                 f"float reference {absorption[k]!r}", graph)
        if v.spectral_radius_upstream is not None and abs(v.spectral_radius_upstream - rho) > 1e-9:
            raise Counterexample(f"{where}, model {k}: spectral radius {v.spectral_radius_upstream!r}, "
                                 f"float reference {rho!r}", graph)
        if own_collapse[k]:
            mask |= 1 << k

    # Theorem C: limits of the non-collapsing models, one Kronecker solve.
    bounded = [k for k in range(K) if not own_collapse[k]]
    limits = {}
    if bounded:
        WN = W[np.ix_(bounded, bounded)]
        n = len(bounded)
        D = np.diag([float(noiseq[k]) for k in bounded])
        S = np.linalg.solve(np.eye(n * n) - np.kron(WN, WN), D.ravel()).reshape(n, n)
        limits = {k: S[i, i] for i, k in enumerate(bounded)}
    # Theorem B: slopes as a Cesàro mean of the increments.
    S0 = np.diag([float(x) for x in initialq])
    delta0 = W @ S0 @ W.T + np.diag([float(x) for x in noiseq]) - S0
    try:
        slopes = _cesaro_slopes(W, delta0, K)
    except ArithmeticError as err:
        raise Counterexample(f"{where}: float reference failed: {err}", graph) from None

    exact_parts = []
    for k, model in enumerate(result.models):
        limit, slope = model.limit, model.slope
        if own_collapse[k]:
            if limit is not None or model.growth != "linear":
                raise Counterexample(f"{where}, model {k} collapses but analyze reports limit {limit}, "
                                     f"growth {model.growth!r}", graph)
        else:
            if limit is None or not sympy.sympify(limit).is_Rational or model.growth != "bounded":
                raise Counterexample(f"{where}, model {k} does not collapse but analyze reports limit {limit}, "
                                     f"growth {model.growth!r}", graph)
            if not np.isclose(float(limit), limits[k], rtol=LIMIT_RTOL, atol=0):
                raise Counterexample(f"{where}, model {k}: exact limit {limit} = {float(limit)!r}, "
                                     f"float Lyapunov solve {limits[k]!r}", graph)
        slope = sympy.sympify(slope)
        if not slope.is_Rational:
            raise Counterexample(f"{where}, model {k}: slope {slope} is not a rational number", graph)
        if own_collapse[k] and not slope > 0:
            raise Counterexample(f"{where}, model {k} collapses but its slope is {slope}", graph)
        if not np.isclose(float(slope), slopes[k], rtol=SLOPE_RTOL, atol=FLOAT_ATOL):
            raise Counterexample(f"{where}, model {k}: exact slope {slope} = {float(slope)!r}, "
                                 f"float Cesàro mean of increments {slopes[k]!r}", graph)
        exact_parts.append(f"{limit}|{slope}")
    digest = hashlib.sha256(f"{K}:{code}:{mask}:{';'.join(exact_parts)}".encode()).hexdigest()[:16]
    return mask, digest


def check_block(K: int, block: int, seed: int = DEFAULT_SEED) -> dict:
    """The sweep task: enumerate one block's patterns and check each (JSON result)."""
    began = time.thread_time()  # CPU time of this thread: right for processes and threaded Dask workers
    codes = block_patterns(K, block)
    masks, digests, failures, failed = [], [], [], 0
    for code in codes:
        try:
            mask, digest = check_pattern(K, code, seed)
        except Counterexample as err:
            failed += 1
            mask, digest = -1, "failed"
            if len(failures) < FAILURES_KEPT:
                graph = json.loads(err.graph.to_json()) if err.graph is not None else None
                failures.append({"code": code, "message": str(err), "graph": graph})
        masks.append(mask)
        digests.append(digest)
    block_digest = hashlib.sha256(json.dumps([codes, masks, digests]).encode()).hexdigest()
    return {"K": K, "block": block, "codes": codes, "masks": masks, "digest": block_digest,
            "failed": failed, "failures": failures, "seconds": round(time.thread_time() - began, 4)}


# ------------------------------------------------------------------ the sweep
@dataclass
class CensusResult:
    """Counts, cross-checks and failures of a census run (see :func:`run_census`)."""

    max_models: int
    seed: int
    counts: dict[int, int]
    burnside: dict[int, int]
    brute_force: dict[int, int]
    brute_force_match: dict[int, bool]
    models: dict[int, int]
    collapsing_models: dict[int, int]
    patterns_with_collapse: dict[int, int]
    digests: dict[int, str]
    failures: list[dict]
    failed: int
    elapsed: float
    worker_seconds: float
    computed_patterns: int
    resumed_blocks: int
    computed_blocks: int
    executor: str
    dropped_tail: bool = False
    count_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.count_errors

    def report(self) -> dict:
        """The final report: deterministic (no timings), equal for any resume history."""
        per_k = {}
        for K in sorted(self.counts):
            per_k[str(K)] = {
                "patterns": self.counts[K],
                "burnside": self.burnside[K],
                "brute_force": self.brute_force.get(K),
                "models": self.models[K],
                "collapsing_models": self.collapsing_models[K],
                "patterns_with_a_collapsing_model": self.patterns_with_collapse[K],
                "digest": self.digests[K],
            }
        return {"census": "Theorem A, every support pattern up to isomorphism",
                "max_models": self.max_models, "seed": self.seed, "per_K": per_k,
                "failed_patterns": self.failed, "failures": self.failures,
                "count_errors": self.count_errors, "ok": self.ok}

    def per_pattern_seconds(self) -> float | None:
        return self.worker_seconds / self.computed_patterns if self.computed_patterns else None


def census_tasks(max_models: int, min_models: int = 1, seed: int = DEFAULT_SEED) -> list[tuple[str, tuple]]:
    return [(f"{K}:{block}", (K, block, seed))
            for K in range(min_models, max_models + 1) for block in range(block_count(K))]


def run_census(max_models: int, *, min_models: int = 1, seed: int = DEFAULT_SEED, workers: int | None = None,
               scheduler: str | None = None, checkpoint: str | Path | None = None,
               report: str | Path | None = None, brute_force: bool = True,
               progress: Callable[[int, int], None] | None = None) -> CensusResult:
    """Run the census for K = min_models..max_models; see the module notes.

    The patterns found are compared with Burnside's count for every K and,
    with ``brute_force`` and K ≤ 4, with the orbit minima of the brute-force
    enumeration.  ``report`` (a path) receives :meth:`CensusResult.report`
    atomically; ``progress(done, total)`` is told of every finished block
    (see :func:`graphcollapse.presentation.progress.progress_bar`).
    """
    for K in (min_models, max_models):
        _check_k(K)
    if min_models > max_models:
        raise ValueError("min_models > max_models")
    tasks = census_tasks(max_models, min_models, seed)
    header = {"census": 1, "min_models": min_models, "max_models": max_models, "seed": seed,
              "block_bits": {str(K): BLOCK_BITS[K] for K in range(min_models, max_models + 1)}}
    swept = run_sweep(check_block, tasks, workers=workers, scheduler=scheduler, checkpoint=checkpoint,
                      header=header, progress=progress)
    counts, models, collapsing, with_collapse, digests = {}, {}, {}, {}, {}
    burnside, brute, brute_match = {}, {}, {}
    failures, failed, worker_seconds, computed_patterns = [], 0, 0.0, 0
    count_errors: list[str] = []
    for K in range(min_models, max_models + 1):
        keep_codes = brute_force and K <= BRUTE_FORCE_MAX_K
        codes, block_digests = [], []
        counts[K] = collapsing[K] = with_collapse[K] = 0
        low = (1 << BLOCK_BITS[K]) - 1
        for block in range(block_count(K)):
            record = swept.results[f"{K}:{block}"]
            found = record["codes"]
            if any(code & low != block for code in found) or any(a >= b for a, b in zip(found, found[1:])):
                count_errors.append(f"K={K}, block {block}: codes outside the block or repeated")
            counts[K] += len(found)
            collapsing[K] += sum(bin(m).count("1") for m in record["masks"] if m >= 0)
            with_collapse[K] += sum(1 for m in record["masks"] if m > 0)
            if keep_codes:
                codes.extend(found)
            block_digests.append(record["digest"])
            failed += record["failed"]
            failures.extend(record["failures"])
        models[K] = K * counts[K]
        digests[K] = hashlib.sha256("".join(block_digests).encode()).hexdigest()
        burnside[K] = burnside_count(K)
        if counts[K] != burnside[K]:
            count_errors.append(f"K={K}: {counts[K]} patterns enumerated, Burnside's lemma gives {burnside[K]}")
        if keep_codes:
            minima = brute_force_orbits(K)
            brute[K] = len(minima)
            brute_match[K] = sorted(codes) == minima
            if not brute_match[K]:
                count_errors.append(f"K={K}: {counts[K]} patterns enumerated, brute force finds {len(minima)} "
                                    "orbits (or other orbit minima)")
    # Timing: only blocks computed in this run (records carry their worker CPU time).
    for key in swept.computed_keys:
        record = swept.results[key]
        worker_seconds += record["seconds"]
        computed_patterns += len(record["codes"])
    failures.sort(key=lambda f: (len(f["graph"]["models"]) if f.get("graph") else 0, f["code"]))
    result = CensusResult(max_models, seed, counts, burnside, brute, brute_match, models, collapsing,
                          with_collapse, digests, failures, failed, swept.elapsed, worker_seconds,
                          computed_patterns, swept.resumed, swept.computed, swept.executor, swept.dropped_tail,
                          count_errors)
    if report is not None:
        write_json_atomic(report, result.report())
    return result


def estimate_cost(K: int, blocks: int, *, seed: int = DEFAULT_SEED, workers: int | None = None,
                  scheduler: str | None = None, progress: Callable[[int, int], None] | None = None) -> dict:
    """Check a seeded random sample of K's blocks and project the cost of all of them.

    The projection is ``(number of patterns) × (measured worker CPU time per
    pattern)``; the per-pattern time includes enumerating the block.
    """
    _check_k(K)
    available = block_count(K)
    if not 1 <= blocks <= available:
        raise ValueError(f"K={K} has {available} blocks; sample between 1 and {available}")
    chosen = sorted(random.Random(f"estimate:{seed}:{K}").sample(range(available), blocks))
    tasks = [(f"{K}:{b}", (K, b, seed)) for b in chosen]
    swept = run_sweep(check_block, tasks, workers=workers, scheduler=scheduler, progress=progress)
    records = list(swept.results.values())
    patterns = sum(len(r["codes"]) for r in records)
    seconds = sum(r["seconds"] for r in records)
    failed = sum(r["failed"] for r in records)
    total = burnside_count(K)
    per_pattern = seconds / patterns if patterns else float("nan")
    core_hours = total * per_pattern / 3600
    lines = [
        f"K={K}: sampled {blocks} of {available} blocks ({patterns} patterns, {failed} failing) "
        f"in {swept.elapsed:.1f} s wall on {swept.executor}",
        f"measured {1000 * per_pattern:.1f} ms worker CPU per pattern (enumeration included)",
        f"K={K} has {total} patterns up to isomorphism (Burnside): about {core_hours:.1f} core-hours "
        f"= {core_hours / 64:.1f} h on 64 cores, {core_hours / 512:.1f} h on 512 cores "
        f"({available} blocks of about {total / available:.0f} patterns)",
    ]
    for failure in (r for rec in records for r in rec["failures"]):
        lines.append(f"FAIL  {failure['message']}")
    return {"K": K, "blocks": blocks, "patterns": patterns, "seconds": seconds, "per_pattern": per_pattern,
            "total_patterns": total, "core_hours": core_hours, "failed": failed, "lines": lines}


def failure_graph(failure: dict):
    """The graph of a recorded failure, ready for :class:`Counterexample`."""
    from graphcollapse.graph import from_dict

    return from_dict(failure["graph"]) if failure.get("graph") else None


def raise_first_failure(result: CensusResult) -> None:
    if result.count_errors:
        raise Counterexample("census count mismatch: " + "; ".join(result.count_errors))
    if result.failed:
        first = result.failures[0]
        raise Counterexample(f"{result.failed} pattern(s) failed; first: {first['message']}", failure_graph(first))


def counts_line(result: CensusResult) -> str:
    parts = []
    for K in sorted(result.counts):
        brute = f" = brute force {result.brute_force[K]}" if K in result.brute_force else ""
        parts.append(f"K={K}: {result.counts[K]} (= Burnside {result.burnside[K]}{brute})")
    return ", ".join(parts)


# ------------------------------------------------------------------- check
@check("Theorem A census: every support pattern up to isomorphism (verdicts, limits, slopes)",
       levels=("quick", "full"), group="census")
def theorem_a_census(level: str) -> str:
    from graphcollapse.presentation.progress import progress_bar

    max_models = 3 if level == "quick" else 4
    with progress_bar(None, f"census K <= {max_models}", unit="block") as bar:
        result = run_census(max_models, workers=default_workers(), progress=bar)
    raise_first_failure(result)
    total = sum(result.counts.values())
    per_pattern = result.per_pattern_seconds()
    cpu = f" ({1000 * per_pattern:.0f} ms CPU per pattern on {result.executor})" if per_pattern else ""
    return (f"{total} patterns, {sum(result.models.values())} models, "
            f"{sum(result.collapsing_models.values())} collapsing; patterns per K {counts_line(result)}; "
            "topological = exact spectral = Markov = float references, limits and slopes = float references"
            f"{cpu}")
