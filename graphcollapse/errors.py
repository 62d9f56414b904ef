"""Exception types.

Every problem with what a user gave us (a graph file, a parameter, a command
line) raises :class:`GraphCollapseError` with a one-line message that names the
model, edge or field at fault.  The command line prints that line and exits
with status 2.  :class:`InternalConsistencyError` is different: it means two
independent computations of the same mathematical fact disagreed, which is a
bug in graphcollapse, never a property of the input.
"""


class GraphCollapseError(ValueError):
    """A user error: bad input, an unsupported request, a missing extra.

    Examples
    --------
    >>> try:
    ...     raise GraphCollapseError("model 'B': weights sum to 3/4, not 1")
    ... except GraphCollapseError as err:
    ...     print(err)
    model 'B': weights sum to 3/4, not 1
    """


class InternalConsistencyError(RuntimeError):
    """Two independent derivations of one result disagree (a bug, not a user error)."""
