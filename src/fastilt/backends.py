"""Choice of backend (compiled core or NumPy fallback) and validation of ``solver``."""

from .errors import ArgumentTypeError

__all__ = ["compiled_available", "select_backend", "check_solver", "BACKENDS"]

BACKENDS = ("auto", "compiled", "python")
SOLVER_NAMES = ("auto", "dense", "band", "cholmod", "superlu", "lowrank")


# The compiled core and its driver load with the package, as NumPy's and
# SciPy's extensions do: the first inversion of a script then pays no library
# start-up (OpenBLAS, libgomp, CHOLMOD) on top of its own work.  Callers use
# this module's ``compiled`` (no import statement in their own function: a
# relative import there is slow on its first run).
try:
    from . import compiled
except ImportError:  # built without the extensions: the python backend only
    compiled = None


def compiled_available():
    """True when the compiled core was built and imports."""
    return compiled is not None


def select_backend(backend):
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend == "auto":
        return "compiled" if compiled_available() else "python"
    if backend == "compiled" and not compiled_available():
        raise ImportError("the compiled core (fastilt._core) is not available in this installation")
    return backend


def check_solver(solver, backend):
    """Validate ``solver`` before any work: None, a built-in name, or a callable."""
    if solver is None or callable(solver):
        return solver
    if isinstance(solver, str):
        if solver not in SOLVER_NAMES:
            raise ValueError(f"unknown solver {solver!r}; built-in solvers are {SOLVER_NAMES}")
        if backend == "python" and solver not in ("auto", "superlu"):
            raise ValueError(f"solver {solver!r} needs the compiled backend")
        return solver
    raise ArgumentTypeError(
        f"solver must be a callable solver(A, b), a solver name or None, got {type(solver).__name__}"
    )
