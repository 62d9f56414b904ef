"""The asymptotic law for sparse Erdős–Rényi digraphs against estimates at K = 10^6.

Runs a resumable sweep over a (c, p) grid (real data on a random fraction p)
and prints, per point, the estimated probability of macroscopic collapse and
the conditional collapse fraction with their intervals beside the law, and
whether the law lies inside each interval.  With 95 % intervals about one
point in twenty is expected outside by chance; the summary also counts
agreement at 99 %.

    python benchmarks/law_vs_estimates.py [--size 1000000] [--samples 150] [--checkpoint law.jsonl]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _machine import describe

from graphcollapse.ensembles import sweep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=150)
    parser.add_argument("--c", default="1.5,2,3,4")
    parser.add_argument("--p", default="0,0.25,0.5")
    parser.add_argument("--loops", default="true")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--checkpoint", help="resumable record of the samples (default: a temporary file)")
    args = parser.parse_args()
    print(f"machine: {describe()}")
    grid = {"c": [float(v) for v in args.c.split(",")], "p": [float(v) for v in args.p.split(",")]}
    checkpoint = args.checkpoint or Path(tempfile.mkdtemp()) / "law.jsonl"
    options = dict(params={"loops": args.loops}, grid=grid, samples=args.samples, workers=args.workers,
                   checkpoint=checkpoint)
    start = time.perf_counter()
    table = sweep("erdos_renyi", [args.size], **options)
    print(f"K = {args.size:,}, {args.samples} samples per point, {table.computed} computed, {table.resumed} "
          f"resumed, {time.perf_counter() - start:.0f} s on {table.executor}")
    print(f"{'c':>4} {'p':>5}  {'P(macro) [95% CI]':<26} {'law':>7}  {'fraction|macro [95% CI]':<28} {'law phi':>7}"
          f"  {'closed classes [95% CI]':<26} {'law':>7}")
    for row in table.rows:
        e, law = row.estimate, row.estimate.law
        print(f"{row.point['c']:>4g} {row.point['p']:>5g}  {str(e.p_macro):<26} {law.p_macro:>7.4f}  "
              f"{str(e.fraction_given_macro):<28} {law.phi:>7.4f}  {str(e.closed_count):<26} {law.mean_closed:>7.4f}")
    for level in (0.95, 0.99):
        # The samples are in the checkpoint: a second sweep only re-summarises them.
        again = table if level == 0.95 else sweep("erdos_renyi", [args.size], confidence=level, **options)
        checks = [(iv, value) for row in again.rows for iv, value in
                  ((row.estimate.p_macro, row.estimate.law.p_macro),
                   (row.estimate.fraction_given_macro, row.estimate.law.phi),
                   (row.estimate.closed_count, row.estimate.law.mean_closed)) if iv.low is not None]
        good = sum(iv.contains(value) for iv, value in checks)
        print(f"law inside the {level:.0%} intervals: {good} of {len(checks)} "
              "(P(macro), fraction | macro, number of closed classes)")


if __name__ == "__main__":
    main()
