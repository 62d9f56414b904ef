"""An independent exact reference for memory settings: every sample as a linear combination of independent noises.

Written from the process's definition (MODEL.md 6.3 and the README), not from
the recursions: each point of every batch is kept as ``{noise id: coefficient}``
(exact fractions), training sets are built as sets of points (replace, window,
accumulate, a fixed real pool kept once), a fit is the mean of its training set
— or, for a subsample, every subset of it, enumerated with equal weights — and
``E_k(t) = Σ coefficient² · variance`` (averaged over the enumerated subsets).
Only for tiny graphs: the subset enumeration is exponential.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations, product


def _mean(points):
    out: dict = {}
    for p in points:
        for key, c in p.items():
            out[key] = out.get(key, 0) + c
    return {key: Fraction(c, 1) / len(points) for key, c in out.items()}


def _value(form, variance):
    return sum((c * c * variance[key] for key, c in form.items()), Fraction(0))


def _second_moment(forms_by_path, k, variance):
    """``E e_k²`` averaged over equally likely subset paths."""
    return sum((_value(forms[k], variance) for forms in forms_by_path), Fraction(0)) / len(forms_by_path)


def ledger(counts, real, n0, sigma2, T, memory="replace", window=None, subsample=None, pool=False):
    """Exact ``E_k(t)`` (d = 1) for ``t = 0..T``.

    ``counts[k][j]``: points model k takes from model j each generation; ``real[k]``: its real points
    per batch (fresh, or the first ``real[k]`` generation-0 points when ``pool``); ``n0[k]``;
    ``sigma2[j]``: noise of j's synthetic points (real data: 1).
    """
    K = len(n0)
    variance: dict = {}
    counter = [0]

    def fresh(var):
        counter[0] += 1
        variance[counter[0]] = Fraction(var)
        return counter[0]

    # a "path" is one joint choice of subsets; without subsampling there is one path
    gen0 = [[{fresh(1): Fraction(1)} for _ in range(n0[k])] for k in range(K)]
    paths = [{"batches": [[gen0[k]] for k in range(K)], "fits": None}]
    out = []
    for t in range(T + 1):
        if t > 0:
            new_paths = []
            for path in paths:
                fits = path["fits"]
                batches = [list(b) for b in path["batches"]]
                for k in range(K):
                    batch = []
                    for j in range(K):
                        for _ in range(counts[k][j]):
                            p = dict(fits[j])
                            p[fresh(sigma2[j])] = Fraction(1)
                            batch.append(p)
                    if not pool:
                        batch += [{fresh(1): Fraction(1)} for _ in range(real[k])]
                    batches[k] = batches[k] + [batch]
                new_paths.append({"batches": batches})
            paths = new_paths
        expanded = []
        for path in paths:
            sets = [_training_set(path["batches"][k], t, memory, window, pool, real[k], gen0[k]) for k in range(K)]
            if memory == "subsample":
                choices = [list(combinations(range(len(s)), min(subsample, len(s)))) for s in sets]
                for pick in product(*choices):
                    fits = [_mean([sets[k][i] for i in pick[k]]) for k in range(K)]
                    expanded.append({"batches": path["batches"], "fits": fits})
            else:
                expanded.append({"batches": path["batches"], "fits": [_mean(s) for s in sets]})
        paths = expanded
        out.append(tuple(_second_moment([p["fits"] for p in paths], k, variance) for k in range(K)))
    return tuple(out)


def _training_set(batches, t, memory, window, pool, n_real, gen0):
    if memory == "replace":
        chosen = [batches[-1]]
    elif memory == "window":
        chosen = batches[-window:]
    else:  # accumulate, subsample: everything
        chosen = batches
    points = [p for b in chosen for p in b]
    if pool and t > 0 and not any(b is batches[0] for b in chosen):
        points = points + gen0[:n_real]  # the fixed real pool, kept once
    return points
