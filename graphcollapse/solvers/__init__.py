"""Solvers: everything derived from a :class:`~graphcollapse.recurrence.operator.Recurrence`."""
