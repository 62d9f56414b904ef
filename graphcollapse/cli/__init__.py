"""The ``graphcollapse`` command line.

Each command lives in its own module exposing ``add_parser(subparsers)`` and
``run(args) -> int``; :data:`COMMANDS` lists them.  Every command shares the
conventions of :mod:`graphcollapse.cli.common` (``GRAPH``, ``--estimator``,
``--subs``, ``--format``).  Errors print one sanitised line on stderr: exit
status 2 for everything the input causes, 3 for a bug in graphcollapse (with a
"please report" line); a traceback only with ``--debug``.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from importlib import import_module

from graphcollapse._version import __version__
from graphcollapse.errors import GraphCollapseError, InternalConsistencyError, ResourceLimitError, exit_status

__all__ = ["main", "build_parser", "COMMANDS"]

#: Command modules, in the order ``--help`` lists them.
COMMANDS = (
    "analyze",
    "trajectory",
    "threshold",
    "demo",
    "check",
    "plot",
    "ensemble",
    "family",
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
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error (for bug reports)")
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
    except KeyboardInterrupt:
        print("graphcollapse: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except BaseException as err:  # noqa: BLE001 - the one place every failure becomes one line
        if isinstance(err, SystemExit):
            raise
        if getattr(args, "debug", False):
            traceback.print_exc()
        return _report(err)


def _report(err: BaseException) -> int:
    """Print one sanitised line for ``err`` and return its exit status."""
    if isinstance(err, (MemoryError, RecursionError)):
        err = ResourceLimitError(f"the input is too large or too deeply nested ({type(err).__name__})")
    status = exit_status(err)
    message = _sanitised(str(err) if isinstance(err, GraphCollapseError) else f"{type(err).__name__}: {err}")
    if status == 2:
        print(f"graphcollapse: error: {message}", file=sys.stderr)
    else:
        kind = "internal consistency error" if isinstance(err, InternalConsistencyError) else "internal error"
        print(f"graphcollapse: {kind} (a bug in graphcollapse; please report it with --debug output): {message}",
              file=sys.stderr)
    return status


def _sanitised(text: str, limit: int = 500) -> str:
    """One printable line: control characters escaped, long messages cut with a mark."""
    line = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)
    return line if len(line) <= limit else line[: limit - 20] + f"... ({len(line)} characters)"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
