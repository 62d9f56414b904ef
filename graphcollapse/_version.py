"""The package version (its own module, so that reports and the CLI need not import the package root)."""

__version__ = "0.2.0"
