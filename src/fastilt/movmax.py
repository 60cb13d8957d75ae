"""Moving maximum along a regularisation direction (NumPy fallback).

The uniform penalty takes the local curvature and slope not at a point but as
their maximum over a few neighbours along the direction, so that the penalty
does not drop at the flank of a peak.  The window of ``nmax`` points covers the
offsets ``-n_back .. n_ahead`` along the step (see :func:`window_offsets`);
points beyond the grid count as zero, as in ILTpy.
"""

import numpy as np

__all__ = ["window_offsets", "moving_max"]


def window_offsets(nmax):
    """``(n_back, n_ahead)`` of a window of ``nmax`` points; even windows lean ahead."""
    nmax = int(nmax)
    if nmax % 2:
        return nmax // 2, nmax // 2
    return nmax // 2 - 1, nmax // 2


def _shifted(arr, shift):
    """``out(x) = arr(x + shift)``, zero where ``x + shift`` leaves the grid."""
    out = np.zeros_like(arr)
    dst, src = [], []
    for n, s in zip(arr.shape, shift):
        if abs(s) >= n:
            return out
        dst.append(slice(max(0, -s), n - max(0, s)))
        src.append(slice(max(0, s), n - max(0, -s)))
    out[tuple(dst)] = arr[tuple(src)]
    return out


def moving_max(values, shape, step, nmax):
    """Moving maximum of ``values`` (flattened in Fortran order on ``shape``) along ``step``."""
    if nmax <= 1:
        return values
    arr = np.reshape(values, tuple(int(n) for n in shape), order="F")
    n_back, n_ahead = window_offsets(nmax)
    result = None
    for offset in range(-n_back, n_ahead + 1):
        shifted = _shifted(arr, [offset * s for s in step])
        result = shifted if result is None else np.maximum(result, shifted)
    return result.ravel(order="F")
