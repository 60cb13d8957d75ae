"""Kernels of ``fastilt invert`` by the names the instrument readers suggest (``metadata["kernels"]``).

The kernels of :mod:`fastilt.kernels`, among them fastilt's two recovery
kernels (:class:`~fastilt.kernels.InversionRecovery`,
:class:`~fastilt.kernels.SaturationRecovery`), which are no ILTpy kernels.

A decay (``Exponential``) fitted to a recovery comes out with negative
amplitudes; the recovery kernels give positive ones.  :func:`negative_g`
decides from the kernel and the result whether a figure shows ``-g``.
"""

import numpy as np

from .. import kernels as builtin_kernels

__all__ = ["KERNELS", "kernel", "negative_g", "static_term_grid"]


_RECOVERY = ("InversionRecovery", "SaturationRecovery")
KERNELS = ("Exponential", *_RECOVERY, "Diffusion", "Gaussian", "Identity")
#: Where each kernel is constant on a log tau grid: a static term's amplitude sits there.
_CONSTANT_END = {"Exponential": "long", "InversionRecovery": "short", "SaturationRecovery": "short"}
#: Decades added on that end, so that the kernel is within 1 % of constant over the sampled range.
_STATIC_DECADES = 2


def kernel(name):
    """A kernel instance by its name in :data:`KERNELS`."""
    return getattr(builtin_kernels, name)()


def static_term_grid(grid, name):
    """``grid`` extended by two decades (same log spacing) on the end where kernel ``name`` is constant.

    ILTpy's static baseline (``sb``) is for 1D data only; on pseudo-2D data the
    amplitude at that end of the grid carries the static term instead.
    Returns None for a kernel without such an end.
    """
    end = _CONSTANT_END.get(name)
    if end is None:
        return None
    step = np.log10(grid[1] / grid[0])
    added = 10.0 ** (step * np.arange(1, int(round(_STATIC_DECADES / step)) + 1))
    return np.concatenate([grid[0] / added[::-1], grid]) if end == "short" else np.concatenate([grid, grid[-1] * added])


def negative_g(names, g):
    """Whether ``-g`` is the distribution to show: a decay kernel fitted with a net negative amplitude.

    A recovery kernel's amplitudes are positive by construction; a decay
    fitted to a recovery that starts negative (an inversion recovery read as
    a decay) has a negative net amplitude.
    """
    return names[0] == "Exponential" and float(np.sum(g)) < 0
