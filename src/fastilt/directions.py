"""Regularisation directions on the tau grid and their finite-difference stencils.

This module is the single description of the penalty geometry used by both the
compiled core and the NumPy fallback.

The unknown ``g`` lives on a grid of shape ``Nx`` (dimension 0 fastest, Fortran
order).  Only the box ``Nx0`` holds distribution values: with a static baseline
(``sb``, 1D only) one extra element follows the last tau and takes no part in
the smoothness penalties.

Directions come in ILTpy's order: every axis ``a`` (step ``e_a``), then for every
pair of axes ``a < b`` a diagonal (step ``e_a + e_b``) and an anti-diagonal
(step ``e_a - e_b``).  Along step ``s`` the second difference is
``g(x+s) - 2 g(x) + g(x-s)`` and the central difference ``(g(x+s) - g(x-s)) / 2``;
neighbours outside the ``Nx0`` box are dropped (treated as zero) and rows of
points outside the box are empty.
"""

from dataclasses import dataclass

import numpy as np

__all__ = [
    "Direction",
    "regularisation_directions",
    "second_difference",
    "central_difference",
    "gamma_stencil",
]


@dataclass(frozen=True)
class Direction:
    """One regularisation direction.

    ``axes`` is ILTpy's index pair: ``(a, a)`` for an axis, ``(a, b)`` for the
    diagonal and ``(b, a)`` for the anti-diagonal of the axes ``a < b``.
    ``step`` is the grid offset of the neighbour ``x + s``.
    """

    axes: tuple
    step: tuple

    @property
    def is_axis(self):
        return self.axes[0] == self.axes[1]


def regularisation_directions(ndim):
    """All ``ndim**2`` directions in ILTpy's order."""
    def unit(*pairs):
        step = [0] * ndim
        for axis, sign in pairs:
            step[axis] += sign
        return tuple(step)

    directions = [Direction((a, a), unit((a, 1))) for a in range(ndim)]
    for a in range(ndim):
        for b in range(a + 1, ndim):
            directions.append(Direction((a, b), unit((a, 1), (b, 1))))
            directions.append(Direction((b, a), unit((a, 1), (b, -1))))
    return directions


def gamma_stencil(directions, shape):
    """``(slots, reach)`` of ``Γ = LᵀL``'s lower triangle: its stencil offsets per point and the largest.

    A row of ``L`` touches the point and its two neighbours along every
    direction, so Γ couples every pair of them; ``reach`` is the largest
    linear (Fortran-order) distance of a coupling on the grid ``shape``.
    """
    ndim = len(shape)
    points = [(0,) * ndim] + [tuple(sign * s for s in d.step) for d in directions for sign in (1, -1)]
    couplings = {tuple(q - p for p, q in zip(a, b)) for a in points for b in points}
    strides = [1]
    for n in shape[:-1]:
        strides.append(strides[-1] * int(n))
    reach = max(abs(sum(c_d * s_d for c_d, s_d in zip(c, strides))) for c in couplings)
    return (len(couplings) + 1) // 2, reach


def _shift_operator(shape, box, step):
    """Sparse ``S`` with ``(S g)(x) = g(x + step)`` for ``x`` and ``x + step`` in ``box``."""
    shape = tuple(int(n) for n in shape)
    coords = np.indices(shape).reshape(len(shape), -1, order="F")
    box = np.asarray(box).reshape(-1, 1)
    step = np.asarray(step).reshape(-1, 1)
    target = coords + step
    valid = np.all(coords < box, axis=0) & np.all((target >= 0) & (target < box), axis=0)
    rows = np.ravel_multi_index(tuple(coords[:, valid]), shape, order="F")
    cols = np.ravel_multi_index(tuple(target[:, valid]), shape, order="F")
    n = int(np.prod(shape))
    from scipy.sparse import csr_array  # SciPy where it is used (solvers.py)

    return csr_array((np.ones(rows.size), (rows, cols)), shape=(n, n))


def _inside_box(shape, box):
    coords = np.indices(tuple(int(n) for n in shape)).reshape(len(shape), -1, order="F")
    return np.all(coords < np.asarray(box).reshape(-1, 1), axis=0).astype(float)


def second_difference(shape, box, direction):
    """Sparse second-difference operator ``G_k`` of one direction."""
    forward = _shift_operator(shape, box, direction.step)
    backward = _shift_operator(shape, box, tuple(-s for s in direction.step))
    from scipy.sparse import diags_array

    centre = diags_array(_inside_box(shape, box))
    return (forward - 2 * centre + backward).tocsr()


def central_difference(shape, box, direction):
    """Sparse central-difference operator ``P_k`` of one direction."""
    forward = _shift_operator(shape, box, direction.step)
    backward = _shift_operator(shape, box, tuple(-s for s in direction.step))
    return ((forward - backward) / 2).tocsr()
