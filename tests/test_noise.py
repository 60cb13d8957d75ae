"""fastilt.estimate_noise and scale_to_unit_noise: known noise recovered, the instrument's figure matched.

Tolerances: the issue asks for 10 % on synthetic data and 15 % against the
instrument.  The cases are sized so that 10 % is at least 4 standard errors of
the estimator used (tail of >= 800 points: 2.5 %; high-pass: 1 %), measured
over 100 seeds while writing them; the seeds here are fixed.
"""

from pathlib import Path

import numpy as np
import pytest
from scipy.signal import lfilter

import fastilt as ilt
from fastilt.quality.noise import measurement_noise

GEOSPEC = Path(__file__).parent / "data" / "instrument" / "geospec_cpmg_bunter" / "CPMG_bunter.txt"


def noise(rng, shape, sigma, lag1=0.0):
    """Gaussian noise of standard deviation ``sigma``, AR(1)-correlated along axis 0 with ``lag1``."""
    white = rng.normal(size=shape)
    return sigma * np.sqrt(1 - lag1**2) * lfilter([1], [1, -lag1], white, axis=0)


def decay_1d():
    t = np.linspace(1e-3, 2, 4096)
    return 100 * np.exp(-t / 0.05) + 50 * np.exp(-t / 0.5), t, 2.0


def pseudo_2d():
    """Eight traces of different amplitude (a series of scans), noise along the decay."""
    t = np.linspace(1e-3, 1, 1024)
    return np.outer(np.exp(-t / 0.1), np.linspace(10, 80, 8)), t, 0.5


def t1_t2_map():
    """A T2 (axis 0) x T1 inversion-recovery (axis 1) map of two components."""
    t2 = np.linspace(1e-3, 1, 512)
    t1 = np.logspace(-3, 1, 32)
    signal = 100 * np.outer(np.exp(-t2 / 0.05), 1 - 2 * np.exp(-t1 / 0.2))
    signal += 50 * np.outer(np.exp(-t2 / 0.2), 1 - 2 * np.exp(-t1 / 1.0))
    return signal, t2, 1.0


CASES = {"1D": decay_1d, "pseudo-2D": pseudo_2d, "2D": t1_t2_map}


@pytest.mark.parametrize("lag1", [0.0, 0.2], ids=["white", "coloured"])
@pytest.mark.parametrize("case", CASES)
def test_auto_recovers_known_noise_from_the_tail(case, lag1):
    signal, t, sigma = CASES[case]()
    data = signal + noise(np.random.default_rng(1), signal.shape, sigma, lag1)
    estimate = ilt.estimate_noise(data, t)
    assert estimate.method == "tail"
    assert estimate.sigma == pytest.approx(sigma, rel=0.10)
    assert "auto: the tail is signal-free" in estimate.reason


@pytest.mark.parametrize("case", CASES)
def test_highpass_alone_recovers_white_noise(case):
    signal, t, sigma = CASES[case]()
    data = signal + noise(np.random.default_rng(2), signal.shape, sigma)
    estimate = ilt.estimate_noise(data, t, method="highpass")
    assert estimate.sigma == pytest.approx(sigma, rel=0.10)


def test_highpass_reads_slightly_coloured_noise_a_few_percent_low():
    signal, t, sigma = decay_1d()
    data = signal + noise(np.random.default_rng(3), signal.shape, sigma, lag1=0.2)
    ratio = ilt.estimate_noise(data, t, method="highpass").sigma / sigma
    # the documented bias: -3 % at lag-1 correlation 0.2 (first differences: -8 %)
    assert 0.93 < ratio < 1.0


def test_auto_falls_back_to_the_highpass_when_the_tail_holds_signal():
    """A clean slow decay: even a parabola leaves signal in the tail, so the tail would read high."""
    t = np.linspace(1e-3, 1, 2048)
    data = 1e4 * np.exp(-t / 0.15) + noise(np.random.default_rng(4), t.shape, 0.1)
    assert ilt.estimate_noise(data, t, method="tail").sigma > 1.5 * 0.1
    estimate = ilt.estimate_noise(data, t)
    assert estimate.method == "highpass"
    assert "the tail holds signal" in estimate.reason
    assert estimate.sigma == pytest.approx(0.1, rel=0.10)


