"""Linear solves of one iteration: ``(W + Γ) g = Y`` or a data-space form.

The default for ``alt_g == 0`` mirrors ILTpy: a dense LU solve when the kernel
is dense, SuperLU in the natural order when it is sparse.  The data-space forms
(``alt_g`` 2/4/6/8) factor ``Γ = L Lᵀ`` and solve in the (compressed) data space::

    g = L⁻ᵀ Āᵀ (I + Ā Āᵀ)⁻¹ m,   Ā = A L⁻ᵀ

which equals the normal-equation answer up to rounding.
"""

import numpy as np

from .validation import is_sparse

# SciPy is imported where it is used, here and in the modules that
# `import fastilt` loads: its import takes about a quarter of a second, and the
# compiled path does not need it (docs/performance.md).

__all__ = ["default_solver", "normal_equations_matrix", "DataSpaceSolver"]


def _dense_solve(A, b):
    from scipy.linalg import solve

    return solve(A, b).ravel()


def _superlu_solve(A, b):
    from scipy.sparse import csc_matrix
    from scipy.sparse.linalg import spsolve

    return np.ravel(spsolve(csc_matrix(A), b, permc_spec="NATURAL"))


def default_solver(sparse):
    """ILTpy's default solve for dense or sparse normal equations."""
    return _superlu_solve if sparse else _dense_solve


def normal_equations_matrix(W, gamma):
    """``W + Γ``: dense ndarray when ``W`` is dense, CSC when it is sparse."""
    if is_sparse(W):
        return (W + gamma).tocsc()
    return W + gamma.toarray()


class DataSpaceSolver:
    """The data-space forms of ILTpy's ``alt_g`` 2, 4, 6 and 8.

    ``A`` is the compressed operator (dense), ``m`` the compressed data, and for
    ``alt_g == 4`` with a noise model, ``weights = 1/σ`` and ``m_weighted = m/σ``.
    ``alt_g == 8`` differs in ILTpy only in computing the Cholesky factor of Γ
    through a sparse LU; here it shares the dense factor of 6.
    """

    def __init__(self, alt_g, A, m, weights=None, m_weighted=None):
        self.alt_g = alt_g
        self.A = A.toarray() if is_sparse(A) else np.asarray(A)
        self.m = m
        self.weights = weights
        self.m_weighted = m_weighted
        self.identity = np.eye(self.A.shape[0])

    def __call__(self, gamma):
        import scipy.linalg as la

        dense = gamma.toarray() if is_sparse(gamma) else gamma
        lower = la.cholesky(dense, lower=True, check_finite=False)
        abar_t = la.solve_triangular(lower, self.A.T, lower=True, check_finite=False)
        if self.alt_g == 2:
            gram = abar_t.T @ abar_t
            xbar = abar_t @ ((self.identity - la.solve(self.identity + gram, gram)) @ self.m)
        elif self.alt_g == 4:
            if self.weights is not None:
                abar_t = abar_t * self.weights[None, :]
                rhs = self.m_weighted
            else:
                rhs = self.m
            xbar = abar_t @ la.solve(abar_t.T @ abar_t + self.identity, rhs)
        else:  # 6 and 8
            gram = abar_t.T @ abar_t
            xbar = abar_t @ (self.m - la.solve(self.identity + gram, gram @ self.m))
        return la.solve_triangular(lower.T, xbar, lower=False, check_finite=False).ravel()
