"""``invert_many``: independent data sets of one shape inverted with shared kernels and settings.

Everything that does not depend on the data (kernel matrices, compression,
``W``, the penalty model, the solver's system) is built once, by ``init`` of
one template :class:`~fastilt.IltData`; each item then only needs its
compressed data and ``Y`` (:meth:`IltData.with_data`).  The compiled backend
runs the items in C++ on ``n_jobs`` threads with the GIL released
(``fastilt._core.invert_batch``); each item gives what ``iltload``/``init``/
``invert`` of it alone give.
"""

from ..backends import select_backend
from .items import check_items, check_on_invalid, item_status, resolve_threads
from .stack import as_stack, invert_stack, template_for

__all__ = ["invert_many"]


def invert_many(data, t, tau, kernel, parameters=None, *, n_jobs=-1, verbose=1, backend="auto",
                on_invalid="raise"):
    """Invert every item of ``data`` (its first axis) with the same ``t``, ``tau``, ``kernel``, parameters.

    Parameters
    ----------
    data : array of shape ``(items, *shape)``, or a Dask array chunked along axis 0
        One data set per item, each of the shape ``iltload`` takes.
    t, tau, kernel, parameters
        As for ``iltload(data=item, t=t)`` and ``init(tau, kernel, parameters)``;
        shared by all items.
    n_jobs : int, default -1
        Threads (-1: all cores).  With a Dask array: threads per chunk, where
        -1 means 1 (Dask already runs the chunks in parallel).
    verbose : int, default 1
        ``> 0``: a progress bar over the items (NumPy data).
    backend : ``"auto"``, ``"compiled"`` or ``"python"``
        ``"python"`` inverts the items one after the other with the NumPy
        fallback (the reference); ``n_jobs`` is then not used.
    on_invalid : ``"raise"`` or ``"mask"``
        An item with NaN/inf values or all zeros raises
        :class:`~fastilt.errors.InvalidItemError` naming it before any work
        (``"raise"``), or gets NaN rows and is listed in ``result.masked``.

    Returns
    -------
    BatchResult
        ``g`` (items first, then ``IltData.g``'s shape), ``fit``, ``residuals``
        (``data``'s shape), ``convergence``, ``iterations``, ``converged``,
        ``status``; Dask arrays (lazy) when ``data`` is one.

    Raises
    ------
    InvalidItemError
        An item holds NaN/inf or is all zero (``on_invalid="raise"``); a
        ``ValueError`` naming the items, raised before any inversion.
    ValueError
        ``data`` without an item axis, ``on_invalid`` or ``n_jobs`` invalid,
        and whatever ``iltload``/``init`` raise for ``t``, ``tau``, ``kernel``
        and ``parameters``.
    TypeError
        Non-numeric or complex ``data``, ``n_jobs`` not an integer.

    See Also
    --------
    BatchResult : the arrays returned, ``report()``, ``compute()``.
    IltData.with_data : one initialised data set re-used for other data.

    Examples
    --------
    Three decays of 100 points, one call; item ``i`` is row ``i`` of every
    array of the result:

    >>> import numpy as np
    >>> import fastilt as ilt
    >>> t = np.linspace(0.001, 1, 100)
    >>> tau = np.logspace(-3, 1, 30)
    >>> noise = np.random.default_rng(0).normal(size=(3, t.size))
    >>> stack = np.array([100 * np.exp(-t / T2) for T2 in (0.02, 0.05, 0.1)]) + noise
    >>> result = ilt.invert_many(stack, t, tau, ilt.Exponential(), verbose=0)
    >>> result.g.shape, result.fit.shape, len(result)
    ((3, 30), (3, 100), 3)
    >>> print(np.round(tau[result.g.argmax(axis=1)], 3))    # the peak of each item
    [0.024 0.045 0.117]

    Each item gives what inverting it alone gives:

    >>> alone = ilt.iltload(data=stack[1], t=t)
    >>> alone.init(tau, ilt.Exponential())
    >>> alone.invert(verbose=0)
    >>> print(np.allclose(result.g[1], alone.g))
    True

    A Dask array is inverted chunk by chunk on the active scheduler (here
    Dask's local threads); the result stays lazy until computed:

    >>> import dask.array as da
    >>> lazy = ilt.invert_many(da.from_array(stack, chunks=2), t, tau, ilt.Exponential())
    >>> lazy.is_lazy
    True
    >>> print(np.allclose(lazy.compute().g, result.g))
    True
    """
    check_on_invalid(on_invalid)
    backend = select_backend(backend)
    if _is_dask_array(data):
        from .dask import invert_many_dask

        return invert_many_dask(data, t, tau, kernel, parameters, n_jobs=n_jobs, backend=backend,
                                on_invalid=on_invalid)
    stack = as_stack(data)
    status = item_status(stack)
    check_items(status, on_invalid)
    threads = resolve_threads(n_jobs, stack.shape[0])
    template = template_for(stack.shape[1:], t, tau, kernel, parameters)
    return invert_stack(template, stack, status, threads, verbose, backend)


def _is_dask_array(data):
    return type(data).__module__.split(".")[0] == "dask" and hasattr(data, "chunks")
