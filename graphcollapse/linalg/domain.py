"""Small exact linear-algebra conveniences on top of SymPy's ``DomainMatrix``.

SymPy picks the arithmetic from the entries: integers and rationals give
``QQ`` (flint-backed when python-flint is installed), symbols give a
polynomial ring or its fraction field.  These helpers keep that choice
explicit and return plain SymPy matrices at the boundary.

Examples
--------
>>> import sympy
>>> solve(sympy.Matrix([[2, 1], [1, 3]]), sympy.Matrix([1, 2]))
Matrix([
[1/5],
[3/5]])
>>> determinant(sympy.Matrix([[1, 2], [2, 4]]))
0
"""

from __future__ import annotations

import sympy
from sympy.polys.matrices import DomainMatrix

__all__ = ["to_field_matrix", "solve", "determinant", "is_zero"]


def to_field_matrix(matrix: sympy.MatrixBase) -> DomainMatrix:
    """Convert a SymPy matrix to a ``DomainMatrix`` over a field (QQ or QQ(symbols))."""
    dm = DomainMatrix.from_Matrix(sympy.Matrix(matrix))
    return dm.to_field()


def solve(A: sympy.MatrixBase, B: sympy.MatrixBase) -> sympy.Matrix:
    """Exact solution ``X`` of ``A X = B`` (see :func:`graphcollapse.linalg.exact_solve.solve_exact`).

    Raises
    ------
    ZeroDivisionError
        If ``A`` is singular.
    """
    from graphcollapse.linalg.exact_solve import solve_exact

    return solve_exact(A, B)


def determinant(A: sympy.MatrixBase) -> sympy.Expr:
    """Exact determinant (a cancelled rational function for symbolic entries)."""
    A = sympy.Matrix(A)
    if A.rows == 0:
        return sympy.Integer(1)
    dm = DomainMatrix.from_Matrix(A).to_field()
    return dm.domain.to_sympy(dm.det())


def is_zero(value: sympy.Expr) -> bool:
    """Exact test that a rational expression is identically zero."""
    if value == 0:
        return True
    if not value.free_symbols:
        return bool(sympy.nsimplify(value) == 0) if value.has(sympy.Float) else bool(sympy.simplify(value) == 0)
    return sympy.cancel(sympy.together(value)) == 0
