"""The look shared by every figure: palette, fonts, labels, and how figures are saved.

Figures are meant for papers: the Okabe–Ito palette (distinguishable with
every common colour-vision deficiency, and every meaning is carried by a
marker or hatch as well as a colour), matplotlib's bundled DejaVu fonts
with mathtext for the symbols (no TeX installation needed, the same
glyphs everywhere), vector output for ``.pdf`` and ``.svg``, and
deterministic files (a fixed SVG hash salt, no dates in the metadata), so
the same figure gives the same bytes.

Examples
--------
>>> math_id("A"), math_id("model_1")
('\\\\mathrm{A}', '\\\\mathrm{model\\\\_1}')
>>> tex_value(sympy.Rational(23, 675)), tex_value(sympy.sqrt(5) / 2), tex_value(0.125)
('23/675', '\\\\frac{\\\\sqrt{5}}{2}', '0.125')
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import sympy

from graphcollapse.errors import InputError, MissingExtraError

__all__ = ["require_matplotlib", "figure_style", "STYLE", "OKABE_ITO", "COLLAPSE", "BOUNDED", "CONDITIONAL",
           "REAL", "SIMULATION", "NEUTRAL", "FORMATS", "save_figure", "math_id", "tex_value", "error_label",
           "plain"]

#: Okabe & Ito (2008), "Color universal design": safe for every common colour-vision deficiency.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
BOUNDED = "#0072B2"       # blue: the error settles
COLLAPSE = "#D55E00"      # vermillion: the error grows without bound
REAL = "#009E73"          # bluish green: real data
CONDITIONAL = "#E69F00"   # orange: the verdict depends on the symbols
SIMULATION = "#56B4E9"    # sky blue: Monte Carlo
NEUTRAL = "#4D4D4D"

#: rcParams of every figure (applied in a context: the caller's settings are left alone).
STYLE = {
    "font.family": "DejaVu Sans",
    "mathtext.fontset": "dejavusans",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.8,
    "lines.linewidth": 1.4,
    "image.cmap": "viridis",
    "svg.hashsalt": "graphcollapse",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.05,
    "figure.dpi": 100,
}

#: Output formats by file suffix.
FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}
_METADATA = {"png": {"Software": None}, "pdf": {"CreationDate": None, "ModDate": None, "Producer": None},
             "svg": {"Date": None}}


def require_matplotlib():
    """The ``matplotlib`` module (figures are built without pyplot, so no backend is chosen or changed).

    Raises
    ------
    MissingExtraError
        If matplotlib is not installed (the message names the extra).
    """
    try:
        import matplotlib
        import matplotlib.figure  # noqa: F401 - the class every figure is made of
    except ImportError:
        raise MissingExtraError("figures need matplotlib: pip install 'graphcollapse[plot]'") from None
    return matplotlib


@contextlib.contextmanager
def figure_style():
    """Apply :data:`STYLE` while a figure is built; yields the ``Figure`` class.

    Figures are ``matplotlib.figure.Figure`` objects made without pyplot: they
    are not registered with a GUI, Jupyter shows a returned figure once, and
    a long session does not accumulate open figures.
    """
    matplotlib = require_matplotlib()
    with matplotlib.rc_context(STYLE):
        yield matplotlib.figure.Figure


def save_figure(figure, path) -> Path:
    """Write ``figure`` to ``path`` (``.png``, ``.pdf`` or ``.svg``, chosen by the suffix), deterministically.

    Raises
    ------
    InputError
        For another suffix.
    """
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"--out {str(path)!r}: the file name must end in .png, .pdf or .svg")
    matplotlib = require_matplotlib()
    with matplotlib.rc_context(STYLE):
        figure.savefig(path, format=kind, metadata=_METADATA[kind])
    return path


_PLAIN_ID = re.compile(r"[A-Za-z0-9 .,:;+\-()'_]*")


def math_id(model_id: str) -> str:
    """A model id for use inside mathtext (``E_{...}``), upright, special characters escaped."""
    if _PLAIN_ID.fullmatch(model_id):
        return r"\mathrm{" + model_id.replace("_", r"\_").replace(" ", r"\ ") + "}"
    return r"\mathrm{?}"


def plain(text: str) -> str:
    """Text shown outside mathtext: dollar signs escaped so they stay literal."""
    return text.replace("$", r"\$")


def tex_value(value, digits: int = 4) -> str:
    """An exact value for mathtext (``23/675``, ``\\frac{\\sqrt{5}}{2}``), a float to ``digits`` significant digits."""
    if value is None:
        return "-"
    if isinstance(value, sympy.Basic):
        if value.is_Float:
            return f"{float(value):.{digits}g}"
        if value == sympy.oo:
            return r"\infty"
        if value.is_Rational:
            return str(value)
        text = sympy.latex(value, fold_short_frac=False)
        if len(text) <= 60:
            return text
        try:
            return f"{float(value):.{digits}g}"
        except TypeError:
            return r"\cdots"
    return f"{float(value):.{digits}g}"


def error_label(system, symbol: str = "E_k(t)") -> str:
    """Axis label of an error with its units, from the estimator family."""
    family = system.estimator.name
    if family == "linear_regression":
        return rf"excess test risk ${symbol}$ (units of $y^2$)"
    return rf"squared error ${symbol}$ (units of $\theta^2$)"
