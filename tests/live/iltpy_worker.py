"""The ILTpy side of the live tests: runs in an environment with ILTpy (and without fastilt).

    python iltpy_worker.py

Reads one request a line on stdin, ``PROBLEM.npz RESULT.npz``, inverts the
problem with ILTpy (:func:`problems.run`) and answers ``ok`` or ``error: ...``
on a line of its own, in order, until stdin closes.  The first line it writes
is ILTpy's version.
"""

import sys
import traceback

import numpy as np

import iltpy
import problems


def main():
    print(iltpy.__version__, flush=True)
    for line in sys.stdin:
        problem_path, result_path = line.split()
        try:
            np.savez(result_path, **problems.run(iltpy, problems.load(problem_path)))
            print("ok", flush=True)
        except Exception as error:  # noqa: BLE001 - the test reports it
            detail = traceback.format_exception_only(type(error), error)[-1].strip()
            print(f"error: {detail}", flush=True)


if __name__ == "__main__":
    main()
