"""Memory pre-flight: an inversion that cannot fit is refused up front with the estimate and ways out.

The limit is set with ``FASTILT_MAX_MEMORY`` so that small problems trigger it
(the machine's own memory never decides a test).
"""

import os
import re
import shlex
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import fastilt as ilt
from fastilt import _core
from fastilt.guards import memory
from fastilt.guards.memory import MEMORY_LIMIT_VARIABLE, available_bytes, format_bytes
from fastilt.statistics import iltstats
from reference_cases import initialised_case, reference

REF = reference("1d_diffusion")
DATA, T, TAU = REF["data"], REF["t0"], REF["tau0"]


def pseudo_2d(ntau=300, **parameters):
    """The report's pseudo-2D case (64 x 12 points), with fewer tau: a sparse, block-diagonal W."""
    t = np.logspace(-3, 0, 64)
    data = np.exp(-t[:, None] / np.linspace(0.01, 0.5, 12)[None, :])
    iltdata = ilt.iltload(data=data, t=t)
    iltdata.init(np.logspace(-4, 1, ntau), ilt.Exponential(),
                 parameters={"maxloop": 3, "force_sparse": True, **parameters})
    return iltdata


def spectra_series(n_points=128):
    """The seed study's shape: 8 delays inverted on 35 tau, n_points spectral points (Identity)."""
    t = np.logspace(-3.5, 0.5, 8)
    data = np.exp(-t[:, None] / np.linspace(0.01, 0.5, n_points)[None, :])
    iltdata = ilt.iltload(data=data, t=t)
    iltdata.init(np.logspace(-4, 1, 35), ilt.Exponential(), parameters={"maxloop": 3})
    return iltdata


def diffusion_1d(**parameters):
    iltdata = ilt.iltload(data=DATA, t=T)
    iltdata.init(TAU, ilt.Diffusion(), parameters={"maxloop": 3, **parameters})
    return iltdata


def full_2d():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return initialised_case("2d_exponential_default")


CASES = [
    pytest.param(diffusion_1d, "compiled", "dense", "dense", id="dense"),
    pytest.param(diffusion_1d, "compiled", "band", "band", id="band"),
    pytest.param(diffusion_1d, "compiled", "superlu", "superlu", id="superlu"),
    pytest.param(diffusion_1d, "python", None, "python-dense", id="python-dense"),
    pytest.param(lambda: diffusion_1d(alt_g=6), "python", None, "data-space", id="data-space"),
    pytest.param(diffusion_1d, "compiled", lambda A, b: np.linalg.solve(A, b), "user", id="user"),
    pytest.param(pseudo_2d, "compiled", None, "cholmod" if _core.HAVE_CHOLMOD else "band", id="pseudo-2d"),
    # Sparse kernels keep only W (no K0comp): still estimated as the band it is, not as a dense W.
    pytest.param(spectra_series, "compiled", None, "band", id="spectra-series"),
]
if _core.HAVE_CHOLMOD:
    CASES.append(pytest.param(full_2d, "compiled", "lowrank", "lowrank", id="lowrank"))


@pytest.mark.parametrize("make,backend,solver,layout", CASES)
def test_every_path_is_refused_up_front(make, backend, solver, layout, monkeypatch):
    iltdata = make()
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "1K")
    with pytest.raises(MemoryError) as info:
        iltdata.invert(verbose=0, backend=backend, solver=solver)
    message = str(info.value)
    assert type(info.value) is MemoryError
    assert re.match(rf"^inverting {iltdata.Nxtot} unknowns \(tau grid .*\) with solver '{layout}' needs at "
                    rf"least \d.* of memory \(", message), message
    assert "the FASTILT_MAX_MEMORY limit of 1 KiB" in message
    assert "fewer tau points, compress=True" in message
    assert not iltdata.inverted and "g" not in vars(iltdata)
    monkeypatch.delenv(MEMORY_LIMIT_VARIABLE)
    iltdata.invert(verbose=0, backend=backend, solver=solver)  # fits in the real machine
    assert iltdata.inverted


