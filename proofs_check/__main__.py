"""``python -m proofs_check [--quick | --full]``: run every check.

Exit status 0 when every check passes, 1 on any counterexample (each is
printed and written as a graph file that ``graphcollapse analyze`` re-runs).
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
    args = parser.parse_args(argv)
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
        print(f"ok    {chk.name}: {summary} [{time.perf_counter() - began:.1f} s]")
    total = time.perf_counter() - start
    print(f"{len(checks) - failures}/{len(checks)} checks passed at level {args.level!r} in {total:.1f} s")
    return 1 if failures else 0


def _write_counterexample(directory: Path, number: int, graph) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"counterexample_{number:02d}.json"
    graph.save(path)
    return path


if __name__ == "__main__":
    sys.exit(main())
