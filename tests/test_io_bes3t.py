"""BES3T files written from scratch: the experiment as the descriptor states it, no relaxation kernel for a
field or frequency axis, and traces an aborted acquisition never recorded."""

import numpy as np
import pytest

import fastilt as ilt
from fastilt.cli.invert import noise_estimate, prepare
from instrument_files import bes3t


def test_a_cw_field_sweep_is_labelled_as_the_descriptor_says(tmp_path):
    field = 3400 + 0.5 * np.arange(200)
    derivative = -(field - 3450) * np.exp(-((field - 3450) / 5) ** 2)
    dsc = bes3t(tmp_path / "cw", derivative, x=("G", 3400.0, 0.5), experiment="CW")
    data = ilt.iltload(data_path=dsc)
    assert data.metadata["experiment"] == "CW EPR spectrum"
    assert data.metadata["axes"] == [{"name": "Field", "unit": "G", "kernel": None,
                                      "why": "a magnetic-field sweep is a spectrum, not a relaxation curve: there is "
                                             "no relaxation kernel to invert"}]
    assert not any("echo" in note for note in data.metadata["notes"])
    with pytest.raises(ValueError) as info:
        prepare(dsc)  # what `fastilt invert` says
    assert str(info.value) == (f"{dsc}: no relaxation kernel for the Field axis (G): a magnetic-field sweep is a "
                               "spectrum, not a relaxation curve: there is no relaxation kernel to invert")


def test_a_frequency_axis_has_no_relaxation_kernel(tmp_path):
    dsc = bes3t(tmp_path / "eseem_ft", np.ones(64), x=("MHz", 0.0, 0.5), experiment="PLS")
    axis = ilt.iltload(data_path=dsc).metadata["axes"][0]
    assert axis["kernel"] is None and axis["why"].startswith("a frequency axis is a spectrum")


def test_a_pulsed_echo_decay_keeps_its_echo_note(tmp_path):
    dsc = bes3t(tmp_path / "echo", np.exp(-np.arange(64) / 20) * np.exp(0.4j), experiment="PLS")
    data = ilt.iltload(data_path=dsc)
    assert data.metadata["experiment"] == "pulsed EPR trace" and data.metadata["kernels"] == ["Exponential"]
    assert any("echo forms at 2*tau" in note for note in data.metadata["notes"])


def aborted_scans(tmp_path, acquired=25, planned=40, sd=0.01):
    """Echo decays, one per scan (YUNI index); the scans after ``acquired`` were never recorded (zeros)."""
    rng = np.random.default_rng(3)
    decay = np.exp(-np.arange(512) / 100)[:, None] * np.ones((1, planned)) * np.exp(0.7j)
    traces = decay + sd * (rng.standard_normal(decay.shape) + 1j * rng.standard_normal(decay.shape))
    traces[:, acquired:] = 0
    return bes3t(tmp_path / "aborted", traces, y=("index", 0.0, 1.0), experiment="PLS")


def test_empty_traces_are_flagged_and_left_out_of_the_noise_estimate(tmp_path):
    data = ilt.iltload(data_path=aborted_scans(tmp_path))
    assert data.metadata["empty_traces"] == list(range(25, 40))
    assert any(note.startswith("15 of 40 traces are all zero (indices 25..39): planned but not acquired")
               for note in data.metadata["notes"])
    assert noise_estimate(data).sigma == pytest.approx(0.01, rel=0.05)  # with the zeros: 0.01 * sqrt(25/40)


def test_empty_traces_left_out_of_the_inversion_on_request(tmp_path):
    dsc = aborted_scans(tmp_path)
    assert prepare(dsc).data.shape == (512, 40)
    kept = prepare(dsc, drop_empty_traces=True)
    assert kept.data.shape == (512, 25)
    np.testing.assert_array_equal(np.ravel(kept.t[1]), np.arange(25.0))
    assert kept.metadata["noise_sd"] == pytest.approx(0.01, rel=0.05)
    assert "--drop-empty-traces: 15 empty traces left out of the inversion, 25 inverted" in kept.metadata["invert_notes"]


def test_a_complete_file_has_no_empty_traces(tmp_path):
    data = ilt.iltload(data_path=aborted_scans(tmp_path, acquired=40))
    assert "empty_traces" not in data.metadata
