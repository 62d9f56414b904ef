"""Solvers: everything derived from a :class:`~graphcollapse.operator.Recurrence`."""
