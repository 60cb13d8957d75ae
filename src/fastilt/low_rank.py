"""Low-rank form of the normal equations of data inverted in every dimension.

There ``W = ⊗_d B_dᵀ B_d`` is dense (``B_d`` the kernel ``K_dᵀ``, or its
compressed block ``S_d V_dᵀ``) but the singular values of each ``B_d`` decay
fast, so ``W ≈ AᵀA`` with ``A`` built from the pairs of per-dimension singular
vectors whose product of singular values is not negligible; ``Y = Aᵀb + r``.
The compiled core (``csrc/core/low_rank.hpp``) combines this with a sparse
Cholesky factor of Γ and refines on the exact ``W``, so the truncation here only
trades the rank ``k`` against conjugate-gradient steps, not accuracy.
"""

import numpy as np

from .forward_model import apply_per_dimension

__all__ = ["RANK_TOLERANCE", "LowRankBasis", "low_rank_factors"]

#: Pairs kept: ``s_pair² > RANK_TOLERANCE · s_max²`` (relative to W's largest
#: eigenvalue).  The rest is recovered by the CG refinement, so this trades the
#: rank k (the k solves of Z = M⁻¹Aᵀ after each factorisation, and two n x k
#: products in each CG step) against CG steps.  T1-T2-D 48 x 32 x 24, tau
#: 32 x 32 x 16 (2026-12-07, single-precision factorisation): 1e-6 (k = 179)
#: 48.0 and 48.3 s, 1e-5 (k = 99) 28.4 and 27.4 s, 1e-4 (k = 53) 28.2 and
#: 27.7 s, g within 1.1e-12 of each other; the T1-T2 maps (k = 53, 36, 23)
#: about the same time at all three (docs/performance.md).  On the ill-
#: conditioned 128 x 128 grid the results of 1e-4 and 1e-8 differ by 1e-5 (any
#: change of the solver's path moves them by 1e-7 to 4e-6), hence not lower.
RANK_TOLERANCE = 1e-5


class LowRankBasis:
    """The data-independent part of the low-rank form of ``W = ⊗_d B_dᵀB_d``.

    ``w_factors[d] = B_dᵀB_d``, ``A`` (k x n, C-ordered) with ``AᵀA ≈ W``;
    :meth:`coefficients` gives the ``b`` of one data set (``Aᵀb ≈ Y``).
    """

    def __init__(self, blocks, tolerance=RANK_TOLERANCE):
        self.decompositions = [np.linalg.svd(np.asarray(B, dtype=float), full_matrices=False) for B in blocks]
        products = self.decompositions[0][1]
        for _, s, _ in self.decompositions[1:]:
            products = np.multiply.outer(products, s)
        self.kept = np.argwhere(products**2 > tolerance * products.max() ** 2)
        n = int(np.prod([B.shape[1] for B in blocks]))
        self.A = np.empty((len(self.kept), n))
        for row, index in enumerate(self.kept):
            vector = self.decompositions[0][2][index[0]]
            for d in range(1, len(blocks)):
                vector = np.multiply.outer(vector, self.decompositions[d][2][index[d]])
            self.A[row] = products[tuple(index)] * vector.ravel(order="F")
        self.data_shape = [B.shape[0] for B in blocks]
        self.w_factors = [np.asarray(B, dtype=float).T @ np.asarray(B, dtype=float) for B in blocks]

    def coefficients(self, m):
        """``b`` of the data ``m`` (in the space of the blocks, length ∏ r_d, dimension 0 fastest)."""
        data = np.reshape(m, self.data_shape, order="F")
        core = apply_per_dimension(data, [u.T for u, _, _ in self.decompositions])
        return core[tuple(self.kept.T)]


def low_rank_factors(blocks, m, tolerance=RANK_TOLERANCE):
    """``(w_factors, A, b)`` for ``W = ⊗_d B_dᵀB_d`` and ``Y = (⊗_d B_d)ᵀ m``.

    ``blocks[d]`` is ``B_d`` (r_d x Ntau_d), ``m`` the data in the space of the
    blocks (length ∏ r_d, dimension 0 fastest).  Returns ``w_factors[d] = B_dᵀB_d``,
    ``A`` (k x n, C-ordered) and ``b`` (k) with ``AᵀA ≈ W`` and ``Aᵀb ≈ Y``.
    """
    basis = LowRankBasis(blocks, tolerance)
    return basis.w_factors, basis.A, basis.coefficients(m)
