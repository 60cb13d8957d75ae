"""A compiled inversion holds every loaded BLAS at one thread, and gives the user's counts back.

NumPy's OpenBLAS threads spin after each threaded call and take the core the
compiled core's helper (or, beside a busy process, the inversion) runs on
(fastilt.compiled.numpy_blas_on_one_thread).  The solver callables below run
inside the inversion and read the counts there.
"""

import threading

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from threadpoolctl import ThreadpoolController, threadpool_limits

import fastilt as ilt

T = np.linspace(1e-3, 2, 120)
TAU = np.logspace(-3, 1, 30)


def blas_threads():
    return [lib.num_threads for lib in ThreadpoolController().select(user_api="blas").lib_controllers]


def data_set():
    d = ilt.iltload(data=100 * np.exp(-T / 0.1) + np.random.default_rng(0).normal(size=T.size), t=T)
    d.init(TAU, ilt.Exponential(), parameters={"maxloop": 3})
    return d


def recording_solver(seen, wait=None):
    def solver(A, b):
        if wait is not None:
            wait()
        seen.append(blas_threads())
        return spla.spsolve(sp.csc_matrix(A), b)

    return solver


@pytest.fixture
def two_threads():
    """Every BLAS at two threads for the test, the counts from before afterwards."""
    with threadpool_limits(limits=2, user_api="blas"):
        assert blas_threads() and set(blas_threads()) == {2}
        yield


@pytest.mark.parametrize("backend, inside", [("compiled", {1}), ("python", {2})])
def test_compiled_inversion_runs_blas_on_one_thread(two_threads, backend, inside):
    seen = []
    data_set().invert(solver=recording_solver(seen), verbose=0, backend=backend)
    assert len(seen) == 4 and {n for counts in seen for n in counts} == inside
    assert set(blas_threads()) == {2}


def test_counts_come_back_after_an_error(two_threads):
    def failing(A, b):
        raise ZeroDivisionError("from the user's solver")

    with pytest.raises(ZeroDivisionError):
        data_set().invert(solver=failing, verbose=0, backend="compiled")
    assert set(blas_threads()) == {2}


def test_nested_inversions_keep_the_hold_until_the_outermost_ends(two_threads):
    # An inversion run from inside another's solver: after the inner one ends,
    # the outer one's later solves still see one thread.
    seen, inner = [], []

    def solver(A, b):
        if not seen:
            data_set().invert(solver=recording_solver(inner), verbose=0, backend="compiled")
        seen.append(blas_threads())
        return spla.spsolve(sp.csc_matrix(A), b)

    data_set().invert(solver=solver, verbose=0, backend="compiled")
    assert len(seen) == 4 and len(inner) == 4
    assert {n for counts in seen + inner for n in counts} == {1}
    assert set(blas_threads()) == {2}


def test_inversions_on_other_threads_leave_the_counts_alone(two_threads):
    # The counts are process-wide: only the main thread holds them.
    seen = []
    worker = threading.Thread(
        target=lambda: data_set().invert(solver=recording_solver(seen), verbose=0, backend="compiled"))
    worker.start()
    worker.join(timeout=60)
    assert len(seen) == 4 and {n for counts in seen for n in counts} == {2}


@pytest.mark.skipif(not ilt.backends.compiled_available(), reason="the hold is the compiled core's")
def test_init_forms_its_products_on_one_thread(two_threads):
    # init's products (Y, W) on two threads would leave NumPy's second thread spinning into the
    # invert that follows; a user kernel, called while they are formed, sees one thread.
    seen = []

    class Recording(ilt.IltKernel):
        def __init__(self):
            self.name = "recording"
            self.kernel = lambda t, tau: seen.append(blas_threads()) or np.exp(-t / tau)
            self.kernel_str = "np.exp(-t / tau)"

    d = ilt.iltload(data=100 * np.exp(-T / 0.1), t=T)
    with pytest.warns(UserWarning, match="base_tau"):
        d.init(TAU, Recording(), parameters={"maxloop": 3})
    assert seen and {n for counts in seen for n in counts} == {1}
    assert set(blas_threads()) == {2}
