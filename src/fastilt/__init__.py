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
from .reporting import iltreport
from .batch import invert_many
from .build_config import show_config
from .compat import iltpy_version, set_iltpy_version
from .quality import Diagnosis, NoiseEstimate, diagnose, estimate_noise, scale_to_unit_noise

# ILTpy's import paths (fastilt.fit.kernels, fastilt.input.loaders, fastilt.output.plotting):
# thin re-exports. Not in __all__: a star import would shadow the builtin `input`.
from . import fit, input, output  # noqa: E402

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
