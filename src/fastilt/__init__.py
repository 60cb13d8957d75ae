"""fastilt: fast, ILTpy-compatible regularised inverse Laplace transforms.

``import fastilt as ilt`` replaces ``import iltpy as ilt``::

    data = ilt.iltload(data=s, t=t)
    data.init(tau, ilt.Exponential())
    data.invert()
    data.g, data.fit, data.residuals
"""

import os as _os

# The compiled core's OpenMP threads wait for the next parallel loop by spinning
# only briefly, then sleeping (libgomp spins ~300000 times by default: on a busy
# machine the spinning thread takes the core that the working one needs;
# measured: a pseudo-2D inversion 3x slower on a loaded 2-core machine).
# Read when libgomp loads, i.e. with the first compiled module; the user's own
# setting wins.
_os.environ.setdefault("GOMP_SPINCOUNT", "10000")

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
