"""ILTpy-compatible import path ``fastilt.fit.kernels`` (``iltpy.fit.kernels``).

User kernels subclass :class:`IltKernel` exactly as in ILTpy::

    from fastilt.fit.kernels import IltKernel

    class MyKernel(IltKernel):
        def __init__(self):
            self.name = "my_kernel"
            self.kernel = lambda t, tau: np.exp(-t / tau) ** 0.5
            self.kernel_str = "lambda t, tau: np.exp(-t / tau) ** 0.5"
"""

from ..kernels import Diffusion, Exponential, Gaussian, Identity, IltKernel, ImagRcKernel, RealRcKernel, iltkernel

__all__ = [
    "IltKernel",
    "iltkernel",
    "Identity",
    "Exponential",
    "Diffusion",
    "Gaussian",
    "RealRcKernel",
    "ImagRcKernel",
]
