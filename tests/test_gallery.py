"""The gallery scripts in examples/ run (--quick) as downloaded and give noise-level fits and a PNG."""

import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("scipy")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCRIPTS = {
    "cpmg_sandstone": "nmr1d_cpmg_bunter_sandstone",
    "t1_inversion_recovery": "nmr1d_t1ir_bunter_sandstone",
    "pfg_diffusion": "nmr1d_pfg_water",
    "t1t2_map": "nmr2d_t1t2_berea_spinsolve",
    "pseudo2d_ir_spectra": "nmrpseudo2d_t1ir_odnp_water_dnplab",
    "epr_echo_decay": "epr1d_hahn_echo_decay_dnplab",
    "eis_drt": "eis_pydrttools_lib",
    "raw_instrument_files": None,  # reads tests/data/instrument (attribution: tests/test_io.py)
}
#: The IltData each script leaves, by its variable name.
RESULTS = {"eis_drt": ("real", "imag")}


def run_example(path, *args):
    """Run a gallery script as ``python PATH ARGS`` does, in this process; returns its variables."""
    import matplotlib.pyplot as plt

    argv, sys.argv = sys.argv, [str(path), *args]
    try:
        return runpy.run_path(str(path), run_name="__main__")
    finally:
        sys.argv = argv
        plt.close("all")


def _check_result(iltdata):
    assert iltdata.inverted
    assert np.all(np.isfinite(iltdata.g))
    assert np.any(iltdata.g != 0)
    std = float(np.std(iltdata.residuals))
    assert 0.5 < std < 2.0, f"residual std {std:.3f} is not at the (unit) noise level"


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_script_quick_run(name, tmp_path):
    variables = run_example(EXAMPLES / f"{name}.py", "--quick", "--outdir", str(tmp_path / "out"))
    for result in RESULTS.get(name, ("data",)):
        _check_result(variables[result])
    png = variables["png"]
    assert png == tmp_path / "out" / f"{name}.png"
    assert png.stat().st_size > 10_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", ["cpmg_sandstone", "eis_drt"])
def test_downloaded_script_runs_in_a_fresh_folder(name, tmp_path):
    """A script and its data folder, copied anywhere, run on their own (no helper module,
    no path into the repository); without the data, the error names the file to get."""
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1")
    download = tmp_path / "download"
    (download / "data").mkdir(parents=True)
    shutil.copy(EXAMPLES / f"{name}.py", download)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    command = [sys.executable, str(download / f"{name}.py"), "--quick"]

    missing = subprocess.run(command, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    assert missing.returncode != 0
    assert f"examples/data/{SCRIPTS[name]}/" in missing.stderr.splitlines()[-1]

    shutil.copytree(EXAMPLES / "data" / SCRIPTS[name], download / "data" / SCRIPTS[name])
    completed = subprocess.run(command, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert (download / "output" / f"{name}.png").is_file()


def test_script_runs_as_a_notebook(tmp_path, monkeypatch):
    """In Jupyter the code has no ``__file__``, runs in the notebook's folder and sees the
    kernel's own arguments: the data are found beside the notebook, the arguments ignored."""
    import matplotlib.pyplot as plt

    name = "pfg_diffusion"
    shutil.copytree(EXAMPLES / "data" / SCRIPTS[name], tmp_path / "data" / SCRIPTS[name])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["ipykernel_launcher.py", "-f", str(tmp_path / "kernel.json")])
    variables = {"__name__": "__main__"}
    try:
        exec(compile((EXAMPLES / f"{name}.py").read_text(encoding="utf-8"), "notebook", "exec"), variables)
    finally:
        plt.close("all")
    _check_result(variables["data"])
    assert variables["png"] == tmp_path / "output" / f"{name}.png"


def test_main_job_from_the_command_line(tmp_path):
    """``python examples/cpmg_sandstone.py --quick --outdir DIR`` from another working directory."""
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1")
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / "cpmg_sandstone.py"), "--quick", "--outdir", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "cpmg_sandstone.png").is_file()
    assert "T2 log mean" in completed.stdout


def test_benchmark_takes_the_scripts_set_up(monkeypatch):
    """benchmarks/bench_core.py's real section: the IltData a script has set up before it inverts."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import bench_core

    for name in bench_core.REAL_SCRIPTS:
        iltdata = bench_core.real_problem(name)[-1]
        assert iltdata.initialized and not iltdata.inverted, name
        assert iltdata.maxloop > 0 and np.size(iltdata.Y) == np.prod(iltdata.Nx)


@pytest.mark.parametrize("dataset", sorted(set(SCRIPTS.values()) - {None}))
def test_data_keep_their_attribution(dataset):
    folder = EXAMPLES / "data" / dataset
    source = (folder / "SOURCE.md").read_text()
    assert "License" in source and "Repository" in source
    license_text = (folder / "LICENSE.txt").read_text()
    assert "MIT License" in license_text and "Copyright (c)" in license_text


def test_every_script_is_listed():
    scripts = {p.stem for p in EXAMPLES.glob("*.py")}
    assert scripts == set(SCRIPTS) | {"batch_hydrocarbons"}  # a stack: run by tests/test_batch.py
