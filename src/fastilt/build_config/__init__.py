"""What this installation of fastilt was built with: :func:`show_config`.

Like ``numpy.show_config()``: the LAPACK the compiled core links (the
system's, or the scipy-openblas32 copy bundled in ``fastilt/_libs``), whether
CHOLMOD and OpenMP were found, the compiler, and the solvers ``invert`` can use
here.  The build facts come from ``_meson.py``, which meson.build generates.
"""

from .._version import __version__

__all__ = ["show_config", "CHOLMOD_SOLVERS"]

#: Built-in solvers that exist only in builds with CHOLMOD.
CHOLMOD_SOLVERS = ("cholmod", "lowrank")

_MODES = ("stdout", "dicts")


def _available_solvers(have_cholmod):
    from ..backends import SOLVER_NAMES, compiled_available  # here: native_libraries must load first

    if not compiled_available():
        return ["superlu"]  # the NumPy/SciPy fallback backend
    return [s for s in SOLVER_NAMES if s != "auto" and (have_cholmod or s not in CHOLMOD_SOLVERS)]


def _config():
    from ..backends import compiled_available

    if not compiled_available():
        return {"fastilt": {"version": __version__}, "compiled core": False,
                "solvers": _available_solvers(False)}
    from . import _meson, native_libraries
    from .. import _core, _linalg

    # The extension's own answer, not only the build's: they agree unless files were mixed.
    have_cholmod = bool(_core.HAVE_CHOLMOD)
    return {
        "fastilt": {"version": __version__},
        "compiled core": True,
        "lapack": {"name": _meson.LAPACK, "blas option": _meson.BLAS_OPTION,
                   "OpenBLAS kernels": native_libraries.loaded_kernels or "OpenBLAS's own choice",
                   f"dense Cholesky up to {_linalg.SMALL_CHOLESKY_MAX} unknowns": _linalg.SMALL_CHOLESKY,
                   "band Cholesky": _linalg.SMALL_CHOLESKY},  # the same panel kernel, or LAPACK
        "cholmod": {"found": have_cholmod, "version": _meson.CHOLMOD_VERSION if have_cholmod else None},
        "openmp": {"found": _meson.HAVE_OPENMP, "version": _meson.OPENMP_VERSION or None},
        "compiler": {"name": _meson.COMPILER, "version": _meson.COMPILER_VERSION},
        "build": {"buildtype": _meson.BUILDTYPE, "host": _meson.HOST},
        "solvers": _available_solvers(have_cholmod),
    }


def _lines(config, indent=""):
    for key, value in config.items():
        if isinstance(value, dict):
            yield f"{indent}{key}:"
            yield from _lines(value, indent + "  ")
        elif isinstance(value, list):
            yield f"{indent}{key}: {', '.join(value)}"
        else:
            yield f"{indent}{key}: {'-' if value is None else value}"


def show_config(mode="stdout"):
    """Print the build configuration, or return it as nested dicts with ``mode="dicts"``.

    Reports the fastilt version, the LAPACK used, CHOLMOD (found, version),
    OpenMP, the compiler and the solvers available in this installation.

    Parameters
    ----------
    mode : {"stdout", "dicts"}
        Print the configuration, or return it as nested dicts.

    Returns
    -------
    dict or None
        With ``mode="dicts"``: the sections ``fastilt``, ``compiled core``,
        ``lapack``, ``cholmod``, ``openmp``, ``compiler``, ``build`` and
        ``solvers``.

    Examples
    --------
    >>> import fastilt
    >>> config = fastilt.show_config("dicts")
    >>> config["fastilt"]["version"] == fastilt.__version__
    True
    >>> "dense" in config["solvers"] and "band" in config["solvers"]
    True
    """
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {_MODES}, got {mode!r}")
    config = _config()
    if mode == "dicts":
        return config
    print("\n".join(_lines(config)))
    return None
