"""Tecmag TNMR "Data Point Listing" text exports (tests/data/instrument/tecmag_txt): the same
record as the .tnt reader gives for the same measurement, and clear errors naming the file."""

import shutil
from pathlib import Path

import numpy as np
import pytest

import fastilt as ilt
from fastilt.io import detect, tecmag_text

import nmrglue  # noqa: F401  (the .tnt reader compared with; part of the test extra)

INSTRUMENT = Path(__file__).parent / "data" / "instrument"
US = 1e-6
TEXT = INSTRUMENT / "tecmag_txt"
SILICON_OIL = TEXT / "CPMG_silicon_oil_20251204.txt"


def test_silicon_oil_listing_equals_the_tnt_of_the_same_run():
    text = ilt.iltload(data_path=SILICON_OIL)
    binary = ilt.iltload(data_path=INSTRUMENT / "tecmag_cpmg_silicon_oil" / "CPMG_silicon_oil.tnt")
    np.testing.assert_array_equal(text.data, binary.data)
    np.testing.assert_array_equal(text.t[0], binary.t[0])
    np.testing.assert_array_equal(text.metadata["imaginary"], binary.metadata["imaginary"])
    assert text.metadata["phase_deg"] == binary.metadata["phase_deg"]
    for key in ("experiment", "axes", "kernels", "parameters", "notes"):
        assert text.metadata[key] == binary.metadata[key]
    assert text.metadata["format"] == "Tecmag text"
    header, reference = text.metadata["header"], binary.metadata["header"]
    assert header.keys() == reference.keys()
    assert [header[k] for k in ("scans", "actual_scans", "last_delay", "Echo_Time")] == \
        [reference[k] for k in ("scans", "actual_scans", "last_delay", "Echo_Time")]
    assert header["ob_freq"] == pytest.approx(reference["ob_freq"][0], rel=1e-12)  # MHz
    assert header["dwell"] == pytest.approx(reference["dwell"][0], rel=1e-12)  # s
    assert header["date"] == reference["date"].decode()


def test_cuso4_listing_has_4000_echoes_at_250_us():
    data = ilt.iltload(data_path=TEXT / "CPMG_CuSO4_20251118.txt")
    assert data.data.shape == (4000,)
    np.testing.assert_allclose(data.t[0], 250 * US * np.arange(1, 4001), rtol=1e-12)
    assert data.metadata["header"]["scans"] == 16 and data.metadata["header"]["last_delay"] == 1.0
    assert data.data[0] > 0


def test_inversion_recovery_listing_points_to_the_tnt():
    with pytest.raises(ValueError, match=r"InvRec_SiliconOil_01_20251204\.txt: 16 2D records.*only in the \.tnt"):
        ilt.iltload(data_path=TEXT / "InvRec_SiliconOil_01_20251204.txt")


def test_truncated_listing(tmp_path):
    path = tmp_path / "short.txt"
    path.write_bytes(b"\r\n".join(SILICON_OIL.read_bytes().split(b"\r\n")[:1004]))
    with pytest.raises(ValueError, match=r"short\.txt: the data block has 1000 rows, but Ending Point x "
                                         r"Ending Record = 40000 x 1 = 40000: truncated"):
        ilt.iltload(data_path=path)


def test_listing_without_echo_time(tmp_path):
    path = tmp_path / "no_echo_time.txt"
    path.write_bytes(SILICON_OIL.read_bytes().replace(b"Echo_Time, \t200u\r\n", b""))
    with pytest.raises(ValueError, match=r"no_echo_time\.txt: no Echo_Time in the \[Parameters\] block"):
        ilt.iltload(data_path=path)


def test_folder_holding_one_listing_is_detected(tmp_path):
    shutil.copy(TEXT / "CPMG_CuSO4_20251118.txt", tmp_path)
    (tmp_path / "notes.txt").write_text("not instrument data")
    reader, found = detect(tmp_path)
    assert reader is tecmag_text and found.name == "CPMG_CuSO4_20251118.txt"
    assert ilt.iltload(data_path=tmp_path).data.shape == (4000,)


def test_points_not_whole_echo_windows(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes(SILICON_OIL.read_bytes().replace(b"Acq. Points, \t8\r\n", b"Acq. Points, \t7\r\n"))
    with pytest.raises(ValueError, match=r"windows\.txt: 40000 points do not make whole 7-point echo windows"):
        ilt.iltload(data_path=path)
