"""``invert_many``: independent data sets of one shape inverted with shared kernels and settings.

Everything that does not depend on the data (kernel matrices, compression,
``W``, the penalty model, the solver's layout) is built once, by ``init`` of
one template :class:`~fastilt.IltData`; each item then only needs its
compressed data and ``Y`` (:meth:`IltData.with_data`).  The compiled backend
runs the items in C++ on ``n_jobs`` threads with the GIL released
(``fastilt._core.invert_batch``); each item gives what ``iltload``/``init``/
``invert`` of it alone give.
"""

import time

import numpy as np

from ..backends import select_backend
from ..forward_model import apply_per_dimension
from ..loading import iltload
from .alone import invert_alone
from .items import INVERTED, check_items, check_on_invalid, item_status, resolve_threads
from .result import BatchResult

__all__ = ["invert_many", "invert_stack", "template_for"]


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
    stack = _as_stack(data)
    status = item_status(stack)
    check_items(status, on_invalid)
    threads = resolve_threads(n_jobs, stack.shape[0])
    template = template_for(stack.shape[1:], t, tau, kernel, parameters)
    return invert_stack(template, stack, status, threads, verbose, backend)


def _is_dask_array(data):
    return type(data).__module__.split(".")[0] == "dask" and hasattr(data, "chunks")


def _as_stack(data):
    stack = np.asarray(data)
    if stack.dtype == object or not (np.issubdtype(stack.dtype, np.number) or stack.dtype == bool):
        raise TypeError(f"data must be numeric, got dtype {stack.dtype}")
    if np.iscomplexobj(stack):
        raise TypeError("data must be real; invert real and imaginary parts separately")
    if stack.ndim < 2 or stack.shape[0] == 0:
        raise ValueError(f"data must hold one data set per item along axis 0, got shape {stack.shape}")
    return stack.astype(float, copy=False)


def template_for(item_shape, t, tau, kernel, parameters):
    """An initialised IltData for items of ``item_shape``: what every item shares.

    What ``init`` builds depends on the data only through its shape, so the
    template is set up on ones (no item needs to be read first, which a Dask
    array would compute; zeros would draw init's all-zero-data warning).
    """
    template = iltload(data=np.ones(item_shape), t=t)
    template.init(tau, kernel, parameters=parameters)
    return template


def invert_stack(template, stack, status, threads, verbose, backend):
    """Invert the items of ``stack`` whose ``status`` is INVERTED; the others get NaN rows."""
    from tqdm.auto import tqdm  # here, not at import: `import fastilt` stays free of tqdm's start-up

    items = np.flatnonzero(status == INVERTED)
    n = template.penalty_model.size
    g = np.full((stack.shape[0], n), np.nan)
    convergence = np.full((stack.shape[0], template.maxloop), np.nan)
    iterations = np.zeros(stack.shape[0], dtype=np.int32)
    start = time.perf_counter()
    with tqdm(total=items.size, disable=verbose <= 0, desc="fastilt", unit="item") as bar:
        if backend == "compiled":
            from .compiled_batch import invert_compiled

            solver = invert_compiled(template, stack, items, threads, bar, g, convergence, iterations)
        else:
            solver, threads = "python", 1
            for i in items:
                invert_alone(template, stack[i], i, "python", g, convergence, iterations)
                bar.update(1)
    elapsed = time.perf_counter() - start
    return _result(template, stack, status, g, convergence, iterations, backend, solver, threads, elapsed)


def _result(template, stack, status, g, convergence, iterations, backend, solver, threads, elapsed):
    items = stack.shape[0]
    shape = tuple(int(n) for n in template.Nx)
    if template.ndim > 1:  # g is flattened in Fortran order, as IltData.g_old
        g = g.reshape((items,) + shape[::-1]).transpose((0,) + tuple(range(len(shape), 0, -1)))
    g = np.ascontiguousarray(g)
    # Item by item, as IltData does: the fit of an item does not depend on the stack around it.
    fit = np.full(stack.shape, np.nan)
    for i in np.flatnonzero(status == INVERTED):
        fit[i] = apply_per_dimension(g[i], [K.T for K in template.K]).reshape(stack.shape[1:])
    last = convergence[np.arange(items), np.maximum(iterations - 1, 0)]
    converged = (iterations > 0) & (last < template.conv_limit)
    return BatchResult(
        g=g, fit=fit, residuals=fit - stack, convergence=convergence, iterations=iterations,
        converged=converged, status=status, tau=[np.ravel(x) for x in template.tau], backend=backend,
        solver=solver, n_jobs=threads, inversion_time=elapsed,
        settings={"conv_limit": template.conv_limit, "maxloop": template.maxloop},
    )
