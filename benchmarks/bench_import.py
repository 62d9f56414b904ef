"""Start-up cost: ``import graphcollapse`` and ``graphcollapse --help``, in fresh interpreters.

Each is measured with ``python -X importtime`` (the cumulative import time of
the top-level modules, which is what the target is about) and as wall-clock
time of the whole process, best of ``--repeats`` runs, beside the plain
alternative in the same run: importing SymPy alone (the heaviest dependency).
Target: under 0.5 s of import time for both, without making the first
``analyze`` slower (its time is printed too).

    python benchmarks/bench_import.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time

from _machine import describe


def import_time(code: str) -> float:
    """Seconds of cumulative import time reported by ``-X importtime`` for ``code``."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                         check=True)
    total = 0
    for line in run.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)", line)
        if match and not match.group(2).startswith(" "):  # top-level modules only
            total += int(match.group(1))
    return total / 1e6


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(describe())
    rows = [
        ("import graphcollapse", "import graphcollapse", [sys.executable, "-c", "import graphcollapse"]),
        ("graphcollapse --help", "import sys; sys.argv = ['graphcollapse', '--help']\n"
                                 "from graphcollapse.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass",
         [sys.executable, "-m", "graphcollapse", "--help"]),
        ("plain: import sympy", "import sympy", [sys.executable, "-c", "import sympy"]),
        ("first analyze (demo)", "import graphcollapse as gc\ngc.analyze(gc.from_matrix([[0, 1], [1, 0]]))",
         [sys.executable, "-c", "import graphcollapse as gc; gc.analyze(gc.from_matrix([[0, 1], [1, 0]]))"]),
    ]
    print(f"{'what':26s} {'import time (s)':>16s} {'wall (s)':>10s}")
    for label, code, argv in rows:
        imp = min(import_time(code) for _ in range(args.repeats))
        elapsed = min(wall(argv) for _ in range(args.repeats))
        print(f"{label:26s} {imp:16.3f} {elapsed:10.3f}")


if __name__ == "__main__":
    main()
