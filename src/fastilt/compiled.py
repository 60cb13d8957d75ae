"""The compiled backend: Γ assembled in C++ and, for the built-in solvers, the
whole iteration loop in C++ with the GIL released.

Solvers (``invert(solver=...)``):

``"dense"``    Cholesky of the dense ``W + Γ`` (small problems): fastilt's
               AVX2 kernel up to 128 unknowns where the CPU has AVX2/FMA,
               LAPACK otherwise (``show_config()`` says which);
``"band"``     LAPACK band Cholesky, when ``W + Γ`` is banded in the natural
               order (pseudo-2D/3D: block-diagonal ``W``, read as its one
               repeated block where ``W = I ⊗ B``);
``"cholmod"``  CHOLMOD supernodal Cholesky, symbolic analysis once per inversion;
``"superlu"``  SciPy's SuperLU in the natural order (what ILTpy does for sparse
               kernels), also the fallback when a factorisation is not positive
               definite;
``"lowrank"``  data inverted in every dimension (dense ``W = ⊗ B_dᵀB_d``): a
               low-rank ``W``, a sparse (CHOLMOD) factor of Γ and conjugate
               gradients on the exact ``W``; no n x n matrix is formed
               (:mod:`fastilt.low_rank`);
a callable     ``solver(A, b)`` as in ILTpy: called from a Python loop, with Γ
               still assembled in C++.

``"auto"`` (the default) picks dense for small systems, the low-rank form for
larger fully inverted ones, band when the bandwidth is small, CHOLMOD otherwise
(SuperLU where CHOLMOD is absent).  In a build without CHOLMOD (no SuiteSparse;
see ``fastilt.show_config()``) "auto" solves fully inverted data densely instead
of in the low-rank form, and ``"cholmod"``/``"lowrank"`` raise ``ValueError``.
"""

import functools
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from . import _core
from .fallback import relative_change
from .guards.finite import require_finite
from .low_rank import LowRankBasis
from ._linalg import NotPositiveDefiniteError
from .solvers import normal_equations_matrix
from .validation import is_sparse

__all__ = ["choose_solver", "plan_system", "run_compiled", "SystemPlan"]


#: Largest system solved densely by "auto" (a dense Cholesky of 3000 unknowns
#: costs ~9 GFlop; beyond that the structure pays).
DENSE_LIMIT = 3000
#: Smallest fully inverted system that "auto" solves in the low-rank form
#: (measured: the gallery's 30 x 30 T1-T2 map 0.24 s vs 0.78 s dense; the
#: 18 x 20 reference cases about even).
LOW_RANK_MIN = 500

#: Conjugate-gradient refinement of the low-rank form: stop at this relative
#: residual (or when it stops falling), after at most this many steps.
LOW_RANK_RTOL = 1e-14
LOW_RANK_MAX_STEPS = 50


def _compressed(W):
    """Sparse ``W`` as CSC or CSR: for a symmetric matrix both hold the same columns."""
    return W if W.format in ("csc", "csr") else sp.csc_array(W)


def _lower_bandwidth(W):
    """Widest sub-diagonal of the symmetric CSC/CSR ``W`` holding an entry (O(n) memory)."""
    starts = np.flatnonzero(np.diff(W.indptr))
    if starts.size == 0:
        return 0
    farthest = np.maximum.reduceat(W.indices, W.indptr[starts])
    return int(max(np.max(farthest - starts), 0))


def use_low_rank(name, n, kronecker):
    """Does ``name`` (``"auto"`` or a solver name) mean the low-rank form here?"""
    if name == "lowrank":
        if not _core.HAVE_CHOLMOD:
            raise ValueError("solver='lowrank' needs fastilt built with CHOLMOD (libsuitesparse-dev)")
        if kronecker is None:
            raise ValueError("solver='lowrank' needs data inverted in every dimension, without sigma "
                             "weights or a static baseline (W must be a Kronecker product)")
        return True
    return name == "auto" and kronecker is not None and n >= LOW_RANK_MIN and _core.HAVE_CHOLMOD


