"""Linear-system solvers backed by the compiled ``fastilt._linalg`` extension.

Every solver here is a callable ``solver(A, b) -> x`` for a symmetric
positive definite (SPD) ``A`` -- a dense ``numpy`` array or a ``scipy.sparse``
matrix/array -- and a right-hand side ``b`` of shape ``(n,)`` (or ``(n, k)``).
``x`` is float64 with the shape of ``b``.

Cholesky only works for SPD matrices.  By default, when the factorisation
finds that ``A`` is not positive definite, the solvers fall back to a general
LU solve (``scipy.linalg.solve`` / ``scipy.sparse.linalg.spsolve``) so a caller
still gets the answer for any non-singular ``A``; pass ``fallback=False`` to
get :class:`NotPositiveDefiniteError` (a ``numpy.linalg.LinAlgError``) instead.

Available solvers:

* :func:`dense_cholesky_solve` -- LAPACK ``dpotrf``/``dpotrs``.
* :func:`banded_cholesky_solve` -- LAPACK ``dpbtrf``/``dpbtrs`` on the lower
  band of a (sparse) band matrix.
* :class:`CholmodPatternSolver` -- CHOLMOD supernodal sparse Cholesky that
  reuses its symbolic analysis while the sparsity pattern stays the same
  (only if :data:`HAVE_CHOLMOD`).
* :func:`make_sparse_solver` -- the best sparse solver this build offers.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg

from . import _linalg
from ._linalg import BandCholesky, NotPositiveDefiniteError
from .validation import is_sparse

__all__ = [
    "HAVE_CHOLMOD",
    "NotPositiveDefiniteError",
    "BandCholesky",
    "dense_cholesky_solve",
    "sparse_lower_band",
    "banded_cholesky_solve",
    "spsolve",
    "CholmodPatternSolver",
    "make_sparse_solver",
]

#: True when the extension was built against CHOLMOD (SuiteSparse).
HAVE_CHOLMOD: bool = bool(_linalg.HAVE_CHOLMOD)


def spsolve(A, b):
    """General (LU) sparse solve; the fallback for matrices that are not SPD."""
    x = scipy.sparse.linalg.spsolve(sp.csc_array(A), b)
    # spsolve squeezes an (n, 1) right-hand side; keep b's shape.
    return np.asarray(x, dtype=np.float64).reshape(np.shape(b))


def dense_cholesky_solve(A, b, *, fallback=True):
    """Solve ``A x = b`` by dense Cholesky (LAPACK), ``A`` dense or sparse."""
    A = A.toarray() if is_sparse(A) else A
    try:
        return _linalg.cholesky_solve_dense(A, b)
    except NotPositiveDefiniteError:
        if not fallback:
            raise
        return scipy.linalg.solve(A, b)


def sparse_lower_band(A):
    """Lower band of a symmetric matrix in LAPACK storage.

    Returns ``ab`` of shape ``(kd + 1, n)`` with ``ab[i - j, j] = A[i, j]`` for
    ``j <= i <= j + kd`` (``kd`` = number of sub-diagonals), i.e. the layout of
    ``scipy.linalg.solveh_banded(..., lower=True)`` -- a DIA-style storage of
    the lower diagonals, columns aligned.  Only ``A``'s lower triangle is read;
    ``kd`` is the widest sub-diagonal holding a non-zero value (stored zeros
    are ignored).  Vectorised: O(nnz + n * kd), duplicates are summed.
    """
    A = sp.coo_array(A)
    n = A.shape[0]
    if A.shape != (n, n):
        raise ValueError(f"A must be square, got shape {A.shape}")
    row = A.row.astype(np.intp, copy=False)
    col = A.col.astype(np.intp, copy=False)
    # Explicit zeros (scipy's kron, for one, stores many) must not widen the band.
    lower = (row >= col) & (A.data != 0)
    offset = (row - col)[lower]
    col = col[lower]
    kd = int(offset.max()) if offset.size else 0
    # Scatter with bincount: one pass, and it sums duplicate COO entries.
    ab = np.bincount(offset * n + col, weights=A.data[lower].astype(np.float64),
                     minlength=(kd + 1) * n)
    return ab.reshape(kd + 1, n)


def banded_cholesky_solve(A, b, *, fallback=True):
    """Solve ``A x = b`` for an SPD band matrix (LAPACK ``dpbtrf``/``dpbtrs``).

    ``A`` may be any scipy sparse matrix/array (or dense array); its lower band
    is extracted with :func:`sparse_lower_band`.  Cost O(n kd^2), so this pays
    off when the half-bandwidth ``kd`` is small compared with ``n``.
    """
    ab = sparse_lower_band(A)
    try:
        return _linalg.cholesky_solve_banded(ab, b)
    except NotPositiveDefiniteError:
        if not fallback:
            raise
        return spsolve(A, b)


def _csc_pattern(A):
    """(indptr, indices, data) of a CSC matrix with the entries of symmetric A.

    A CSR matrix is used as is: for symmetric A its CSR arrays are the CSC
    arrays of A^T = A, so no conversion is needed.
    """
    if not (is_sparse(A) and A.format in ("csc", "csr")):
        A = sp.csc_array(A)
    if not A.has_canonical_format:
        # CHOLMOD rejects duplicate entries; do not mutate the caller's matrix.
        A = A.copy()
        A.sum_duplicates()
    return A.indptr, A.indices, A.data


class CholmodPatternSolver:
    """Sparse supernodal Cholesky (CHOLMOD) that caches the symbolic analysis.

    ``solver(A, b)`` analyses the sparsity pattern of ``A`` (fill-reducing
    ordering and supernodal structure) the first time, and afterwards only
    refactors numerically while the pattern -- shape, ``indptr`` and
    ``indices`` of its CSC (or CSR) form -- is unchanged; a new pattern
    triggers a new analysis.  Keep one instance per problem that is solved
    repeatedly (e.g. per regularisation-parameter sweep).

    Parameters
    ----------
    ordering : {"amd", "metis", "natural", "default"}
        Fill-reducing ordering.  "natural" skips reordering (good for banded
        matrices), "default" lets CHOLMOD try AMD then METIS.
    nthreads : int
        Cap on CHOLMOD's OpenMP threads; 1 (default) is fastest, see
        ``CholmodSolver``'s docstring.  0 keeps CHOLMOD's built-in 4.
    fallback : bool
        On a matrix that is not SPD, fall back to :func:`spsolve` (True) or
        raise :class:`NotPositiveDefiniteError` (False).
    """

    def __init__(self, ordering="amd", nthreads=1, fallback=True):
        if not HAVE_CHOLMOD:
            raise RuntimeError("fastilt was built without CHOLMOD; use make_sparse_solver()")
        self.ordering = ordering
        self.nthreads = nthreads
        self.fallback = fallback
        self.n_analyses = 0  # how many symbolic analyses were done (diagnostics)
        self._solver = None
        self._key = None  # (n, indptr copy, indices copy) of the analysed pattern

    def _same_pattern(self, n, indptr, indices):
        if self._key is None:
            return False
        kn, kptr, kind = self._key
        return (kn == n and np.array_equal(kptr, indptr)
                and np.array_equal(kind, indices))

    def analyse(self, A):
        """Run the symbolic analysis for ``A``'s pattern (done lazily otherwise)."""
        n = A.shape[0]
        if A.shape != (n, n):
            raise ValueError(f"A must be square, got shape {A.shape}")
        indptr, indices, _ = _csc_pattern(A)
        self._analyse(n, indptr, indices)

    def _analyse(self, n, indptr, indices):
        self._solver = _linalg.CholmodSolver(indptr, indices, n, ordering=self.ordering,
                                             nthreads=self.nthreads)
        # Copies: the caller may reuse or mutate its arrays.
        self._key = (n, indptr.copy(), indices.copy())
        self.n_analyses += 1

    def __call__(self, A, b):
        n = A.shape[0]
        if A.shape != (n, n):
            raise ValueError(f"A must be square, got shape {A.shape}")
        indptr, indices, data = _csc_pattern(A)
        if not self._same_pattern(n, indptr, indices):
            self._analyse(n, indptr, indices)
        try:
            return self._solver.solve(data, b)
        except NotPositiveDefiniteError:
            if not self.fallback:
                raise
            return spsolve(A, b)


def make_sparse_solver(ordering="amd", fallback=True):
    """Best sparse SPD solver of this build: CHOLMOD if available, else SuperLU."""
    if HAVE_CHOLMOD:
        return CholmodPatternSolver(ordering=ordering, fallback=fallback)
    return spsolve
