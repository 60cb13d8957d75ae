"""Run a script and record every inversion it makes: one side of ``fastilt compare``.

    python recorder.py --library {iltpy,fastilt} --records DIR SCRIPT [ARGS...]

Runs SCRIPT as ``python SCRIPT ARGS`` would, with ``IltData.invert`` and
``IltData.iltstats`` of the chosen library wrapped: each top-level call writes
``DIR/NNN.npz`` (g, fit, residuals, the iteration count, the data shape, the
number of unknowns and the call's wall time; for ``iltstats`` the arrays of
``statistics``), in call order.  ``DIR/status.json`` gives the library's version,
the script's exit status and its wall time.  With ``--library fastilt`` the
``iltpy`` imports resolve to fastilt (:mod:`fastilt.compat.iltpy_alias`).

This file is run by path in the interpreter that has ILTpy, which need not
have fastilt: it imports only the standard library and NumPy at the top.
"""

import argparse
import functools
import importlib
import json
import os
import runpy
import sys
import time
import traceback

import numpy as np

MISSING_LIBRARY = 3  # exit status: the library to record is not installed here


class Recorder:
    """Writes one ``.npz`` per top-level ``invert``/``iltstats`` call, numbered in call order."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.depth = 0  # > 0 inside a recorded call: ILTpy's iltstats inverts in-process with n_jobs=1

    def wrap(self, cls, method, save):
        original = getattr(cls, method)

        @functools.wraps(original)
        def recorded(iltdata, *args, **kwargs):
            if self.depth:
                return original(iltdata, *args, **kwargs)
            self.depth += 1
            start = time.perf_counter()
            try:
                result = original(iltdata, *args, **kwargs)
            finally:
                self.depth -= 1
            seconds = time.perf_counter() - start
            np.savez(os.path.join(self.folder, f"{self.count:03d}.npz"), kind=method, seconds=seconds, **save(iltdata))
            self.count += 1
            return result

        setattr(cls, method, recorded)


def inversion_arrays(iltdata):
    convergence = list(iltdata.convergence)
    return {
        "g": np.asarray(iltdata.g, dtype=float),
        "fit": np.asarray(iltdata.fit, dtype=float),
        "residuals": np.asarray(iltdata.residuals, dtype=float),
        "iterations": sum(c is not None for c in convergence),
        "data_shape": np.asarray(np.shape(iltdata.data)),
        "unknowns": int(np.prod(np.shape(iltdata.g))),
    }


def statistics_arrays(iltdata):
    # Every array or list of equal-shaped arrays in `statistics`, under its own key.
    arrays = {}
    for key, value in iltdata.statistics.items():
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            continue  # a ragged or non-numeric entry: nothing to compare
        arrays[f"statistics.{key}"] = array
    return arrays


def _script_frames(tb):
    """The traceback from the script's own frames on, as ``python SCRIPT`` prints it."""
    while tb is not None and (tb.tb_frame.f_code.co_filename in (__file__, "<frozen runpy>")
                              or tb.tb_frame.f_code.co_filename.endswith("runpy.py")):
        tb = tb.tb_next
    return tb


def run_script(script, args):
    """``python SCRIPT ARGS``: argv, ``__main__``, the script's folder first on sys.path; the exit status."""
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as stop:
        code = stop.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    except BaseException as error:  # noqa: BLE001 - reported as python reports it, then the status
        traceback.print_exception(type(error), error, _script_frames(error.__traceback__))
        return 1
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", choices=("iltpy", "fastilt"), required=True)
    parser.add_argument("--records", required=True)
    parser.add_argument("script")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    # Run by path, this file's folder is sys.path[0]: the script must not import its neighbours.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    os.makedirs(options.records, exist_ok=True)
    status = {"library": options.library}
    if options.library == "fastilt":
        from fastilt.compat import iltpy_alias

        iltpy_alias.install()
    try:
        library = importlib.import_module("iltpy")
    except ImportError as error:
        status.update(missing=True, error=str(error), python=sys.executable)
        with open(os.path.join(options.records, "status.json"), "w") as f:
            json.dump(status, f)
        return MISSING_LIBRARY
    status["version"] = getattr(library, "__version__", "unknown")
    recorder = Recorder(options.records)
    iltdata_class = importlib.import_module("iltpy.fit.inversion").IltData
    recorder.wrap(iltdata_class, "invert", inversion_arrays)
    recorder.wrap(iltdata_class, "iltstats", statistics_arrays)
    start = time.perf_counter()
    status["exit_status"] = run_script(options.script, options.args)
    status["seconds"] = time.perf_counter() - start
    status["records"] = recorder.count
    with open(os.path.join(options.records, "status.json"), "w") as f:
        json.dump(status, f)
    return status["exit_status"]


if __name__ == "__main__":
    sys.exit(main())
