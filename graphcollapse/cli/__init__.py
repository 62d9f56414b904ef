"""The ``graphcollapse`` command line.

Each command lives in its own module exposing ``add_parser(subparsers)`` and
``run(args) -> int``; :data:`COMMANDS` lists them.  User errors print one line
on stderr and exit with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from graphcollapse._version import __version__
from graphcollapse.errors import GraphCollapseError, InternalConsistencyError

__all__ = ["main", "build_parser", "COMMANDS"]

#: Command modules, in the order ``--help`` lists them.
COMMANDS = (
    "analyze",
    "trajectory",
    "threshold",
    "demo",
    "check",
    "ensemble",
)

EPILOG = ("Graph files are JSON: {\"models\": [{\"id\": ..., \"n\": ..., \"real\": ...}], "
          "\"edges\": [{\"from\": A, \"to\": B, \"weight\": ...}]}; an edge A -> B means B trains on A's outputs. "
          "See the README for every field.")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit status 2."""

    def error(self, message: str):  # pragma: no cover - exercised through the CLI tests
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="graphcollapse", description=(
        "Exact analysis of model collapse when generative models train on each other's synthetic "
        "outputs along a directed interaction graph."), epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"graphcollapse {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        import_module(f".{name}", __name__).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except GraphCollapseError as err:
        print(f"graphcollapse: error: {err}", file=sys.stderr)
        return 2
    except InternalConsistencyError as err:
        print(f"graphcollapse: internal consistency error (a bug, please report it): {err}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("graphcollapse: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
