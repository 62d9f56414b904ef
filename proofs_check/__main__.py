"""``python -m proofs_check [--quick | --full]``: run every check.

Exit status 0 when every check passes, 1 on any counterexample (each is
printed and written as a graph file that ``graphcollapse analyze`` re-runs).

``python -m proofs_check census --max-models K [--workers N] [--scheduler
ADDRESS] [--checkpoint FILE]`` runs the Theorem A census (every support
pattern on up to K models) as a resumable sweep: in local processes by
default, on a Dask cluster with ``--scheduler``; with ``--checkpoint`` an
interrupted run resumes where it stopped.  ``--estimate N`` checks N random
blocks of the largest K only and projects the cost of the whole sweep.
Exit status 2 on a usage error (bad checkpoint, missing Dask extra).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import load_checks
from .registry import Counterexample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proofs_check", description=__doc__)
    level = parser.add_mutually_exclusive_group()
    level.add_argument("--quick", dest="level", action="store_const", const="quick", help="the CI subset (default)")
    level.add_argument("--full", dest="level", action="store_const", const="full", help="everything")
    parser.add_argument("--only", metavar="TEXT", help="run only checks whose name contains TEXT")
    parser.add_argument("--counterexample-dir", default=".", metavar="DIR",
                        help="where counterexample graph files are written (default: current directory)")
    parser.set_defaults(level="quick")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_census_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "census":
        return _run_census(args)
    failures = 0
    start = time.perf_counter()
    checks = [c for c in load_checks() if args.level in c.levels and (not args.only or args.only in c.name)]
    for number, chk in enumerate(checks, 1):
        began = time.perf_counter()
        try:
            summary = chk.run(args.level)
        except Counterexample as err:
            failures += 1
            print(f"FAIL  {chk.name}: {err}")
            if err.graph is not None:
                path = _write_counterexample(Path(args.counterexample_dir), number, err.graph)
                print(f"      counterexample written to {path} (re-run: graphcollapse analyze {path})")
                print(err.graph.to_json())
            continue
        except Exception as err:  # a crash is a failure of the check, not of the run
            failures += 1
            print(f"ERROR {chk.name}: {type(err).__name__}: {err}")
            continue
        print(f"ok    {chk.name}: {summary} [{time.perf_counter() - began:.1f} s]")
    total = time.perf_counter() - start
    print(f"{len(checks) - failures}/{len(checks)} checks passed at level {args.level!r} in {total:.1f} s")
    return 1 if failures else 0


def _add_census_parser(commands) -> None:
    census = commands.add_parser(
        "census", help="exhaustive Theorem A census on every support pattern with up to K models",
        description="Check Theorem A (three forms), limits and slopes on every support pattern with "
                    "K models up to isomorphism, for K = --min-models..--max-models.")
    census.add_argument("--max-models", type=int, required=True, metavar="K", help="largest number of models")
    census.add_argument("--min-models", type=int, default=1, metavar="K", help="smallest number of models (default 1)")
    census.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per CPU)")
    census.add_argument("--scheduler", metavar="ADDRESS",
                        help="run on this Dask scheduler instead (needs: pip install graphcollapse[dask])")
    census.add_argument("--checkpoint", metavar="FILE",
                        help="append-only record of finished blocks; an existing one is resumed")
    census.add_argument("--report", metavar="FILE",
                        help="final JSON report, written atomically (default with --checkpoint: FILE.report.json)")
    census.add_argument("--seed", type=int, default=None, metavar="N", help="seed of the random weights")
    census.add_argument("--estimate", type=int, metavar="N",
                        help="check only N random blocks of K = --max-models and project the cost of the full sweep")
    census.add_argument("--counterexample-dir", dest="census_counterexample_dir", default=None, metavar="DIR",
                        help="where counterexample graph files are written (default: current directory)")


def _run_census(args) -> int:
    from graphcollapse.presentation.progress import progress_bar

    from . import census
    from .sweep import SweepError

    seed = census.DEFAULT_SEED if args.seed is None else args.seed
    try:
        if args.estimate is not None:
            with progress_bar(args.estimate, "estimate", unit="block") as bar:
                estimate = census.estimate_cost(args.max_models, args.estimate, seed=seed, workers=args.workers,
                                                scheduler=args.scheduler, progress=bar)
            return _print_estimate(estimate)
        report = args.report
        if report is None and args.checkpoint is not None:
            report = str(Path(args.checkpoint).with_suffix(".report.json"))
        print(f"Theorem A census, K = {args.min_models}..{args.max_models}, seed {seed}", flush=True)
        with progress_bar(None, "census", unit="block") as bar:
            result = census.run_census(args.max_models, min_models=args.min_models, seed=seed,
                                       workers=args.workers, scheduler=args.scheduler, checkpoint=args.checkpoint,
                                       report=report, progress=bar)
    except (SweepError, ValueError) as err:
        print(f"python -m proofs_check census: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        again = " (finished blocks are in the checkpoint: run the same command to resume)" if args.checkpoint else ""
        print(f"interrupted{again}", file=sys.stderr)
        return 130
    if args.checkpoint is not None:
        tail = " (a torn last line was dropped)" if result.dropped_tail else ""
        print(f"checkpoint {args.checkpoint}: {result.resumed_blocks} blocks resumed{tail}, "
              f"{result.computed_blocks} computed on {result.executor}")
    for K in sorted(result.counts):
        brute = f", brute force {result.brute_force[K]}" if K in result.brute_force else ""
        print(f"K={K}: {result.counts[K]} patterns up to isomorphism (Burnside {result.burnside[K]}{brute}); "
              f"{result.models[K]} models, {result.collapsing_models[K]} collapse")
    per_pattern = result.per_pattern_seconds()
    timing = f"{result.elapsed:.1f} s wall"
    if per_pattern is not None:
        timing += (f", {1000 * per_pattern:.1f} ms worker CPU per pattern "
                   f"({result.computed_patterns} patterns computed in this run)")
    print(f"time: {timing}")
    for error in result.count_errors:
        print(f"FAIL  {error}")
    directory = Path(args.census_counterexample_dir or args.counterexample_dir)
    for number, failure in enumerate(result.failures, 1):
        print(f"FAIL  {failure['message']}")
        graph = census.failure_graph(failure)
        if graph is not None:
            path = _write_counterexample(directory, number, graph)
            print(f"      counterexample written to {path} (re-run: graphcollapse analyze {path})")
    if result.failed > len(result.failures):
        print(f"      ({result.failed} failing patterns in all; the report lists the first of each block)")
    total = sum(result.counts.values())
    verdict = "ok" if result.ok else "FAILED"
    print(f"{verdict}: {total} patterns, {sum(result.models.values())} models; "
          f"{result.failed} failing patterns, {len(result.count_errors)} count mismatches")
    if report is not None:
        print(f"report written to {report}")
    return 0 if result.ok else 1


def _print_estimate(estimate: dict) -> int:
    for line in estimate["lines"]:
        print(line)
    return 0 if not estimate["failed"] else 1


def _write_counterexample(directory: Path, number: int, graph) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"counterexample_{number:02d}.json"
    graph.save(path)
    return path


if __name__ == "__main__":
    sys.exit(main())
