"""``BatchResult``: the distributions, fits and convergence of a stack of inversions."""

from dataclasses import dataclass, field

import numpy as np

from .items import INVERTED, REASONS

__all__ = ["BatchResult"]


@dataclass
class BatchResult:
    """What :func:`fastilt.invert_many` returns; item ``i`` is row ``i`` of every array.

    Attributes
    ----------
    g : array (items, *IltData.g.shape)
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

    With a Dask array as data the arrays are Dask arrays: nothing is computed
    until asked (``np.asarray(result.g)``, ``result.compute()``).
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
    def is_lazy(self):
        return not isinstance(self.g, np.ndarray)

    def compute(self):
        """A copy with every array computed (a Dask result: in one pass over the chunks).

        Each array of a Dask result computed on its own (``np.asarray(result.g)``)
        inverts the chunks again: use this (or ``dask.persist``) for several arrays.
        """
        if not self.is_lazy:
            return self
        import dask

        names = ("g", "fit", "residuals", "convergence", "iterations", "converged", "status")
        values = dask.compute(*(getattr(self, name) for name in names))
        return type(self)(**{**self.__dict__, **dict(zip(names, values))})

    def report(self):
        """A short text summary: items, masked items, convergence and time."""
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
        for i in result.masked:
            lines.append(f"masked item {i}: {REASONS[int(result.status[i])]}")
        return "\n".join(lines)
