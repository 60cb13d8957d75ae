"""``iltload(..., noise=...)``: the opt-in that scales data to unit noise and keeps the scale."""

from pathlib import Path

import numpy as np
import pytest

import fastilt as ilt
from fastilt.quality import NoiseEstimate

GEOSPEC = Path(__file__).parent / "data" / "instrument" / "geospec_cpmg_bunter"
T = np.linspace(1e-3, 2, 1024)
SIGNAL = 5e4 * np.exp(-T / 0.05) + 2e4 * np.exp(-T / 0.5)
DATA = SIGNAL + np.random.default_rng(0).normal(0, 80, T.size)
TAU = np.logspace(-4, 1, 60)


def inverted(data):
    data.init(TAU, ilt.Exponential(), parameters={"maxloop": 30})
    data.invert(verbose=0)
    return data


def test_without_noise_nothing_is_scaled():
    # ILTpy's behaviour: the data as given, no scale kept.
    data = ilt.iltload(data=DATA, t=T)
    assert data.noise is None
    np.testing.assert_array_equal(data.data, DATA)


@pytest.mark.parametrize("noise", ["auto", 80.0, NoiseEstimate(80.0, 1.0, "given", "known")])
def test_the_data_are_divided_and_the_scale_kept(noise):
    data = ilt.iltload(data=DATA, t=T, noise=noise)
    expected = ilt.estimate_noise(DATA, T) if noise == "auto" else NoiseEstimate(80.0, 0.0, "given", "")
    assert data.noise.sigma == pytest.approx(expected.sigma, rel=1e-12)
    np.testing.assert_allclose(data.data, DATA / data.noise.sigma, rtol=1e-15)
    # the same result as dividing by hand; g times the scale is in the data's units
    by_hand = inverted(ilt.iltload(data=DATA / data.noise.sigma, t=T))
    np.testing.assert_allclose(inverted(data).g, by_hand.g, rtol=1e-12, atol=1e-12 * np.abs(by_hand.g).max())


@pytest.mark.parametrize(("noise", "error"), [("sd", "noise must be 'auto'"), (0, "positive finite"),
                                               (-3.0, "positive finite"), (np.inf, "NaN or infinite")])
def test_bad_noise_is_refused(noise, error):
    with pytest.raises(ValueError, match=error):
        ilt.iltload(data=DATA, t=T, noise=noise)


def test_an_instrument_file_uses_its_own_estimate():
    raw = ilt.iltload(data_path=GEOSPEC)
    scaled = ilt.iltload(data_path=GEOSPEC, noise="auto")
    assert scaled.noise == raw.metadata["noise"]  # measured as the file was read
    np.testing.assert_allclose(scaled.data * scaled.noise.sigma, raw.data, rtol=1e-12)
    np.testing.assert_allclose(scaled.metadata["imaginary"] * scaled.noise.sigma, raw.metadata["imaginary"], rtol=1e-12)


def test_report_and_figure_in_the_data_units(tmp_path):
    import matplotlib.pyplot as plt

    data = inverted(ilt.iltload(data=DATA, t=T, noise=80.0))
    report = Path(data.report(tmp_path / "scaled")["report"]).read_text()
    assert "# Units : data divided by the noise, noise sigma = 80" in report and "times 80 in the data's units" in report
    fig, (ax_data, ax_g, ax_res) = ilt.iltplot(data)
    drawn = ax_data.lines[0].get_ydata()
    np.testing.assert_allclose(drawn, DATA, rtol=1e-12)  # the data in their own units
    np.testing.assert_allclose(ax_g.lines[-1].get_ydata(), data.g * 80.0, rtol=1e-12)
    assert ax_res.get_ylabel() == "r (noise units)"
    plt.close(fig)
