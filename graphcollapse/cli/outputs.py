"""Output options of the commands that write reports: ``--standalone`` for LaTeX.

A LaTeX report is a fragment to paste into a paper (it needs ``amsmath``);
``--standalone`` wraps it in a complete document that ``pdflatex`` compiles.
"""

from __future__ import annotations

from graphcollapse.errors import InputError

__all__ = ["add_standalone_option", "check_standalone", "standalone"]


def add_standalone_option(parser) -> None:
    parser.add_argument("--standalone", action="store_true",
                        help="with --format latex: a complete document (compiles with pdflatex) instead of a fragment")


def check_standalone(args, fmt: str) -> None:
    """Refuse ``--standalone`` with a format other than LaTeX, before any work."""
    if getattr(args, "standalone", False) and fmt != "latex":
        raise InputError("--standalone applies to --format latex")


def standalone(text: str, args) -> str:
    """``text``, wrapped in a document when ``--standalone`` was given."""
    if not getattr(args, "standalone", False):
        return text
    from graphcollapse.presentation.reports.latex import latex_document

    return latex_document(text)
