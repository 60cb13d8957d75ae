"""Live ILTpy for the tests in this folder: one worker process per installed ILTpy release.

``.ci/iltpy-live`` installs ``ilt-py-lib==1.0.0`` and ``==1.1.0`` into their own
virtual environments and names their interpreters in
``FASTILT_ILTPY_PYTHONS="1.0.0=/path/python 1.1.0=/path/python"``.  The folder is
left out of ``pytest tests`` (``norecursedirs``) and run on its own; without the
variable it refuses to start rather than skip.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # problems.py, shared with the worker

import problems  # noqa: E402

VARIABLE = "FASTILT_ILTPY_PYTHONS"


def iltpy_pythons():
    """``{version: interpreter}`` from the environment; a usage error when it is not set."""
    text = os.environ.get(VARIABLE, "").strip()
    if not text:
        raise pytest.UsageError(
            f"tests/live compare fastilt with installed ILTpy releases: set {VARIABLE} "
            "(bash .ci/iltpy-live does: '1.0.0=/path/python 1.1.0=/path/python')"
        )
    pythons = dict(item.split("=", 1) for item in text.split())
    for version, python in pythons.items():
        if not Path(python).exists():
            raise pytest.UsageError(f"{VARIABLE}: no interpreter {python} for ILTpy {version}")
    return pythons


PYTHONS = iltpy_pythons()
VERSIONS = sorted(PYTHONS)


class IltpyWorker:
    """One ILTpy process answering problems in order; requests can run ahead of the answers."""

    def __init__(self, python, folder):
        self.folder = Path(folder)
        self.process = subprocess.Popen(
            [python, str(HERE / "iltpy_worker.py")], cwd=HERE, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )
        self.version = self.process.stdout.readline().strip()
        self.sent = 0
        self.answers = []

    def submit(self, problem):
        ticket = self.sent
        problems.save(self.folder / f"problem{ticket}.npz", problem)
        self.process.stdin.write(f"{self.folder / f'problem{ticket}.npz'} {self.folder / f'result{ticket}.npz'}\n")
        self.process.stdin.flush()
        self.sent += 1
        return ticket

    def result(self, ticket):
        while len(self.answers) <= ticket:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"the ILTpy {self.version} worker stopped")
            self.answers.append(line.strip())
        if self.answers[ticket] != "ok":
            raise AssertionError(f"ILTpy {self.version} failed: {self.answers[ticket]}")
        with np.load(self.folder / f"result{ticket}.npz") as stored:
            return {name: stored[name] for name in stored.files}

    def close(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a session stopped early, with requests still queued
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="session")
def iltpy_workers():
    """``{version: IltpyWorker}``, started once per session."""
    with tempfile.TemporaryDirectory() as folder:
        workers = {}
        for version, python in PYTHONS.items():
            (Path(folder) / version).mkdir()
            workers[version] = IltpyWorker(python, Path(folder) / version)
            assert workers[version].version == version, f"{python} has ILTpy {workers[version].version}"
        yield workers
        for worker in workers.values():
            worker.close()


def relative_error(actual, expected):
    expected = np.asarray(expected, dtype=float)
    return float(np.linalg.norm(np.asarray(actual, dtype=float) - expected) / np.linalg.norm(expected))


def fastilt_result(problem, version):
    """The problem through fastilt in this process, following ILTpy ``version``."""
    import fastilt

    previous = fastilt.set_iltpy_version(version)
    try:
        return problems.run(fastilt, problem)
    finally:
        fastilt.set_iltpy_version(previous)


def assert_agree(fastilt_arrays, iltpy_arrays, tolerance=1e-6):
    """Every array within ``tolerance`` (relative 2-norm), the same iteration count."""
    assert int(fastilt_arrays["iterations"]) == int(iltpy_arrays["iterations"])
    assert set(fastilt_arrays) == set(iltpy_arrays)
    errors = {key: relative_error(fastilt_arrays[key], value) for key, value in iltpy_arrays.items()
              if key != "iterations" and np.linalg.norm(value) > 0}
    assert max(errors.values()) <= tolerance, errors
