"""Conversion of stencil storage (the compiled core's Γ) to SciPy sparse matrices.

The core stores a symmetric matrix on the tau grid by offsets: row ``o`` of
``values`` holds the entries ``(i + linear(d_o), i)`` of the lower triangle.
"""

import numpy as np
import scipy.sparse as sp

__all__ = ["StencilPattern"]


class StencilPattern:
    """Index arrays of the valid slots of a stencil on a grid, computed once."""

    def __init__(self, offsets, shape):
        shape = tuple(int(n) for n in shape)
        self.shape = shape
        self.size = int(np.prod(shape))
        coords = np.indices(shape).reshape(len(shape), -1, order="F")
        strides = np.cumprod((1,) + shape[:-1])
        self.slots = []  # (offset index, columns, rows)
        for o, d in enumerate(np.asarray(offsets)):
            target = coords + d.reshape(-1, 1)
            valid = np.all((target >= 0) & (target < np.reshape(shape, (-1, 1))), axis=0)
            columns = np.flatnonzero(valid)
            self.slots.append((o, columns, columns + int(d @ strides)))

    def to_sparse(self, values):
        """The full symmetric matrix (CSC) from stencil ``values`` of shape (n_offsets, n)."""
        rows, cols, data = [], [], []
        for o, columns, targets in self.slots:
            v = values[o, columns]
            rows.append(targets)
            cols.append(columns)
            data.append(v)
            if o != 0:  # mirror the strictly lower part
                rows.append(columns)
                cols.append(targets)
                data.append(v)
        return sp.csc_array(
            (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
            shape=(self.size, self.size),
        )
