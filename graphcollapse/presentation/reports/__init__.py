"""Reports of an :class:`~graphcollapse.analysis.Analysis`: text, JSON, Markdown, LaTeX."""

from graphcollapse.presentation.reports.json_report import analysis_to_dict, exact_string, float_or_none
from graphcollapse.presentation.reports.text import text_report
from graphcollapse.presentation.reports.markdown import markdown_report
from graphcollapse.presentation.reports.latex import latex_report

__all__ = ["analysis_to_dict", "exact_string", "float_or_none", "text_report", "markdown_report", "latex_report"]
