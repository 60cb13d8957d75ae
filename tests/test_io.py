"""Instrument readers (fastilt.io) on the raw files in tests/data/instrument: shapes, axes and
values as each folder's SOURCE.md states them, the phase convention, and clear errors."""

import shutil
from pathlib import Path

import numpy as np
import pytest

import fastilt as ilt
from fastilt.cli.invert import prepare
from fastilt.io import detect, zero_order_phase

import nmrglue  # noqa: F401  (the io extra; part of the test extra, so these tests always run)

INSTRUMENT = Path(__file__).parent / "data" / "instrument"
MS, US = 1e-3, 1e-6


def load(folder, name=""):
    return ilt.iltload(data_path=INSTRUMENT / folder / name)


# folder -> (shape, experiment, suggested kernels, [(dimension, first, last)] in SI units)
EXPECTED = {
    "geospec_cpmg_bunter": ((23148,), "CPMG (T2)", ["Exponential"], [(0, 0.108 * MS, 2499.984 * MS)]),
    "geospec_ir_bunter": ((32,), "inversion recovery (T1)", ["Exponential"], [(0, 0.02 * MS, 5693.147 * MS)]),
    "spinsolve_t1t2_berea": ((16, 1024), "T1-T2 (inversion recovery - CPMG)", ["InversionRecovery", "Exponential"],
                             [(0, 1 * MS, 3000 * MS), (1, 0.1 * MS, 102.4 * MS)]),
    "spinsolve_dt2": ((16, 8000), "D-T2 (PFG - CPMG)", ["Diffusion", "Exponential"],
                      [(0, 0.000343e9, 9.118e9), (1, 0.25 * MS, 2.0)]),
    "spinsolve_t2t2": ((40, 512), "T2-T2 (CPMG - storage - CPMG)", ["Exponential", "Exponential"],
                       [(0, 0.1 * MS, 200 * MS), (1, 0.135 * MS, 69.12 * MS)]),
    "tecmag_cpmg_silicon_oil": ((5000,), "CPMG (T2)", ["Exponential"], [(0, 200 * US, 1.0)]),
    "tecmag_ir_silicon_oil": ((16,), "inversion recovery (T1)", ["Exponential"], [(0, 0.1 * MS, 10.0)]),
    "bruker_minispec_cpmg": ((10000,), "CPMG (T2)", ["Exponential"], [(0, 0.21508 * MS, 2122.00288 * MS)]),
    "bruker_topspin_t1ir_304": ((8, 7921), "pseudo-2D spectra vs variable delay", ["Exponential", "Identity"],
                                [(0, 0.02, 30.0)]),
    "bruker_bes3t_hahn_echo": ((512, 50), "pulsed EPR trace", ["Exponential", "Identity"],
                               [(0, 100e-9, 5210e-9), (1, 0, 49)]),
}


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_every_folder_loads_with_its_shape_and_axes(folder):
    shape, experiment, kernels, ends = EXPECTED[folder]
    data = load(folder)
    assert data.data.shape == shape
    assert data.metadata["experiment"] == experiment
    assert data.metadata["kernels"] == kernels
    assert [axis["kernel"] for axis in data.metadata["axes"]] == kernels
    for dim, first, last in ends:
        np.testing.assert_allclose([data.t[dim][0], data.t[dim][-1]], [first, last], rtol=2e-3, atol=1e-12)
    assert np.all(np.diff(data.t[0]) > 0)
    assert (INSTRUMENT / folder / "SOURCE.md").is_file() and (INSTRUMENT / folder / "LICENSE.txt").is_file()


def test_geospec_values_phase_and_instrument_results():
    cpmg = load("geospec_cpmg_bunter", "CPMG_bunter.txt")
    # raw first point -48037 - 11846i: rotated by the least-squares phase onto +|z|
    assert cpmg.data[0] == pytest.approx(abs(-48037 - 11846j), rel=2e-3)
    assert cpmg.metadata["imaginary"].shape == cpmg.data.shape
    assert cpmg.metadata["phase_deg"] == pytest.approx(167.65, abs=0.1)  # = -192.35 of the converted set
    assert cpmg.metadata["instrument_results"]["T2 Log Mean"] == 12.777
    assert cpmg.metadata["header"]["NumOfEchoes"] == 23148
    ir = load("geospec_ir_bunter")
    assert ir.data[0] < 0 < ir.data[-1]  # -M0 ... +M0 after phasing (raw: + ... -)
    assert ir.metadata["parameters"] == {"sb": True}
    assert ir.metadata["instrument_results"]["T1 Log Mean"] == 17.435


def test_geospec_cpmg_t2_log_mean_matches_the_instrument():
    data = prepare(INSTRUMENT / "geospec_cpmg_bunter")  # as `fastilt invert` sets it up
    data.invert(verbose=0)
    g = np.clip(data.g, 0, None)
    t2lm = np.exp(np.sum(g * np.log(np.ravel(data.tau[0]))) / np.sum(g))  # the T2 log mean
    instrument = data.metadata["instrument_results"]["T2 Log Mean"] * MS
    assert abs(t2lm / instrument - 1) < 0.03, f"T2 log mean {t2lm * 1e3:.3f} ms"