def test_pseudo_2d_limit_between_the_estimate_and_nothing(monkeypatch):
    """The reported case, scaled down: refused at a limit below its estimate, run above it."""
    iltdata = pseudo_2d()
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "4M")
    with pytest.raises(MemoryError, match=r"inverting 3600 unknowns \(tau grid \(300, 12\)\) .* needs at least "
                       r"\d+(\.\d+)? MiB of memory \(the linear solves"):
        iltdata.invert(verbose=0)
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "2G")
    iltdata.invert(verbose=0)
    assert iltdata.inverted


def test_the_seed_study_is_estimated_as_the_band_it_is(monkeypatch):
    """8 x 4096 spectra (143 360 unknowns) need ~0.25 GB: the estimate must not count a dense W."""
    iltdata = spectra_series(4096)
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "1K")
    with pytest.raises(MemoryError, match=r"with solver 'band' needs at least (\d+(\.\d+)? MiB) ") as info:
        iltdata.invert(verbose=0)
    assert float(re.search(r"needs at least (\d+(\.\d+)?) MiB", str(info.value)).group(1)) < 400


def test_forming_sparse_normal_equations_is_refused_in_init(monkeypatch):
    iltdata = ilt.iltload(data=np.ones((64, 12)), t=np.logspace(-3, 0, 64))
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "100K")
    with pytest.raises(MemoryError, match=r"^forming the sparse normal equations needs at least .* \(W = AᵀA "):
        iltdata.init(np.logspace(-4, 1, 300), ilt.Exponential(), parameters={"force_sparse": True})
    assert not iltdata.initialized


def test_a_huge_maxloop_is_refused_for_its_convergence_list(monkeypatch):
    iltdata = diffusion_1d(maxloop=2**31 - 1)
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "8G")
    with pytest.raises(MemoryError, match=r"\(the convergence list \(maxloop = 2147483647\) 32 GiB"):
        iltdata.invert(verbose=0)


def test_iltstats_with_a_huge_n_is_refused_before_any_work(monkeypatch):
    iltdata = diffusion_1d()
    iltdata.invert(verbose=0)
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "8G")
    state = np.random.get_state()
    with pytest.raises(MemoryError, match=r"^iltstats with n = 1000000000 needs at least .* TiB of memory .*; "
                       r"use fewer samples n"):
        iltstats(iltdata, n=10**9, random_seed=1)
    assert np.array_equal(state[1], np.random.get_state()[1])
    assert "statistics" not in vars(iltdata)


@pytest.mark.parametrize("text,size", [("123", 123), ("2K", 2048), ("1.5M", 1.5 * 2**20), ("8G", 8 * 2**30),
                                       ("1e9", 10**9), ("4 GiB", 4 * 2**30), ("3gb", 3 * 2**30)])
def test_limit_variable_formats(text, size, monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, text)
    assert available_bytes() == (int(size), MEMORY_LIMIT_VARIABLE)


def test_limit_variable_not_a_size(monkeypatch):
    iltdata = diffusion_1d()
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "lots")
    with pytest.raises(ValueError, match="^FASTILT_MAX_MEMORY='lots' is not a memory size"):
        iltdata.invert(verbose=0)


def test_machine_memory_is_known_here():
    """Without a user limit the machine's available memory, or a tighter process or cgroup limit, applies."""
    available, source = available_bytes()
    assert available > 0
    assert source == "available on this machine" or "limit" in source


