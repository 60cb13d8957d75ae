"""fastilt.show_config(): what the build reports is what the installation does.

  FASTILT_EXPECT_LAPACK=scipy-openblas32   the build under test must report (and load)
                                           this LAPACK (the no-system-libraries CI leg)
"""

import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import fastilt as ilt
from fastilt import _core
from fastilt.backends import SOLVER_NAMES
from fastilt.build_config import CHOLMOD_SOLVERS
from fastilt.problem.plan import LOW_RANK_MIN
from reference_cases import CASES, initialised_case, relative_error


def _quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return call(*args, **kwargs)


def test_dicts_describe_this_build():
    config = ilt.show_config(mode="dicts")
    assert config["fastilt"]["version"] == ilt.__version__
    assert config["compiled core"] is True
    assert config["cholmod"]["found"] is bool(_core.HAVE_CHOLMOD)
    assert (config["cholmod"]["version"] is not None) is bool(_core.HAVE_CHOLMOD)
    assert config["lapack"]["blas option"] in ("auto", "system", "scipy-openblas")
    assert config["compiler"]["name"] and config["compiler"]["version"]
    expected = {"dense", "band", "superlu"} | (set(CHOLMOD_SOLVERS) if _core.HAVE_CHOLMOD else set())
    assert set(config["solvers"]) == expected
    assert set(config["solvers"]) <= set(SOLVER_NAMES)


def test_stdout_shows_lapack_and_solvers(capsys):
    assert ilt.show_config() is None
    config = ilt.show_config("dicts")
    out = capsys.readouterr().out
    assert f"name: {config['lapack']['name']}" in out
    assert f"solvers: {', '.join(config['solvers'])}" in out
    assert f"version: {ilt.__version__}" in out


def test_unknown_mode_is_named():
    with pytest.raises(ValueError, match="mode must be one of .*'yaml'"):
        ilt.show_config(mode="yaml")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_the_reported_lapack_is_the_loaded_one():
    name = ilt.show_config("dicts")["lapack"]["name"]
    expected = os.environ.get("FASTILT_EXPECT_LAPACK")
    if expected:
        assert name.startswith(expected), f"this build was required to use {expected}, reports {name}"
    mapped = {line.split()[-1] for line in Path("/proc/self/maps").read_text().splitlines()
              if "openblas" in line.rsplit("/", 1)[-1]}
    # NumPy and SciPy load their own OpenBLAS too: fastilt's lies in its package (fastilt/_libs)
    # or beside it (fastilt.libs, where auditwheel puts it).
    package = Path(ilt.__file__).resolve().parent
    own = (str(package) + os.sep, str(package.parent / "fastilt.libs") + os.sep)
    with_fastilt = {path for path in mapped if path.startswith(own)}
    if name.startswith("scipy-openblas32"):
        assert with_fastilt, f"no OpenBLAS from fastilt's own directory is loaded: {sorted(mapped)}"
    elif name.startswith("openblas"):
        assert not with_fastilt and any("libopenblas" in path for path in mapped), sorted(mapped)


@pytest.mark.parametrize("solver", sorted(set(SOLVER_NAMES) - {"auto"}))
def test_listed_solvers_run_and_the_others_are_refused(solver):
    name = next(n for n in sorted(CASES) if n.startswith("2d_"))  # fully inverted: lowrank applies
    data = _quiet(initialised_case, name)
    if solver in ilt.show_config("dicts")["solvers"]:
        data.invert(verbose=0, backend="compiled", solver=solver)
        assert np.all(np.isfinite(data.g))
    else:
        with pytest.raises(ValueError, match=f"solver='{solver}' needs fastilt built with CHOLMOD"):
            data.invert(verbose=0, backend="compiled", solver=solver)


def test_auto_on_a_large_fully_inverted_problem_equals_dense():
    # With CHOLMOD "auto" takes the low-rank form here, without it the dense solve.
    rng = np.random.default_rng(5)
    shape, n_tau = (40, 36), (24, 22)
    assert np.prod(n_tau) >= LOW_RANK_MIN
    t = [np.logspace(-3, 1, n) for n in shape]
    tau = [np.logspace(-3, 1, n) for n in n_tau]
    signal = 100 * np.multiply.outer(np.exp(-t[0] / 0.05), np.exp(-t[1] / 0.3)) + rng.normal(size=shape)
    runs = {}
    for solver in ("auto", "dense"):
        data = ilt.iltload(data=signal, t=t)
        _quiet(data.init, tau, [ilt.Exponential()] * 2, parameters={"maxloop": 20})
        data.invert(verbose=0, solver=solver)
        runs[solver] = data.g
    assert relative_error(runs["auto"], runs["dense"]) <= 1e-8


