"""ILTpy-compatible import path ``fastilt.fit`` (ILTpy's ``iltpy.fit``).

Thin re-exports only: scripts written for ILTpy, such as
``from iltpy.fit.kernels import IltKernel``, run unchanged after replacing
``iltpy`` by ``fastilt``.  fastilt's own modules live one level up.
"""

from . import inversion, kernels
from .inversion import IltData
from .kernels import Diffusion, Exponential, Gaussian, Identity, IltKernel, ImagRcKernel, RealRcKernel, iltkernel

__all__ = [
    "inversion",
    "kernels",
    "IltData",
    "IltKernel",
    "iltkernel",
    "Identity",
    "Exponential",
    "Diffusion",
    "Gaussian",
    "RealRcKernel",
    "ImagRcKernel",
]
