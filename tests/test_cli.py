"""The command line through subprocess calls (``python -m fastilt ...``), as a user runs it."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import fastilt
from instrument_files import topspin

import nmrglue  # noqa: F401  (the io extra; part of the test extra)
pytest.importorskip("matplotlib")  # the figure of `invert`

INSTRUMENT = Path(__file__).parent / "data" / "instrument"


def fastilt_cli(*args, cwd=None, env=None):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", MPLBACKEND="Agg", **(env or {}))
    return subprocess.run([sys.executable, "-m", "fastilt", *map(str, args)], capture_output=True, text=True,
                          timeout=600, cwd=cwd, env=env)


def test_version():
    done = fastilt_cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"fastilt {fastilt.__version__}"


@pytest.mark.parametrize("folder,name,extra,flipped", [
    ("geospec_ir_bunter", "IR_bunter", [], True),  # a decay kernel fitted to a recovery: net negative
    ("spinsolve_t1t2_berea", "T1IRT2", ["--tau", "1e-4", "10", "16"], False),  # 1 - 2 exp(-t/T1): positive
])
def test_invert_writes_report_and_figure(tmp_path, folder, name, extra, flipped):
    done = fastilt_cli("invert", INSTRUMENT / folder, "--out", tmp_path / "out", *extra)
    assert done.returncode == 0, done.stderr
    assert "kernels" in done.stdout and "noise sd" in done.stdout
    assert "fastilt" in done.stderr  # the progress bar
    assert "Warning" not in done.stderr  # warnings are the command's own one-line notes (stdout)
    assert ("note: the figure shows -g: the Exponential kernel fitted a net negative amplitude" in done.stdout) is flipped
    for suffix in (".txt", ".param", ".npz", ".png"):
        assert (tmp_path / "out" / f"{name}{suffix}").stat().st_size > 0
    assert (tmp_path / "out" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = (tmp_path / "out" / f"{name}.txt").read_text()
    assert "Residuals" in report


def test_invert_options_reach_the_fit(tmp_path):
    done = fastilt_cli("invert", INSTRUMENT / "geospec_ir_bunter" / "IR_bunter.txt", "--kernel", "Exponential",
                       "--tau", "1e-5", "10", "30", "--param", "alpha_00=5", "--param", "sb=true",
                       "--noise-sd", "120", "--backend", "python", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "noise sd 120" in done.stdout
    parameters = json.loads((tmp_path / "IR_bunter_fastilt" / "IR_bunter.param").read_text())
    assert parameters["alpha_00"] == 5 and parameters["sb"] is True
    assert "30 points from 1e-05 to 10" in (tmp_path / "IR_bunter_fastilt" / "IR_bunter.txt").read_text()


def test_invert_unknown_file(tmp_path):
    path = tmp_path / "spectrum.jdx"
    path.write_text("##TITLE= not an instrument file we read\n")
    done = fastilt_cli("invert", path, "--out", tmp_path / "out")
    assert done.returncode == 1
    assert "spectrum.jdx is not a recognised instrument file" in done.stderr
    assert "GeoSpec" in done.stderr and "BES3T" in done.stderr
    assert not (tmp_path / "out").exists()  # nothing written on failure


def test_invert_missing_companion_file(tmp_path):
    (tmp_path / "acqu.par").write_bytes((INSTRUMENT / "spinsolve_dt2" / "acqu.par").read_bytes())
    done = fastilt_cli("invert", tmp_path)
    assert done.returncode == 1
    assert "acqu.par describes a DT2 experiment but its data file DT2.dat is missing" in done.stderr


def test_invert_truncated_binary(tmp_path):
    (tmp_path / "x.DSC").write_bytes((INSTRUMENT / "bruker_bes3t_hahn_echo" / "2D_ESE.DSC").read_bytes())
    (tmp_path / "x.DTA").write_bytes(b"\0" * 1000)
    done = fastilt_cli("invert", tmp_path / "x.DSC")
    assert done.returncode == 1 and "x.DTA: 1000 bytes" in done.stderr and "truncated" in done.stderr


def test_invert_text_folder_needs_a_kernel(tmp_path):
    (tmp_path / "data.txt").write_text("3\n2\n1\n")
    (tmp_path / "dim1.txt").write_text("1\n2\n3\n")
    done = fastilt_cli("invert", tmp_path)
    assert done.returncode == 1 and "states no experiment type; give --kernel" in done.stderr


@pytest.mark.parametrize("args,message", [
    (["--param", "alpha_00"], "--param 'alpha_00': expected KEY=VALUE"),
    (["--param", "no_such_parameter=1"], "no_such_parameter"),
    (["--tau", "1", "0.1", "20"], "expected MIN MAX N with 0 < MIN < MAX"),
    (["--tau", "a", "b", "c"], "--tau a b c: expected MIN MAX N with 0 < MIN < MAX and a whole N >= 2"),
    (["--noise-sd", "1e-310"], "--noise-sd 1e-310: the data of"),
])
def test_invert_bad_options(tmp_path, args, message):
    done = fastilt_cli("invert", INSTRUMENT / "geospec_ir_bunter", "--out", tmp_path / "out", *args)
    assert done.returncode == 1 and message in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args,env,message", [
    ([], {"FASTILT_MAX_MEMORY": "1K"}, r"geospec_ir_bunter: inverting 101 unknowns .* needs at least .* more than "
                                       r"the FASTILT_MAX_MEMORY limit of 1 KiB; use fewer tau points"),
    (["--param", "alpha_00=1e300"], {}, r"geospec_ir_bunter: Gamma is NaN or infinite at iteration 0; .*No result "
                                        r"was stored\."),
], ids=["MemoryError", "NonFiniteError"])
def test_invert_failures_end_with_one_line(tmp_path, args, env, message):
    done = fastilt_cli("invert", INSTRUMENT / "geospec_ir_bunter", "--out", tmp_path / "out", *args, env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    error_lines = [line for line in done.stderr.splitlines() if line.startswith("fastilt invert: error:")]
    assert len(error_lines) == 1 and re.search(message, error_lines[0]), done.stderr
    assert not (tmp_path / "out").exists()


def test_invert_static_baseline_on_pseudo_2d_data_is_a_note(tmp_path):
    """ILTpy's sb is 1D only (init warns and drops it): the command extends the grid instead and says so."""
    t = np.arange(128) / 1e4
    delays = np.array([0.01, 0.05, 0.2, 0.8, 3.0])
    fids = np.outer(1 - 0.9 * np.exp(-delays / 0.3), np.exp(2j * np.pi * 1000 * t - t / 1e-3))
    folder = topspin(tmp_path / "1", fids, "satrect1", {"vdlist": "".join(f"{d}\n" for d in delays)})
    done = fastilt_cli("invert", folder, "--out", tmp_path / "out", "--tau", "1e-3", "10", "9", "--param", "sb=true")
    assert done.returncode == 0, done.stderr
    assert "saturation recovery (T1)" in done.stdout and "'SaturationRecovery', 'Identity'" in done.stdout
    assert ("note: sb (static baseline): ILTpy's sb is for 1D data; on this 2D data the tau grid of dimension 1 "
            "is extended to 1e-05..10") in done.stdout
    assert "Warning" not in done.stderr


def test_usage_error():
    done = fastilt_cli("invert")
    assert done.returncode == 2 and "path" in done.stderr


@pytest.mark.parametrize(("full", "rows"), [(False, 3), (True, 4)])
def test_verify_passes_on_this_build(full, rows):
    # The python backend on the slow case only with --full (it took ILTpy 4.6 s).
    cases = ["--case", "1d_diffusion", "--case", "pseudo2d_exponential_8x128"]
    done = fastilt_cli("verify", *cases, *(["--full"] if full else []))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.endswith("  ok") for line in lines) == rows
    assert ("left out of 1 slow cases (pseudo2d_exponential_8x128)" in done.stdout) is not full
    assert lines[-1] == f"{rows} passed, 0 failed"


def test_info():
    done = fastilt_cli("info")
    assert done.returncode == 0
    assert done.stdout.startswith(f"fastilt {fastilt.__version__}")
    config = fastilt.show_config("dicts")
    assert f"name: {config['lapack']['name']}" in done.stdout
    assert f"found: {config['cholmod']['found']}" in done.stdout
    assert "thread pool:" in done.stdout and "instrument formats:" in done.stdout
