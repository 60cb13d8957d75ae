"""Degenerate data: all-zero data give g = 0 at once; a tau grid the kernel cannot see is named."""

import re
import warnings

import numpy as np
import pytest

import fastilt as ilt
from reference_cases import reference

REF2 = reference("2d_exponential_nn")
T2, TAU2 = [REF2["t0"], REF2["t1"]], [REF2["tau0"], REF2["tau1"]]
T = np.logspace(-3, 0, 50)
TAU = np.logspace(-4, 1, 40)
SIGNAL = 100 * np.exp(-T / 0.1)


def initialised_quietly(data, t, tau, kernel, **options):
    iltdata = ilt.iltload(data=data, t=t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        iltdata.init(tau, kernel, **options)
    return iltdata


# ------------------------------------------------------------------------ all-zero data
@pytest.mark.parametrize("backend", ["compiled", "python"])
@pytest.mark.parametrize("case", ["1d", "2d", "1d-nn-sb"])
def test_zero_data_give_zero_g_converged_at_iteration_0(backend, case):
    if case == "2d":
        data, t, tau, kernel, parameters = np.zeros((32, 24)), T2, TAU2, [ilt.Exponential()] * 2, {}
    else:
        data, t, tau, kernel = np.zeros(50), T, TAU, ilt.Exponential()
        parameters = {"nn": True, "sb": True} if case == "1d-nn-sb" else {}
    iltdata = ilt.iltload(data=data, t=t)
    with pytest.warns(UserWarning, match=r"^data are all zero: the inversion gives g = 0"):
        iltdata.init(tau, kernel, parameters=parameters)
    iltdata.invert(verbose=0, backend=backend)
    assert iltdata.convergence[0] == 0.0
    assert all(c is None for c in iltdata.convergence[1:])
    assert not np.any(iltdata.g) and not np.any(iltdata.fit)


@pytest.mark.parametrize("backend", ["compiled", "python"])
def test_zero_data_from_a_guess_report_an_infinite_then_zero_change(backend):
    iltdata = initialised_quietly(np.zeros(50), T, TAU, ilt.Exponential(), g_guess=np.ones(TAU.size))
    iltdata.invert(verbose=0, backend=backend)
    assert iltdata.convergence[:2] == [np.inf, 0.0]
    assert not np.any(iltdata.g)


def test_nonzero_data_do_not_warn():
    iltdata = ilt.iltload(data=SIGNAL, t=T)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        iltdata.init(TAU, ilt.Exponential())


# --------------------------------------------------------------- tau the kernel cannot see
@pytest.mark.parametrize(
    "tau,zero,constant",
    [(np.logspace(10, 12, 40), 0, 40), (np.logspace(-12, -10, 40), 40, 0), (np.array([1e-9, 1e9]), 1, 1)],
    ids=["too-long", "too-short", "both-ends"],
)
def test_tau_range_the_kernel_cannot_see_warns(tau, zero, constant):
    message = (
        r"^tau\[0\] " + re.escape(f"({tau.min():.3g} to {tau.max():.3g})") + r" cannot describe the data: the kernel "
        rf"'_exponential_' is essentially zero for {zero} and constant for {constant} of the {tau.size} tau "
        r"over t\[0\] \(0.001 to 1\); e.g. tau\[0\] from 1e-06 to 100"
    )
    with pytest.warns(UserWarning, match=message):
        ilt.iltload(data=SIGNAL, t=T).init(tau, ilt.Exponential())


def test_tau_range_of_a_kernel_without_generated_tau():
    b = np.linspace(0, 5e9, 50)  # diffusion weighting, s/m²
    data = 100 * np.exp(-b * 1e-9)
    with pytest.warns(UserWarning, match=r"^tau\[0\] .* kernel '_diffusion_' .*; choose tau\[0\] where the kernel "
                      r"changes over t\[0\]"):
        ilt.iltload(data=data, t=b).init(np.logspace(-20, -18, 30), ilt.Diffusion())


def test_second_dimension_is_named():
    data = REF2["data"]
    with pytest.warns(UserWarning, match=r"^tau\[1\] \(1e\+10 to 1e\+12\) cannot describe the data"):
        ilt.iltload(data=data, t=T2).init([TAU2[0], np.logspace(10, 12, 18)], [ilt.Exponential()] * 2)


def test_identity_dimension_is_not_checked():
    data = np.exp(-T[:, None] / np.linspace(0.05, 0.5, 6)[None, :])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        ilt.iltload(data=data, t=T).init(TAU, ilt.Exponential())


@pytest.mark.parametrize("tau", [TAU, np.logspace(-7, 3, 100), np.logspace(-1, 0, 5)])
def test_a_usable_tau_range_does_not_warn(tau):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        ilt.iltload(data=SIGNAL, t=T).init(tau, ilt.Exponential())
