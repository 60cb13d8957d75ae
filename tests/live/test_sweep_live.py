"""fastilt against each live ILTpy release on generated problems (hypothesis, derandomised).

1D, pseudo-2D and 2D problems with the options users combine: ``nn``, ``sb``,
``sigma``, ``compress``, ``alt_g``, user kernels made by ``iltkernel`` (a 1.0
subclass for ILTpy 1.0.0), and ``iltstats`` with a seed.  Each problem is
inverted by the release's own worker process and by fastilt following that
release: g, fit, residuals (and statistics) within 1e-6, equal iterations.
"""

import numpy as np
import pytest
from conftest import VERSIONS, assert_agree, fastilt_result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

STRETCHED = {"name": "stretched", "source": "lambda t, tau: np.exp(-t / tau) ** 0.7"}


@st.composite
def problems_1d(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    n, n_tau = draw(st.integers(40, 160)), draw(st.integers(12, 36))
    kernel = draw(st.sampled_from(["exponential", "gaussian", STRETCHED]))
    t = np.linspace(1e-3, 1.0, n)
    data = 80 * np.exp(-t / 0.03) + 40 * np.exp(-t / 0.3) + rng.standard_normal(n)
    weighted = draw(st.booleans())
    params = {"maxloop": draw(st.integers(10, 50)), "nn": draw(st.booleans())}
    params["alt_g"] = draw(st.sampled_from([0, 4] if weighted else [0, 6]))
    if params["alt_g"] == 0 and draw(st.booleans()):
        params["sb"] = True
    if draw(st.booleans()):
        params.update(compress=True, s=draw(st.integers(6, 12)))
    if kernel == STRETCHED:
        params["base_tau"] = 1
    return {
        "data": data, "t": [t], "tau": [np.logspace(-3, 1, n_tau)], "kernels": [kernel], "params": params,
        "sigma": rng.uniform(0.8, 1.2, n) if weighted else None, "dim_ndim": None,
        "stats": {"n": 2, "seed": draw(st.integers(0, 1000))} if draw(st.booleans()) else None,
    }


@st.composite
def problems_pseudo_2d(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    n, rows, n_tau = draw(st.integers(40, 100)), draw(st.integers(3, 6)), draw(st.integers(10, 24))
    t = np.linspace(1e-3, 1.0, n)
    data = 100 * np.exp(-t[:, None] / np.linspace(0.05, 0.2, rows)) + rng.standard_normal((n, rows))
    params = {"maxloop": draw(st.integers(10, 40)), "nn": draw(st.booleans())}
    if draw(st.booleans()):
        params.update(compress=True, s=draw(st.integers(6, 10)))
    return {
        # the Identity dimension's grid is its sampling, 1..rows (what iltload fills in)
        "data": data, "t": [t], "tau": [np.logspace(-3, 1, n_tau), np.arange(1.0, rows + 1)],
        "kernels": ["exponential", "identity"],
        "params": params, "sigma": None, "dim_ndim": None,
        "stats": {"n": 2, "seed": draw(st.integers(0, 1000))} if draw(st.booleans()) else None,
    }


@st.composite
def problems_2d(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    n1, n2 = draw(st.integers(20, 36)), draw(st.integers(10, 18))
    tau1, tau2 = draw(st.integers(8, 14)), draw(st.integers(6, 10))
    t1, t2 = np.linspace(1e-3, 1.0, n1), np.linspace(1e-3, 2.0, n2)
    data = 100 * np.exp(-t1[:, None] / 0.1) * np.exp(-t2[None, :] / 0.5) + rng.standard_normal((n1, n2))
    params = {"maxloop": draw(st.integers(10, 30)), "nn": draw(st.booleans()), "alt_g": draw(st.sampled_from([0, 6]))}
    if draw(st.booleans()):
        params.update(compress=True, s=draw(st.integers(5, 8)))
    return {
        "data": data, "t": [t1, t2], "tau": [np.logspace(-3, 1, tau1), np.logspace(-2, 1, tau2)],
        "kernels": ["exponential", "exponential"], "params": params, "sigma": None, "dim_ndim": None,
        "stats": None,
    }


SWEEP = settings(derandomize=True, database=None, deadline=None, max_examples=40,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("version", VERSIONS)
@SWEEP
@given(problem=st.one_of(problems_1d(), problems_pseudo_2d(), problems_2d()))
def test_fastilt_agrees_with_live_iltpy(version, problem, iltpy_workers):
    worker = iltpy_workers[version]
    live = worker.result(worker.submit(problem))
    assert_agree(fastilt_result(problem, version), live)


@pytest.mark.parametrize("version", VERSIONS)
def test_iltstats_seed_follows_the_release(version, iltpy_workers):
    # The same seed, the release's own noise: 1.0.0 seeds NumPy's global state, 1.1.0 a Generator.
    t = np.linspace(1e-3, 1.0, 120)
    problem = {
        "data": 100 * np.exp(-t / 0.1) + np.random.default_rng(3).standard_normal(t.size), "t": [t],
        "tau": [np.logspace(-3, 1, 30)], "kernels": ["exponential"], "params": {"maxloop": 20},
        "sigma": None, "dim_ndim": None, "stats": {"n": 3, "seed": 11},
    }
    worker = iltpy_workers[version]
    live = worker.result(worker.submit(problem))
    assert_agree(fastilt_result(problem, version), live)
    other = "1.0.0" if version == "1.1.0" else "1.1.0"
    mismatched = fastilt_result(problem, other)
    assert not np.allclose(mismatched["statistics.g_list"], live["statistics.g_list"])
