"""Reports: file names, contents, .param round trip, .npz levels, atomic writes, errors."""

import json
import os
import re

import numpy as np
import pytest

import fastilt as ilt
from fastilt import reporting
from fastilt.reporting import NotInvertedError, iltreport
from reference_cases import CASES, initialised_case, inverted_case, reference



@pytest.fixture(scope="module")
def inverted():
    return inverted_case("1d_exponential_params")


def _files(folder):
    return sorted(p.name for p in folder.iterdir())


def _section(text, title):
    """The numbers of one array block of the text report (between its header and the next '#')."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"# {title}")
    values = []
    for line in lines[start + 1:]:
        if line.startswith("#"):
            if values:
                break
            continue
        values.append(float(line.split()[0]) if len(line.split()) == 1 else [float(v) for v in line.split()])
    return np.array(values)


# ------------------------------------------------------------------ file names
def test_named_report_and_companions(inverted, tmp_path, capsys):
    written = iltreport(inverted, tmp_path / "run1", save_arrays=True, parameters_to_file=True)
    assert _files(tmp_path) == ["run1.npz", "run1.param", "run1.txt"]
    assert written == {"report": tmp_path / "run1.txt", "param": tmp_path / "run1.param", "npz": tmp_path / "run1.npz"}
    assert f"Results saved at {tmp_path}" in capsys.readouterr().out


def test_report_only_by_default(inverted, tmp_path):
    inverted.report(tmp_path / "only.txt")
    assert _files(tmp_path) == ["only.txt"]


def test_folder_gets_a_timestamped_iltpy_name(inverted, tmp_path):
    iltreport(inverted, tmp_path, parameters_to_file=True)
    names = _files(tmp_path)
    assert len(names) == 2
    assert re.fullmatch(r"iltpy_\d{8}_\d{6}\.param", names[0])
    assert re.fullmatch(r"iltpy_\d{8}_\d{6}\.txt", names[1])


def test_no_path_writes_into_the_working_directory(inverted, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    iltreport(inverted)
    (name,) = _files(tmp_path)
    assert re.fullmatch(r"iltpy_\d{8}_\d{6}\.txt", name)


# -------------------------------------------------------------------- contents
def test_text_report_contents(inverted, tmp_path):
    iltreport(inverted, tmp_path / "r")
    text = (tmp_path / "r.txt").read_text()
    assert text.startswith("# --- FASTILT ---")
    assert f"version : {ilt.__version__}" in text
    for marker in ("# --- ARRAYS ---", "# --- KERNEL ---", "# --- PARAMETERS ---", "# --- END OF REPORT ---"):
        assert marker in text
    assert "# Time taken for inversion :" in text
    assert "# Kernel name Dim 0 : _exponential_" in text
    assert "# Kernel function Dim 0 : exp(-t / tau)" in text
    assert f"Shape : {inverted.data.shape}" in text
    assert "'alpha_00': 3.0" in text and "'maxloop': 60" in text
    np.testing.assert_allclose(_section(text, "G"), inverted.g, rtol=1e-15)
    np.testing.assert_allclose(_section(text, "RESIDUALS"), inverted.residuals, rtol=1e-15)
    np.testing.assert_allclose(_section(text, "TAU"), np.ravel(inverted.tau[0]), rtol=1e-15)


@pytest.mark.filterwarnings("ignore:Setting alt_g equal to 6")
def test_2d_arrays_are_written_as_tables(tmp_path):
    data = inverted_case("2d_exponential_default", maxloop=5)
    iltreport(data, tmp_path / "two")
    text = (tmp_path / "two.txt").read_text()
    np.testing.assert_allclose(_section(text, "G"), data.g, rtol=1e-15)
    assert "# Kernel name Dim 1 : _exponential_" in text


def test_parameter_file_is_json_without_arrays(inverted, tmp_path):
    iltreport(inverted, tmp_path / "p", parameters_to_file=True)
    parameters = json.loads((tmp_path / "p.param").read_text())
    for name in ("tau", "kernel", "Cz", "sigma", "dim_ndim", "g_guess"):
        assert name not in parameters
    for name, value in CASES["1d_exponential_params"]["params"].items():
        assert parameters[name] == value


@pytest.mark.parametrize("case", ["1d_exponential_params", "1d_exponential_sb"])
def test_parameter_file_round_trip_gives_the_same_g(case, tmp_path):
    data = inverted_case(case)
    iltreport(data, tmp_path / case, parameters_to_file=True)
    ref = reference(case)
    fresh = ilt.iltload(data=ref["data"], t=ref["t0"])
    fresh.init(ref["tau0"], ilt.Exponential(), parameters=str(tmp_path / f"{case}.param"))
    fresh.invert(verbose=0)
    assert fresh.g.shape == data.g.shape
    np.testing.assert_allclose(fresh.g, data.g, rtol=0, atol=1e-12 * max(1.0, np.abs(data.g).max()))


# --------------------------------------------------------------------- arrays
def test_array_levels(inverted, tmp_path):
    for level in (0, 1, 2):
        iltreport(inverted, tmp_path / f"level{level}", save_arrays=True, level=level)
    with np.load(tmp_path / "level0.npz", allow_pickle=False) as z0:
        keys0 = set(z0.files)
        np.testing.assert_array_equal(z0["g"], inverted.g)
        np.testing.assert_array_equal(z0["residuals"], inverted.residuals)
    assert {"g", "fit", "residuals", "data", "W", "Y"} <= keys0
    assert not any("_dim" in k for k in keys0)
    assert "Gamma2" not in keys0
    with np.load(tmp_path / "level1.npz", allow_pickle=False) as z1:
        keys1 = set(z1.files)
        np.testing.assert_array_equal(z1["tau_dim0"], inverted.tau[0])
        np.testing.assert_array_equal(z1["K_dim0"], inverted.K[0])
    assert keys0 < keys1 and {"t_dim0", "tau_dim0", "K_dim0"} <= keys1
    with np.load(tmp_path / "level2.npz", allow_pickle=False) as z2:
        keys2 = set(z2.files)
        np.testing.assert_allclose(z2["Gamma2"], inverted.Gamma2.toarray())
        np.testing.assert_allclose(z2["Vbc"], inverted.Vbc.toarray())
    assert keys1 < keys2


@pytest.mark.parametrize("level", [3, -1, 1.5, True, "0"])
def test_bad_level_is_rejected_before_writing(inverted, tmp_path, level):
    with pytest.raises(ValueError, match="level"):
        iltreport(inverted, tmp_path / "x", save_arrays=True, level=level)
    assert _files(tmp_path) == []


# ------------------------------------------------------------- atomic writing
def test_failure_while_writing_arrays_leaves_no_file(inverted, tmp_path, monkeypatch):
    def broken_npz(handle, arrays, compressed):
        handle.write(b"PK\x03\x04 half an archive")
        raise OSError("disk full")

    monkeypatch.setattr(reporting, "_write_npz", broken_npz)
    with pytest.raises(OSError, match="disk full"):
        iltreport(inverted, tmp_path / "atomic", save_arrays=True, parameters_to_file=True)
    assert _files(tmp_path) == []  # neither the report, the .param nor any temporary file


def test_failure_while_writing_text_keeps_an_old_report(inverted, tmp_path, monkeypatch):
    (tmp_path / "keep.txt").write_text("old report\n")

    def broken_text(handle, text):
        handle.write(text[: len(text) // 2])
        raise RuntimeError("interrupted")

    monkeypatch.setattr(reporting, "_write_text", broken_text)
    with pytest.raises(RuntimeError, match="interrupted"):
        iltreport(inverted, tmp_path / "keep")
    assert _files(tmp_path) == ["keep.txt"]
    assert (tmp_path / "keep.txt").read_text() == "old report\n"


def test_written_files_have_normal_permissions(inverted, tmp_path):
    iltreport(inverted, tmp_path / "perm")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "perm.txt").stat().st_mode & 0o777 == 0o666 & ~umask


# --------------------------------------------------------------------- errors
def test_missing_folder_is_file_not_found(inverted, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        iltreport(inverted, tmp_path / "no" / "such" / "folder" / "r.txt")
    with pytest.raises(OSError):  # ILTpy raised OSError; FileNotFoundError is one
        inverted.report(tmp_path / "missing" / "r")


def test_not_inverted_is_a_runtime_error(tmp_path):
    data = initialised_case("1d_exponential_default")
    with pytest.raises(RuntimeError, match="not inverted"):
        iltreport(data, tmp_path / "r")
    with pytest.raises(ValueError):  # what ILTpy raised: both are caught
        data.report(tmp_path / "r")
    assert issubclass(NotInvertedError, RuntimeError) and issubclass(NotInvertedError, ValueError)
    assert _files(tmp_path) == []


def test_report_name_that_would_collide_is_rejected(inverted, tmp_path):
    with pytest.raises(ValueError, match="collide"):
        iltreport(inverted, tmp_path / "r.npz", save_arrays=True)
    assert _files(tmp_path) == []