def run_under_ulimit(kib, script):
    """``script`` in a fresh Python under ``ulimit -v kib`` (a real process limit, as a user sets it)."""
    command = f"ulimit -v {kib}; exec {shlex.quote(sys.executable)} -c {shlex.quote(textwrap.dedent(script))}"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env.pop(MEMORY_LIMIT_VARIABLE, None)
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ulimit -v and /proc/self/status: Linux")
def test_the_address_space_limit_refuses_up_front():
    """The issue's case: the python backend with maxloop = 10**9 (a 15 GiB convergence list) under
    ulimit -v 3 GB.  MemAvailable alone lets it through and ``[None] * maxloop`` fails with an empty
    MemoryError; the process limit refuses it with the estimate before any work."""
    done = run_under_ulimit(3_000_000, """
        import numpy as np, fastilt as ilt
        from fastilt.guards.memory import available_bytes
        print(available_bytes()[1])
        t = np.logspace(-3, 0, 50)
        data = ilt.iltload(data=np.exp(-t / 0.1), t=t)
        data.init(np.logspace(-4, 1, 30), ilt.Exponential(), parameters={"maxloop": 10**9})
        try:
            data.invert(verbose=0, backend="python")
        except MemoryError as error:
            print("refused:", error)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("address space left under this process's limit (RLIMIT_AS, ulimit -v)")
    assert re.search(r"refused: inverting 30 unknowns .* needs at least 14.9 GiB of memory \(the convergence list "
                     r"\(maxloop = 1000000000\).*more than the \d.* address space left under this process's limit "
                     r"\(RLIMIT_AS, ulimit -v\)", done.stdout), done.stdout


@pytest.mark.parametrize("version,cgroup_line,files", [
    ("v2", "0::/job\n", {"job/memory.max": "1073741824\n", "job/memory.current": "268435456\n"}),
    ("v1", "4:memory:/job\n1:cpu:/\n", {"memory/job/memory.limit_in_bytes": "1073741824\n",
                                        "memory/job/memory.usage_in_bytes": "268435456\n"}),
    ("v2-container-root", "0::/job\n", {"memory.max": "1073741824\n", "memory.current": "268435456\n"}),
])
def test_the_cgroup_limit_is_the_tightest(tmp_path, monkeypatch, version, cgroup_line, files):
    (tmp_path / "cgroup").write_text(cgroup_line)
    for name, content in files.items():
        (tmp_path / "fs" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "fs" / name).write_text(content)
    monkeypatch.setattr(memory, "_PROC_CGROUP", str(tmp_path / "cgroup"))
    monkeypatch.setattr(memory, "_CGROUP_ROOT", str(tmp_path / "fs"))
    assert available_bytes() == (768 * 2**20, "left under this container's memory limit (cgroup)")
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "100M")  # a tighter user limit still wins
    assert available_bytes() == (100 * 2**20, MEMORY_LIMIT_VARIABLE)


@pytest.mark.parametrize("content", ["max\n", "9223372036854771712\n"])
def test_an_unlimited_cgroup_is_no_limit(tmp_path, monkeypatch, content):
    (tmp_path / "cgroup").write_text("0::/\n")
    (tmp_path / "memory.max").write_text(content)
    monkeypatch.setattr(memory, "_PROC_CGROUP", str(tmp_path / "cgroup"))
    monkeypatch.setattr(memory, "_CGROUP_ROOT", str(tmp_path))
    assert memory._cgroup_limit() is None


def test_format_bytes():
    assert [format_bytes(b) for b in (512, 2048, 3 * 2**30)] == ["512 B", "2 KiB", "3 GiB"]


def test_bad_alloc_in_the_core_is_a_memory_error_with_a_message():
    """A band of (2**31 - 1) x 80 doubles (1.4 TB; kd within LAPACK's int range) can be allocated
    nowhere: std::bad_alloc becomes a clear MemoryError."""
    iltdata = diffusion_1d()
    Y = iltdata.Y
    lower = np.tril(iltdata.system.W)
    from scipy.sparse import csc_array

    lower = csc_array(lower)
    with pytest.raises(MemoryError, match=r"^the compiled core ran out of memory \(std::bad_alloc\) .* fewer tau"):
        _core.Iteration(iltdata.penalty_model, y=np.ravel(Y), maxloop=3, conv_limit=0.0,
                        system=_core.band_system(lower.data, lower.indptr, lower.indices, kd=2**31 - 2))
