"""Tests of the compiled linear solvers (fastilt._linalg).

Environment switches (set by .ci/run):
  FASTILT_REQUIRE_CHOLMOD=1    the build under test must have CHOLMOD
  FASTILT_EXPECT_NO_CHOLMOD=1  the build under test must NOT have CHOLMOD
"""

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from fastilt import _linalg

RTOL = 1e-10

requires_cholmod = pytest.mark.skipif(not _linalg.HAVE_CHOLMOD,
                                      reason="built without CHOLMOD")


def rel_err(x, ref):
    return np.linalg.norm(x - ref) / np.linalg.norm(ref)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def random_spd(n, rng):
    m = rng.standard_normal((n, n))
    return m @ m.T + n * np.eye(n)


def laplacian_grid(shape, shift=1.0):
    """The (2d + 1)-point-stencil Laplacian on a grid of `shape` plus shift * I (SPD)."""
    n = int(np.prod(shape))
    a = shift * sp.eye_array(n)
    for d, m in enumerate(shape):
        t = sp.diags_array([-np.ones(m - 1), 2 * np.ones(m), -np.ones(m - 1)], offsets=[-1, 0, 1])
        before, after = int(np.prod(shape[:d])), int(np.prod(shape[d + 1:]))
        a = a + sp.kron(sp.kron(sp.eye_array(before), t), sp.eye_array(after))
    a = sp.csc_array(a)
    a.eliminate_zeros()  # scipy's kron stores explicit zeros
    a.sort_indices()
    return a


def laplacian_2d(m, shift=1.0):
    """5-point-stencil Laplacian on an m x m grid plus shift * I (SPD, band m)."""
    return laplacian_grid((m, m), shift)


def random_sparse_spd(n, rng, density=0.02):
    """General sparse SPD matrix with an irregular pattern: ``M Mᵀ + I`` (SPD by construction)."""
    nnz = int(density * n * n)
    m = sp.csc_array((rng.random(nnz), (rng.integers(0, n, nnz), rng.integers(0, n, nnz))), shape=(n, n))
    a = sp.csc_array(m @ m.T + sp.eye_array(n))
    a.sort_indices()  # the raw CholmodSolver takes canonical CSC
    return a


def diagonally_dominant(a, negative=()):
    """``a``'s pattern and off-diagonal values with a diagonal that makes every row
    strictly diagonally dominant, so the matrix is non-singular (Gershgorin) by
    construction; the rows in ``negative`` get a negative diagonal entry.

    Without ``negative`` the symmetric result is positive definite; with it,
    indefinite.  The CSC pattern (sorted, every diagonal entry stored) is
    exactly ``a``'s, whatever a SciPy version does with the arithmetic.
    """
    a = sp.csc_array(a, copy=True) if sp.issparse(a) else np.array(a, dtype=float)
    dense = a.toarray() if sp.issparse(a) else a
    off_diagonal = np.abs(dense).sum(axis=1) - np.abs(np.diag(dense))
    diagonal = off_diagonal + 1.0
    diagonal[list(negative)] *= -1
    if not sp.issparse(a):
        np.fill_diagonal(a, diagonal)
        return a
    a.sort_indices()
    for j in range(a.shape[0]):
        column = slice(a.indptr[j], a.indptr[j + 1])
        (position,) = np.flatnonzero(a.indices[column] == j)  # the pattern stores the diagonal
        a.data[a.indptr[j] + position] = diagonal[j]
    return a


