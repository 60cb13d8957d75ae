"""TopSpin pseudo-2D series written from scratch: the phase sign decided by the peak, the experiment and
kernel from the pulse programme, and the series axis in physical units from the list file."""

import numpy as np
import pytest

import fastilt as ilt
from fastilt.cli.invert import prepare
from instrument_files import topspin

import nmrglue  # noqa: F401  (the io extra, part of the test extra)

POINTS, SW = 256, 10_000.0
DELAYS = np.array([0.01, 0.05, 0.2, 0.8, 3.0])
VDLIST = "".join(f"{1e3 * d:g}m\n" for d in DELAYS)


def broad_line(amplitudes, theta=2.0, t2=1e-3, offset=0.0, dead_points=0, spike=0.0):
    """FIDs of one broad line (T2 = 1 ms, i.e. 300 Hz wide at 10 kHz) at +1 kHz, one row per amplitude,
    rotated by ``theta``; ``offset``: a constant baseline offset of every spectrum (a spike at the FID's
    first point), ``dead_points``: the FID starts late (dispersive tails), ``spike``: the first point's value."""
    t = np.arange(POINTS) / SW
    line = np.exp(2j * np.pi * 1000 * t - t / t2)
    line = np.concatenate([np.zeros(dead_points), line[: POINTS - dead_points]])
    fids = np.outer(amplitudes, line)
    fids[:, 0] += offset + spike
    return fids * np.exp(1j * theta)


def peak(data):
    """The spectra's values at the line (+1 kHz)."""
    return data.data[:, int(np.argmin(np.abs(data.t[1] - 1000)))]


def inversion_recovery(t1=0.3):
    return 1 - 2 * np.exp(-DELAYS / t1)


# ------------------------------------------------------------------------------ phase sign
@pytest.mark.parametrize("theta", [0.3, 2.0, 4.0])
def test_a_baseline_offset_does_not_flip_the_peak(tmp_path, theta):
    """The offset (-2 x the line's FID amplitude) carries the whole-spectrum integral, which was made positive."""
    amplitudes = inversion_recovery()
    folder = topspin(tmp_path / "1", broad_line(amplitudes, theta, offset=-2.0), "jf_fir", {"vdlist": VDLIST})
    at_peak = peak(ilt.iltload(data_path=folder))
    assert np.all(np.sign(at_peak) == np.sign(amplitudes)), at_peak


@pytest.mark.parametrize("theta", [0.3, 2.0, 4.0])
def test_dispersive_tails_and_a_ringdown_spike_do_not_flip_the_peak(tmp_path, theta):
    """The FID starts 2 points late (a first-order phase: dispersive tails) and its first point is a spike of
    the opposite sign: the whole-spectrum integral is that spike."""
    amplitudes = 1 - 0.9 * np.exp(-DELAYS / 0.3)  # a saturation recovery
    fids = broad_line(amplitudes, theta, dead_points=2, spike=-0.5)
    folder = topspin(tmp_path / "1", fids, "satrect1", {"vdlist": VDLIST})
    data = ilt.iltload(data_path=folder)
    assert np.all(peak(data) > 0) and np.all(np.diff(peak(data)) > 0), peak(data)


@pytest.mark.parametrize("theta", [0.3, 2.0, 4.0])
def test_negative_going_inversion_recovery_rows(tmp_path, theta):
    amplitudes = inversion_recovery(t1=0.5)
    folder = topspin(tmp_path / "1", broad_line(amplitudes, theta), "t1ir", {"vdlist": VDLIST})
    data = ilt.iltload(data_path=folder)
    assert np.all(np.sign(peak(data)) == np.sign(amplitudes)), peak(data)
    np.testing.assert_allclose(peak(data) / peak(data)[-1], amplitudes / amplitudes[-1], rtol=1e-6)


def test_a_decay_is_positive_at_its_first_point(tmp_path):
    """A CPMG series: the equilibrium row is the first (the longest is mostly noise)."""
    counts = np.array([2, 8, 32, 128, 512])
    amplitudes = np.exp(-counts * 2e-3 / 0.2) - 0.02  # the last row below zero: an offset in the noise
    folder = topspin(tmp_path / "1", broad_line(amplitudes), "cpmgpr1d", {"vclist": "\n".join(map(str, counts))},
                     delays={20: 1e-3}, pulses={2: 20.0})
    data = ilt.iltload(data_path=folder)
    assert peak(data)[0] > 0 > peak(data)[-1]


# ------------------------------------------------------------------- experiment and kernel
@pytest.mark.parametrize("pulse_programme,experiment,kernel", [
    ("satrect1", "saturation recovery (T1)", "SaturationRecovery"),
    ("satrec_zg", "saturation recovery (T1)", "SaturationRecovery"),
    ("t1irpg", "inversion recovery (T1)", "InversionRecovery"),
    ("cpmgpr1d", "CPMG (T2)", "Exponential"),
])
def test_the_pulse_programme_gives_the_experiment_and_kernel(tmp_path, pulse_programme, experiment, kernel):
    folder = topspin(tmp_path / "1", broad_line(inversion_recovery()), pulse_programme, {"vdlist": VDLIST})
    data = ilt.iltload(data_path=folder)
    assert data.metadata["experiment"] == experiment
    assert data.metadata["kernels"] == [kernel, "Identity"]
    assert data.metadata["parameters"] == ({"sb": True} if kernel == "SaturationRecovery" else {})


