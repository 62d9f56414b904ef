"""How results are shown: reports in text, JSON, Markdown and LaTeX (and figures)."""
