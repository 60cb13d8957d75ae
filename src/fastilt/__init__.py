"""fastilt: fast, ILTpy-compatible regularised inverse Laplace transforms.

``import fastilt as ilt`` replaces ``import iltpy as ilt``::

    data = ilt.iltload(data=s, t=t)
    data.init(tau, ilt.Exponential())
    data.invert()
    data.g, data.fit, data.residuals
"""

from ._version import __version__
from .inversion import IltData
from .kernels import Diffusion, Exponential, Gaussian, Identity, IltKernel, ImagRcKernel, RealRcKernel
from .loading import iltload

__all__ = [
    "__version__",
    "IltData",
    "iltload",
    "IltKernel",
    "Identity",
    "Exponential",
    "Diffusion",
    "Gaussian",
    "RealRcKernel",
    "ImagRcKernel",
]