def _cpu_flags():
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    return {flag for line in text.splitlines() if line.startswith("flags") for flag in line.split(":")[1].split()}


def test_reported_small_dense_and_band_cholesky_are_the_ones_this_cpu_allows():
    from fastilt import _linalg

    lapack = ilt.show_config(mode="dicts")["lapack"]
    assert lapack["dense Cholesky up to 128 unknowns"] == _linalg.SMALL_CHOLESKY
    assert lapack["band Cholesky"] == _linalg.SMALL_CHOLESKY
    flags = _cpu_flags()
    if flags is None or sys.platform != "linux":
        return  # the CPU's flags cannot be read here: only the report's consistency is checked
    expected = "avx2 kernel" if os.uname().machine == "x86_64" and {"avx2", "fma"} <= flags else "lapack"
    assert _linalg.SMALL_CHOLESKY == expected


# --- native libraries: OpenBLAS kernels and libgomp's spin count at load ------------

from fastilt.build_config import native_libraries  # noqa: E402

SYSTEM_OPENBLAS = "openblas 0.3.21 (system, pkg-config)"
AVX512 = {"sse2", "avx2", "fma", "avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"}


@pytest.mark.parametrize(
    "lapack, environ, flags, expected",
    [
        (SYSTEM_OPENBLAS, {}, AVX512, "SkylakeX"),
        (SYSTEM_OPENBLAS, {}, {"sse2", "avx", "avx2", "fma"}, "Haswell"),
        (SYSTEM_OPENBLAS, {}, {"sse2", "avx", "avx2"}, None),  # no FMA: OpenBLAS's own choice
        (SYSTEM_OPENBLAS, {}, AVX512 - {"avx512vl"}, "Haswell"),
        (SYSTEM_OPENBLAS, {}, set(), None),  # flags unknown
        (SYSTEM_OPENBLAS, {"OPENBLAS_CORETYPE": "Zen"}, AVX512, None),  # the user's choice wins
        ("scipy-openblas32 0.3.30 (bundled in fastilt/_libs)", {}, AVX512, None),
        ("lapack + blas (system libraries)", {}, AVX512, None),
    ],
)
def test_openblas_kernels_follow_the_instruction_set(lapack, environ, flags, expected):
    assert native_libraries.openblas_kernels(lapack, environ, flags) == expected


def test_cpu_flags_read_the_first_processor(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2\n\nprocessor\t: 1\nflags\t\t: fpu\n")
    assert native_libraries.cpu_flags(str(cpuinfo)) == {"fpu", "sse2", "avx2"}
    assert native_libraries.cpu_flags(str(tmp_path / "missing")) == set()


# A fresh process: the kernels the loaded OpenBLAS reports, and the environment after import.
_LOADED = """
import ctypes, json, os, sys
import fastilt
from fastilt.build_config import native_libraries
paths = {line.split()[-1] for line in open("/proc/self/maps") if "libopenblas" in line and "scipy_openblas" not in line}
core = None
for path in paths:
    lib = ctypes.CDLL(path)
    lib.openblas_get_corename.restype = ctypes.c_char_p
    core = lib.openblas_get_corename().decode()
print(json.dumps({"core": core, "chosen": native_libraries.loaded_kernels,
                  "env": os.environ.get("OPENBLAS_CORETYPE"), "spin": os.environ.get("GOMP_SPINCOUNT")}))
"""


def _loaded(**environ):
    import json
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "GOMP_SPINCOUNT")}
    done = subprocess.run([sys.executable, "-c", _LOADED], env={**env, **environ},
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_system_openblas_loads_with_the_kernels_chosen():
    from fastilt.build_config import _meson

    expected = native_libraries.openblas_kernels(_meson.LAPACK, {}, native_libraries.cpu_flags())
    loaded = _loaded()
    assert loaded["chosen"] == expected
    assert loaded["env"] is None  # set for the load only
    assert loaded["spin"] == native_libraries.SPIN_COUNT
    if expected is not None:  # a system OpenBLAS on an AVX2 CPU: it runs what was chosen
        assert loaded["core"].lower() == expected.lower()
    if "system" not in _meson.LAPACK:  # the bundled OpenBLAS is left alone
        assert loaded["chosen"] is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_users_openblas_and_openmp_settings_win():
    loaded = _loaded(OPENBLAS_CORETYPE="Prescott", GOMP_SPINCOUNT="5")
    assert loaded["chosen"] is None and loaded["env"] == "Prescott" and loaded["spin"] == "5"
    if loaded["core"] is not None:
        assert loaded["core"].lower() == "prescott"
