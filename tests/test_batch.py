"""invert_many: every item equals its own iltload/init/invert; bad items are named first."""

import numpy as np
import pytest

import fastilt as ilt
from fastilt import _core
from fastilt.batch import BatchResult
from fastilt.errors import InvalidItemError

T = np.linspace(1e-3, 2, 256)
TAU = np.logspace(-4, 1, 40)


def cpmg_stack(n, seed=0, t=T):
    rng = np.random.default_rng(seed)
    short, long = 10 ** rng.uniform(-2.5, -1, n), 10 ** rng.uniform(-1, 0, n)
    return 100 * np.exp(-t / short[:, None]) + 50 * np.exp(-t / long[:, None]) + rng.normal(size=(n, t.size))


def t1t2_stack(n, seed=1):
    rng = np.random.default_rng(seed)
    t1, t2 = np.logspace(-3, 0.5, 6), np.linspace(1e-3, 1, 48)
    maps = [100 * np.outer(1 - 2 * np.exp(-t1 / 10 ** rng.uniform(-2, -0.5)), np.exp(-t2 / 10 ** rng.uniform(-2, -0.5)))
            + rng.normal(size=(6, 48)) for _ in range(n)]
    return np.array(maps), [t1, t2]


def alone(item, t, tau, kernel, parameters=None, backend="auto"):
    d = ilt.iltload(data=item, t=t)
    d.init(tau, kernel, parameters=parameters)
    d.invert(verbose=0, backend=backend)
    return d


def assert_items_alone(result, stack, t, tau, kernel, parameters=None, backend="auto"):
    for i, item in enumerate(stack):
        d = alone(item, t, tau, kernel, parameters, backend)
        assert np.linalg.norm(result.g[i] - d.g) <= 1e-10 * np.linalg.norm(d.g), f"item {i}"
        assert result.iterations[i] == sum(c is not None for c in d.convergence), f"item {i}"
        np.testing.assert_allclose(result.fit[i], d.fit, rtol=1e-10, atol=1e-10 * np.abs(d.fit).max())
        np.testing.assert_allclose(result.residuals[i], d.residuals, rtol=0, atol=1e-9 * np.abs(d.fit).max())
        done = [c for c in d.convergence if c is not None]
        np.testing.assert_allclose(result.convergence[i, : len(done)], done, rtol=1e-8)
        assert np.all(np.isnan(result.convergence[i, len(done):]))


@pytest.mark.parametrize("backend", ["compiled", "python"])
def test_1d_items_equal_single_inversions(backend):
    stack = cpmg_stack(5)
    result = ilt.invert_many(stack, T, TAU, ilt.Exponential(), n_jobs=2, verbose=0, backend=backend)
    assert isinstance(result, BatchResult) and len(result) == 5
    assert result.g.shape == (5, TAU.size) and result.fit.shape == stack.shape
    assert result.backend == backend and not result.masked.size
    assert_items_alone(result, stack, T, TAU, ilt.Exponential(), backend=backend)


def test_1d_compressed_with_baseline_equals_single_inversions():
    stack = cpmg_stack(3, seed=3) + 7.0
    parameters = {"compress": True, "s": 12, "sb": True, "maxloop": 40}
    result = ilt.invert_many(stack, T, TAU, ilt.Exponential(), parameters, verbose=0)
    assert result.g.shape == (3, TAU.size + 1)  # the baseline is the last value, as in IltData.g
    assert_items_alone(result, stack, T, TAU, ilt.Exponential(), parameters)


@pytest.mark.parametrize("ntau", [8, 24])  # dense; low-rank (>= 500 unknowns) where CHOLMOD is built
def test_2d_items_equal_single_inversions(ntau):
    stack, t = t1t2_stack(3)
    tau = [np.logspace(-3, 1, ntau)] * 2
    kernels = [ilt.Exponential(), ilt.Exponential()]
    result = ilt.invert_many(stack, t, tau, kernels, {"maxloop": 30}, verbose=0)
    assert result.g.shape == (3, ntau, ntau)
    assert_items_alone(result, stack, t, tau, kernels, {"maxloop": 30})


