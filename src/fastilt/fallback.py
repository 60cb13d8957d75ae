"""The NumPy/SciPy implementation of the regularisation and the iteration.

It follows ILTpy's construction literally (sparse matrix products per
iteration), so it is both the fallback where no compiled core is available and
the cross-check of the compiled core, and its speed stands in for ILTpy's in
the benchmarks.
"""

import numpy as np
import scipy.sparse as sp

from .directions import central_difference, second_difference
from .guards.finite import require_finite
from .movmax import moving_max

__all__ = ["PythonPenalties", "iterate", "relative_change"]


class PythonPenalties:
    """Builds ``Γ`` from the current ``g`` with sparse difference operators."""

    def __init__(self, model):
        self.model = model
        shape, box = model.shape, model.box
        self.G = [second_difference(shape, box, d) for d in model.directions]
        self.P = [central_difference(shape, box, d) for d in model.directions]
        self.S = [abs(P) for P in self.P]
        coords = np.indices(shape).reshape(len(shape), -1, order="F")
        self.inside = np.all(coords < np.reshape(box, (-1, 1)), axis=0)
        self.boundary = sp.diags_array(model.boundary)

    def _box_moving_max(self, values, direction, nmax):
        """Moving max over the distribution points only (the baseline is left as it is)."""
        out = values.copy()
        out[self.inside] = moving_max(values[self.inside], self.model.box, direction.step, nmax)
        return out

    def uniform_penalty(self, g):
        """``Lᵀ L`` with ``L = Σ_k diag(sqrt γ_k) G_k``; also returns ``1/γ_k`` per direction."""
        m = self.model
        L = None
        inverse_gamma = []
        for k, direction in enumerate(m.directions):
            curvature = self._box_moving_max((self.G[k] @ g) ** 2, direction, m.c_nmax[k])
            slope = self._box_moving_max((self.P[k] @ g) ** 2, direction, m.p_nmax[k])
            dq = m.delta_q[k]
            inv_gamma = m.alpha_0[k] * dq**5 + m.alpha_p[k] * dq * slope + m.alpha_c[k] * curvature / dq
            inverse_gamma.append(inv_gamma)
            term = sp.diags_array(np.sqrt(1 / inv_gamma)) @ self.G[k]
            L = term if L is None else L + term
        return (L.T @ L).tocsr(), inverse_gamma

    def zero_crossing_penalty(self, g, iteration, inverse_gamma, Cz):
        """``Mᵀ M`` with ``M = Σ_k diag(sqrt Cz_k) P_k`` over the axis directions.

        ``Cz`` (one array per direction) is updated in place.
        """
        m = self.model
        if not (m.reg_zc and iteration > m.zc_on):
            return None
        ratio = m.zero_crossing_ratio(iteration)
        sign = np.sign(g)
        M = None
        for k, direction in enumerate(m.directions):
            if not direction.is_axis:
                continue
            dq = m.delta_q[k]
            # 1 - s(x) * mean sign of the neighbours: 0 inside a lobe, up to 2 at a crossing
            crossing = dq * (1 - sign * (self.S[k] @ sign)) * self.inside
            capped = np.minimum(crossing / (m.alpha_d[k] * dq**3), m.zc_max / inverse_gamma[k])
            Cz[k] = (1 - ratio) * Cz[k] + ratio * moving_max(
                capped, m.shape, direction.step, m.zc_nmax[k]
            )
            term = sp.diags_array(np.sqrt(Cz[k])) @ self.P[k]
            M = term if M is None else M + term
        return (M.T @ M).tocsr()

    def nonnegativity(self, g):
        return sp.diags_array(0.5 * self.model.alpha_nn * (1 - np.sign(g)))

    def gamma(self, g, iteration, Cz, previous):
        """The regularisation matrix of this iteration (sparse CSR)."""
        m = self.model
        uniform, inverse_gamma = self.uniform_penalty(g)
        total = uniform + self.boundary
        zero_crossing = self.zero_crossing_penalty(g, iteration, inverse_gamma, Cz)
        if zero_crossing is not None:
            total = total + zero_crossing
        if m.nn:
            total = total + self.nonnegativity(g)
        gamma = m.alpha_00 * total
        ratio = m.gamma_ratio(iteration)
        if ratio != 1.0:
            gamma = ratio * gamma + (1 - ratio) * previous
        # An overflowed 1/γ (huge g) would silently drop the penalty: an error too.
        require_finite(np.concatenate(inverse_gamma), "Gamma", iteration)
        require_finite(gamma, "Gamma", iteration)
        return gamma.tocsc()


def relative_change(g, previous):
    """``‖g − previous‖ / ‖g‖`` as the compiled core computes it.

    0/0 is 0 (g stays zero: all-zero data converge at once) and x/0 is inf;
    norms whose squares overflow are taken again scaled by a power of two.
    """
    with np.errstate(over="ignore"):
        change, norm = np.linalg.norm(g - previous), np.linalg.norm(g)
    if not (np.isfinite(change) and np.isfinite(norm)):
        largest = max(np.max(np.abs(g)), np.max(np.abs(g - previous)))
        scale = 2.0 ** -np.frexp(largest)[1]
        change, norm = np.linalg.norm((g - previous) * scale), np.linalg.norm(g * scale)
    if norm == 0:
        return 0.0 if change == 0 else float("inf")
    return float(change / norm)


def iterate(penalties, solve, g, gamma, maxloop, conv_limit, on_iteration=None):
    """ILTpy's fixed-point iteration: rebuild Γ from g, solve, stop on a small relative change.

    ``solve(gamma) -> g``; ``on_iteration(i, g, gamma_factory)`` is called
    after every solve and with ``i = -1`` for the start (storage of
    intermediate results, progress).  Returns the final
    ``g`` and ``Γ``, the convergence list (``None`` after an early stop) and
    the zero-crossing state ``Cz``.  A NaN or infinite Γ or g raises
    :class:`~fastilt.errors.NonFiniteError` at once.
    """
    Cz = [np.zeros(1) for _ in penalties.model.directions]
    convergence = [None] * maxloop
    require_finite(g, "g", -1)
    if on_iteration is not None:
        on_iteration(-1, g, lambda gamma=gamma: gamma)
    for i in range(maxloop):
        previous = g
        gamma = penalties.gamma(g, i, Cz, gamma)
        g = solve(gamma)
        require_finite(g, "g", i)
        convergence[i] = relative_change(g, previous)
        if on_iteration is not None:
            on_iteration(i, g, lambda gamma=gamma: gamma)
        if convergence[i] < conv_limit:
            break
    return g, gamma, convergence, Cz
