"""The compiled backend: Γ assembled in C++ and, for the built-in solvers, the
whole iteration loop in C++ with the GIL released.

Solvers (``invert(solver=...)``):

``"dense"``    Cholesky of the dense ``W + Γ`` (small problems): fastilt's
               AVX2 kernel up to 128 unknowns where the CPU has AVX2/FMA,
               LAPACK otherwise (``show_config()`` says which);
``"band"``     band Cholesky, when ``W + Γ`` is banded in the natural order
               (pseudo-2D/3D: block-diagonal ``W``, read as its one repeated
               block where ``W = I ⊗ B``): fastilt's AVX2 kernel where the CPU
               has AVX2/FMA, LAPACK otherwise;
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

``"auto"`` (the default; chosen in :func:`fastilt.problem.plan.choose_solver`) picks dense for small systems, the low-rank form for
larger fully inverted ones, band when the bandwidth is small, CHOLMOD otherwise
(SuperLU where CHOLMOD is absent).  In a build without CHOLMOD (no SuiteSparse;
see ``fastilt.show_config()``) "auto" solves fully inverted data densely instead
of in the low-rank form, and ``"cholmod"``/``"lowrank"`` raise ``ValueError``.
"""

import functools
import threading
from dataclasses import dataclass

import numpy as np

from . import _core
from .problem.driver import iterate
from .low_rank import LowRankBasis
from ._linalg import NotPositiveDefiniteError
from .solvers import normal_equations_matrix
from .validation import is_sparse

__all__ = [
    "prepare_system",
    "run_compiled",
    "numpy_blas_on_one_thread",
    "SystemPlan",
    "CompiledPenalties",
    "HAVE_CHOLMOD",
]

#: Whether this build has CHOLMOD (the "cholmod" and "lowrank" solvers).
HAVE_CHOLMOD = bool(_core.HAVE_CHOLMOD)


#: Conjugate-gradient refinement of the low-rank form: stop at this relative
#: residual (or once g stops moving, or the residual stops falling;
#: csrc/core/low_rank.hpp), after at most this many steps.
LOW_RANK_RTOL = 1e-14
LOW_RANK_MAX_STEPS = 50


def _compressed(W):
    """Sparse ``W`` as CSC or CSR: for a symmetric matrix both hold the same columns."""
    from scipy.sparse import csc_array  # SciPy where it is used (solvers.py)

    return W if W.format in ("csc", "csr") else csc_array(W)


def _lower_bandwidth(W):
    """Widest sub-diagonal of the symmetric CSC/CSR ``W`` holding an entry (O(n) memory)."""
    starts = np.flatnonzero(np.diff(W.indptr))
    if starts.size == 0:
        return 0
    farthest = np.maximum.reduceat(W.indices, W.indptr[starts])
    return int(max(np.max(farthest - starts), 0))


def _formed_system(solver, W, stencil_reach):
    """The core's description of the system of the formed ``W`` for ``solver``."""
    if solver == "dense":
        return _core.dense_system(W.toarray() if is_sparse(W) else W)
    # The core reads the lower triangle (rows >= column) of each column
    # (prepare_system has made a sparse W CSC or CSR already).
    from scipy.sparse import csc_array

    W = W if is_sparse(W) else csc_array(W)
    if solver == "band":
        return _core.band_system(W.data, W.indptr, W.indices, kd=max(_lower_bandwidth(W), stencil_reach))
    return _core.sparse_system(W.data, W.indptr, W.indices, natural=True)


@dataclass
class SystemPlan:
    """The resolved solver of one problem and the linear system the core's ``Iteration`` builds for it.

    Everything here is independent of the data, so one plan serves every data
    set of a batch; only :meth:`coefficients` (the low-rank ``b``) and ``Y``
    are per data set.  ``W`` is the formed matrix (None for the low-rank form).
    """

    name: str
    W: object = None
    system: object = None  # a _core.SystemDescription (None for SuperLU and the low-rank form)
    basis: LowRankBasis = None

    def coefficients(self, m):
        """The low-rank ``b`` of the compressed data ``m`` (None for the other systems)."""
        return None if self.basis is None else self.basis.coefficients(m)

    def linear_system(self, m=None):
        """The ``system`` argument of ``_core.Iteration`` (low-rank: with the ``b`` of ``m``, else zeros)."""
        if self.basis is None:
            return self.system
        b = self.coefficients(m) if m is not None else np.zeros(len(self.basis.kept))
        return _core.low_rank_system(self.basis.w_factors, self.basis.A, b, rtol=LOW_RANK_RTOL,
                                     max_steps=LOW_RANK_MAX_STEPS)


def prepare_system(plan, system, stencil_reach):
    """What the core's ``Iteration`` needs to run ``plan`` (an :class:`~fastilt.problem.plan.InversionPlan`).

    ``W`` is formed here only if the plan's solver needs it: not for the
    low-rank form, nor for the band solver reading the one block ``B`` of
    ``W = I ⊗ B`` (a series of spectra).
    """
    if plan.solver == "lowrank":
        return SystemPlan("lowrank", basis=LowRankBasis(system.kronecker_blocks))
    if plan.from_block:
        block = system.repeated_block
        kd = max(block.shape[0] - 1, stencil_reach)
        return SystemPlan("band", system=_core.repeated_block_band_system(block, kd))
    W = _compressed(system.W) if is_sparse(system.W) else system.W
    described = None if plan.solver == "superlu" else _formed_system(plan.solver, W, stencil_reach)
    return SystemPlan(plan.solver, W=W, system=described)


