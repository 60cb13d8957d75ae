"""How the compiled core's native libraries (libgomp, the system OpenBLAS) start.

Both read their settings from the environment once, when they load, i.e. with
the first compiled module of fastilt; :func:`load_compiled_core` sets what they
need around that load and nothing else.  Settings the user made win.

* ``GOMP_SPINCOUNT``: OpenMP threads waiting for the next parallel loop spin only
  briefly, then sleep.  libgomp spins ~300000 times by default; on a busy machine
  the spinning thread takes the core the working one needs (measured: a pseudo-2D
  inversion 3x slower on a loaded 2-core machine).  Kept set: libgomp may load
  again in a child process of the same environment.
* ``OPENBLAS_CORETYPE``: an OpenBLAS built with ``DYNAMIC_ARCH`` picks its kernels
  from the CPU's model number when it loads.  A release older than the CPU does
  not know the number and falls back to its oldest x86-64 kernels (Prescott,
  SSE3): Debian bookworm's 0.3.21 on an Emerald Rapids Xeon (family 6, model 207)
  did so, and the band solver of a pseudo-2D inversion ran 1.2-1.7x slower
  than with the kernels of the CPU's instruction set (docs/performance.md).  For
  the system OpenBLAS of a build with ``-Dblas=system``/``auto`` the kernels are
  chosen here from the instruction set the CPU reports, which is what OpenBLAS
  itself chooses for every model it knows.  Set only for the load and removed
  again, so that no other library or child process sees it.  The
  scipy-openblas32 copy of a build without system libraries is left alone (a
  recent release; it knows current CPUs).
"""

import contextlib
import importlib
import os

__all__ = ["load_compiled_core", "openblas_kernels", "cpu_flags", "SPIN_COUNT", "loaded_kernels"]

#: libgomp's spin count before a waiting thread sleeps (see the module notes).
SPIN_COUNT = "10000"

#: The ``OPENBLAS_CORETYPE`` the compiled core was loaded with (None: OpenBLAS's own choice).
loaded_kernels = None

# OpenBLAS's names for the kernel families of the x86-64 instruction sets, newest
# first: the flags (as /proc/cpuinfo names them) each needs.
_KERNELS = (
    ("SkylakeX", {"avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"}),
    ("Haswell", {"avx2", "fma"}),
)


def cpu_flags(cpuinfo="/proc/cpuinfo"):
    """The instruction-set flags of the first CPU in ``cpuinfo`` (empty where it cannot be read)."""
    try:
        with open(cpuinfo, encoding="ascii", errors="replace") as lines:
            for line in lines:
                if line.startswith("flags"):
                    return set(line.partition(":")[2].split())
    except OSError:
        pass
    return set()


def openblas_kernels(lapack, environ, flags):
    """The ``OPENBLAS_CORETYPE`` to load the system OpenBLAS with, or None to leave it to OpenBLAS.

    Parameters
    ----------
    lapack : str
        The build's LAPACK as ``fastilt.show_config`` names it (``"openblas 0.3.21
        (system, pkg-config)"``).
    environ : mapping
        The environment: a ``OPENBLAS_CORETYPE`` there is the user's choice.
    flags : set of str
        The CPU's instruction-set flags (:func:`cpu_flags`).

    Examples
    --------
    >>> openblas_kernels("openblas 0.3.21 (system, pkg-config)", {}, {"sse2", "avx2", "fma"})
    'Haswell'
    >>> openblas_kernels("openblas 0.3.21 (system, pkg-config)", {"OPENBLAS_CORETYPE": "Zen"}, {"avx2", "fma"})
    >>> openblas_kernels("scipy-openblas32 0.3.30 (bundled)", {}, {"avx2", "fma"})
    """
    if "OPENBLAS_CORETYPE" in environ or not lapack.startswith("openblas") or "system" not in lapack:
        return None
    for name, needed in _KERNELS:
        if needed <= flags:
            return name
    return None


@contextlib.contextmanager
def _environment(name, value):
    """``name=value`` in the environment inside the block only (nothing when value is None)."""
    if value is None:
        yield
        return
    os.environ[name] = value
    try:
        yield
    finally:
        os.environ.pop(name, None)


def load_compiled_core():
    """Load the compiled core (``fastilt._linalg``, which loads its libraries) with the settings above.

    Returns the ``OPENBLAS_CORETYPE`` chosen for the load (None: OpenBLAS chose,
    or the build has no compiled core), also kept as :data:`loaded_kernels`.
    """
    global loaded_kernels
    os.environ.setdefault("GOMP_SPINCOUNT", SPIN_COUNT)
    try:
        from . import _meson
    except ImportError:  # a source tree without a build: no compiled core
        return None
    kernels = openblas_kernels(_meson.LAPACK, os.environ, cpu_flags())
    with _environment("OPENBLAS_CORETYPE", kernels):
        try:
            importlib.import_module("fastilt._linalg")
        except ImportError:  # built without the extensions: the NumPy/SciPy backend
            return None
    loaded_kernels = kernels
    return kernels
