"""The compiled backend: Γ assembled in C++ and, for the built-in solvers, the
whole iteration loop in C++ with the GIL released.

Solvers (``invert(solver=...)``):

``"dense"``    LAPACK Cholesky of the dense ``W + Γ`` (small problems);
``"band"``     LAPACK band Cholesky, when ``W + Γ`` is banded in the natural
               order (pseudo-2D/3D: block-diagonal ``W``);
``"cholmod"``  CHOLMOD supernodal Cholesky, symbolic analysis once per inversion;
``"superlu"``  SciPy's SuperLU in the natural order (what ILTpy does for sparse
               kernels), also the fallback when a factorisation is not positive
               definite;
a callable     ``solver(A, b)`` as in ILTpy: called from a Python loop, with Γ
               still assembled in C++.

``"auto"`` (the default) picks dense for small systems, band when the bandwidth
is small, CHOLMOD otherwise (SuperLU where CHOLMOD is absent).
"""

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from . import _core
from ._linalg import NotPositiveDefiniteError
from .linalg import lower_bandwidth, sparse_lower_band
from .solvers import normal_equations_matrix
from .stencil import StencilPattern

__all__ = ["choose_solver", "run_compiled"]


#: Largest system solved densely by "auto" (a dense Cholesky of 3000 unknowns
#: costs ~9 GFlop; beyond that the structure pays).
DENSE_LIMIT = 3000


def _stencil_reach(offsets, shape):
    strides = np.cumprod((1,) + tuple(int(n) for n in shape[:-1]))
    return int(np.max(np.asarray(offsets) @ strides))


def choose_solver(name, W, n, offsets, shape):
    """Resolve ``"auto"`` to a built-in solver for this system."""
    if name != "auto":
        if name == "cholmod" and not _core.HAVE_CHOLMOD:
            raise ValueError("solver='cholmod' needs fastilt built with CHOLMOD (libsuitesparse-dev)")
        return name
    if not sp.issparse(W):
        return "dense" if n <= DENSE_LIMIT else ("cholmod" if _core.HAVE_CHOLMOD else "dense")
    bandwidth = max(lower_bandwidth(W), _stencil_reach(offsets, shape))
    if n <= DENSE_LIMIT and bandwidth > n // 8:
        return "dense"
    if bandwidth <= 200:
        return "band"
    return "cholmod" if _core.HAVE_CHOLMOD else "superlu"


def _band_storage(W, kd):
    """LAPACK lower band storage of ``W`` with ``kd`` sub-diagonals, column-major.

    Returned as the C-ordered transpose, shape (n, kd+1): ``ab[i, d] = W[i + d, i]``.
    """
    band = sparse_lower_band(W)
    ab = np.zeros((W.shape[0], kd + 1))
    ab[:, : band.shape[0]] = band.T
    return ab


def _system_arguments(solver, W, offsets, shape):
    if solver == "dense":
        return {"layout": "dense", "w": W.toarray() if sp.issparse(W) else W}
    if solver == "band":
        W = sp.csr_array(W)
        kd = max(lower_bandwidth(W), _stencil_reach(offsets, shape))
        return {"layout": "band", "w": _band_storage(W, kd), "kd": kd}
    lower = sp.tril(sp.csc_array(W)).tocsc()
    lower.sort_indices()
    return {
        "layout": "sparse",
        "w": lower.data,
        "indptr": lower.indptr.astype(np.int64),
        "indices": lower.indices.astype(np.int64),
        "natural": True,
    }


def _superlu(W, gamma, Y):
    return np.ravel(spsolve(sp.csc_matrix(normal_equations_matrix(W, gamma)), Y, permc_spec="NATURAL"))


def run_compiled(model, W, Y, solver, g_guess, maxloop, conv_limit, on_iteration):
    """Run the iteration with the compiled core; returns g, Γ (sparse), convergence, Cz.

    ``solver`` is a built-in solver name or a step ``gamma -> g`` (user
    solvers, data-space forms), which is then called from a Python loop.
    ``on_iteration(i, g, gamma_factory)`` is called after every iteration
    (and with ``i = -1`` for the starting point);
    ``gamma_factory()`` builds that iteration's Γ as a sparse matrix on demand.
    """
    assembler = _core.PenaltyAssembler(model)
    pattern = StencilPattern(assembler.offsets, model.shape)
    if callable(solver):
        return _python_loop(assembler, pattern, solver, g_guess, maxloop, conv_limit, on_iteration)
    y = np.ravel(Y)
    name = choose_solver(solver, W, y.size, assembler.offsets, model.shape)
    if name == "superlu":
        return _python_loop(assembler, pattern, lambda gamma: _superlu(W, gamma, Y), g_guess, maxloop,
                            conv_limit, on_iteration)

    it = _core.Iteration(model, y=y, maxloop=maxloop, conv_limit=conv_limit,
                         **_system_arguments(name, W, assembler.offsets, model.shape))

    def gamma_now():
        return pattern.to_sparse(it.gamma_values)

    def callback(i):
        on_iteration(i, it.g, gamma_now)

    def solve_elsewhere():
        # Not positive definite in floating point: finish this step with SuperLU.
        return _superlu(W, gamma_now(), Y)

    if g_guess is not None:
        it.start(g_guess)
    else:
        try:
            it.start_from_solve()
        except NotPositiveDefiniteError:
            it.start(solve_elsewhere())
    on_iteration(-1, it.g, gamma_now)
    while not it.finished:
        try:
            it.run(callback)
        except NotPositiveDefiniteError:
            it.complete(solve_elsewhere(), callback)
    convergence = list(it.convergence) + [None] * (maxloop - it.next_iteration)
    return it.g, gamma_now(), convergence, it.zero_crossing_state


def _python_loop(assembler, pattern, solve, g_guess, maxloop, conv_limit, on_iteration):
    """The iteration driven from Python (user solvers, SuperLU), Γ still assembled in C++."""
    assembler.reset()
    gamma0 = pattern.to_sparse(assembler.values)
    g = g_guess if g_guess is not None else solve(gamma0)
    on_iteration(-1, g, lambda: gamma0)
    convergence = [None] * maxloop
    for i in range(maxloop):
        assembler.assemble(g, i)
        gamma = pattern.to_sparse(assembler.values)
        g_next = solve(gamma)
        convergence[i] = float(np.linalg.norm(g_next - g) / np.linalg.norm(g_next))
        g = g_next
        on_iteration(i, g, lambda gamma=gamma: gamma)
        if convergence[i] < conv_limit:
            break
    return g, pattern.to_sparse(assembler.values), convergence, assembler.zero_crossing_state
