"""The NumPy/SciPy assembly of the regularisation Γ (the fallback's penalty assembler).

It follows ILTpy's construction literally (sparse matrix products per
iteration), so it is both the fallback where no compiled core is available and
the cross-check of the compiled core, and its speed stands in for ILTpy's in
the benchmarks.  The iteration itself is :func:`fastilt.problem.driver.iterate`.
"""

import numpy as np
import scipy.sparse as sp

from .directions import central_difference, second_difference
from .guards.finite import require_finite
from .movmax import moving_max

__all__ = ["PythonPenalties"]


class PythonPenalties:
    """Builds ``Γ`` from the current ``g`` with sparse difference operators.

    The same two methods as the core's assembler (``reset``, ``assemble``),
    for :func:`fastilt.problem.driver.iterate`.
    """

    def __init__(self, model):
        self.model = model
        shape, box = model.shape, model.box
        self.G = [second_difference(shape, box, d) for d in model.directions]
        self.P = [central_difference(shape, box, d) for d in model.directions]
        self.S = [abs(P) for P in self.P]
        coords = np.indices(shape).reshape(len(shape), -1, order="F")
        self.inside = np.all(coords < np.reshape(box, (-1, 1)), axis=0)
        self.boundary = sp.diags_array(model.boundary)
        self.reset()

    def reset(self):
        """Back to the starting Γ (``alpha_00 I / mean(alpha_0)``) and no zero-crossing history."""
        self.zero_crossing_state = [np.zeros(1) for _ in self.model.directions]
        self._gamma = sp.diags_array(np.full(self.model.size, self.model.initial_scale)).tocsc()

    def assemble(self, g, iteration):
        """Γ of ``iteration`` from ``g`` (blended with the previous Γ as the model says)."""
        self._gamma = self.gamma_of(g, iteration, self.zero_crossing_state, self._gamma)

    def gamma(self):
        """The Γ last assembled (sparse CSC)."""
        return self._gamma

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

    def gamma_of(self, g, iteration, Cz, previous):
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
