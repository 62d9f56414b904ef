"""Exact linear algebra on SymPy matrices, in the exact field of their entries.

Every matrix here is converted once into the :class:`~graphcollapse.numbers.NumberDomain`
of its entries (``QQ``, a number field ``QQ<θ>``, or a fraction field over
the symbols) and handled by SymPy's ``DomainMatrix`` there, so determinants,
ranks and null spaces are decided exactly — never by ``simplify() == 0`` —
and come back as canonical SymPy expressions.  Solves go through
:func:`graphcollapse.linalg.exact_solve.solve_exact` (evaluation and
interpolation for rational systems with symbols).

Examples
--------
>>> import sympy
>>> solve(sympy.Matrix([[2, 1], [1, 3]]), sympy.Matrix([1, 2]))
Matrix([
[1/5],
[3/5]])
>>> determinant(sympy.Matrix([[1, sympy.sqrt(2)], [sympy.sqrt(2), 2]]))
0
>>> nullspace(sympy.Matrix([[1, 1], [1, 1]]))
Matrix([
[-1],
[ 1]])
"""

from __future__ import annotations

import sympy
from sympy.polys.matrices import DomainMatrix

from graphcollapse.numbers.domain import NumberDomain

__all__ = ["to_domain_matrix", "solve", "determinant", "nullspace", "rank"]


def to_domain_matrix(matrix: sympy.MatrixBase, extra=()) -> tuple[DomainMatrix, NumberDomain]:
    """``matrix`` as a ``DomainMatrix`` over the exact field of its entries (and of ``extra`` values)."""
    matrix = sympy.Matrix(matrix)
    domain = NumberDomain.from_expressions([x for x in matrix if x != 0] + [x for x in extra if x != 0])
    rows = [[domain.convert(x) for x in matrix.row(i)] for i in range(matrix.rows)]
    return DomainMatrix(rows, matrix.shape, domain.field), domain


def _back(dm: DomainMatrix, domain: NumberDomain) -> sympy.Matrix:
    rows, cols = dm.shape
    return sympy.Matrix(rows, cols, [domain.to_sympy(x) for row in dm.to_list() for x in row])


def solve(A: sympy.MatrixBase, B: sympy.MatrixBase) -> sympy.Matrix:
    """Exact solution ``X`` of ``A X = B`` (see :func:`graphcollapse.linalg.exact_solve.solve_exact`).

    Raises
    ------
    SingularSystemError
        If ``A`` is singular.
    """
    from graphcollapse.linalg.exact_solve import solve_exact

    return solve_exact(A, B)


def determinant(A: sympy.MatrixBase) -> sympy.Expr:
    """Exact determinant, canonical (a cancelled rational function for symbolic entries)."""
    A = sympy.Matrix(A)
    if A.rows == 0:
        return sympy.Integer(1)
    dm, domain = to_domain_matrix(A)
    return domain.to_sympy(dm.det())


def nullspace(A: sympy.MatrixBase) -> sympy.Matrix:
    """A basis of the right null space of ``A`` as the columns of a matrix (exact)."""
    A = sympy.Matrix(A)
    dm, domain = to_domain_matrix(A)
    basis = dm.nullspace()  # rows span the null space
    if basis.shape[0] == 0:
        return sympy.zeros(A.cols, 0)
    return _back(basis, domain).T


def rank(A: sympy.MatrixBase) -> int:
    """The exact rank of ``A``."""
    A = sympy.Matrix(A)
    if A.rows == 0 or A.cols == 0:
        return 0
    return int(to_domain_matrix(A)[0].rank())