def test_an_unknown_pulse_programme_keeps_the_decay_and_says_so(tmp_path):
    folder = topspin(tmp_path / "1", broad_line(inversion_recovery()), "jf_fir", {"vdlist": VDLIST})
    data = ilt.iltload(data_path=folder)
    assert data.metadata["kernels"] == ["Exponential", "Identity"]
    assert any("pulse programme 'jf_fir' not recognised" in note for note in data.metadata["notes"])


def test_saturation_recovery_gets_a_static_term_on_pseudo_2d_data(tmp_path):
    """ILTpy's sb is 1D only: the grid reaches two decades below, where 1 - exp(-t/T1) is constant."""
    amplitudes = 1 - 0.9 * np.exp(-DELAYS / 0.3)
    folder = topspin(tmp_path / "1", broad_line(amplitudes), "satrect1", {"vdlist": VDLIST})
    data = prepare(folder, tau=(1e-3, 10, 9))
    assert not np.any(data.sb)
    tau = np.ravel(data.tau[0])
    np.testing.assert_allclose(tau, np.logspace(-5, 1, 13))  # 9 points, half a decade apart, and 4 more
    assert data.kernel[0].name == "_saturation_recovery_"
    notes = data.metadata["invert_notes"]
    assert any(note.startswith("sb (static baseline): ILTpy's sb is for 1D data; on this 2D data the tau grid of "
                               "dimension 1 is extended to 1e-05..10") for note in notes), notes


# ------------------------------------------------------------------------ series axes
def test_a_cpmg_vclist_becomes_the_echo_train_time(tmp_path):
    counts = np.array([2, 4, 8, 16, 32])
    folder = topspin(tmp_path / "1", broad_line(np.exp(-counts / 10)), "cpmgpr1d",
                     {"vclist": "\n".join(map(str, counts))}, delays={20: 0.5e-3}, pulses={2: 20.0})
    data = ilt.iltload(data_path=folder)
    np.testing.assert_allclose(data.t[0], counts * (2 * 0.5e-3 + 20e-6))
    assert data.metadata["axes"][0] == {"name": "echo-train time (vclist x (2 D20 + P2))", "unit": "s",
                                        "kernel": "Exponential"}
    assert any(note.startswith("echo-train time = vclist loop count x (2 D20 + P2) = count x 0.00102 s")
               for note in data.metadata["notes"])


def test_a_cpmg_vclist_without_d20_names_the_parameter(tmp_path):
    folder = topspin(tmp_path / "1", broad_line(np.ones(5)), "cpmgpr1d", {"vclist": "1\n2\n3\n4\n5\n"})
    with pytest.raises(ValueError) as info:
        ilt.iltload(data_path=folder)
    assert str(info.value) == f"{folder / 'acqus'}: D20 = 0, but this series needs it positive"


def test_a_vclist_of_another_experiment_has_no_kernel_and_invert_says_why(tmp_path):
    folder = topspin(tmp_path / "1", broad_line(np.ones(5)), "zgloop", {"vclist": "1\n2\n3\n4\n5\n"})
    data = ilt.iltload(data_path=folder)
    assert data.metadata["kernels"] == [None, "Identity"] and data.metadata["axes"][0]["unit"] == "count"
    with pytest.raises(ValueError, match=r"no relaxation kernel for the loop count \(vclist\) axis \(count\): loop "
                                         r"counts of pulse programme 'zgloop'"):
        prepare(folder)


def test_a_difflist_is_read_as_b_values(tmp_path):
    gradients = np.array([2.0, 10.0, 20.0, 30.0, 40.0])  # G/cm
    folder = topspin(tmp_path / "1", broad_line(np.exp(-gradients**2 / 500)), "ledbpgp2s",
                     {"difflist": "\n".join(map(str, gradients))}, delays={20: 0.1}, pulses={30: 1000.0})
    data = ilt.iltload(data_path=folder)
    g, small_delta = gradients * 1e-2, 2e-3
    np.testing.assert_allclose(data.t[0], 2.6752218744e8**2 * g**2 * small_delta**2 * (0.1 - small_delta / 3))
    assert data.metadata["experiment"] == "diffusion (PFG)" and data.metadata["kernels"][0] == "Diffusion"
    assert data.metadata["axes"][0]["unit"] == "s/m^2"


@pytest.mark.parametrize("pulse_programme,name,message", [
    ("zg2d", "difflist", "a difflist with pulse programme 'zg2d', which is not a recognised diffusion experiment"),
    ("nutation", "vplist", "a vplist series (variable pulse lengths, a nutation curve) is not supported"),
])
def test_lists_without_clear_physics_are_refused(tmp_path, pulse_programme, name, message):
    folder = topspin(tmp_path / "1", broad_line(np.ones(5)), pulse_programme, {name: "1\n2\n3\n4\n5\n"})
    with pytest.raises(ValueError) as info:
        ilt.iltload(data_path=folder)
    assert str(info.value).startswith(f"{folder / name}: {message}")
