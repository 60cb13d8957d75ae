"""Malformed instrument files: each error is one line naming the file, the line or key, and what was expected.

The files are written from scratch in their real formats (tests/instrument_files.py), each with one fault.
"""

import re

import numpy as np
import pytest

import fastilt as ilt
from instrument_files import bes3t, geospec, spinsolve, topspin

import nmrglue  # noqa: F401  (TopSpin: the io extra, part of the test extra)


def one_line_error(path, error_type=ValueError):
    with pytest.raises(error_type) as info:
        ilt.iltload(data_path=path)
    message = str(info.value)
    assert type(info.value) is error_type and "\n" not in message, message
    return message


def fids(rows, points=64):
    t = np.arange(points) / 1e4
    return np.ones((rows, 1)) * np.exp(2j * np.pi * 500 * t - t / 0.005)


def test_a_delay_that_is_not_a_number_names_the_vdlist_line(tmp_path):
    folder = topspin(tmp_path / "1", fids(3), lists={"vdlist": "10m\n\n0.1\nlong\n"})
    message = one_line_error(folder)
    assert message.startswith(f"{folder / 'vdlist'}, line 4: 'long' is not a delay (expected a number with an "
                              "optional unit n, u, m or s")


def test_delays_with_units_are_read_as_topspin_writes_them(tmp_path):
    """nmrglue's vdlist reader turns ``5ms`` into ``5e-3s`` and fails; blank lines are skipped."""
    folder = topspin(tmp_path / "1", fids(3), lists={"vdlist": "500u\n\n5ms\n2\n"})
    np.testing.assert_allclose(ilt.iltload(data_path=folder).t[0], [500e-6, 5e-3, 2.0])


def test_a_loop_count_that_is_not_whole_names_the_vclist_line(tmp_path):
    folder = topspin(tmp_path / "1", fids(3), lists={"vclist": "1\n2\n2.5\n"})
    assert one_line_error(folder) == f"{folder / 'vclist'}, line 3: the loop count = '2.5' is not a whole number"


def test_a_malformed_integer_in_acqu_par_names_the_key(tmp_path):
    folder = spinsolve(tmp_path / "t1t2", nrEchoes="1O24")
    assert one_line_error(folder) == f"{folder / 'acqu.par'}: nrEchoes = '1O24' is not a whole number"


def test_a_malformed_integer_in_a_dsc_names_the_key(tmp_path):
    dsc = bes3t(tmp_path / "echo", np.exp(-np.arange(12) / 4) + 0j, XPTS="5l2")
    assert one_line_error(dsc) == f"{dsc}: XPTS = '5l2' is not a whole number"


def test_a_missing_dsc_key_is_named(tmp_path):
    dsc = bes3t(tmp_path / "echo", np.exp(-np.arange(12) / 4) + 0j)
    dsc.write_text(dsc.read_text().replace("XWID", "XWIDTH"))
    assert one_line_error(dsc) == f"{dsc}: XWID is missing (expected a number)"


def test_a_text_row_in_a_geospec_data_block_names_the_line(tmp_path):
    rows = ["0.1\t0.0\t100.0\t1.0", "0.2\t0.0\t90.0\t1.0", "0.3\t0.0\tOVERFLOW\t1.0", "0.4\t0.0\t80.0\t1.0"]
    path = geospec(tmp_path / "T2.txt", None, None, rows=rows)
    line = path.read_text().splitlines().index(rows[2]) + 1
    assert one_line_error(path) == (f"{path}, line {line}: '0.3\\t0.0\\tOVERFLOW\\t1.0' is not a row of numbers "
                                    "(expected X Y Real Imaginary)")


def test_a_zero_byte_dps_is_an_empty_file(tmp_path):
    path = tmp_path / "cpmg.dps"
    path.write_bytes(b"")
    assert one_line_error(path) == f"{path}: empty file (expected rows of index, time in ms, amplitude)"


def test_a_spinsolve_data_line_that_is_not_numbers_names_the_line(tmp_path):
    folder = spinsolve(tmp_path / "t1t2")
    data_file = folder / "T1IRT2.dat"
    lines = data_file.read_text().splitlines()
    lines[1] = lines[1].replace("1.0", "n/a", 1)
    data_file.write_text("\n".join(lines) + "\n")
    assert re.fullmatch(rf"{re.escape(str(data_file))}, line 2: '.*' is not a row of numbers "
                        r"\(expected re, im per echo\)", one_line_error(folder))
