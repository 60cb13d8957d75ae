"""Data and tau grids that cannot give a meaningful distribution: warnings at ``init``.

All-zero data invert to ``g = 0`` (converged at iteration 0: a zero iterate
has relative change 0).  A tau grid over which the kernel is essentially
constant or zero at every sampled t fits the data badly without any error;
``init`` says so and suggests a range.
"""

import warnings

import numpy as np

from ..kernels import TAU_FROM_T_KERNELS, Identity

__all__ = ["warn_zero_data", "warn_uninformative_tau", "INFORMATIVE"]

#: A tau carries information when its kernel row varies over the sampled t by
#: more than this fraction of the kernel's largest value (1e-6: far below any
#: usable signal-to-noise ratio, so the warning means a grid that cannot work).
INFORMATIVE = 1e-6


def warn_zero_data(data):
    if not np.count_nonzero(data):  # not data.any(): its first call costs ~30 µs more
        warnings.warn(
            "data are all zero: the inversion gives g = 0 (converged at iteration 0)",
            UserWarning,
            stacklevel=3,
        )


def _suggestion(kernel, t, d):
    if kernel.name in TAU_FROM_T_KERNELS and np.min(t) > 0:
        return f"; e.g. tau[{d}] from {np.min(t) / 1000:.3g} to {100 * np.max(t):.3g} (a generated tau's range)"
    return f"; choose tau[{d}] where the kernel changes over t[{d}]"


def warn_uninformative_tau(kernels, matrices, statistics, t, tau):
    """Warn for each inverted dimension whose kernel rows (one per tau) barely vary over t.

    ``matrices[d]`` is ``K_d`` (Ntau_d x Nt_d) and ``statistics[d]`` its
    :class:`~fastilt.forward_model.KernelStatistics`; ``t`` and ``tau`` the
    vectors.  Fewer than 2 informative tau cannot describe a distribution.
    """
    for d, (kernel, K, read) in enumerate(zip(kernels, matrices, statistics)):
        if kernel.name == Identity.name or read is None:
            continue
        # One value per tau: judged with Python floats, without NumPy's first
        # reductions in a process (~30 µs each, against ~1 µs per 100 tau).
        if K.shape[1] == 0:
            highs = lows = [0.0] * K.shape[0]
        else:
            highs, lows = read.row_max.tolist(), read.row_min.tolist()
            if min(lows, default=0.0) < 0:  # a kernel with signs: judged by |K|
                K = np.abs(K)
                highs, lows = K.max(axis=1).tolist(), K.min(axis=1).tolist()
        largest = max(0.0, *highs)
        threshold = INFORMATIVE * largest
        varying = sum(high - low > threshold for high, low in zip(highs, lows))
        if varying >= 2 and largest > 0:
            continue
        zero = sum(high <= threshold for high in highs) if largest > 0 else K.shape[0]
        constant = K.shape[0] - zero - varying
        t_d, tau_d = np.ravel(t[d]), np.ravel(tau[d])
        warnings.warn(
            f"tau[{d}] ({tau_d.min():.3g} to {tau_d.max():.3g}) cannot describe the data: the kernel "
            f"{kernel.name!r} is essentially zero for {zero} and constant for {constant} of the "
            f"{tau_d.size} tau over t[{d}] ({t_d.min():.3g} to {t_d.max():.3g})"
            + _suggestion(kernel, t_d, d),
            UserWarning,
            stacklevel=3,
        )
