"""Solvers: everything derived from a :class:`~graphcollapse.operator.recurrence.Recurrence`."""
