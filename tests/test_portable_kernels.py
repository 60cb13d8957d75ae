"""The paths fastilt takes on a CPU without AVX2/FMA: LAPACK/BLAS and plain loops in place of
its AVX2 kernels.  ``FASTILT_NO_AVX2=1`` takes them on any CPU, so every machine tests them: in a
child process they must still give ILTpy's reference results, and the low-rank solves the same
inversion as the kernels of this process."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

from fastilt import _core
from reference_cases import relative_error

TESTS = os.path.dirname(__file__)

LOW_RANK_MAP = """
import sys
import numpy as np
from test_low_rank import _synthetic
data = _synthetic({n_tau!r}, parameters={{"maxloop": 40}})
data.invert(verbose=0, solver="lowrank")
np.save(sys.argv[1], np.asarray(data.g))
"""

BAND_SERIES = """
import sys
import numpy as np
from test_split_band import pseudo2d
data = pseudo2d(200)
data.invert(verbose=0, solver="band")
np.save(sys.argv[1], np.asarray(data.g))
"""


def portable(*arguments):
    """Runs ``python *arguments`` with the AVX2 kernels switched off; its stdout."""
    done = subprocess.run([sys.executable, *arguments], capture_output=True, text=True,
                          env={**os.environ, "FASTILT_NO_AVX2": "1", "PYTHONPATH": TESTS})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_switch_turns_the_kernels_off():
    assert portable("-c", "from fastilt import _linalg; print(_linalg.SMALL_CHOLESKY)").strip() == "lapack"


def test_the_portable_paths_reproduce_the_reference_cases():
    summary = re.search(r"^(\d+) passed, (\d+) failed$", portable("-m", "fastilt", "verify"), re.MULTILINE)
    assert summary is not None
    assert int(summary[1]) > 0 and int(summary[2]) == 0


@pytest.mark.skipif(not _core.HAVE_CHOLMOD, reason="the low-rank form needs CHOLMOD")
@pytest.mark.parametrize("n_tau", [(30, 24), (12, 10, 8)], ids=["2d", "3d"])
def test_the_portable_low_rank_solves_give_the_same_inversion(n_tau, tmp_path):
    # The single-precision factor's plain solves (one column in double, blocks of Z in single
    # precision) precondition the same exact system as the AVX2 ones.
    from test_low_rank import _synthetic

    portable("-c", LOW_RANK_MAP.format(n_tau=n_tau), str(tmp_path / "g.npy"))
    data = _synthetic(n_tau, parameters={"maxloop": 40})
    data.invert(verbose=0, solver="lowrank")
    assert relative_error(np.load(tmp_path / "g.npy"), np.asarray(data.g)) <= 1e-9


def test_the_portable_band_factorisation_gives_the_same_inversion(tmp_path):
    # LAPACK dpbtrf in place of the panel kernel, on a series of spectra whose band is split in two.
    from test_split_band import pseudo2d

    portable("-c", BAND_SERIES, str(tmp_path / "g.npy"))
    data = pseudo2d(200)
    data.invert(verbose=0, solver="band")
    assert relative_error(np.load(tmp_path / "g.npy"), np.asarray(data.g)) <= 1e-9
