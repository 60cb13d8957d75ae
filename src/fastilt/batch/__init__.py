"""Many independent inversions at once: :func:`invert_many` and its :class:`BatchResult`.

A stack of data sets of one shape (CPMG echo trains along a borehole, one
decay per voxel, a series of samples) is inverted with kernels, compression,
``W`` and the penalty model built once, the items running in the compiled core
on threads, or chunk by chunk on Dask (:mod:`fastilt.batch.dask`).
"""

from .invert_many import invert_many
from .result import BatchResult

__all__ = ["invert_many", "BatchResult"]