def test_imaginary_channel_of_complex_data():
    t = np.linspace(1e-3, 1, 2048)
    rng = np.random.default_rng(5)
    z = (1e4 * np.exp(-t / 0.15) + noise(rng, t.shape, 0.1) + 1j * noise(rng, t.shape, 0.1)) * np.exp(0.7j)
    alone = ilt.estimate_noise(z, t, method="imaginary")
    assert alone.sigma == pytest.approx(0.1, rel=0.10)
    auto = ilt.estimate_noise(z, t)  # the tail holds signal (as above): the imaginary channel is next
    assert auto.method == "imaginary" and auto.sigma == alone.sigma


def test_uncertainty_matches_the_spread_over_noise_draws():
    signal, t, sigma = decay_1d()
    estimates = [
        ilt.estimate_noise(signal + noise(np.random.default_rng(seed), signal.shape, sigma), t) for seed in range(40)
    ]
    spread = np.std([e.sigma for e in estimates], ddof=1)
    reported = np.mean([e.uncertainty for e in estimates])
    # the sd of 40 draws is itself uncertain by 1/sqrt(2*39) = 11 %: 30 % is ~3 of those
    assert reported == pytest.approx(spread, rel=0.30)


def test_geospec_cpmg_matches_the_instruments_noise_figure():
    data = ilt.iltload(data_path=GEOSPEC)
    reported = data.metadata["instrument_results"]["Noise"]
    assert reported == pytest.approx(82.92, abs=0.01)
    for method in ("auto", "tail", "highpass", "imaginary"):
        estimate = ilt.estimate_noise(data, method=method)
        assert estimate.sigma == pytest.approx(reported, rel=0.15), method


def test_scale_to_unit_noise_keeps_the_scale():
    signal, t, sigma = decay_1d()
    signal = 5e4 / signal.max() * signal
    data = signal + noise(np.random.default_rng(6), signal.shape, 80.0)
    scaled, scale = ilt.scale_to_unit_noise(data, t)
    assert scale == ilt.estimate_noise(data, t)
    np.testing.assert_allclose(scaled * scale.sigma, data, rtol=1e-12)
    assert ilt.estimate_noise(scaled, t).sigma == pytest.approx(1.0, rel=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "wavelet"}, "method must be"),
        ({"method": "imaginary"}, "needs complex data"),
        ({"tail": 1.5}, "tail must be a share"),
        ({"method": "tail", "tail": 0.01}, "degrees of freedom"),
    ],
)
def test_bad_requests_say_what_to_change(kwargs, message):
    signal, t, _ = decay_1d()
    with pytest.raises(ValueError, match=message):
        ilt.estimate_noise(signal[:1000], t[:1000], **kwargs)


def test_too_few_points_are_refused():
    with pytest.raises(ValueError, match="at least 10 points"):
        ilt.estimate_noise(np.ones(5))


def test_readers_store_the_noise_they_measure():
    # iltload of an instrument file keeps its noise level; the report says it.
    data = ilt.iltload(data_path=GEOSPEC)
    assert data.metadata["noise"] == ilt.estimate_noise(data)
    assert data.metadata["noise"].sigma == pytest.approx(data.metadata["instrument_results"]["Noise"], rel=0.15)


def test_measurement_noise_of_a_few_delays_is_measured_along_the_traces():
    # Spectra against 5 delays: too few delays for the noise along them, plenty along each spectrum.
    rng = np.random.default_rng(4)
    spectra = np.exp(-np.linspace(-3, 3, 2000) ** 2)[None, :] * np.arange(1, 6)[:, None] + rng.normal(0, 0.05, (5, 2000))
    estimate = measurement_noise(spectra, np.arange(5.0))
    assert estimate.sigma == pytest.approx(0.05, rel=0.1)
    assert measurement_noise(spectra[:, :5], np.arange(5.0)) is None  # 5 x 5: nothing to tell