class CompiledPenalties:
    """The core's Γ assembler with the fallback's methods, for :func:`fastilt.problem.driver.iterate`."""

    def __init__(self, model):
        self._assembler = _core.PenaltyAssembler(model)
        self._n = model.size

    def reset(self):
        self._assembler.reset()

    def assemble(self, g, iteration):
        self._assembler.assemble(g, iteration)

    def gamma(self):
        return _sparse(self._assembler.gamma_csc(), self._n)

    @property
    def zero_crossing_state(self):
        return self._assembler.zero_crossing_state


def _superlu(W, gamma, Y):
    from scipy.sparse import csc_matrix
    from scipy.sparse.linalg import spsolve

    return np.ravel(spsolve(csc_matrix(normal_equations_matrix(W, gamma)), Y, permc_spec="NATURAL"))


def run_compiled(plan, model, system, Y, step, g_guess, maxloop, conv_limit, on_iteration, m=None):
    """Run ``plan`` with the compiled core; returns g, Γ, convergence, Cz.

    Γ is a sparse matrix, or for the core's own loop a callable forming it.

    ``Y`` is the right-hand side and ``m`` the compressed data (the low-rank
    form reads it); ``step`` (``gamma -> g``) is the linear solve of a user
    solver or a data-space form, called from the Python driver with Γ still
    assembled in C++ (as is SuperLU).  The built-in solvers run the core's
    own loop with the GIL released.  ``on_iteration(i, g, gamma_factory)``
    (or None) is called after every iteration (and with ``i = -1`` for the
    starting point); ``gamma_factory()`` builds that iteration's Γ as a sparse
    matrix on demand.
    """
    if plan.solver in ("user", "data-space"):
        return iterate(CompiledPenalties(model), step, g_guess, maxloop, conv_limit, on_iteration)
    y = np.ravel(Y)
    prepared = prepare_system(plan, system, model.stencil_reach)
    if prepared.name == "superlu":
        return iterate(CompiledPenalties(model), lambda gamma: _superlu(prepared.W, gamma, Y),
                       g_guess, maxloop, conv_limit, on_iteration)

    it = _core.Iteration(model, y=y, maxloop=maxloop, conv_limit=conv_limit, system=prepared.linear_system(m))

    def gamma_now():
        return _sparse(it.gamma_csc(), y.size)

    def callback(i):
        on_iteration(i, it.g, gamma_now)

    if on_iteration is None:
        on_iteration, callback = (lambda *args: None), None

    def solve_elsewhere():
        # Not positive definite in floating point: finish this step with SuperLU.
        return _superlu(system.W, gamma_now(), Y)

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
    # Γ as arrays, made a SciPy matrix only if read: building one costs a
    # small inversion a noticeable share of its time (docs/performance.md).
    return it.g, functools.partial(_sparse, it.gamma_csc(), y.size), convergence, it.zero_crossing_state


class _BlasHold:
    """NumPy's BLAS held at one thread by the main thread, across nested inversions."""

    def __init__(self):
        self._depth = 0
        self._limiter = None
        self._controller = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            if self._depth == 0:
                if self._controller is None:
                    from threadpoolctl import ThreadpoolController

                    # Found once (a few milliseconds); limiting with it costs tens of
                    # microseconds, next to a small inversion's milliseconds.
                    self._controller = ThreadpoolController()
                self._limiter = self._controller.limit(limits=1, user_api="blas")
            self._depth += 1
        return self

    def __exit__(self, *exc):
        if threading.current_thread() is threading.main_thread():
            self._depth -= 1
            if self._depth == 0:
                self._limiter.restore_original_limits()
                self._limiter = None
        return False


_blas_hold = _BlasHold()


def numpy_blas_on_one_thread():
    """Hold NumPy's and SciPy's BLAS at one thread while a compiled inversion runs (a context).

    The core shares out the cores itself (``csrc/linalg/free_cores.hpp``) and
    sets its own BLAS's threads where they pay.  NumPy's OpenBLAS keeps a pool
    of its own: after a threaded call (the kernels' SVDs, the products that
    form Y or the fit) its threads spin about 0.1 s waiting for more work, on
    the core the core's helper thread wants, or beside a busy process on the
    one the inversion itself runs on: a T1-T2 64 x 64 map there took 10% longer
    than with every thread limited to one (docs/performance.md).  Those
    products are small and gain nothing from a second thread.

    Only inversions on the main thread hold: the BLAS thread counts are
    process-wide, and threads setting them concurrently would undo each
    other's settings (threadpoolctl 3.8 lets only one thread set them).  The
    libraries are those loaded at the first compiled inversion; the user's
    counts come back when the outermost inversion ends, also on an error.
    """
    return _blas_hold


def _sparse(csc_arrays, n):
    from scipy.sparse import csc_array

    return csc_array(csc_arrays, shape=(n, n))
