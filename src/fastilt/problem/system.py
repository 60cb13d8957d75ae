"""``NormalEquations``: the linear system that ``IltData.invert`` iterates, as ``init`` set it up.

``(W + Γ) g = Y`` with ``W = Aᵀ Σ⁻² A`` and ``A = K0comp = ⊗_d B_d`` (dimension
0 fastest).  The description holds what does not depend on the data (the
blocks ``B_d``, the noise weights, the form the kernels took) and forms ``A``
and ``W`` only when asked: for data inverted in every dimension they take
gigabytes that the low-rank solver never needs.  The memory guard, the solver
plan, the backends and the batch read this, not ``IltData``.
"""

import functools
from dataclasses import dataclass

import numpy as np

from ..forward_model import (
    gram,
    kronecker_operator,
    kronecker_transpose_apply,
    normal_matrix,
    normal_matrix_pattern,
    normal_projection,
    repeated_block,
)
from ..guards.finite import require_finite_input
from ..validation import is_sparse

__all__ = ["NormalEquations"]


@dataclass(frozen=True, eq=False)
class NormalEquations:
    """The data-independent side of ``(W + Γ) g = Y``; one serves every data set of a shape and setting.

    ``blocks`` are the ``B_d`` of ``A = ⊗_d B_d``; ``weights`` ``1/σ`` per
    compressed data point where ``W`` holds them (sigma given, alt_g 0 or 4),
    else None; ``sparse`` whether init took the sparse form; ``sb`` the static
    baseline per dimension.  ``formed_A``/``formed_W`` are what init already
    formed (sparse kernels), else None.
    """

    blocks: tuple
    weights: object
    sparse: bool
    alt_g: int
    sb: tuple
    formed_A: object = None
    formed_W: object = None

    @property
    def size(self):
        """The number of unknowns ``n``."""
        return int(np.prod([B.shape[1] for B in self.blocks]))

    @functools.cached_property
    def K0comp(self):
        """``A = ⊗_d B_d`` (ILTpy's ``K0comp``), formed on first use."""
        if self.formed_A is not None:
            return self.formed_A
        return kronecker_operator(self.blocks, sparse=self.sparse)

    @functools.cached_property
    def W(self):
        """``W = Aᵀ Σ⁻² A``, formed on first use (n² values when dense).

        For alt_g 0 without weights it is ``⊗_d B_dᵀB_d`` (ILTpy's ``W``); the
        data-space forms (alt_g 2/4/6/8) have no ``W`` of their own and solve
        the same normal equations (ILTpy's alt_g 6 and 0 references agree to
        3e-9), here with ``AᵀΣ⁻²A`` as formed from ``A``.
        """
        if self.formed_W is not None:
            return self.formed_W
        if self.alt_g == 0 and self.weights is None:
            W = kronecker_operator([gram(B) for B in self.blocks], sparse=self.sparse)
        else:
            W = normal_matrix(self.K0comp, self.weights)
        return require_finite_input(W, "W")

    def right_hand_side(self, m, Y=None):
        """``Y = Aᵀ Σ⁻² m`` for the compressed data ``m`` (a column).

        ``Y``: the one ``init`` (or ``IltData.with_data``) formed, alt_g 0 only,
        returned as it is.
        """
        if Y is not None:
            return Y
        if self.alt_g == 0 and self.sparse:
            return normal_projection(self.K0comp, m, self.weights)
        weighted = m if self.weights is None else self.weights[:, None] ** 2 * m
        return require_finite_input(kronecker_transpose_apply(self.blocks, weighted), "Y")

    @functools.cached_property
    def pattern(self):
        """``(entries, lower bandwidth)`` of ``W`` without forming it (bandwidth None: ``W`` is dense)."""
        if not self.sparse:
            return self.size**2, None
        return normal_matrix_pattern(self.blocks)

    @functools.cached_property
    def repeated_block(self):
        """``B`` when ``W = I ⊗ B`` exactly (:func:`fastilt.forward_model.repeated_block`), else None."""
        return repeated_block(self.blocks, self.weights is not None, self.sb)

    @property
    def kronecker_blocks(self):
        """The ``B_d`` when ``W = ⊗ B_dᵀB_d`` and ``Y = (⊗ B_d)ᵀ m`` hold exactly, else None.

        That is data inverted in every dimension (no Identity kernel), dense
        blocks and no noise weights: what the low-rank solver needs.
        """
        if len(self.blocks) < 2 or self.weights is not None or any(self.sb) or any(map(is_sparse, self.blocks)):
            return None
        return self.blocks