def choose_solver(name, W, n, stencil_reach):
    """Resolve ``"auto"`` to a normal-equation solver for this system (``W`` dense or CSC/CSR)."""
    w_bandwidth = _lower_bandwidth(W) if is_sparse(W) else None
    return solver_for_structure(name, n, w_bandwidth, stencil_reach)


def solver_for_structure(name, n, w_bandwidth, stencil_reach):
    """:func:`choose_solver` from the structure alone (also before ``W`` is formed).

    ``w_bandwidth`` is the lower bandwidth of a sparse ``W`` (None: ``W`` is
    dense), ``stencil_reach`` that of Γ.
    """
    if name != "auto":
        if name == "cholmod" and not _core.HAVE_CHOLMOD:
            raise ValueError("solver='cholmod' needs fastilt built with CHOLMOD (libsuitesparse-dev)")
        return name
    if w_bandwidth is None:
        return "dense" if n <= DENSE_LIMIT else ("cholmod" if _core.HAVE_CHOLMOD else "dense")
    bandwidth = max(w_bandwidth, stencil_reach)
    if n <= DENSE_LIMIT and bandwidth > n // 8:
        return "dense"
    if bandwidth <= 200:
        return "band"
    return "cholmod" if _core.HAVE_CHOLMOD else "superlu"


def _system_arguments(solver, W, stencil_reach):
    if solver == "dense":
        return {"layout": "dense", "w": W.toarray() if is_sparse(W) else W}
    # The core reads the lower triangle (rows >= column) of each column.
    W = _compressed(W) if is_sparse(W) else sp.csc_array(W)
    arrays = {"w": W.data, "indptr": W.indptr, "indices": W.indices}
    if solver == "band":
        return {"layout": "band", "kd": max(_lower_bandwidth(W), stencil_reach), **arrays}
    return {"layout": "sparse", "natural": True, **arrays}


@dataclass
class SystemPlan:
    """The resolved solver of one problem and what the core's ``Iteration`` needs of it.

    Everything here is independent of the data, so one plan serves every data
    set of a batch; only :meth:`coefficients` (the low-rank ``b``) and ``Y``
    are per data set.  ``W`` is the formed matrix (None for the low-rank form).
    """

    name: str
    W: object = None
    layout: dict = None
    basis: LowRankBasis = None

    def coefficients(self, m):
        """The low-rank ``b`` of the compressed data ``m`` (None for the other layouts)."""
        return None if self.basis is None else self.basis.coefficients(m)

    def iteration_arguments(self, m=None):
        """Keyword arguments of ``_core.Iteration`` (``m`` given: with its ``b``, else zeros)."""
        if self.basis is None:
            return self.layout
        b = self.coefficients(m) if m is not None else np.zeros(len(self.basis.kept))
        return {**self.layout, "b": b}


def plan_system(model, W, n, solver, kronecker_blocks, repeated_block=None):
    """Resolve ``solver`` (a name or ``"auto"``) for this system; see :class:`SystemPlan`.

    ``W`` is a matrix or a callable forming it (only if the solver needs it);
    ``kronecker_blocks`` the ``B_d`` when ``W = ⊗ B_dᵀB_d`` exactly, else None;
    ``repeated_block`` the ``B`` when ``W = I ⊗ B`` exactly (a series of
    spectra), else None: the band solver then reads ``B`` alone and ``W`` is never formed.
    """
    if use_low_rank(solver, n, kronecker_blocks):
        basis = LowRankBasis(kronecker_blocks)
        layout = {"layout": "lowrank", "w_factors": basis.w_factors, "a": basis.A,
                  "rtol": LOW_RANK_RTOL, "max_steps": LOW_RANK_MAX_STEPS}
        return SystemPlan("lowrank", layout=layout, basis=basis)
    reach = model.stencil_reach
    if repeated_block is not None:
        if solver_for_structure(solver, n, repeated_block.shape[0] - 1, reach) == "band":
            kd = max(repeated_block.shape[0] - 1, reach)
            return SystemPlan("band", layout={"layout": "band", "kd": kd, "block": repeated_block})
    W = W() if callable(W) else W
    if is_sparse(W):
        W = _compressed(W)
    name = choose_solver(solver, W, n, reach)
    layout = None if name == "superlu" else _system_arguments(name, W, reach)
    return SystemPlan(name, W=W, layout=layout)


