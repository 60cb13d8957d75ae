"""Behaviour decided against ILTpy 1.0.0 (README: "Where fastilt follows ILTpy"): iltstats with
sigma, the report name prefix and ILTpy's alt_g hints."""

import re
import warnings

import numpy as np
import pytest

import fastilt as ilt
from fastilt import inversion
from fastilt.reporting import DEFAULT_PREFIX, report_paths
from fastilt.statistics import iltstats
from reference_cases import inverted_case, reference

REF2 = reference("2d_exponential_default")
T2, TAU2 = [REF2["t0"], REF2["t1"]], [REF2["tau0"], REF2["tau1"]]
HINT_6 = "Setting alt_g equal to 6 may show better performance for this inversion."
HINT_0 = "Setting alt_g equal to 0 may show better performance for this inversion."


def hints(data, t, tau, kernel, **parameters):
    iltdata = ilt.iltload(data=data, t=t)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        iltdata.init(tau, kernel, parameters=parameters or None)
    return [str(w.message) for w in caught if "alt_g" in str(w.message)]


# --------------------------------------------------------------- iltstats with sigma
@pytest.mark.parametrize("release", ["1.0.0", "1.1.0"])
def test_iltstats_adds_unit_noise_with_sigma_weights_as_each_release(release):
    """ILTpy: data samples are fit + unit noise; 1.0 re-inverts with the same sigma, 1.1 without it."""
    previous = ilt.set_iltpy_version(release)
    try:
        data = inverted_case("1d_exponential_sigma", maxloop=10)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # 1.1: sigma is not passed on (tested in test_statistics)
            statistics = iltstats(data, n=2, n_jobs=1, verbose=0, random_seed=3)
    finally:
        ilt.set_iltpy_version(previous)
    for sample, expected in zip(statistics["data_samples"], draw_noise_as(release, data.fit.shape, 2, 3)):
        np.testing.assert_array_equal(sample, data.fit + expected)
    ref = reference("1d_exponential_sigma")
    weighted, unweighted = (ilt.iltload(data=statistics["data_samples"][1], t=ref["t0"]) for _ in range(2))
    weighted.init(ref["tau0"], ilt.Exponential(), sigma=ref["sigma"], parameters={"maxloop": 10})
    unweighted.init(ref["tau0"], ilt.Exponential(), parameters={"maxloop": 10})
    for one in (weighted, unweighted):
        one.invert(verbose=0)
    same, other = (weighted, unweighted) if release == "1.0.0" else (unweighted, weighted)
    scale = np.abs(same.g).max()
    np.testing.assert_allclose(statistics["g_list"][1], same.g, rtol=0, atol=1e-10 * scale)
    assert np.abs(statistics["g_list"][1] - other.g).max() > 1e-6 * scale


def draw_noise_as(release, shape, n, seed):
    """The noise ILTpy ``release`` draws for ``iltstats(n, random_seed=seed)``."""
    if release == "1.0.0":
        np.random.seed(seed)
        return [np.random.randn(*shape) for _ in range(n)]
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for _ in range(n)]


# ------------------------------------------------------------------- report names
def test_reports_without_a_name_keep_iltpys_prefix(tmp_path):
    assert DEFAULT_PREFIX == "iltpy_"
    paths = report_paths(tmp_path)
    assert re.fullmatch(r"iltpy_\d{8}_\d{6}\.txt", paths["report"].name)


# ---------------------------------------------------------------------- alt_g hints
def test_no_alt_g_hint_with_the_compiled_core():
    assert inversion.compiled_available()
    assert hints(REF2["data"], T2, TAU2, [ilt.Exponential()] * 2) == []
    assert hints(REF2["data"], T2, TAU2, [ilt.Exponential()] * 2, alt_g=6) == []


def test_iltpys_alt_g_hints_where_only_the_python_backend_runs(monkeypatch):
    monkeypatch.setattr(inversion, "compiled_available", lambda: False)
    # dense 2D kernels (sparsity < 0.6): ILTpy suggests alt_g 6 ...
    assert hints(REF2["data"], T2, TAU2, [ilt.Exponential()] * 2) == [HINT_6]
    # ... not for 1D data, and suggests alt_g 0 for sparse kernels (sparsity > 0.7)
    ref = reference("1d_exponential_default")
    assert hints(ref["data"], ref["t0"], ref["tau0"], ilt.Exponential()) == []
    t = np.linspace(0.01, 2, 8)
    pseudo = np.exp(-t[:, None] / np.linspace(0.2, 1, 40)[None, :])
    assert hints(pseudo, t, np.logspace(-2, 1, 12), ilt.Exponential(), alt_g=6) == [HINT_0]