@pytest.mark.skipif(not _core.HAVE_CHOLMOD, reason="the low-rank form needs CHOLMOD")
def test_low_rank_items_do_not_depend_on_the_item_before():
    # Each inversion's CG starts from its own last solution; a new item starts
    # afresh, so the same items in the other order give the same bits.
    stack, t = t1t2_stack(3)
    tau = [np.logspace(-3, 1, 24)] * 2
    kernels = [ilt.Exponential(), ilt.Exponential()]
    runs = [ilt.invert_many(items, t, tau, kernels, {"maxloop": 30}, n_jobs=1, verbose=0)
            for items in (stack, stack[::-1])]
    assert runs[0].solver == "lowrank"
    np.testing.assert_array_equal(runs[0].g, runs[1].g[::-1])


def test_compiled_and_python_batches_agree():
    stack = cpmg_stack(3, seed=5)
    runs = [ilt.invert_many(stack, T, TAU, ilt.Exponential(), verbose=0, backend=b) for b in ("compiled", "python")]
    np.testing.assert_array_equal(runs[0].iterations, runs[1].iterations)
    for compiled, python in zip(runs[0].g, runs[1].g):
        assert np.linalg.norm(compiled - python) <= 1e-8 * np.linalg.norm(python)


def test_threads_do_not_change_results():
    stack = cpmg_stack(6, seed=2)
    one = ilt.invert_many(stack, T, TAU, ilt.Exponential(), n_jobs=1, verbose=0)
    two = ilt.invert_many(stack, T, TAU, ilt.Exponential(), n_jobs=2, verbose=1)
    np.testing.assert_array_equal(one.g, two.g)
    np.testing.assert_array_equal(one.iterations, two.iterations)


@pytest.mark.parametrize("bad, reason", [(np.nan, "NaN"), (0.0, "all zero")])
def test_bad_item_is_named_before_any_work(bad, reason):
    stack = cpmg_stack(4)
    stack[2] = bad if bad == 0 else stack[2]
    if bad != 0:
        stack[2, 10] = bad
    with pytest.raises(InvalidItemError, match=f"item 2 .*{reason}") as info:
        ilt.invert_many(stack, T, TAU, ilt.Exponential(), verbose=0)
    assert list(info.value.items) == [2]
    assert isinstance(info.value, ValueError)


def test_masked_items_are_nan_rows_and_listed():
    stack = cpmg_stack(4)
    stack[1, 5] = np.inf
    stack[3] = 0
    result = ilt.invert_many(stack, T, TAU, ilt.Exponential(), verbose=0, on_invalid="mask")
    np.testing.assert_array_equal(result.masked, [1, 3])
    np.testing.assert_array_equal(result.status, [0, 1, 0, 2])
    for i in (1, 3):
        assert np.all(np.isnan(result.g[i])) and np.all(np.isnan(result.fit[i]))
        assert result.iterations[i] == 0 and not result.converged[i]
    assert "masked item 1: contains NaN" in result.report() and "masked item 3: is all zero" in result.report()
    assert_items_alone(_rows(result, [0, 2]), stack[[0, 2]], T, TAU, ilt.Exponential())


def _rows(result, rows):
    return BatchResult(**{**result.__dict__, **{name: getattr(result, name)[rows] for name in (
        "g", "fit", "residuals", "convergence", "iterations", "converged", "status")}})


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_jobs": 0}, ValueError, "n_jobs"),
    ({"n_jobs": 1.5}, TypeError, "n_jobs"),
    ({"on_invalid": "skip"}, ValueError, "on_invalid"),
    ({"backend": "gpu"}, ValueError, "backend"),
])
def test_bad_options_raise_first(kwargs, error, match):
    with pytest.raises(error, match=match):
        ilt.invert_many(cpmg_stack(2), T, TAU, ilt.Exponential(), verbose=0, **kwargs)


