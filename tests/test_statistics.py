"""iltstats: noise samples as ILTpy draws them, reproducible, consistent, errors first."""

import warnings

import numpy as np
import pytest

import fastilt as ilt
from fastilt.statistics import STATISTICS_KEYS, iltstats
from reference_cases import CASES, initialised_case, inverted_case, reference

ILTPY_KEYS = {
    "g_list", "fit_list", "residuals_list", "noise_samples", "data_samples",
    "g_mean", "fit_mean", "residuals_mean", "g_std", "fit_std", "residuals_std",
    "g_conf_interval", "fit_conf_interval",
}



@pytest.fixture(scope="module")
def small():
    return inverted_case("1d_exponential_default", maxloop=25)


@pytest.fixture(scope="module")
def stats_run(small):
    """One parallel run (loky, 2 workers) with a fixed seed, shared by several tests."""
    statistics = iltstats(small, n=3, n_jobs=2, verbose=0, random_seed=1234)
    return {name: (list(v) if isinstance(v, list) else v) for name, v in statistics.items()}


def test_keys_are_iltpys(stats_run):
    assert set(stats_run) == ILTPY_KEYS == set(STATISTICS_KEYS)


def test_noise_is_drawn_like_iltpy_1_1(small, stats_run):
    # stats_run follows the default release, 1.1: one default_rng, one draw per sample
    assert ilt.iltpy_version() == "1.1.0"
    rng = np.random.default_rng(1234)
    expected = [rng.standard_normal(small.fit.shape) for _ in range(3)]
    assert len(stats_run["noise_samples"]) == 3
    for drawn, want in zip(stats_run["noise_samples"], expected):
        np.testing.assert_array_equal(drawn, want)
    for sample, noise in zip(stats_run["data_samples"], expected):
        np.testing.assert_array_equal(sample, small.fit + noise)


def test_noise_is_drawn_like_iltpy_1_0_when_it_is_followed(small, follow):
    follow("1.0.0")
    statistics = iltstats(small, n=2, n_jobs=1, verbose=0, random_seed=1234)
    np.random.seed(1234)
    expected = [np.random.randn(*small.fit.shape) for _ in range(2)]
    for drawn, want in zip(statistics["noise_samples"], expected):
        np.testing.assert_array_equal(drawn, want)
    follow("1.1.0")
    newer = iltstats(small, n=2, n_jobs=1, verbose=0, random_seed=1234)
    assert not np.array_equal(newer["noise_samples"][0], statistics["noise_samples"][0])


def test_same_seed_same_statistics(small, stats_run):
    # Same samples; the inversions agree to rounding (threaded BLAS may sum in another order).
    again = iltstats(small, n=3, n_jobs=1, verbose=0, random_seed=1234)
    for name in ILTPY_KEYS:
        first, second = stats_run[name], again[name]
        if isinstance(first, list):
            assert len(first) == len(second)
            for a, b in zip(first, second):
                np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)
        else:
            np.testing.assert_allclose(first, second, rtol=1e-9, atol=1e-10)


def test_summaries_match_the_samples(small, stats_run):
    for name in ("g", "fit", "residuals"):
        stack = np.array(stats_run[f"{name}_list"])
        assert stack.shape == (3,) + np.shape(getattr(small, name))
        np.testing.assert_allclose(stats_run[f"{name}_mean"], stack.mean(axis=0), rtol=0, atol=1e-12)
        np.testing.assert_allclose(stats_run[f"{name}_std"], stack.std(axis=0), rtol=0, atol=1e-12)
    for name in ("g", "fit"):
        low, high = stats_run[f"{name}_conf_interval"]
        mean, std = stats_run[f"{name}_mean"], stats_run[f"{name}_std"]
        np.testing.assert_allclose(low, mean - std, atol=1e-12)
        np.testing.assert_allclose(high, mean + std, atol=1e-12)
    for fit, residuals, sample in zip(stats_run["fit_list"], stats_run["residuals_list"], stats_run["data_samples"]):
        np.testing.assert_allclose(residuals, fit - sample, atol=1e-9)


def test_each_sample_is_a_plain_reinversion_with_the_same_settings():
    """User parameters (here maxloop, alpha_00, reg_bc, ...) carry over to every re-inversion."""
    data = inverted_case("1d_exponential_params")
    statistics = iltstats(data, n=2, n_jobs=1, verbose=0, random_seed=5)
    ref = reference("1d_exponential_params")
    fresh = ilt.iltload(data=statistics["data_samples"][1], t=ref["t0"])
    fresh.init(ref["tau0"], ilt.Exponential(), parameters=CASES["1d_exponential_params"]["params"])
    fresh.invert(verbose=0)
    np.testing.assert_allclose(statistics["g_list"][1], fresh.g, rtol=0, atol=1e-10 * np.abs(fresh.g).max())


