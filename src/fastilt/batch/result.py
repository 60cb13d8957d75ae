"""``BatchResult``: the distributions, fits and convergence of a stack of inversions."""

from dataclasses import dataclass, field

import numpy as np

from ..quality.diagnostics import RESIDUAL_SD_RANGE
from .items import INVERTED, REASONS

__all__ = ["BatchResult"]


@dataclass
class BatchResult:
    """What :func:`fastilt.invert_many` returns; item ``i`` is row ``i`` of every array.

    With a Dask array as data the arrays are Dask arrays: nothing is computed
    until asked (``np.asarray(result.g)``, ``result.compute()``).

    Attributes
    ----------
    g : array of shape ``(items, *IltData.g.shape)``
        The distributions on the ``tau`` grid.
    fit, residuals : array (the shape of ``data``)
        ``K g`` and ``fit - data``.
    convergence : array (items, maxloop)
        Relative change of ``g`` per iteration (IltData.convergence), NaN after the last.
    iterations : int array (items,)
        Iterations run (0 for a masked item).
    converged : bool array (items,)
        Whether the last change fell below ``conv_limit`` (before ``maxloop``).
    status : int8 array (items,)
        0 inverted, 1 masked (NaN/inf), 2 masked (all zero); see :attr:`masked`.
    tau : list of arrays
        The tau grid of each inverted dimension (as IltData.tau).
    backend, solver, n_jobs : str, str, int
        What ran: ``"compiled"`` or ``"python"``, the linear solver
        (``"per chunk"`` for Dask) and the threads per call.
    inversion_time : float or None
        Seconds for the whole stack (None for a Dask result).

    Examples
    --------
    The third of three decays is broken (NaN); with ``on_invalid="mask"`` it
    gets NaN rows and is listed in :attr:`masked`:

    >>> import numpy as np
    >>> import fastilt as ilt
    >>> t = np.linspace(0.001, 1, 100)
    >>> stack = np.array([100 * np.exp(-t / T2) for T2 in (0.02, 0.05, 0.1)])
    >>> stack += np.random.default_rng(0).normal(size=stack.shape)
    >>> stack[2, 10] = np.nan
    >>> result = ilt.invert_many(stack, t, np.logspace(-3, 1, 30), ilt.Exponential(),
    ...                          verbose=0, on_invalid="mask")
    >>> result.masked, result.status, result.iterations
    (array([2]), array([0, 0, 1], dtype=int8), array([100, 100,   0], dtype=int32))
    >>> print(np.isnan(result.g[2]).all(), np.isnan(result.g[:2]).any())
    True False
    >>> print(result.report())
    fastilt.invert_many: 3 items, backend ...
    time ... s (... items/s)
    inverted 2: converged 0, iterations median 100 (min 100, max 100)
    residual sd (noise units): median 0.9... (min 0.9..., max 0.9...)
    masked item 2: contains NaN or infinite values
    """

    g: object
    fit: object
    residuals: object
    convergence: object
    iterations: object
    converged: object
    status: object
    tau: list
    backend: str
    solver: str
    n_jobs: int
    inversion_time: float = None
    settings: dict = field(default_factory=dict, repr=False)

    def __len__(self):
        return len(self.status)

    @property
    def masked(self):
        """Indices of the items that were not inverted (NaN rows); computes a Dask result."""
        return np.flatnonzero(np.asarray(self.status) != INVERTED)

    @property
    def residual_sd(self):
        """Each item's residual standard deviation in noise units (NaN for a masked item).

        The first check of :func:`fastilt.diagnose`, item by item: about 1 for
        data at unit noise; far from it, the stack was not scaled to unit noise
        (or the model misses part of the signal).
        """
        residuals = np.asarray(self.residuals, dtype=float)
        return np.sqrt(np.mean(residuals.reshape(len(residuals), -1) ** 2, axis=1))

    @property
    def is_lazy(self):
        """True for the result of a Dask array (Dask arrays, not yet computed)."""
        return not isinstance(self.g, np.ndarray)

    def compute(self):
        """A copy with every array computed (a Dask result: in one pass over the chunks).

        Each array of a Dask result computed on its own (``np.asarray(result.g)``)
        inverts the chunks again: use this (or ``dask.persist``) for several arrays.
        A NumPy result is returned as it is.

        Examples
        --------
        >>> import dask.array as da
        >>> import numpy as np
        >>> import fastilt as ilt
        >>> t = np.linspace(0.001, 1, 60)
        >>> stack = da.from_array(np.exp(-t[None, :] / np.array([[0.02], [0.1]])), chunks=1)
        >>> lazy = ilt.invert_many(stack, t, np.logspace(-3, 1, 20), ilt.Exponential())
        >>> type(lazy.g).__name__, lazy.is_lazy
        ('Array', True)
        >>> done = lazy.compute()
        >>> type(done.g).__name__, done.g.shape, done.is_lazy
        ('ndarray', (2, 20), False)
        """
        if not self.is_lazy:
            return self
        import dask

        names = ("g", "fit", "residuals", "convergence", "iterations", "converged", "status")
        values = dask.compute(*(getattr(self, name) for name in names))
        return type(self)(**{**self.__dict__, **dict(zip(names, values))})

    def report(self):
        """A short text summary: items, masked items, convergence and time (computes a Dask result).

        See :class:`BatchResult` for an example.
        """
        result = self.compute()
        done = result.status == INVERTED
        lines = [f"fastilt.invert_many: {len(result)} items, backend {result.backend} ({result.solver}), "
                 f"{result.n_jobs} thread(s)"]
        if result.inversion_time is not None:
            rate = len(result) / result.inversion_time if result.inversion_time > 0 else float("inf")
            lines.append(f"time {result.inversion_time:.3f} s ({rate:.0f} items/s)")
        if np.any(done):
            its = result.iterations[done]
            lines.append(f"inverted {int(done.sum())}: converged {int(result.converged[done].sum())}, "
                         f"iterations median {int(np.median(its))} (min {its.min()}, max {its.max()})")
            sd = result.residual_sd[done]
            low, high = RESIDUAL_SD_RANGE
            off = np.flatnonzero(done)[(sd < low) | (sd > high)]
            lines.append(f"residual sd (noise units): median {np.median(sd):.2f} (min {sd.min():.2f}, max {sd.max():.2f})"
                         + (f"; outside {low}..{high} for {off.size} item(s), e.g. {off[:5].tolist()}: "
                            "scale the stack to unit noise (fastilt.estimate_noise)" if off.size else ""))
        for i in result.masked:
            lines.append(f"masked item {i}: {REASONS[int(result.status[i])]}")
        return "\n".join(lines)