def _superlu(W, gamma, Y):
    return np.ravel(spsolve(sp.csc_matrix(normal_equations_matrix(W, gamma)), Y, permc_spec="NATURAL"))


def run_compiled(model, W, Y, solver, g_guess, maxloop, conv_limit, on_iteration, kronecker=None,
                 repeated_block=None):
    """Run the iteration with the compiled core; returns g, Γ, convergence, Cz.

    Γ is a sparse matrix, or for the core's own loop a callable forming it.

    ``W`` is dense or sparse, or a callable returning it (formed only if the
    chosen solver needs it).  ``kronecker = (blocks, m)`` when ``W = ⊗ B_dᵀB_d``
    and ``Y = (⊗ B_d)ᵀ m`` exactly: it enables the low-rank solver;
    ``repeated_block = B`` when ``W = I ⊗ B`` exactly (see :func:`plan_system`).

    ``solver`` is a built-in solver name or a step ``gamma -> g`` (user
    solvers, data-space forms), which is then called from a Python loop.
    ``on_iteration(i, g, gamma_factory)`` (or None) is called after every
    iteration (and with ``i = -1`` for the starting point);
    ``gamma_factory()`` builds that iteration's Γ as a sparse matrix on demand.
    """
    if callable(solver):
        return _python_loop(_core.PenaltyAssembler(model), model.size, solver, g_guess, maxloop, conv_limit,
                            on_iteration)
    y = np.ravel(Y)
    form_W = W if callable(W) else (lambda: W)
    plan = plan_system(model, form_W, y.size, solver, None if kronecker is None else kronecker[0], repeated_block)
    if plan.name == "superlu":
        return _python_loop(_core.PenaltyAssembler(model), model.size, lambda gamma: _superlu(plan.W, gamma, Y),
                            g_guess, maxloop, conv_limit, on_iteration)

    it = _core.Iteration(model, y=y, maxloop=maxloop, conv_limit=conv_limit,
                         **plan.iteration_arguments(None if kronecker is None else kronecker[1]))

    def gamma_now():
        return _sparse(it.gamma_csc(), y.size)

    def callback(i):
        on_iteration(i, it.g, gamma_now)

    if on_iteration is None:
        on_iteration, callback = (lambda *args: None), None

    def solve_elsewhere():
        # Not positive definite in floating point: finish this step with SuperLU.
        return _superlu(form_W(), gamma_now(), Y)

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
    it.release_system()  # Γ's arrays below are copied without the factor still held
    convergence = list(it.convergence) + [None] * (maxloop - it.next_iteration)
    # Γ as arrays, made a SciPy matrix only if read: building one is a fifth
    # of a millisecond in a fresh process, against ~3 ms for a 1D inversion.
    return it.g, functools.partial(_sparse, it.gamma_csc(), y.size), convergence, it.zero_crossing_state


def _sparse(csc_arrays, n):
    return sp.csc_array(csc_arrays, shape=(n, n))


def _python_loop(assembler, n, solve, g_guess, maxloop, conv_limit, on_iteration):
    """The iteration driven from Python (user solvers, SuperLU), Γ still assembled in C++."""
    on_iteration = on_iteration or (lambda *args: None)
    assembler.reset()
    gamma = _sparse(assembler.gamma_csc(), n)
    g = g_guess if g_guess is not None else solve(gamma)
    require_finite(g, "g", -1)
    on_iteration(-1, g, lambda gamma=gamma: gamma)
    convergence = [None] * maxloop
    for i in range(maxloop):
        assembler.assemble(g, i)  # raises NonFiniteError for a NaN or infinite Γ
        gamma = _sparse(assembler.gamma_csc(), n)
        g_next = solve(gamma)
        require_finite(g_next, "g", i)
        convergence[i] = relative_change(g_next, g)
        g = g_next
        on_iteration(i, g, lambda gamma=gamma: gamma)
        if convergence[i] < conv_limit:
            break
    return g, gamma, convergence, assembler.zero_crossing_state
