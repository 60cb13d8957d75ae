"""A stack of items inverted with one template and one plan: what the NumPy and Dask front doors share.

The checks of the stack (:func:`check_stack`), the template every item shares
(:func:`template_for`) and the inversion of the items (:func:`invert_stack`):
one solver plan for all of them (:func:`fastilt.problem.plan.plan_inversion`),
whose memory is checked for the stack as a whole before any work.
"""

import time

import numpy as np

from ..forward_model import apply_per_dimension
from ..guards.preflight import require_plan_memory
from ..loading import iltload
from ..problem.plan import plan_inversion
from .alone import invert_alone
from .items import INVERTED
from .result import BatchResult

__all__ = ["check_stack", "as_stack", "template_for", "invert_stack"]


def check_stack(dtype, shape):
    """Refuse data that cannot be a stack of real items (a NumPy or Dask array's dtype and shape)."""
    if dtype == object or not (np.issubdtype(dtype, np.number) or dtype == bool):
        raise TypeError(f"data must be numeric, got dtype {dtype}")
    if np.issubdtype(dtype, np.complexfloating):
        raise TypeError("data must be real; invert real and imaginary parts separately")
    if len(shape) < 2 or shape[0] == 0:
        raise ValueError(f"data must hold one data set per item along axis 0, got shape {shape}")


def as_stack(data):
    """``data`` as a float array of items along axis 0 (:func:`check_stack`)."""
    stack = np.asarray(data)
    check_stack(stack.dtype, stack.shape)
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


def _batch_memory(plan, items, n, maxloop, item_size, threads):
    """What a batch holds beyond one inversion: a solve per thread and every item's results."""
    return {
        f"{threads - 1} more thread(s) solving ({plan.solver})": (threads - 1) * plan.bytes,
        f"the results of {items} items (g, Y, convergence, fit, residuals)": 8 * items * (2 * n + maxloop + 2 * item_size),
    }


def invert_stack(template, stack, status, threads, verbose, backend):
    """Invert the items of ``stack`` whose ``status`` is INVERTED; the others get NaN rows."""
    from tqdm.auto import tqdm  # here, not at import: `import fastilt` stays free of tqdm's start-up

    items = np.flatnonzero(status == INVERTED)
    model = template.penalty_model
    n = model.size
    threads = threads if backend == "compiled" else 1
    plan = plan_inversion(template.system, model, backend, None, template.maxloop, int(template.mcomp.size))
    require_plan_memory(
        plan, template.Nx, _batch_memory(plan, stack.shape[0], n, int(template.maxloop), stack[0].size, threads),
        what=f"inverting {stack.shape[0]} items of {n} unknowns with solver '{plan.solver}' on {threads} thread(s)",
    )
    g = np.full((stack.shape[0], n), np.nan)
    convergence = np.full((stack.shape[0], template.maxloop), np.nan)
    iterations = np.zeros(stack.shape[0], dtype=np.int32)
    start = time.perf_counter()
    with tqdm(total=items.size, disable=verbose <= 0, desc="fastilt", unit="item") as bar:
        if backend == "compiled":
            from ..compiled import numpy_blas_on_one_thread
            from .compiled_batch import invert_compiled

            with numpy_blas_on_one_thread():  # as a single compiled inversion
                invert_compiled(template, plan, stack, items, threads, bar, g, convergence, iterations)
        else:
            for i in items:
                invert_alone(template, stack[i], i, "python", g, convergence, iterations)
                bar.update(1)
    elapsed = time.perf_counter() - start
    solver = plan.solver if backend == "compiled" else "python"
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
