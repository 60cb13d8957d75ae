"""The band Cholesky factored as two halves on two cores (fastilt._linalg.SplitBandCholesky)
against the serial band solver, SciPy and, inside an inversion, the python fallback."""

import os
import sys

import numpy as np
import pytest
import scipy.linalg
import scipy.linalg.lapack
from hypothesis import given, settings
from hypothesis import strategies as st

import fastilt as ilt
from fastilt import _core, _linalg


def rel_err(x, ref):
    return np.linalg.norm(x - ref) / np.linalg.norm(ref)


def random_band(n, kd, rng, shift=None):
    """(kd+1, n) lower band storage of a random SPD band matrix (diagonally dominant by `shift`)."""
    ab = rng.standard_normal((kd + 1, n))
    for d in range(1, kd + 1):
        ab[d, n - d :] = 0.0  # outside the matrix
    ab[0] = np.abs(ab[0]) + (2 * kd + 1 if shift is None else shift)
    return ab


@pytest.mark.parametrize("n, kd", [(9, 3), (10, 3), (40, 1), (101, 10), (1000, 7), (3000, 40)])
@pytest.mark.parametrize("blocks", [1, 2])
def test_matches_scipy_and_serial_band(n, kd, blocks):
    rng = np.random.default_rng(n * 100 + kd)
    ab = random_band(n, kd, rng)
    b = rng.standard_normal(n)
    ref = scipy.linalg.solveh_banded(ab, b, lower=True)
    factor = _linalg.SplitBandCholesky(ab, blocks=blocks)
    assert factor.blocks == blocks
    assert rel_err(factor.solve(b), ref) <= 1e-12
    assert rel_err(factor.solve(b), _linalg.BandCholesky(ab).solve(b)) <= 1e-12


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 160), kd=st.integers(0, 40), blocks=st.sampled_from([1, 2]), seed=st.integers(0, 2**32 - 1))
def test_any_band_shape_matches_scipy(n, kd, blocks, seed):
    # fastilt's panel kernel (where the CPU has AVX2/FMA) or dpbtrf: panels of 4 against n not a
    # multiple of 4, rows in blocks of 12 against a band narrower or wider than 12, kd >= n.
    kd = min(kd, n - 1)
    if blocks == 2 and (kd < 1 or n < 3 * kd):
        blocks = 1
    rng = np.random.default_rng(seed)
    ab = random_band(n, kd, rng, shift=4 * (2 * kd + 1))  # diagonally dominant: positive definite
    B = rng.standard_normal((n, 2))
    ref = scipy.linalg.solveh_banded(ab, B, lower=True)
    assert rel_err(_linalg.SplitBandCholesky(ab, blocks=blocks).solve(B), ref) <= 1e-12


@pytest.mark.parametrize("blocks", [1, 2])
@pytest.mark.parametrize("row", [0, 3, 37, 299])
def test_not_positive_definite_names_lapacks_leading_minor(blocks, row):
    ab = random_band(300, 20, np.random.default_rng(3))
    ab[0, row] = -1.0
    order = scipy.linalg.lapack.dpbtrf(ab, lower=1)[1]
    assert order == row + 1
    with pytest.raises(_linalg.NotPositiveDefiniteError, match=rf"leading minor of order {order} "):
        _linalg.SplitBandCholesky(ab, blocks=1)
    if blocks == 2 and row < (300 - 20) // 2:  # in block 1, counted as in one band factorisation
        with pytest.raises(_linalg.NotPositiveDefiniteError, match=rf"leading minor of order {order} "):
            _linalg.SplitBandCholesky(ab, blocks=2)


def test_several_right_hand_sides_and_reuse():
    rng = np.random.default_rng(1)
    ab = random_band(500, 12, rng)
    factor = _linalg.SplitBandCholesky(ab, blocks=2)
    B = rng.standard_normal((500, 3))
    np.testing.assert_allclose(factor.solve(B), scipy.linalg.solveh_banded(ab, B, lower=True), rtol=1e-12)
    np.testing.assert_allclose(factor.solve(B[:, 1]), scipy.linalg.solveh_banded(ab, B[:, 1], lower=True),
                               rtol=1e-12)