@pytest.mark.parametrize("release", ["1.0.0", "1.1.0"])
def test_sigma_and_the_unit_noise_as_each_release(release, follow):
    # ILTpy 1.0 re-initialises the same object (the weights kept); 1.1 inits a fresh one
    # with tau, kernel and the last init's parameters only (unweighted), and fastilt warns.
    follow(release)
    data = inverted_case("1d_exponential_sigma", maxloop=20)
    assert np.ptp(data.sigma) > 0  # a real weighting: scaled noise would differ
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        statistics = iltstats(data, n=2, n_jobs=1, verbose=0, random_seed=9)
    dropped = [w for w in caught if "without sigma, so unweighted" in str(w.message)]
    assert len(dropped) == (release == "1.1.0")
    for sample, noise in zip(statistics["data_samples"], statistics["noise_samples"]):
        np.testing.assert_array_equal(sample, data.fit + noise)
    ref = reference("1d_exponential_sigma")
    fresh = ilt.iltload(data=statistics["data_samples"][0], t=ref["t0"])
    weights = {"sigma": ref["sigma"]} if release == "1.0.0" else {}
    fresh.init(ref["tau0"], ilt.Exponential(), parameters={"maxloop": 20}, **weights)
    fresh.invert(verbose=0)
    np.testing.assert_allclose(statistics["g_list"][0], fresh.g, rtol=0, atol=1e-10 * np.abs(fresh.g).max())


@pytest.mark.parametrize("release", ["1.0.0", "1.1.0"])
def test_dim_ndim_as_each_release(release, follow):
    follow(release)
    data = inverted_case("pseudo2d_exponential_dim_ndim", maxloop=3)
    statistics = iltstats(data, n=2, n_jobs=1, verbose=0, random_seed=3)
    ref = reference("pseudo2d_exponential_dim_ndim")
    fresh = ilt.iltload(data=statistics["data_samples"][0], t=ref["t0"])
    axis = {"dim_ndim": ref["dim_ndim"]} if release == "1.0.0" else {}
    fresh.init(data.tau if release == "1.1.0" else ref["tau0"], data.kernel if release == "1.1.0" else ilt.Exponential(),
               parameters={"maxloop": 3}, **axis)
    fresh.invert(verbose=0)
    assert statistics["g_list"][0].shape == data.g.shape
    np.testing.assert_allclose(statistics["g_list"][0], fresh.g, rtol=0, atol=1e-10 * np.abs(fresh.g).max())


def test_method_sets_the_attribute(small):
    small.iltstats(n=2, n_jobs=1, verbose=0, random_seed=0)
    assert set(small.statistics) == ILTPY_KEYS
    assert len(small.statistics["g_list"]) == 2


def test_not_inverted_is_a_runtime_error():
    data = initialised_case("1d_exponential_default")
    with pytest.raises(RuntimeError, match="inverted"):
        iltstats(data, n=3)
    with pytest.raises(RuntimeError):
        data.iltstats(n=1)  # checked before n


@pytest.mark.parametrize("n", [1, 0, -4])
def test_too_few_samples_is_a_value_error_before_any_work(small, n, monkeypatch):
    import joblib

    def forbidden(*args, **kwargs):
        raise AssertionError("no work may start for an invalid n")

    monkeypatch.setattr(joblib, "Parallel", forbidden)
    state = np.random.get_state()
    with pytest.raises(ValueError, match="n"):
        iltstats(small, n=n, random_seed=1)
    after = np.random.get_state()
    assert state[0] == after[0] and np.array_equal(state[1], after[1]) and state[2:] == after[2:]


@pytest.mark.parametrize("n", [2.5, "3", True])
def test_non_integer_n_is_a_type_error(small, n):
    with pytest.raises(TypeError):
        iltstats(small, n=n)


def test_bad_solver_is_a_type_error(small):
    with pytest.raises(TypeError):
        iltstats(small, n=2, solver=42)


# --- the samples as one compiled batch, or through joblib: the same statistics -----------


def _low_rank_map():
    """A 2D map the 'auto' plan solves in the low-rank form (24 x 24 tau: above LOW_RANK_MIN)."""
    rng = np.random.default_rng(4)
    t = [np.logspace(-3, 0.5, 40), np.logspace(-2.5, 1, 20)]
    tau = [np.logspace(-3, 1, 24), np.logspace(-2.5, 1.5, 24)]
    signal = 300 * np.outer(np.exp(-t[0] / 2e-2), np.exp(-t[1] / 0.3))
    data = ilt.iltload(data=signal + rng.normal(size=signal.shape), t=t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        data.init(tau, [ilt.Exponential(), ilt.Exponential()], parameters={"maxloop": 12})
    data.invert(verbose=0)
    assert data.solver == "lowrank"
    return data


@pytest.mark.parametrize("case", ["1d_exponential_sb", "1d_exponential_sigma", "pseudo2d_exponential_8x128",
                                  "2d_exponential_default", "low-rank map"])
@pytest.mark.parametrize("release", ["1.0.0", "1.1.0"])
def test_the_batch_gives_what_one_invert_per_sample_gives(case, release, follow):
    import joblib

    follow(release)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 1.1 drops sigma, and says so
        data = _low_rank_map() if case == "low-rank map" else inverted_case(case, maxloop=12)
        batch = iltstats(data, n=3, n_jobs=2, verbose=0, random_seed=11)
        with joblib.parallel_config(backend="threading"):  # joblib's way: one invert per sample
            alone = iltstats(data, n=3, n_jobs=2, verbose=0, random_seed=11)
    for name in ("g_list", "fit_list", "residuals_list"):
        for a, b in zip(batch[name], alone[name]):
            assert a.shape == b.shape
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-10 * np.abs(b).max())


def test_the_samples_run_as_a_batch_unless_joblib_or_a_solver_is_chosen():
    import joblib

    from fastilt.statistics import _as_batch

    assert _as_batch(None, "compiled")
    assert not _as_batch("dense", "compiled")  # a solver of the caller's: one invert each
    assert not _as_batch(None, "python")  # the NumPy backend: joblib's processes
    with joblib.parallel_config(backend="threading"):
        assert not _as_batch(None, "compiled")
