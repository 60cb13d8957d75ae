"""The gallery scripts in examples/ run (--quick) and give noise-level fits and a PNG."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("scipy")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
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


def _load_script(name):
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))  # the scripts import their helper module _gallery
    spec = importlib.util.spec_from_file_location(f"gallery_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check_result(iltdata):
    assert iltdata.inverted
    assert np.all(np.isfinite(iltdata.g))
    assert np.any(iltdata.g != 0)
    std = float(np.std(iltdata.residuals))
    assert 0.5 < std < 2.0, f"residual std {std:.3f} is not at the (unit) noise level"


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_script_quick_run(name, tmp_path):
    import matplotlib.pyplot as plt

    result = _load_script(name).main(["--quick", "--outdir", str(tmp_path / "out")])
    plt.close("all")
    _check_result(result["iltdata"])
    if "iltdata_real" in result:
        _check_result(result["iltdata_real"])
    png = Path(result["png"])
    assert png == tmp_path / "out" / f"{name}.png"
    assert png.stat().st_size > 10_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_prepare_initialises_without_inverting(name, capsys):
    """``prepare`` (used by benchmarks/bench_core.py) returns the script's IltData last,
    initialised as the script inverts it."""
    iltdata = _load_script(name).prepare(quick=True)[-1]
    assert iltdata.initialized and not iltdata.inverted
    assert iltdata.maxloop > 0 and np.size(iltdata.Y) == np.prod(iltdata.Nx)


def test_main_job_from_the_command_line(tmp_path):
    """``python examples/cpmg_sandstone.py --quick --outdir DIR`` from another working directory."""
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1")
    src = str(EXAMPLES.parent / "src")
    env["PYTHONPATH"] = os.pathsep.join([p for p in (env.get("PYTHONPATH"), src) if p])
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / "cpmg_sandstone.py"), "--quick", "--outdir", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "cpmg_sandstone.png").is_file()
    assert "T2 log mean" in completed.stdout


@pytest.mark.parametrize("dataset", sorted(set(SCRIPTS.values()) - {None}))
def test_data_keep_their_attribution(dataset):
    folder = EXAMPLES / "data" / dataset
    source = (folder / "SOURCE.md").read_text()
    assert "License" in source and "Repository" in source
    license_text = (folder / "LICENSE.txt").read_text()
    assert "MIT License" in license_text and "Copyright (c)" in license_text


def test_every_script_is_listed():
    scripts = {p.stem for p in EXAMPLES.glob("*.py") if not p.stem.startswith("_")}
    assert scripts == set(SCRIPTS) | {"batch_hydrocarbons"}  # a stack: run by tests/test_batch.py
