"""Files: a report is written completely or not at all; unreadable input files are named."""

import os
import re

import numpy as np
import pytest

import fastilt as ilt
from reference_cases import inverted_case, reference

REF = reference("1d_diffusion")
DATA, T, TAU = REF["data"], REF["t0"], REF["tau0"]


@pytest.fixture(scope="module")
def inverted():
    return inverted_case("1d_diffusion", maxloop=3)


def files(folder):
    return sorted(p.name for p in folder.iterdir())


# ----------------------------------------------------------------------- reports
@pytest.mark.parametrize("blocked", ["param", "npz"])
def test_a_companion_that_is_a_folder_leaves_nothing_behind(inverted, tmp_path, blocked):
    (tmp_path / f"run.{blocked}").mkdir()
    with pytest.raises(IsADirectoryError, match=rf"^cannot write the report file .*run\.{blocked}: a folder"):
        inverted.report(tmp_path / "run", parameters_to_file=True, save_arrays=True)
    assert files(tmp_path) == [f"run.{blocked}"]
    assert files(tmp_path / f"run.{blocked}") == []


def test_a_failed_rename_restores_the_previous_report(inverted, tmp_path, monkeypatch):
    """A failure while the files are put in place (here the .npz) undoes the renames already done."""
    inverted.report(tmp_path / "run", parameters_to_file=True, save_arrays=True)
    before = {name: (tmp_path / name).read_bytes() for name in files(tmp_path)}
    replace = os.replace

    def failing_replace(source, target):
        if str(target).endswith("run.npz") and ".tmp" in str(source):
            raise PermissionError(13, "Permission denied", str(target))
        return replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(PermissionError):
        inverted.report(tmp_path / "run", parameters_to_file=True, save_arrays=True)
    monkeypatch.undo()
    assert {name: (tmp_path / name).read_bytes() for name in files(tmp_path)} == before


def test_a_failed_rename_of_a_new_report_leaves_no_file(inverted, tmp_path, monkeypatch):
    replace = os.replace

    def failing_replace(source, target):
        if str(target).endswith(".param"):
            raise OSError(28, "No space left on device", str(target))
        return replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        inverted.report(tmp_path / "new", parameters_to_file=True, save_arrays=True)
    monkeypatch.undo()
    assert files(tmp_path) == []


def test_rewriting_a_report_leaves_no_backup(inverted, tmp_path):
    for _ in range(2):
        inverted.report(tmp_path / "run", parameters_to_file=True, save_arrays=True)
    assert files(tmp_path) == ["run.npz", "run.param", "run.txt"]


# ------------------------------------------------------------------- iltload folders
@pytest.mark.parametrize(
    "name,content,problem",
    [
        ("data.txt", "1 2 3\n4 5\n", "the number of columns changed from 3 to 2"),
        ("data.txt", "1 2\n3 x\n", "could not convert string 'x'"),
        ("dim1.txt", "0.1\nfast\n", "could not convert string 'fast'"),
        ("data.txt", b"\x89PNG\r\n\x1a\n\x00\xff", "codec can't decode"),
    ],
    ids=["ragged-rows", "token-in-data", "token-in-dim1", "binary"],
)
def test_malformed_text_file_is_named(tmp_path, name, content, problem):
    np.savetxt(tmp_path / "data.txt", np.ones((2, 2)))
    np.savetxt(tmp_path / "dim1.txt", [0.1, 0.2])
    np.savetxt(tmp_path / "dim2.txt", [1.0, 2.0])
    target = tmp_path / name
    target.write_bytes(content if isinstance(content, bytes) else content.encode())
    message = re.escape(f"{target} could not be read as a table of numbers: ") + f".*{re.escape(problem)}"
    with pytest.raises(ValueError, match=message):
        ilt.iltload(data_path=tmp_path)


def test_empty_text_file_is_named(tmp_path):
    (tmp_path / "data.txt").write_text("")
    np.savetxt(tmp_path / "dim1.txt", [0.1, 0.2])
    with pytest.raises(ValueError, match=re.escape(f"{tmp_path / 'data.txt'} holds no numbers")):
        ilt.iltload(data_path=tmp_path)


def test_infinite_value_in_a_dimension_file_is_named(tmp_path):
    np.savetxt(tmp_path / "data.txt", [1.0, 2.0])
    (tmp_path / "dim1.txt").write_text("0.1\ninf\n")
    with pytest.raises(ValueError, match=re.escape(f"{tmp_path / 'dim1.txt'} contains 1 NaN or infinite")):
        ilt.iltload(data_path=tmp_path)


# ---------------------------------------------------------------- parameter files
@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\xff\xfe{\x00}\x00"])
def test_binary_parameter_file_is_named(tmp_path, content):
    path = tmp_path / "settings.param"
    path.write_bytes(content)
    data = ilt.iltload(data=DATA, t=T)
    with pytest.raises(ValueError, match=re.escape(f"{path} is not a text (JSON) parameter file")):
        data.init(TAU, ilt.Diffusion(), parameters=str(path))
    assert not data.initialized


def test_parameter_file_that_is_a_folder(tmp_path):
    data = ilt.iltload(data=DATA, t=T)
    with pytest.raises(IsADirectoryError, match=re.escape(f"parameter file {tmp_path} is a folder")):
        data.init(TAU, ilt.Diffusion(), parameters=str(tmp_path))
