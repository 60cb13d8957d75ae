"""fastilt.diagnose: every check fires on the case built to trip it and stays quiet on clean inversions.

The two-component decay (T2 0.05 s and 0.5 s, 512 echoes to 2 s, unit noise)
inverts on a grid from 1e-4 to 10 s; each trap changes one thing.  Fixed
seeds; the thresholds (module constants) sit far from both the clean values
and the trap values, which are stated where they are asserted.
"""

import numpy as np
import pytest
from scipy.signal import lfilter

import fastilt as ilt
from fastilt.quality import diagnostics

T = np.linspace(1e-3, 2, 512)
TAU = np.logspace(-4, 1, 80)
SIGNAL = 100 * np.exp(-T / 0.05) + 50 * np.exp(-T / 0.5)


def unit_noise(seed=0):
    return np.random.default_rng(seed).normal(size=T.size)


def inverted(data, tau=TAU, **parameters):
    result = ilt.iltload(data=data, t=T)
    result.init(tau, ilt.Exponential(), parameters=parameters or None)
    result.invert(verbose=0)
    return result


def warned(diagnosis):
    return {check.name for check in diagnosis.warnings}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("parameters", [{}, {"sb": True}, {"nn": True}], ids=["plain", "sb", "nn"])
def test_clean_1d_inversions_pass_every_check(seed, parameters):
    diagnosis = ilt.diagnose(inverted(SIGNAL + unit_noise(seed), **parameters))
    assert diagnosis.ok, str(diagnosis)
    assert diagnosis.residual_sd == pytest.approx(1.0, abs=0.1)  # n = 512: sd of the sd ~3 %


def test_clean_pseudo_2d_passes_every_check():
    amplitudes = np.array([0.5, 1.0, 1.5, 2.0])
    data = np.outer(SIGNAL, amplitudes) + np.random.default_rng(7).normal(size=(T.size, 4))
    result = ilt.iltload(data=data, t=[T, np.arange(4.0)])
    result.init([TAU, np.arange(4.0)], [ilt.Exponential(), ilt.Identity()])
    result.invert(verbose=0)
    diagnosis = ilt.diagnose(result)
    assert diagnosis.ok, str(diagnosis)


def test_clean_2d_passes_every_check():
    t1 = np.logspace(-3, 1, 24)
    t2 = np.linspace(1e-3, 1, 128)
    signal = 100 * np.outer(np.exp(-t2 / 0.05), np.exp(-t1 / 0.2))
    data = signal + np.random.default_rng(8).normal(size=signal.shape)
    result = ilt.iltload(data=data, t=[t2, t1])
    result.init([np.logspace(-4, 1, 30), np.logspace(-4, 2, 20)], [ilt.Exponential(), ilt.Exponential()])
    result.invert(verbose=0)
    diagnosis = ilt.diagnose(result)
    assert diagnosis.ok, str(diagnosis)
    assert diagnosis.edf is not None  # 600 unknowns: cheap


@pytest.mark.parametrize(("scale", "bounds"), [(10.0, (8, 12)), (0.1, (0.05, 0.5))])
def test_noise_scale_wrong_by_10x(scale, bounds):
    diagnosis = ilt.diagnose(inverted(scale * (SIGNAL + unit_noise())))
    assert "residual sd" in warned(diagnosis)
    assert bounds[0] < diagnosis.residual_sd < bounds[1]
    assert "scale_to_unit_noise" in diagnosis.warnings[0].advice


def test_noise_given_as_an_estimate_puts_residuals_in_its_units():
    data = 10 * (SIGNAL + unit_noise())
    noise = ilt.estimate_noise(data, T)
    scaled = ilt.diagnose(inverted(data / noise.sigma))
    in_units = ilt.diagnose(inverted(data), noise=noise)
    assert scaled.ok and scaled.residual_sd == pytest.approx(1.0, abs=0.1)
    # unscaled, the regularisation is 100x too weak: g follows the noise, the residuals shrink a little
    assert in_units.residual_sd == pytest.approx(1.0, abs=0.2)


@pytest.mark.parametrize(
    ("tau", "parameters", "end"),
    [(np.logspace(-1, 1, 60), {}, 0), (np.logspace(-4, -1, 60), {"nn": True}, 1), (np.logspace(-4, 0, 60), {}, 1)],
    ids=["short-times-cut", "long-times-cut", "long-peak-at-the-end"],
)
def test_tau_grid_cut_short(tau, parameters, end):
    diagnosis = ilt.diagnose(inverted(SIGNAL + unit_noise(), tau=tau, **parameters))
    assert "tau range" in warned(diagnosis)
    assert diagnosis.edge_share[end] > 0.2  # measured 0.24 to 0.99; clean runs below 0.0003


def test_unconverged_run():
    diagnosis = ilt.diagnose(inverted(SIGNAL + unit_noise(), maxloop=3))
    assert "convergence" in warned(diagnosis)
    assert diagnosis.iterations == 3 and not diagnosis.converged
    assert "'maxloop': 12" in next(c.advice for c in diagnosis.warnings if c.name == "convergence")


def test_early_stop_counts_as_converged():
    diagnosis = ilt.diagnose(inverted(SIGNAL + unit_noise(), conv_limit=1e-2))
    assert diagnosis.converged and diagnosis.iterations < 100


def test_coloured_noise_decay():
    coloured = 0.8 * lfilter([1], [1, -0.6], unit_noise())  # lag-1 correlation 0.6, sd 1
    diagnosis = ilt.diagnose(inverted(SIGNAL + coloured))
    assert warned(diagnosis) == {"whiteness"}
    assert diagnosis.lag1 > 0.4 and diagnosis.lag1_p < 1e-6 and diagnosis.runs_p < 1e-3


def test_negative_lobes_only_where_nn_was_not_asked_for():
    data = 100 * np.exp(-T / 0.05) - 30 * np.exp(-T / 0.5) + unit_noise()
    free = ilt.diagnose(inverted(data))
    assert "negative lobes" in warned(free) and free.negative_share > 0.15  # the -30 component: 0.24
    assert "nn=True" in next(c.advice for c in free.warnings if c.name == "negative lobes")
    assert "negative lobes" not in warned(ilt.diagnose(inverted(data, nn=True)))


def test_degrees_of_freedom_grow_as_the_regularisation_weakens():
    noisy = SIGNAL + unit_noise()
    edf = [ilt.diagnose(inverted(noisy, alpha_00=a)).edf for a in (10.0, 1.0, 0.01)]
    assert 1 < edf[0] < edf[1] < edf[2] < TAU.size


def test_degrees_of_freedom_skipped_when_large(monkeypatch):
    monkeypatch.setattr(diagnostics, "MAX_EDF_UNKNOWNS", 50)
    diagnosis = ilt.diagnose(inverted(SIGNAL + unit_noise()))
    assert diagnosis.edf is None
    assert next(c for c in diagnosis.checks if c.name == "degrees of freedom").verdict == "skipped"
    assert diagnosis.ok


def test_table_lists_every_check_and_the_remedies():
    text = str(ilt.diagnose(inverted(SIGNAL + unit_noise(), maxloop=3)))
    lines = text.splitlines()
    names = ["residual sd", "whiteness", "tau range", "convergence", "negative lobes", "degrees of freedom"]
    assert [line[:20].strip() for line in lines[1:7]] == names
    assert any(line.startswith("  convergence: g still changes") for line in lines[7:])


def test_needs_an_inverted_object():
    data = ilt.iltload(data=SIGNAL, t=T)
    data.init(TAU, ilt.Exponential())
    with pytest.raises(ValueError, match="call invert"):
        ilt.diagnose(data)