def indefinite(a):
    """Symmetric, non-singular (strictly diagonally dominant), not positive definite:
    one negative diagonal entry in the middle row, ``a``'s pattern kept."""
    return diagonally_dominant(a, negative=[a.shape[0] // 2])


def sparse_lower_band(a):
    """Lower band of a symmetric sparse matrix in LAPACK storage, ``ab[i - j, j] = A[i, j]``:
    the input of ``cholesky_solve_banded`` and ``BandCholesky`` (and of SciPy's
    ``solveh_banded(..., lower=True)``).  Stored zeros do not widen the band; duplicates sum."""
    a = sp.coo_array(a)
    n = a.shape[0]
    lower = (a.row >= a.col) & (a.data != 0)
    offset = (a.row - a.col)[lower].astype(np.intp)
    kd = int(offset.max()) if offset.size else 0
    ab = np.bincount(offset * n + a.col[lower], weights=a.data[lower], minlength=(kd + 1) * n)
    return ab.reshape(kd + 1, n)


# --- build flags -----------------------------------------------------------------

def test_have_cholmod_flag_matches_build():
    assert isinstance(_linalg.HAVE_CHOLMOD, bool)
    assert hasattr(_linalg, "CholmodSolver") == _linalg.HAVE_CHOLMOD
    if os.environ.get("FASTILT_REQUIRE_CHOLMOD") == "1":
        assert _linalg.HAVE_CHOLMOD, "this build was required to have CHOLMOD"
    if os.environ.get("FASTILT_EXPECT_NO_CHOLMOD") == "1":
        assert not _linalg.HAVE_CHOLMOD, "this build was required to lack CHOLMOD"


def test_exception_is_linalgerror():
    assert issubclass(_linalg.NotPositiveDefiniteError, np.linalg.LinAlgError)


# --- dense -----------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 7, 150])
@pytest.mark.parametrize("order", ["C", "F"])
def test_dense_matches_scipy(rng, n, order):
    a = np.asarray(random_spd(n, rng), order=order)
    b = rng.standard_normal(n)
    x = _linalg.cholesky_solve_dense(a, b)
    assert x.shape == (n,)
    assert rel_err(x, scipy.linalg.solve(a, b)) <= RTOL


def test_dense_multiple_rhs_and_strided_input(rng):
    a = random_spd(40, rng)
    b = rng.standard_normal((40, 3))
    x = _linalg.cholesky_solve_dense(a[::1, ::1].T, b)  # F-contiguous view
    assert x.shape == (40, 3)
    assert rel_err(x, scipy.linalg.solve(a, b)) <= RTOL
    big = np.zeros((80, 80))
    big[::2, ::2] = a  # non-contiguous view
    x = _linalg.cholesky_solve_dense(big[::2, ::2], b[:, 0])
    assert rel_err(x, scipy.linalg.solve(a, b[:, 0])) <= RTOL


def test_dense_not_spd_raises_exact_type(rng):
    a = indefinite(random_spd(30, rng))
    with pytest.raises(np.linalg.LinAlgError) as info:
        _linalg.cholesky_solve_dense(a, np.ones(30))
    assert type(info.value) is _linalg.NotPositiveDefiniteError


def test_dense_bad_shapes_raise_valueerror():
    with pytest.raises(ValueError):
        _linalg.cholesky_solve_dense(np.eye(3)[:2], np.ones(3))
    with pytest.raises(ValueError):
        _linalg.cholesky_solve_dense(np.eye(3), np.ones(4))


# --- banded ----------------------------------------------------------------------

def test_sparse_lower_band_layout(rng):
    a = laplacian_2d(5)
    ab = sparse_lower_band(a)
    dense = a.toarray()
    assert ab.shape == (6, 25)
    for k in range(6):  # ab[k, j] = A[j + k, j]
        np.testing.assert_array_equal(ab[k, :25 - k], np.diag(dense, -k))
        np.testing.assert_array_equal(ab[k, 25 - k:], 0.0)


def test_sparse_lower_band_ignores_stored_zeros():
    # diag(2, 3, 4) with an explicitly stored zero at (2, 0): kd must stay 0.
    a = sp.csr_array(([2.0, 3.0, 0.0, 4.0], [0, 1, 0, 2], [0, 1, 2, 4]), shape=(3, 3))
    assert a.nnz == 4
    np.testing.assert_array_equal(sparse_lower_band(a), [[2.0, 3.0, 4.0]])


def test_sparse_lower_band_sums_duplicates():
    coo = sp.coo_array(([1.0, 2.0, 5.0, 3.0], ([0, 0, 1, 1], [0, 0, 0, 1])), shape=(2, 2))
    np.testing.assert_array_equal(sparse_lower_band(coo), [[3.0, 3.0], [5.0, 0.0]])


@pytest.mark.parametrize("m", [1, 4, 30])
def test_banded_matches_spsolve(rng, m):
    a = laplacian_2d(m)
    b = rng.standard_normal(m * m)
    ref = spla.spsolve(a, b)
    ab = sparse_lower_band(a)
    assert rel_err(_linalg.cholesky_solve_banded(ab, b), ref) <= RTOL
    # Same storage convention as scipy's banded Cholesky.
    assert rel_err(scipy.linalg.solveh_banded(ab, b, lower=True), ref) <= RTOL


def test_band_cholesky_factor_reused(rng):
    a = laplacian_2d(12, shift=0.3)
    fac = _linalg.BandCholesky(sparse_lower_band(a))
    assert (fac.n, fac.kd) == (144, 12)
    for _ in range(3):
        b = rng.standard_normal(144)
        assert rel_err(fac.solve(b), spla.spsolve(a, b)) <= RTOL
    b2 = rng.standard_normal((144, 2))
    assert rel_err(fac.solve(b2), spla.spsolve(a, b2)) <= RTOL


def test_banded_not_spd_raises(rng):
    a = indefinite(laplacian_2d(6))
    b = rng.standard_normal(36)
    with pytest.raises(np.linalg.LinAlgError) as info:
        _linalg.cholesky_solve_banded(sparse_lower_band(a), b)
    assert type(info.value) is _linalg.NotPositiveDefiniteError


# --- CHOLMOD ---------------------------------------------------------------------

@requires_cholmod
@pytest.mark.parametrize("ordering", ["natural", "amd", "metis", "nesdis", "default"])
@pytest.mark.parametrize("kind", ["laplacian", "random"])
def test_cholmod_matches_spsolve(rng, ordering, kind):
    a = laplacian_2d(20) if kind == "laplacian" else random_sparse_spd(300, rng)
    b = rng.standard_normal(a.shape[0])
    s = _linalg.CholmodSolver(a.indptr, a.indices, a.shape[0], ordering=ordering)
    assert s.is_supernodal
    assert rel_err(s.solve(a.data, b), spla.spsolve(a, b)) <= RTOL


@requires_cholmod
def test_cholmod_takes_an_elimination_order_of_ones_own(rng):
    a = laplacian_2d(20)
    b = rng.standard_normal(a.shape[0])
    order = rng.permutation(a.shape[0])
    s = _linalg.CholmodSolver(a.indptr, a.indices, a.shape[0], ordering=order)
    assert rel_err(s.solve(a.data, b), spla.spsolve(a, b)) <= RTOL
    reversed_grid = _linalg.CholmodSolver(a.indptr, a.indices, a.shape[0], ordering=np.arange(400)[::-1])
    assert reversed_grid.factor_nnz == _linalg.CholmodSolver(a.indptr, a.indices, a.shape[0],
                                                             ordering="natural").factor_nnz
    for bad, message in [(order[:-1], "must have n entries"), (np.r_[order[:-1], order[0]], "each of 0 ... n - 1 once"),
                         (np.r_[order[:-1], 400], "each of 0 ... n - 1 once")]:
        with pytest.raises(ValueError, match=message):
            _linalg.CholmodSolver(a.indptr, a.indices, a.shape[0], ordering=bad)


@requires_cholmod
def test_cholmod_lower_triangle_only(rng):
    a = random_sparse_spd(200, rng)
    b = rng.standard_normal(200)
    ref = spla.spsolve(a, b)
    low = sp.tril(a, format="csc")
    s = _linalg.CholmodSolver(low.indptr, low.indices, 200)
    assert rel_err(s.solve(low.data, b), ref) <= RTOL


@requires_cholmod
def test_cholmod_raw_solver_refactors_many_times(rng):
    a = random_sparse_spd(250, rng)
    s = _linalg.CholmodSolver(a.indptr, a.indices, 250)
    for scale in (1.0, 2.0, 7.5):
        b = rng.standard_normal((250, 2))
        data = a.data * scale
        ref = spla.spsolve(sp.csc_array((data, a.indices, a.indptr), shape=a.shape), b)
        x = s.solve(data, b)
        assert x.shape == (250, 2)
        assert rel_err(x, ref) <= RTOL


@requires_cholmod
def test_cholmod_not_spd_raises_exact_type_and_recovers(rng):
    a = laplacian_2d(8)
    bad = indefinite(a)
    b = rng.standard_normal(64)
    s = _linalg.CholmodSolver(bad.indptr, bad.indices, 64)
    with pytest.raises(np.linalg.LinAlgError) as info:
        s.solve(bad.data, b)
    assert type(info.value) is _linalg.NotPositiveDefiniteError
    # The solver stays usable for SPD values with the same pattern.
    good = diagonally_dominant(bad)
    assert np.array_equal(good.indptr, bad.indptr) and np.array_equal(good.indices, bad.indices)
    assert rel_err(s.solve(good.data, b), spla.spsolve(good, b)) <= RTOL


def triangular_rows(m_factor):
    """Row i of M = Pᵀ L is row p(i) of the lower-triangular L: p, checked to be a permutation."""
    scale = np.abs(m_factor).max()
    last_entry = [np.flatnonzero(np.abs(row) > 1e-12 * scale).max() for row in m_factor]
    assert sorted(last_entry) == list(range(len(m_factor)))
    return last_entry


def single_precision_inverse(solver, n):
    """M̃⁻¹ of the single-precision factor, column by column in double arithmetic."""
    return np.column_stack([solver.forward(e) for e in np.eye(n)])


def assert_solved_in_single_precision(solver, inverse, b):
    """``forward_in_blocks`` from the single-precision factor M̃ = inv(inverse):
    M̃ X = B to single-precision rounding, not to double's."""
    x = solver.forward_in_blocks(np.asfortranarray(b), 16)
    m_factor = np.linalg.inv(inverse)
    # Componentwise backward error a few times single precision's rounding.
    assert np.all(np.abs(m_factor @ x - b) <= 1e-6 * (np.abs(m_factor) @ np.abs(x) + np.abs(b)))
    assert 1e-12 < rel_err(x, inverse @ b) <= 1e-5


def assert_single_precision_values(m_factor):
    scale = np.abs(m_factor).max()
    assert np.abs(m_factor - m_factor.astype(np.float32)).max() <= 1e-12 * scale


# Grids whose supernodes have every width and height modulo 4 (the solves'
# panels of four columns and blocks of four rows), and in 3D wide top ones.
SINGLE_PRECISION_GRIDS = [(6, 6), (31, 31), (9, 8, 7)]


def single_precision_solver(a, split):
    """A CholmodSolver for `a`; with `split`, its one-column single-precision solves go through two
    groups of subtrees (as on a factor of millions of entries)."""
    s = _linalg.CholmodSolver(a.indptr, a.indices, a.shape[0], ordering="metis")
    if split:
        s.split_solve_entries = 0
    return s


@requires_cholmod
@pytest.mark.parametrize("split", [False, True], ids=["one-part", "split"])
@pytest.mark.parametrize("shape", SINGLE_PRECISION_GRIDS, ids=str)
def test_cholmod_single_precision_solves_use_the_rounded_factor(rng, shape, split):
    a = laplacian_grid(shape, shift=0.1)
    n = a.shape[0]
    b, v = rng.standard_normal(n), rng.standard_normal(n)
    s = single_precision_solver(a, split)
    with pytest.raises(RuntimeError, match="before factor"):
        s.round_to_single()
    s.factor(a.data)
    exact = s.backward(s.forward(b))  # CHOLMOD's own solves: M = Pᵀ L, A = M Mᵀ
    assert rel_err(exact, spla.spsolve(a, b)) <= RTOL
    assert s.round_to_single()
    # From the single-precision copy, in double arithmetic: M̃⁻¹ column by column.
    inverse = single_precision_inverse(s, n)
    # In blocks (13 columns: a full block of 8 and a partial one), in single-
    # precision arithmetic: M̃ X = B to single-precision rounding.
    columns = rng.choice(n, 13, replace=False)
    assert_solved_in_single_precision(s, inverse, np.eye(n)[:, columns])
    # M̃ = Pᵀ L̃: rows of a lower-triangular matrix of single-precision values,
    # whose product is a matrix near A.
    m_rounded = np.linalg.inv(inverse)
    assert_single_precision_values(m_rounded)
    triangular_rows(m_rounded)
    assert 0 < rel_err(m_rounded @ m_rounded.T, a.toarray()) <= 1e-6
    forward = s.forward(b)
    assert np.dot(forward, v) == pytest.approx(np.dot(b, s.backward(v)), rel=1e-12)  # backward is its transpose
    assert 0 < rel_err(s.backward(forward), exact) <= 1e-5  # the factor of a nearby matrix
    s.factor(a.data)  # a new factorisation is solved in double precision again
    assert rel_err(s.backward(s.forward(b)), exact) <= 1e-14
    exact_inverse = s.forward_in_blocks(np.eye(n), 16)
    assert rel_err(exact_inverse, inverse) > 1e-9
    assert rel_err(exact_inverse, np.column_stack([s.forward(e) for e in np.eye(n)])) <= 1e-14


@requires_cholmod
@pytest.mark.parametrize("split", [False, True], ids=["one-part", "split"])
@pytest.mark.parametrize("shape", SINGLE_PRECISION_GRIDS, ids=str)
@pytest.mark.parametrize("lower_only", [False, True])
def test_cholmod_factorisation_in_single_precision(rng, shape, lower_only, split):
    a = laplacian_grid(shape, shift=0.1)
    if lower_only:
        a = sp.tril(a, format="csc")
    n = a.shape[0]
    s = single_precision_solver(a, split)
    with pytest.raises(RuntimeError, match="before factor"):
        s.forward(np.ones(n))
    s.factor(a.data)
    m_double = np.linalg.inv(s.forward_in_blocks(np.eye(n), 16))  # CHOLMOD's M = Pᵀ L
    assert s.factor_single(a.data)
    inverse = single_precision_inverse(s, n)
    m_single = np.linalg.inv(inverse)
    # The same permutation and structure as CHOLMOD's factor, in single
    # precision, and the factor of a matrix near A.
    assert_single_precision_values(m_single)
    assert triangular_rows(m_single) == triangular_rows(m_double)
    assert 0 < rel_err(m_single, m_double) <= 1e-6
    full = (a + sp.tril(a, k=-1).T).toarray() if lower_only else a.toarray()
    assert 0 < rel_err(m_single @ m_single.T, full) <= 1e-6
    assert_solved_in_single_precision(s, inverse, rng.standard_normal((n, 11)))
    v = rng.standard_normal(n)
    assert rel_err(s.backward(v), inverse.T @ v) <= 1e-12
    with pytest.raises(RuntimeError, match="before factor"):
        s.round_to_single()  # rounds CHOLMOD's own factor only
    # Indefinite (A − 2I, the same pattern): False, and nothing left to solve with.
    indefinite = (a - 2.0 * sp.eye_array(n, format="csc")).tocsc()
    indefinite.sort_indices()
    assert np.array_equal(indefinite.indices, a.indices)
    assert not s.factor_single(indefinite.data)
    with pytest.raises(RuntimeError, match="before factor"):
        s.forward(np.ones(n))
    s.factor(a.data)  # CHOLMOD's again
    assert rel_err(np.linalg.inv(s.forward_in_blocks(np.eye(n), 16)), m_double) <= 1e-13


@requires_cholmod
def test_cholmod_single_precision_refuses_a_value_beyond_its_range():
    # Wherever the value sits (in either group of subtrees or the top), the
    # factorisation says False, nothing is left to solve with, and the next
    # one starts from A's values alone.
    a = laplacian_grid((31, 31), shift=0.1)
    n = a.shape[0]
    reference = single_precision_solver(a, split=False)
    assert reference.factor_single(a.data)
    expected = reference.forward(np.arange(n, dtype=float))
    s = single_precision_solver(a, split=False)
    for column in [0, n // 3, 2 * n // 3, n - 1]:
        big = a.data.copy()
        big[a.indptr[column] + np.flatnonzero(a.indices[a.indptr[column]:a.indptr[column + 1]] == column)] = 1e39
        assert not s.factor_single(big)
        with pytest.raises(RuntimeError, match="before factor"):
            s.forward(np.ones(n))
        assert s.factor_single(a.data)
        assert np.array_equal(s.forward(np.arange(n, dtype=float)), expected)


def bordered(blocks=2, block=600, border=700, seed=0):
    """Independent tridiagonal blocks and a dense border coupled to them: a factor whose last
    supernode is the border, dense and large enough (700² x 700) for its steps to be shared out."""
    rng = np.random.default_rng(seed)
    n = blocks * block + border
    t = sp.diags_array([-np.ones(block - 1), 4 * np.ones(block), -np.ones(block - 1)], offsets=[-1, 0, 1])
    inner = sp.block_diag([t] * blocks)
    links = border * blocks * block // 100  # 1% of the border's couplings to the blocks
    coupling = sp.csc_array((0.1 * rng.random(links), (rng.integers(0, border, links),
                                                       rng.integers(0, blocks * block, links))),
                            shape=(border, blocks * block))
    dense = rng.standard_normal((border, border)) / border
    a = sp.block_array([[inner, coupling.T], [coupling, sp.csc_array(dense @ dense.T + 4 * np.eye(border))]])
    a = sp.csc_array(a)
    a.sort_indices()
    assert a.shape == (n, n)
    return a


@requires_cholmod
def test_cholmod_single_precision_shares_out_a_large_supernode(rng):
    # The border's spotrf, the rows below it and its update by blocks on the free cores: the
    # factor of a matrix near A, as one spotrf's would be.
    a = bordered()
    s = _linalg.CholmodSolver(a.indptr, a.indices, a.shape[0], ordering="amd")
    assert s.factor_single(a.data)
    b = rng.standard_normal(a.shape[0])
    exact = spla.spsolve(a, b)
    assert 0 < rel_err(s.backward(s.forward(b)), exact) <= 1e-5
    s.factor(a.data)
    assert rel_err(s.backward(s.forward(b)), exact) <= 1e-12


_FACTOR_IN_A_PROCESS = """
import sys
import numpy as np
from test_linalg import bordered, laplacian_2d, single_precision_solver
a = bordered() if sys.argv[1] == "bordered" else laplacian_2d(40, shift=0.1)
n = a.shape[0]
s = single_precision_solver(a, split=sys.argv[1] == "split")
assert s.factor_single(a.data)
columns = np.eye(n)[::37]
solves = [s.forward(e) for e in columns] + [s.backward(e) for e in columns]
sys.stdout.write(np.concatenate(solves).tobytes().hex())
"""


@requires_cholmod
@pytest.mark.parametrize("kind", ["one-part", "split", "bordered"])
def test_cholmod_single_precision_factor_is_the_same_on_one_or_two_threads(kind):
    # Two groups of subtrees are factored side by side where two cores are
    # free, a large supernode's dense steps are shared out by blocks, and a
    # large factor's solves go through two groups too; neither the factor nor
    # the solves may depend on it (nor on which thread ran which).
    import subprocess
    import sys

    def factor_bytes(threads):
        done = subprocess.run([sys.executable, "-c", _FACTOR_IN_A_PROCESS, kind],
                              capture_output=True, text=True,
                              env={**os.environ, "OMP_NUM_THREADS": str(threads),
                                   "PYTHONPATH": os.path.dirname(__file__)}, check=True)
        return done.stdout

    one = factor_bytes(1)
    assert len(one) > 0
    assert factor_bytes(2) == one


TOP = 2


def subtree_split_time(parent, work, owner):
    """The split's estimated time: the top's work plus the heavier group's."""
    work, owner = np.asarray(work), np.asarray(owner)
    return work[owner == TOP].sum() + max(work[owner == 0].sum(), work[owner == 1].sum())


@requires_cholmod
@settings(max_examples=300, deadline=None)
@given(st.data())
def test_subtree_split_groups_whole_subtrees(data):
    count = data.draw(st.integers(1, 80))
    parent = [data.draw(st.integers(s + 1, count)) for s in range(count)]
    parent = [-1 if p == count else p for p in parent]  # p == count: a root
    work = data.draw(st.lists(st.floats(0.01, 100.0), min_size=count, max_size=count))
    owner = _linalg.split_subtrees(parent, work)
    assert set(owner) <= {0, 1, TOP}
    for s, p in enumerate(parent):
        # Outside the top, a supernode is in its parent's group, so groups are
        # whole subtrees and the top is closed upwards.
        if p >= 0 and owner[p] != TOP:
            assert owner[s] == owner[p]
    if 1 in owner:
        assert subtree_split_time(parent, work, owner) < sum(work)
    else:
        assert owner == [0] * count  # nothing to gain: all on one core


@requires_cholmod
def test_subtree_split_of_a_balanced_tree_and_a_chain():
    # A complete binary tree of 63 supernodes in postorder, equal work: the
    # root above, its two halves side by side.
    parent = [-1] * 63

    def number(depth, next_free):  # postorder numbering; returns (root, next free)
        if depth == 0:
            return next_free, next_free + 1
        left, next_free = number(depth - 1, next_free)
        right, next_free = number(depth - 1, next_free)
        parent[left] = parent[right] = next_free
        return next_free, next_free + 1

    number(5, 0)
    owner = _linalg.split_subtrees(parent, [1.0] * 63)
    assert owner.count(TOP) == 1 and owner[62] == TOP
    assert owner[:31] == [owner[0]] * 31 and owner[31:62] == [1 - owner[0]] * 31
    assert _linalg.split_subtrees([1, 2, 3, -1], [5.0, 1.0, 1.0, 1.0]) == [0] * 4  # a chain
    with pytest.raises(ValueError, match="later supernode"):
        _linalg.split_subtrees([0, -1], [1.0, 1.0])
    with pytest.raises(ValueError, match="same length"):
        _linalg.split_subtrees([-1], [1.0, 1.0])


@requires_cholmod
def test_cholmod_rejects_bad_patterns():
    with pytest.raises(ValueError):  # row index out of range
        _linalg.CholmodSolver(np.array([0, 1, 2]), np.array([0, 5]), 2)
    with pytest.raises(ValueError):  # duplicate entry
        _linalg.CholmodSolver(np.array([0, 2, 3]), np.array([0, 0, 1]), 2)
    with pytest.raises(ValueError, match="not sorted"):  # unsorted row indices
        _linalg.CholmodSolver(np.array([0, 2, 3]), np.array([1, 0, 1]), 2)
    with pytest.raises(ValueError):  # wrong indptr length
        _linalg.CholmodSolver(np.array([0, 1]), np.array([0]), 2)
    with pytest.raises(ValueError):
        _linalg.CholmodSolver(np.array([0, 1, 2]), np.array([0, 1]), 2, ordering="nope")
    s = _linalg.CholmodSolver(np.array([0, 1, 2]), np.array([0, 1]), 2)
    with pytest.raises(ValueError):  # too few values
        s.solve(np.ones(1), np.ones(2))


@requires_cholmod
def test_cholmod_threads_setting_and_concurrent_use(rng):
    a = laplacian_2d(25)
    s = _linalg.CholmodSolver(a.indptr, a.indices, a.shape[0])
    assert s.nthreads == 1  # default: see CholmodSolver docstring
    bs = [rng.standard_normal(a.shape[0]) for _ in range(6)]
    refs = [spla.spsolve(a, b) for b in bs]
    for nthreads in (0, 2, 1):
        s.nthreads = nthreads
        assert rel_err(s.solve(a.data, bs[0]), refs[0]) <= RTOL
    # The GIL is released during solves; the solver serialises internally.
    with ThreadPoolExecutor(3) as pool:
        xs = list(pool.map(lambda b: s.solve(a.data, b), bs))
    for x, ref in zip(xs, refs):
        assert rel_err(x, ref) <= RTOL


@pytest.mark.parametrize(
    "make",
    [
        lambda B: B,  # row-major: read as Bᵀ in column-major order
        np.asfortranarray,
        lambda B: B[::2, 1:],  # strided: copied
        lambda B: B.astype(np.float32),  # converted
    ],
    ids=["c", "fortran", "strided", "float32"],
)
def test_gram_is_symmetric_btb(make, rng):
    B = make(rng.standard_normal((60, 9)))
    W = _linalg.gram(B)
    expected = np.asarray(B, dtype=float).T @ np.asarray(B, dtype=float)
    np.testing.assert_allclose(W, expected, rtol=1e-13, atol=1e-13 * np.abs(expected).max())
    np.testing.assert_array_equal(W, W.T)


# A column-major B of up to 128 columns goes to fastilt's own kernel (3 x 3
# tiles of columns, rows in chunks of 512, a 4-row vector loop): every edge.
@pytest.mark.parametrize("rows", [1, 3, 4, 5, 511, 512, 513, 1100])
@pytest.mark.parametrize("cols", [1, 2, 3, 4, 5, 6, 7, 9, 100, 128, 129])
def test_gram_kernel_matches_numpy_at_every_tile_edge(rows, cols, rng):
    B = np.asfortranarray(rng.standard_normal((rows, cols)))
    W = _linalg.gram(B)
    expected = B.T @ B
    np.testing.assert_allclose(W, expected, rtol=1e-13, atol=1e-13 * np.abs(expected).max())
    np.testing.assert_array_equal(W, W.T)


# Columns ending in exact zeros (kernel rows of short tau) are summed only up to
# their last non-zero: ends inside a group of 4, at a chunk edge, beyond it, none.
@pytest.mark.parametrize("ends", [[0, 1, 5, 1100], [511, 512, 513, 3, 1100, 7, 0], list(range(0, 1100, 97))])
def test_gram_kernel_with_zero_tails_matches_numpy(ends, rng):
    B = np.asfortranarray(rng.standard_normal((1100, len(ends))))
    for j, end in enumerate(ends):
        B[end:, j] = 0.0
    W = _linalg.gram(B)
    expected = B.T @ B
    np.testing.assert_allclose(W, expected, rtol=1e-13, atol=1e-13 * np.abs(expected).max())
    assert np.count_nonzero(W[np.asarray(ends) == 0]) == 0


@pytest.mark.parametrize("rows", [1, 3, 5, 513, 1025])
def test_gram_kernel_rounds_the_same_wherever_the_array_lies(rows, rng):
    # The kernel aligns its loads to the array's address: the sums must not change with it
    # (an inversion run twice, or in a batch, gives the same g to the bit).
    B = rng.standard_normal((rows, 7))
    results = []
    for offset in range(4):
        buffer = np.empty(B.size + 4)
        A = buffer[offset:offset + B.size].reshape(B.shape, order="F")
        A[...] = B
        results.append(_linalg.gram(A))
    for W in results[1:]:
        np.testing.assert_array_equal(W, results[0])


def test_gram_of_empty_and_bad_shapes():
    np.testing.assert_array_equal(_linalg.gram(np.zeros((0, 3))), np.zeros((3, 3)))
    assert _linalg.gram(np.zeros((4, 0))).shape == (0, 0)
    with pytest.raises(ValueError, match="2-D"):
        _linalg.gram(np.zeros(5))


# The products of a kernel matrix with a vector (Y = K m, fit = Kᵀ g): every
# remainder of the 16-wide dot products and of the 4-row, 4-column passes.
@pytest.mark.parametrize("rows", [0, 1, 3, 4, 5, 100])
@pytest.mark.parametrize("cols", [0, 1, 3, 4, 15, 16, 17, 33, 1024])
@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_matvec_matches_numpy(rows, cols, layout, rng):
    A = rng.standard_normal((rows, 2 * cols))
    A = A[:, ::2] if layout == "strided" else np.asarray(A[:, :cols], order=layout)
    x = rng.standard_normal(cols)
    y = _linalg.matvec(A, x)
    expected = A @ x
    assert y.shape == (rows,)
    np.testing.assert_allclose(y, expected, rtol=1e-13, atol=1e-13 * np.abs(A).sum(axis=1).max(initial=1))


@pytest.mark.parametrize("layout", ["C", "F"])
def test_matvec_rounds_the_same_wherever_the_arrays_lie(layout, rng):
    A0, x0 = rng.standard_normal((9, 37)), rng.standard_normal(37)
    results = []
    for offset in range(4):
        buffer = np.empty(A0.size + x0.size + 8)
        A = buffer[offset:offset + A0.size].reshape(A0.shape, order=layout)
        x = buffer[A0.size + 4 + offset:A0.size + 4 + offset + x0.size]
        A[...], x[...] = A0, x0
        results.append(_linalg.matvec(A, x))
    for y in results[1:]:
        np.testing.assert_array_equal(y, results[0])


def test_matvec_rejects_bad_shapes():
    with pytest.raises(ValueError, match="length 3, expected 4"):
        _linalg.matvec(np.zeros((2, 4)), np.zeros(3))
    with pytest.raises(ValueError, match="2-D"):
        _linalg.matvec(np.zeros(4), np.zeros(4))


# Dense systems up to kSmallCholeskyMax (128) are factored and solved by fastilt's
# own AVX2 kernels where the CPU has them, larger ones by LAPACK: both sides of the
# switch, every remainder of its 4-column panels and 12-row blocks.
@pytest.mark.parametrize("n", [*range(1, 18), 35, 63, 64, 65, 99, 100, 101, 127, 128, 129, 200])
def test_dense_solve_matches_scipy_across_the_small_kernel(n, rng):
    B = rng.standard_normal((n, n))
    A = B @ B.T + n * np.eye(n)
    b = rng.standard_normal((n, 3))
    x = _linalg.cholesky_solve_dense(A, b)
    expected = scipy.linalg.cho_solve(scipy.linalg.cho_factor(A, lower=True), b)
    np.testing.assert_allclose(x, expected, rtol=1e-12, atol=1e-12 * np.abs(expected).max())


@pytest.mark.parametrize("n, order", [(1, 1), (7, 7), (10, 3), (100, 1), (100, 57), (128, 128), (129, 60)])
def test_dense_not_positive_definite_names_lapacks_minor(n, order):
    A = np.diag(np.arange(1.0, n + 1))
    A[order - 1, order - 1] = -1.0
    with pytest.raises(_linalg.NotPositiveDefiniteError, match=rf"leading minor of order {order} is not positive"):
        _linalg.cholesky_solve_dense(A, np.ones(n))


def test_dense_nan_pivot_is_not_positive_definite():
    A = np.eye(5)
    A[2, 2] = np.nan
    with pytest.raises(_linalg.NotPositiveDefiniteError, match="order 3"):
        _linalg.cholesky_solve_dense(A, np.ones(5))


@pytest.mark.parametrize(
    "make",
    [
        lambda rng: rng.standard_normal((7, 13)),
        lambda rng: np.asfortranarray(np.exp(-np.outer(1 / np.logspace(-4, 1, 9), np.linspace(1e-3, 2, 101)))),
        lambda rng: np.where(rng.random((5, 8)) < 0.5, 0.0, -0.0),  # signed zeros are zeros
        lambda rng: rng.standard_normal((3, 40))[:, ::3],  # strided: copied
        lambda rng: np.zeros((4, 0)),
        lambda rng: np.zeros((0, 6)),
    ],
    ids=["normal", "fortran-kernel", "zeros", "strided", "no-columns", "no-rows"],
)
def test_row_summary_matches_numpy(make, rng):
    K = make(rng)
    finite, nonzeros, row_max, row_min = _linalg.row_summary(K)
    assert finite is True and nonzeros == np.count_nonzero(K)
    if K.shape[1]:
        np.testing.assert_array_equal(row_max, K.max(axis=1))
        np.testing.assert_array_equal(row_min, K.min(axis=1))
    else:
        assert np.all(row_max == -np.inf) and np.all(row_min == np.inf)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", [(0, 0), (2, 10), (4, 12)])  # in the vector body and in the remainder
def test_row_summary_finds_any_non_finite_value(bad, where, rng):
    K = rng.standard_normal((5, 13))
    K[where] = bad
    assert _linalg.row_summary(K)[0] is False


def test_kernel_statistics_of_the_core_and_of_numpy_agree(monkeypatch, rng):
    from fastilt import forward_model

    for K in (rng.standard_normal((6, 11)), np.zeros((3, 0)), np.array([[0.0, -0.0, 2.0], [np.inf, 1.0, 0.0]])):
        compiled = forward_model.kernel_statistics(K)
        with monkeypatch.context() as patch:
            patch.setattr(forward_model, "_compiled_row_summary", None)
            numpy = forward_model.kernel_statistics(K)
        assert (compiled.finite, compiled.nonzeros) == (numpy.finite, numpy.nonzeros)
        if compiled.finite:
            np.testing.assert_array_equal(compiled.row_max, numpy.row_max)
            np.testing.assert_array_equal(compiled.row_min, numpy.row_min)
