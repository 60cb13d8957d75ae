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

__all__ = ["RANK_TOLERANCE", "low_rank_factors"]

#: Pairs kept: ``s_pair² > RANK_TOLERANCE · s_max²`` (relative to W's largest
#: eigenvalue).  Measured on the 2D reference cases: 1e-8 keeps ~30% of the
#: pairs and the refinement then needs ~2 CG steps per iteration; 1e-4 keeps 7%
#: and needs ~10.
RANK_TOLERANCE = 1e-8


def low_rank_factors(blocks, m, tolerance=RANK_TOLERANCE):
    """``(w_factors, A, b)`` for ``W = ⊗_d B_dᵀB_d`` and ``Y = (⊗_d B_d)ᵀ m``.

    ``blocks[d]`` is ``B_d`` (r_d x Ntau_d), ``m`` the data in the space of the
    blocks (length ∏ r_d, dimension 0 fastest).  Returns ``w_factors[d] = B_dᵀB_d``,
    ``A`` (k x n, C-ordered) and ``b`` (k) with ``AᵀA ≈ W`` and ``Aᵀb ≈ Y``.
    """
    decompositions = [np.linalg.svd(np.asarray(B, dtype=float), full_matrices=False) for B in blocks]
    products = decompositions[0][1]
    for _, s, _ in decompositions[1:]:
        products = np.multiply.outer(products, s)
    kept = np.argwhere(products**2 > tolerance * products.max() ** 2)
    n = int(np.prod([B.shape[1] for B in blocks]))
    A = np.empty((len(kept), n))
    for row, index in enumerate(kept):
        vector = decompositions[0][2][index[0]]
        for d in range(1, len(blocks)):
            vector = np.multiply.outer(vector, decompositions[d][2][index[d]])
        A[row] = products[tuple(index)] * vector.ravel(order="F")
    data = np.reshape(m, [B.shape[0] for B in blocks], order="F")
    core = apply_per_dimension(data, [u.T for u, _, _ in decompositions])
    b = core[tuple(kept.T)]
    w_factors = [np.asarray(B, dtype=float).T @ np.asarray(B, dtype=float) for B in blocks]
    return w_factors, A, b
