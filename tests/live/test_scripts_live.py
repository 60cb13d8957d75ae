"""``fastilt run`` and ``fastilt compare`` on scripts written for ILTpy 1.0 and 1.1, against the live releases."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import PYTHONS

SCRIPTS = Path(__file__).parent / "scripts"
# Each script with the ILTpy releases it is written for (1.0 scripts run on 1.1 too,
# but for their user kernel set in __init__, which 1.1 made read-only).
WRITTEN_FOR = {"iltpy10_decay.py": ["1.0.0"], "iltpy11_map.py": ["1.1.0"]}
CASES = [(script, version) for script, versions in WRITTEN_FOR.items() for version in versions if version in PYTHONS]


@pytest.fixture
def folder(tmp_path):
    t = np.linspace(1e-3, 1.0, 150)
    s = 90 * np.exp(-t / 0.04) + 30 * np.exp(-t / 0.4) + np.random.default_rng(0).standard_normal(t.size)
    np.savetxt(tmp_path / "decay.txt", np.column_stack([t, s]))
    return tmp_path


def _fastilt(*args, cwd):
    return subprocess.run([sys.executable, "-m", "fastilt", *args], cwd=cwd, capture_output=True, text=True)


def test_every_version_has_a_script():
    assert {v for _, v in CASES} == set(PYTHONS)


@pytest.mark.parametrize(("script", "version"), CASES)
def test_run_behaves_as_python_under_iltpy(script, version, folder):
    # What the script prints and its exit status, as under `python SCRIPT` with the live ILTpy.
    args = ["18"] if script == "iltpy10_decay.py" else ["4"]
    iltpy = subprocess.run([PYTHONS[version], str(SCRIPTS / script), *args], cwd=folder, capture_output=True, text=True)
    (folder / "decay_report.txt").unlink(missing_ok=True)
    ours = _fastilt("run", str(SCRIPTS / script), *args, cwd=folder)
    assert iltpy.returncode == ours.returncode == int(args[0] if script == "iltpy11_map.py" else 0), ours.stderr
    assert ours.stdout == iltpy.stdout
    assert "__main__" in ours.stdout or "map" in ours.stdout


@pytest.mark.parametrize(("script", "version"), CASES)
def test_compare_agrees(script, version, folder):
    args = ["18"] if script == "iltpy10_decay.py" else []
    done = _fastilt("compare", "--iltpy-python", PYTHONS[version], str(SCRIPTS / script), *args, cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"ILTpy {version} against fastilt" in done.stdout
    rows = [line for line in done.stdout.splitlines() if line.rstrip().endswith("ok")]
    assert len(rows) == (3 if script == "iltpy10_decay.py" else 2)
    # each side wrote its report in its own folder, none in the user's
    assert not (folder / "decay_report.txt").exists()


def test_compare_fails_on_a_difference(folder, tmp_path):
    # A script whose numbers depend on the library: the exit status must say so.
    script = tmp_path / "differs.py"
    script.write_text(
        "import numpy as np, iltpy as ilt\n"
        "t = np.linspace(1e-3, 1, 80)\n"
        "s = 50 * np.exp(-t / 0.1) + np.random.default_rng(0).standard_normal(80)\n"
        "d = ilt.iltload(data=s, t=t)\n"
        "n = 20 if ilt.__file__.endswith('fastilt/__init__.py') else 21\n"
        "d.init(np.logspace(-3, 1, 30), ilt.Exponential(), parameters={'maxloop': n})\n"
        "d.invert(verbose=0)\n"
    )
    version = sorted(PYTHONS)[-1]
    done = _fastilt("compare", "--iltpy-python", PYTHONS[version], str(script), cwd=folder)
    assert done.returncode == 1, done.stdout
    assert "DIFFERENT" in done.stdout and "0 passed, 1 failed" in done.stdout
