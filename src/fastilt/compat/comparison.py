"""``fastilt compare``: one script under the installed ILTpy and under fastilt, inversion by inversion.

Each side runs in its own process (:mod:`fastilt.compat.recorder`) and its own
working folder, a copy of the current folder made of links to its entries, so
that the script reads the same files and what it writes lands apart.  ILTpy
runs first; fastilt then follows that ILTpy release
(``FASTILT_ILTPY_VERSION``), so ``iltstats`` with a seed draws the same noise.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .versions import ENVIRONMENT_VARIABLE, ILTPY_VERSIONS

__all__ = ["TOLERANCE", "Comparison", "IltpyMissingError", "InversionPair", "compare_script"]

#: relative 2-norm difference allowed between fastilt's and ILTpy's arrays (as ``fastilt verify``)
TOLERANCE = 1e-6
RECORDER = Path(__file__).with_name("recorder.py")
INSTALL_HINT = "pip install 'fastilt[verify]'   (or: pip install ilt-py-lib)"


class IltpyMissingError(RuntimeError):
    """The interpreter meant to run ILTpy cannot import it."""


def _relative_error(actual, expected):
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    if actual.shape != expected.shape:
        return np.inf
    scale = np.linalg.norm(expected)
    difference = np.linalg.norm(actual - expected)
    return float(difference / scale) if scale > 0 else float(difference)


@dataclass(frozen=True)
class InversionPair:
    """One recorded call (``invert`` or ``iltstats``) on both sides."""

    kind: str
    data_shape: tuple
    unknowns: int
    iterations: tuple  # (ILTpy, fastilt); None for iltstats
    errors: dict  # array name -> relative 2-norm difference
    seconds: tuple  # (ILTpy, fastilt)

    @property
    def error(self):
        return max(self.errors.values(), default=0.0)

    @property
    def passed(self):
        return self.error <= TOLERANCE and (self.iterations is None or self.iterations[0] == self.iterations[1])

    @property
    def speedup(self):
        return self.seconds[0] / self.seconds[1] if self.seconds[1] > 0 else np.inf


@dataclass(frozen=True)
class Comparison:
    """The outcome of :func:`compare_script`."""

    iltpy_version: str
    pairs: list
    exit_status: tuple  # the script's own, (ILTpy, fastilt)
    seconds: tuple  # the whole script's wall time, (ILTpy, fastilt)
    counts: tuple  # recorded calls, (ILTpy, fastilt)
    outputs: tuple  # what each side printed, (ILTpy, fastilt)
    folders: tuple  # the working folders when kept, else None

    @property
    def passed(self):
        return (
            self.exit_status == (0, 0)
            and self.counts[0] == self.counts[1] > 0
            and all(pair.passed for pair in self.pairs)
        )


def _shadow_folder(source, target):
    """``target`` holding a link to every entry of ``source``: reads resolve, new files stay apart."""
    target.mkdir(parents=True)
    for entry in source.iterdir():
        (target / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())


def _run_side(library, python, script, args, folder, records, env):
    """Run one side; its status, its records (name -> array, in call order) and its output."""
    command = [python, str(RECORDER), "--library", library, "--records", str(records), script, *args]
    log_path = records.parent / f"{library}.log"
    with open(log_path, "w") as log:
        subprocess.run(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    output = log_path.read_text(errors="replace")
    try:
        status = json.loads((records / "status.json").read_text())
    except FileNotFoundError:  # the recorder itself failed to start
        raise RuntimeError(f"{python} could not run the {library} side:\n{output[-2000:]}") from None
    if status.get("missing"):
        raise IltpyMissingError(
            f"ILTpy is not installed for {status['python']} ({status['error']}); install it with: {INSTALL_HINT}"
        )
    recorded = []
    for path in sorted(records.glob("*.npz")):
        with np.load(path) as stored:
            recorded.append({name: stored[name] for name in stored.files})
    return status, recorded, output


def _pair(reference, candidate):
    kind = str(reference["kind"])
    arrays = [k for k in reference if k in ("g", "fit", "residuals") or k.startswith("statistics.")]
    errors = {
        name: _relative_error(candidate[name], reference[name]) if name in candidate else np.inf
        for name in arrays
    }
    if kind != str(candidate["kind"]):
        errors["call"] = np.inf  # the scripts made different calls in this place
    iterations = None
    if kind == "invert":
        iterations = (int(reference["iterations"]), int(candidate.get("iterations", -1)))
    shape = tuple(int(n) for n in reference.get("data_shape", ()))
    unknowns = int(reference.get("unknowns", 0))
    return InversionPair(kind, shape, unknowns, iterations, errors, (float(reference["seconds"]), float(candidate["seconds"])))


def compare_script(script, args=(), iltpy_python=None, keep=None):
    """Run ``script args`` under ILTpy and under fastilt and compare every inversion.

    Parameters
    ----------
    script : str
        The script's path (as given to ``python``).
    args : sequence of str
        Its arguments.
    iltpy_python : str, optional
        The interpreter that has ILTpy (default: this one).
    keep : path-like, optional
        Keep the two working folders and the logs under this folder
        (default: a temporary folder, removed afterwards).

    Returns
    -------
    Comparison

    Raises
    ------
    IltpyMissingError
        ``iltpy_python`` cannot import ILTpy.
    FileNotFoundError
        The script does not exist.
    """
    if not Path(script).is_file():
        raise FileNotFoundError(f"{script}: no such script")
    root = Path(tempfile.mkdtemp(prefix="fastilt-compare-")) if keep is None else Path(keep)
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    try:
        sides = {}
        for library, python in (("iltpy", iltpy_python or sys.executable), ("fastilt", sys.executable)):
            folder = root / library
            _shadow_folder(Path.cwd(), folder)
            sides[library] = _run_side(library, python, script, list(args), folder, root / f"{library}-records", env)
            if library == "iltpy" and sides["iltpy"][0]["version"] in ILTPY_VERSIONS:
                env[ENVIRONMENT_VARIABLE] = sides["iltpy"][0]["version"]
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
    (iltpy_status, iltpy_records, iltpy_output), (fastilt_status, fastilt_records, fastilt_output) = (
        sides["iltpy"],
        sides["fastilt"],
    )
    return Comparison(
        iltpy_version=iltpy_status["version"],
        pairs=[_pair(a, b) for a, b in zip(iltpy_records, fastilt_records)],
        exit_status=(iltpy_status["exit_status"], fastilt_status["exit_status"]),
        seconds=(iltpy_status["seconds"], fastilt_status["seconds"]),
        counts=(len(iltpy_records), len(fastilt_records)),
        outputs=(iltpy_output, fastilt_output),
        folders=(root / "iltpy", root / "fastilt") if keep is not None else None,
    )