@pytest.mark.parametrize("n, kd, expected", [(64 * 11, 10, 2), (64 * 11 - 1, 10, 1), (5000, 0, 1)])
def test_split_from_64_rows_per_bandwidth(n, kd, expected):
    ab = random_band(n, kd, np.random.default_rng(2))
    assert _linalg.SplitBandCholesky(ab).blocks == expected


@pytest.mark.parametrize("where", ["first block", "second block", "separator"])
def test_not_positive_definite_anywhere_raises(where):
    n, kd = 300, 5
    ab = random_band(n, kd, np.random.default_rng(3))
    # rows (n - kd) // 2 ... + kd are the separator
    row = {"first block": 10, "second block": n - 20, "separator": (n - kd) // 2 + 2}[where]
    ab[0, row] = -1.0
    with pytest.raises(np.linalg.LinAlgError) as info:
        _linalg.SplitBandCholesky(ab, blocks=2)
    assert type(info.value) is _linalg.NotPositiveDefiniteError


@pytest.mark.parametrize("blocks, message", [(3, "blocks must be 1, 2 or None, got 3"),
                                             (2, r"blocks=2 needs kd >= 1 and n >= 3 kd \(got n = 8, kd = 3\)")])
def test_bad_blocks_raise_value_error(blocks, message):
    ab = random_band(8, 3, np.random.default_rng(4))
    with pytest.raises(ValueError, match=message):
        _linalg.SplitBandCholesky(ab, blocks=blocks)


def pseudo2d(n_points, n_tau=16, seed=0):
    """8 x n_points spectra, n_tau tau: n_points * n_tau unknowns, band half-width 2 * n_tau."""
    rng = np.random.default_rng(seed)
    t = np.logspace(-3.5, 0.5, 8)
    freq = np.linspace(-1, 1, n_points)
    data = sum(a / (1 + ((freq - c) / w) ** 2)[None, :] * np.exp(-t[:, None] / t2)
               for a, c, w, t2 in [(100, -0.5, 0.05, 2e-3), (80, 0.3, 0.03, 0.3)])
    iltdata = ilt.iltload(data=data + rng.normal(size=data.shape), t=t)
    iltdata.init(np.logspace(-4, 1, n_tau), ilt.Exponential(), parameters={"maxloop": 40})
    return iltdata


def test_split_band_inversion_matches_fallback():
    # 3200 unknowns, kd = 32: the band is split (3200 >= 64 * 33).
    results = {}
    for backend, solver in (("compiled", "band"), ("compiled", "dense"), ("python", None)):
        iltdata = pseudo2d(200)
        iltdata.invert(solver=solver, backend=backend, verbose=0)
        results[backend, solver] = iltdata
    g_band, g_py = results["compiled", "band"].g, results["python", None].g
    assert rel_err(g_band, g_py) <= 1e-8
    assert rel_err(g_band, results["compiled", "dense"].g) <= 1e-8
    assert results["compiled", "band"].convergence == pytest.approx(results["python", None].convergence,
                                                                    rel=1e-6)


def test_series_of_spectra_forms_neither_w_nor_k0comp_until_read():
    # W = I ⊗ B: the band path reads B alone; ILTpy's W and K0comp are formed when read.
    import scipy.sparse as sp

    from fastilt.forward_model import kronecker_operator

    iltdata = pseudo2d(50, n_tau=6)
    assert "W" not in iltdata.__dict__ and "K0comp" not in iltdata.__dict__
    iltdata.invert(verbose=0)
    assert "W" not in iltdata.__dict__
    K0comp = iltdata.K0comp
    assert sp.issparse(K0comp)
    expected = kronecker_operator(iltdata.kernel_blocks, sparse=True)
    assert abs(K0comp - expected).max() == 0
    assert sp.issparse(iltdata.W)
    assert abs(K0comp.T @ K0comp - iltdata.W).max() <= 1e-12 * abs(iltdata.W).max()
    iltdata.invert(verbose=0, backend="python")
    assert iltdata.solver_type == ("default-sparse" if ilt.iltpy_version() == "1.0.0" else "iltpy-default")
    assert iltdata._is_kernel_sparse


def test_repeated_block_is_found_only_where_w_is_i_kron_b():
    from fastilt.forward_model import gram, repeated_block

    iltdata = pseudo2d(50, n_tau=6)
    B = iltdata.system.repeated_block
    K1 = iltdata.kernel_blocks[0]
    np.testing.assert_array_equal(B, gram(K1))
    weighted = pseudo2d(50, n_tau=6)
    weighted.init(np.logspace(-4, 1, 6), ilt.Exponential(), sigma=np.ones(weighted.data.shape))
    assert weighted.system.repeated_block is None  # W = Aᵀ Σ⁻² A
    dense = np.ones((8, 6))
    assert repeated_block([dense, dense]) is None  # both dimensions inverted
    assert repeated_block([dense]) is None
    import scipy.sparse as sp

    assert repeated_block([dense, 2 * sp.eye_array(5, format="csc")]) is None  # not the identity
    np.testing.assert_array_equal(repeated_block([dense, sp.eye_array(5, format="csc"), np.eye(3)]),
                                  dense.T @ dense)


def band_iteration(iltdata, system):
    it = _core.Iteration(iltdata.penalty_model, y=np.ravel(iltdata.Y), maxloop=15, conv_limit=0.0, system=system)
    it.start_from_solve()
    it.run(None)
    return it


@pytest.mark.parametrize("n_points", [20, 200])  # 200: the band is split (3200 >= 64 * 33)
def test_band_from_repeated_block_equals_band_from_w(n_points):
    import scipy.sparse as sp

    iltdata = pseudo2d(n_points)
    B = iltdata.system.repeated_block
    from fastilt.directions import gamma_stencil

    W = sp.csc_array(sp.kron(sp.eye_array(n_points), B))
    kd = gamma_stencil(iltdata.directions, tuple(iltdata.Nx))[1]  # the stencil's reach, 2 * (16 + 1)
    from_block = band_iteration(iltdata, _core.repeated_block_band_system(B, kd))
    from_w = band_iteration(iltdata, _core.band_system(W.data, W.indptr, W.indices, kd))
    np.testing.assert_array_equal(from_block.g, from_w.g)
    assert list(from_block.convergence) == list(from_w.convergence)


@pytest.mark.parametrize(
    "block, kd, message",
    [
        (np.eye(7), 32, "block size must divide n"),
        (np.ones((16, 15)), 32, "block must be square"),
        (np.eye(16), 14, "W is wider than the bandwidth"),
        (np.eye(16), 31, "bandwidth smaller than the stencil"),
    ],
)
def test_bad_repeated_block_raises_value_error(block, kd, message):
    with pytest.raises(ValueError, match=message):
        band_iteration(pseudo2d(20), _core.repeated_block_band_system(block, kd))


def _compiled_and_fallback(make):
    results = []
    for backend in ("compiled", "python"):
        iltdata = make()
        iltdata.invert(verbose=0, backend=backend, solver="band" if backend == "compiled" else None)
        results.append(iltdata)
    return results


def test_series_along_two_kept_axes_is_one_repeated_block():
    # 8 delays x 12 x 10 spectral points: W = I ⊗ I ⊗ B, still one block B.
    rng = np.random.default_rng(3)
    t = np.logspace(-3.5, 0.5, 8)
    data = 100 * np.exp(-t / 0.05)[:, None, None] * rng.uniform(0.5, 1, (1, 12, 10)) + rng.normal(size=(8, 12, 10))

    def make():
        iltdata = ilt.iltload(data=data, t=[t, np.arange(12.0), np.arange(10.0)])
        iltdata.init([np.logspace(-4, 1, 9)], [ilt.Exponential(), ilt.Identity(), ilt.Identity()],
                     parameters={"maxloop": 30})
        return iltdata

    assert make().system.repeated_block.shape == (9, 9)
    compiled, python = _compiled_and_fallback(make)
    assert rel_err(compiled.g, python.g) <= 1e-8


def test_weighted_series_keeps_w_and_agrees_with_the_fallback():
    # Noise weights: W = Aᵀ Σ⁻² A is no repeated block; the band reads W's CSC arrays.
    def make():
        iltdata = pseudo2d(40, n_tau=8)
        sigma = np.linspace(0.5, 2, iltdata.data.size).reshape(iltdata.data.shape)
        iltdata.init(np.logspace(-4, 1, 8), ilt.Exponential(), sigma=sigma, parameters={"maxloop": 30})
        return iltdata

    assert make().system.repeated_block is None and "W" in vars(make())
    compiled, python = _compiled_and_fallback(make)
    assert rel_err(compiled.g, python.g) <= 1e-8


_HELPER_AFFINITY = """
import json, os
import numpy as np
from fastilt import _linalg
from test_split_band import random_band
main = os.sched_getaffinity(0)
ab = random_band(64 * 51, 50, np.random.default_rng(5))
_linalg.SplitBandCholesky(ab, blocks=2)  # the two blocks on two threads
tasks = [int(t) for t in os.listdir("/proc/self/task")]
print(json.dumps([sorted(main), os.sched_getaffinity(0) == main,
                  [sorted(os.sched_getaffinity(t)) for t in tasks if os.sched_getaffinity(t) != main]]))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="thread affinity is set on Linux only")
def test_the_helper_of_a_split_keeps_off_the_callers_cpu():
    # Linux wakes a helper on its caller's core when every core is busy, where
    # the two would share one core; fastilt's helper keeps off that CPU.  The
    # caller's own affinity is left alone.
    import json
    import subprocess

    if not ilt.show_config("dicts")["openmp"]["found"]:
        pytest.skip("built without OpenMP: no helper threads")
    allowed = os.sched_getaffinity(0)
    if len(allowed) < 2:
        pytest.skip("one CPU allowed: nowhere else for a helper")
    done = subprocess.run([sys.executable, "-c", _HELPER_AFFINITY], capture_output=True, text=True, check=True,
                          env={**os.environ, "OMP_NUM_THREADS": "2", "PYTHONPATH": os.path.dirname(__file__)})
    main, main_unchanged, restricted = json.loads(done.stdout)
    assert main == sorted(allowed) and main_unchanged
    assert len(restricted) == 1  # the one helper
    assert len(restricted[0]) == len(main) - 1 and set(restricted[0]) < set(main)


@pytest.mark.parametrize("n_points, parts", [(20, 1), (200, 2)])  # 200: 3200 >= 64 * 35, split
def test_a_band_in_two_halves_has_two_parallel_parts(n_points, parts):
    from fastilt.directions import gamma_stencil

    iltdata = pseudo2d(n_points)
    kd = gamma_stencil(iltdata.directions, tuple(iltdata.Nx))[1]
    system = _core.repeated_block_band_system(iltdata.system.repeated_block, kd)
    assert band_iteration(iltdata, system).parallel_parts == parts


def test_iltstats_of_bands_in_two_halves_equals_separate_inversions():
    # Such a batch runs its samples one after the other on the calling thread, each solve on both
    # cores (a lone worker): every sample exactly what its own inversion gives.
    import warnings

    from fastilt.statistics import iltstats

    iltdata = pseudo2d(200)
    iltdata.invert(verbose=0)
    stats = iltstats(iltdata, n=3, verbose=0, random_seed=1)
    for sample, g in zip(stats["data_samples"], stats["g_list"]):
        one = ilt.iltload(data=sample, t=iltdata.t_input)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            one.init(iltdata.tau, iltdata.kernel, parameters=iltdata.user_parameters)
        one.invert(verbose=0)
        np.testing.assert_array_equal(g, one.g)