def test_spinsolve_axes_rebuilt_from_acqu_par():
    t1t2 = load("spinsolve_t1t2_berea", "acqu.par")
    np.testing.assert_allclose(t1t2.t[0][:3], [1 * MS, 1.705 * MS, 2.908 * MS], rtol=1e-3)
    assert t1t2.data[0, 0] == pytest.approx(-32788, rel=1e-2)  # already phased by Spinsolve
    assert t1t2.data[-1, 0] == pytest.approx(47575, rel=1e-2)
    dt2 = load("spinsolve_dt2", "DT2.dat")
    np.testing.assert_allclose(dt2.t[0][1:3], [0.0478e9, 0.1753e9], rtol=2e-3)
    assert dt2.metadata["axes"][0]["unit"] == "s/m^2"
    t2t2 = load("spinsolve_t2t2")
    assert t2t2.t[0][1] == pytest.approx(0.1215 * MS, rel=1e-3)
    assert t2t2.metadata["header"]["duration"] == 140.254  # repeated key: the first one counts


def test_tecmag_windows_summed_and_delays_from_the_sequence_table():
    cpmg = load("tecmag_cpmg_silicon_oil")
    assert cpmg.data[0] == pytest.approx(abs(9.4e5 - 4.42e6j), rel=1e-2)
    assert cpmg.t[0][1] - cpmg.t[0][0] == pytest.approx(200 * US)
    ir = load("tecmag_ir_silicon_oil")
    np.testing.assert_allclose(ir.t[0], np.logspace(-4, 1, 16), rtol=3e-3)  # table rounded to 1 µs
    assert ir.data[0] < 0 < ir.data[-1]


def test_minispec_values_as_given():
    data = load("bruker_minispec_cpmg", "cpmg.dps")
    assert data.data[0] == 87.0950663919
    assert "phase_deg" not in data.metadata


def test_topspin_spectra_vs_vdlist():
    data = load("bruker_topspin_t1ir_304", "ser")
    np.testing.assert_allclose(data.t[0], [0.02, 0.056854, 0.161616, 0.459422, 1.306, 3.713, 10.553, 30.0])
    assert data.t[1][-1] == pytest.approx(-data.t[1][0], rel=1e-3)  # frequency offset, ±SW/2
    assert abs(data.t[1][-1] - 9980.04 / 2) < 2
    integrals = data.data.sum(axis=1)
    assert integrals[0] < 0 < integrals[-1]  # inverted at 20 ms, recovered at 30 s
    assert data.metadata["phase_deg"] == pytest.approx(247, abs=3)  # the converted set's phase
    assert data.metadata["header"]["PULPROG"] == "jf_fir"


def test_bes3t_each_trace_phased():
    data = load("bruker_bes3t_hahn_echo", "2D_ESE.DTA")
    assert data.metadata["phase_deg"].shape == (50,)
    assert np.all(data.data[0] > 0)  # every scan's first echo positive after its own phase
    assert np.sum(data.metadata["imaginary"] ** 2) < 0.02 * np.sum(data.data**2)
    np.testing.assert_allclose(np.diff(data.t[0]), 10e-9, rtol=1e-9)


def test_zero_order_phase_recovers_a_rotation():
    t = np.linspace(0, 1, 200)
    signal = 1 - 2 * np.exp(-t / 0.2)  # crosses zero
    angle = np.radians(123.0)
    phase = zero_order_phase(signal * np.exp(-1j * angle), reference=-1)
    assert np.degrees(phase) == pytest.approx(123.0)


def test_iltpy_text_folder_is_still_read_as_such(tmp_path):
    np.savetxt(tmp_path / "data.txt", np.exp(-np.arange(1, 11)))
    np.savetxt(tmp_path / "dim1.txt", np.arange(1, 11.0))
    (tmp_path / "acqu.par").write_text('experiment = "T1IRT2"\n')  # not taken for a Spinsolve folder
    data = ilt.iltload(data_path=tmp_path)
    assert data.dataset_type == "TXT" and data.metadata == {}


# ----------------------------------------------------------------------------- errors
def copy(folder, tmp_path, *names):
    target = tmp_path / folder
    target.mkdir()
    for name in names:
        shutil.copy(INSTRUMENT / folder / name, target / name)
    return target


def test_unknown_format_lists_the_supported_ones(tmp_path):
    path = tmp_path / "measurement.csv"
    path.write_text("1,2\n3,4\n")
    with pytest.raises(ValueError, match="measurement.csv is not a recognised instrument file") as info:
        ilt.iltload(data_path=path)
    for name in ("GeoSpec", "Spinsolve", "Tecmag", "minispec", "TopSpin", "BES3T"):
        assert name in str(info.value)


