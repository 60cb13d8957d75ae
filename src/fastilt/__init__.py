"""fastilt: fast, ILTpy-compatible regularised inverse Laplace transforms.

``import fastilt as ilt`` replaces ``import iltpy as ilt``::

    data = ilt.iltload(data=s, t=t)
    data.init(tau, ilt.Exponential())
    data.invert()
    data.g, data.fit, data.residuals
"""

# Before any compiled module: libgomp and the system OpenBLAS read their settings
# from the environment when they load (fastilt/build_config/native_libraries.py).
from .build_config.native_libraries import load_compiled_core as _load_compiled_core

_load_compiled_core()

from . import _logging  # noqa: F401,E402  (the NullHandler of the "fastilt" logger)
from ._version import __version__
from .inversion import IltData
from .kernels import Diffusion, Exponential, Gaussian, Identity, IltKernel, ImagRcKernel, RealRcKernel, iltkernel
from .kernels import InversionRecovery, SaturationRecovery
from .loading import iltload
from .plotting import iltplot  # matplotlib is imported only when a figure is made
from .build_config import show_config
from .compat import iltpy_version, set_iltpy_version
from .quality import Diagnosis, NoiseEstimate, diagnose, estimate_noise, scale_to_unit_noise

# Imported on first use (PEP 562): a script that loads, inverts and saves does
# not pay for the report and the batch (10 ms of `import fastilt`), nor for
# ILTpy's import paths fastilt.fit, .input, .output (thin re-exports, not in
# __all__, where a star import would shadow the builtin `input`).
_ON_FIRST_USE = {
    "iltreport": ".reporting",
    "invert_many": ".batch",
    "fit": None,
    "input": None,
    "output": None,
}


def __getattr__(name):
    if name not in _ON_FIRST_USE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    module = importlib.import_module(_ON_FIRST_USE[name] or "." + name, __name__)
    value = module if _ON_FIRST_USE[name] is None else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *_ON_FIRST_USE})

__all__ = [
    "__version__",
    "IltData",
    "iltload",
    "iltplot",
    "iltreport",
    "invert_many",
    "show_config",
    "iltpy_version",
    "set_iltpy_version",
    "estimate_noise",
    "scale_to_unit_noise",
    "NoiseEstimate",
    "diagnose",
    "Diagnosis",
    "IltKernel",
    "iltkernel",
    "Identity",
    "Exponential",
    "Diffusion",
    "Gaussian",
    "RealRcKernel",
    "ImagRcKernel",
    "InversionRecovery",
    "SaturationRecovery",
]
