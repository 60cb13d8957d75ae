"""``invert_many`` on a Dask array: one task per chunk of items, results as lazy Dask arrays.

The template (kernels, compression, penalty model) is set up here once and
shipped to the workers as one object of the graph; each chunk task then
inverts its items with :func:`~fastilt.batch.invert_many.invert_stack` (W and
the solver's system formed once per chunk).  Bad items are checked in their
chunk's task: with ``on_invalid="raise"`` computing the result raises
:class:`~fastilt.errors.InvalidItemError` naming the item's index in the whole
stack, before that chunk is inverted.  Needs the ``dask`` extra
(``pip install fastilt[dask]``); runs on whatever scheduler is active.
"""

import numpy as np

from .items import check_items, item_status, resolve_threads
from .result import BatchResult
from .stack import check_stack, invert_stack, template_for

__all__ = ["invert_many_dask"]

def _fields(template, item_shape):
    """The per-item arrays of a chunk's BatchResult: (name, dtype, shape after the item axis)."""
    shape = tuple(int(n) for n in template.Nx) if template.ndim > 1 else (int(template.Nx[0]),)
    return (
        ("g", float, shape),
        ("fit", float, item_shape),
        ("residuals", float, item_shape),
        ("convergence", float, (int(template.maxloop),)),
        ("iterations", np.int32, ()),
        ("converged", bool, ()),
        ("status", np.int8, ()),
    )


def _invert_chunk(template, chunk, offset, threads, backend, on_invalid):
    stack = np.asarray(chunk).astype(float, copy=False)
    status = item_status(stack)
    check_items(status, on_invalid, offset=offset)
    return invert_stack(template, stack, status, min(threads, stack.shape[0]), 0, backend)


def invert_many_dask(data, t, tau, kernel, parameters, *, n_jobs, backend, on_invalid):
    import dask
    import dask.array as da

    check_stack(data.dtype, data.shape)
    threads = 1 if n_jobs == -1 else resolve_threads(n_jobs, max(data.chunks[0]))
    # Each item must lie whole in one chunk: chunks along axis 0 only.
    data = data.rechunk({axis: -1 for axis in range(1, data.ndim)})
    template = template_for(data.shape[1:], t, tau, kernel, parameters)
    shared = dask.delayed(template)
    fields = _fields(template, data.shape[1:])
    columns = {name: [] for name, _, _ in fields}
    offset = 0
    for block, size in zip(data.to_delayed().ravel(), data.chunks[0]):
        chunk = dask.delayed(_invert_chunk)(shared, block, offset, threads, backend, on_invalid)
        for name, dtype, shape in fields:
            part = dask.delayed(getattr)(chunk, name)
            columns[name].append(da.from_delayed(part, shape=(size,) + tuple(shape), dtype=dtype))
        offset += size
    arrays = {name: da.concatenate(parts) for name, parts in columns.items()}
    return BatchResult(
        **arrays, tau=[np.ravel(x) for x in template.tau], backend=backend,
        solver="per chunk", n_jobs=threads,
        settings={"conv_limit": template.conv_limit, "maxloop": template.maxloop},
    )