def test_folder_without_data_names_the_formats(tmp_path):
    with pytest.raises(FileNotFoundError, match="could not find data.txt and dim1.txt.*Spinsolve"):
        ilt.iltload(data_path=tmp_path)


def test_several_data_sets_in_a_folder(tmp_path):
    folder = copy("geospec_ir_bunter", tmp_path, "IR_bunter.txt")
    shutil.copy(INSTRUMENT / "bruker_minispec_cpmg" / "cpmg.dps", folder)
    with pytest.raises(ValueError, match="several instrument data sets.*IR_bunter.txt"):
        ilt.iltload(data_path=folder)


def test_acqu_par_without_its_data_file(tmp_path):
    folder = copy("spinsolve_t1t2_berea", tmp_path, "acqu.par")
    with pytest.raises(FileNotFoundError, match=r"acqu.par describes a T1IRT2 experiment but its data file T1IRT2.dat"):
        ilt.iltload(data_path=folder)


def test_acqu_par_not_matching_the_data(tmp_path):
    folder = copy("spinsolve_t1t2_berea", tmp_path, "acqu.par", "T1IRT2.dat")
    par = folder / "acqu.par"
    par.write_text(par.read_text().replace("tauSteps = 16", "tauSteps = 15"))
    with pytest.raises(ValueError, match=r"acqu.par \(15 steps x nrEchoes = 1024\) does not match T1IRT2.dat"):
        ilt.iltload(data_path=folder)


def test_geospec_dimensions_not_matching_the_table(tmp_path):
    path = tmp_path / "IR.txt"
    path.write_bytes((INSTRUMENT / "geospec_ir_bunter" / "IR_bunter.txt").read_bytes().replace(b"Dimensions=32,1", b"Dimensions=33,1"))
    with pytest.raises(ValueError, match=r"IR.txt: Dimensions=33,1 in the header, but the \[Data\] table has 32 rows"):
        ilt.iltload(data_path=path)


def test_dsc_without_dta(tmp_path):
    folder = copy("bruker_bes3t_hahn_echo", tmp_path, "2D_ESE.DSC")
    with pytest.raises(FileNotFoundError, match="2D_ESE.DSC: its companion file 2D_ESE.DTA is missing"):
        ilt.iltload(data_path=folder / "2D_ESE.DSC")


def test_truncated_dta(tmp_path):
    folder = copy("bruker_bes3t_hahn_echo", tmp_path, "2D_ESE.DSC")
    (folder / "2D_ESE.DTA").write_bytes((INSTRUMENT / "bruker_bes3t_hahn_echo" / "2D_ESE.DTA").read_bytes()[:100000])
    with pytest.raises(ValueError, match=r"2D_ESE.DTA: 100000 bytes, but 2D_ESE.DSC describes \(512, 50\).*truncated"):
        ilt.iltload(data_path=folder / "2D_ESE.DSC")


def test_truncated_tnt(tmp_path):
    path = tmp_path / "short.tnt"
    path.write_bytes((INSTRUMENT / "tecmag_cpmg_silicon_oil" / "CPMG_silicon_oil.tnt").read_bytes()[:50000])
    with pytest.raises(ValueError, match="short.tnt: truncated or damaged TNMR file"):
        ilt.iltload(data_path=path)


def topspin_with(tmp_path, name, content):
    """A copy of the TopSpin folder with one file replaced (``content`` None: removed)."""
    folder = tmp_path / "304"
    shutil.copytree(INSTRUMENT / "bruker_topspin_t1ir_304", folder)
    (folder / name).unlink(missing_ok=True)
    if content is not None:
        (folder / name).write_bytes(content)
    return folder


def test_truncated_ser(tmp_path):
    folder = topspin_with(tmp_path, "ser", (INSTRUMENT / "bruker_topspin_t1ir_304" / "ser").read_bytes()[:300000])
    with pytest.raises(ValueError, match="ser: truncated or not matching acqus"):
        ilt.iltload(data_path=folder)


def test_vdlist_shorter_than_the_ser(tmp_path):
    folder = topspin_with(tmp_path, "vdlist", b"20m\n1\n")
    with pytest.raises(ValueError, match="vdlist has 2 entries but .*ser holds 8 FIDs"):
        ilt.iltload(data_path=folder)


def test_vclist_gives_loop_counts(tmp_path):
    folder = topspin_with(tmp_path, "vdlist", None)
    (folder / "vclist").write_text("\n".join(str(2**k) for k in range(8)) + "\n")
    data = ilt.iltload(data_path=folder)
    np.testing.assert_array_equal(data.t[0], 2.0 ** np.arange(8))
    assert data.metadata["axes"][0]["unit"] == "count" and data.metadata["kernels"][0] is None


def test_detect_finds_nothing_in_an_unrelated_folder(tmp_path):
    (tmp_path / "notes.md").write_text("nothing here")
    assert detect(tmp_path) == (None, tmp_path)
