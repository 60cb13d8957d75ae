"""The package logger, and NumPy's global error state (which fastilt must never change).

ILTpy calls ``np.seterr(all="raise", under="ignore")`` at import time, changing
the floating-point behaviour of the user's whole program.  fastilt does not:
neither importing it nor using it changes ``np.geterr()``.
"""

import importlib
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import fastilt as ilt
from reference_cases import initialised_case

SRC = str(Path(__file__).resolve().parent.parent / "src")


def _run(code):
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join([p for p in (env.get("PYTHONPATH"), SRC) if p])
    completed = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def test_import_and_use_keep_numpy_error_state_fresh_process():
    out = _run("""
        import numpy as np
        np.seterr(all="warn", under="print")
        before = np.geterr()
        import fastilt as ilt
        import fastilt.statistics, fastilt.reporting, fastilt.plotting, fastilt._logging
        t = np.logspace(-3, 1, 64)
        data = ilt.iltload(data=50 * np.exp(-t / 0.1) + np.random.default_rng(0).standard_normal(64), t=t)
        data.init(np.logspace(-4, 2, 30), ilt.Exponential(), parameters={"maxloop": 10})
        data.invert(verbose=0)
        assert np.geterr() == before, (np.geterr(), before)
        print("OK", np.geterr()["under"])
    """)
    assert out.split() == ["OK", "print"]


def test_use_keeps_numpy_error_state(tmp_path):
    before = np.geterr()
    data = initialised_case("1d_exponential_default")
    data.init(parameters={"maxloop": 10})
    data.invert(verbose=0)
    data.iltstats(n=2, n_jobs=1, verbose=0, random_seed=0)
    data.report(tmp_path / "r", save_arrays=True, level=2, parameters_to_file=True)
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from fastilt.plotting import iltplot

    iltplot(data)
    plt.close("all")
    assert np.geterr() == before


def test_package_logger_has_a_null_handler_after_import():
    out = _run("""
        import logging
        import fastilt
        logger = logging.getLogger("fastilt")
        print([type(h).__name__ for h in logger.handlers], logger.level, logger.propagate)
    """)
    assert out.strip() == "['NullHandler'] 0 True", (
        "import fastilt should attach exactly one NullHandler to the 'fastilt' logger "
        "(wire fastilt/_logging.py into fastilt/__init__.py); got " + out
    )


def test_logging_module_is_idempotent_and_sets_no_level():
    module = importlib.import_module("fastilt._logging")
    importlib.reload(module)
    importlib.reload(module)
    logger = logging.getLogger("fastilt")
    assert module.logger is logger
    assert sum(isinstance(h, logging.NullHandler) for h in logger.handlers) == 1
    assert not any(isinstance(h, logging.StreamHandler) for h in logger.handlers)
    assert logger.level == logging.NOTSET
    assert module.get_logger("statistics").name == "fastilt.statistics"


def test_inversion_messages_reach_an_application_handler(caplog):
    with caplog.at_level(logging.DEBUG, logger="fastilt"):
        t = np.logspace(-3, 1, 32)
        ilt.iltload(data=np.exp(-t), t=t)
    assert any(record.name.startswith("fastilt") for record in caplog.records)