def test_data_without_item_axis_is_refused():
    with pytest.raises(ValueError, match="one data set per item along axis 0"):
        ilt.invert_many(cpmg_stack(1)[0], T, TAU, ilt.Exponential())
    with pytest.raises(TypeError, match="real"):
        ilt.invert_many(cpmg_stack(2) * 1j, T, TAU, ilt.Exponential())


def test_with_data_refuses_other_shapes():
    d = ilt.iltload(data=cpmg_stack(1)[0], t=T)
    d.init(TAU, ilt.Exponential())
    with pytest.raises(ValueError, match=r"shape \(10,\)"):
        d.with_data(np.ones(10))
    with pytest.raises(ValueError, match="NaN"):
        d.with_data(np.full(T.size, np.nan))


def test_hydrocarbon_example_runs_in_one_call(tmp_path):
    from pathlib import Path

    import matplotlib

    from test_gallery import run_example

    matplotlib.use("Agg")
    examples = Path(__file__).resolve().parent.parent / "examples"
    out = run_example(examples / "batch_hydrocarbons.py", "--quick", "--outdir", str(tmp_path))
    assert out["png"].is_file()
    assert out["result"].g.shape == (25, 41) and not out["result"].masked.size
    means = out["log_means"].reshape(5, 5).mean(axis=1)  # toluene ... iso-cetane
    assert means[0] > means[3] > means[4] and 0.4 < means[4] < 0.6
    assert np.all(np.std(out["result"].residuals, axis=1) < 6)


def test_hydrocarbon_data_keep_their_attribution():
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "examples" / "data" / "nmr1d_cpmg_hydrocarbons_arts"
    source = (folder / "SOURCE.md").read_text()
    assert "Repository" in source and "CC BY-SA 4.0" in source
    assert "CC BY-SA 4.0" in (folder / "LICENSE.txt").read_text()


def test_item_with_non_finite_arithmetic_is_named():
    """An item whose iteration overflows (data near the float maximum) stops the batch with its index."""
    stack = cpmg_stack(3, seed=7)
    stack[1] *= 1e306
    with np.errstate(over="ignore"), pytest.raises(ilt.errors.NonFiniteError, match=r"^item 1: g is NaN or infinite"):
        ilt.invert_many(stack, T, TAU, ilt.Exponential(), n_jobs=2, verbose=0)


def test_the_memory_limit_holds_for_the_batch_as_a_whole(monkeypatch):
    """One item fits in FASTILT_MAX_MEMORY, the results of 2000 do not: refused before any work."""
    t = np.linspace(0.001, 1, 100)
    stack = np.tile(100 * np.exp(-t / 0.05), (2000, 1))
    monkeypatch.setenv("FASTILT_MAX_MEMORY", "2M")
    one = ilt.invert_many(stack[:2], t, np.logspace(-3, 1, 30), ilt.Exponential(), verbose=0)
    assert one.iterations.min() > 0
    with pytest.raises(MemoryError, match=r"^inverting 2000 items of 30 unknowns .*FASTILT_MAX_MEMORY"):
        ilt.invert_many(stack, t, np.logspace(-3, 1, 30), ilt.Exponential(), verbose=0)


def test_residual_sd_in_noise_units_and_the_report_says_when_off():
    # The diagnosis's first check, item by item: a stack ten times above unit noise is named.
    t = np.linspace(0.001, 1, 120)
    stack = np.array([100 * np.exp(-t / T2) for T2 in (0.03, 0.1)])
    stack = stack + np.random.default_rng(5).normal(size=stack.shape)
    tau = np.logspace(-3, 1, 30)
    result = ilt.invert_many(stack, t, tau, ilt.Exponential(), verbose=0)
    alone = ilt.iltload(data=stack[1], t=t)
    alone.init(tau, ilt.Exponential())
    alone.invert(verbose=0)
    assert result.residual_sd[1] == pytest.approx(alone.diagnostics().residual_sd, rel=1e-9)
    assert "outside" not in result.report()
    loud = ilt.invert_many(10 * stack, t, tau, ilt.Exponential(), verbose=0)
    assert "outside 0.8..1.25 for 2 item(s), e.g. [0, 1]: scale the stack to unit noise" in loud.report()
