"""One simulation kernel per estimator family (sufficient statistics and fits)."""
