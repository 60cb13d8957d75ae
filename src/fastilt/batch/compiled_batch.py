"""The items of a batch in the compiled core: one plan of the system, ``n_jobs`` C++ threads.

Per item only its data side is formed here (``Y``, and the low-rank ``b``);
W, the penalty model and the solver's system come from the plan once.
An item whose factorisation is not positive definite in floating point (the
single inversion then finishes that step with SuperLU), and every item of a
system that ``"auto"`` solves with SuperLU, is inverted by ``IltData.invert``
as on its own.
"""

import numpy as np

from .. import _core
from ..compiled import prepare_system
from .alone import invert_alone

__all__ = ["invert_compiled"]

#: _core.invert_batch statuses of an item left to the single inversion: its
#: factorisation was not positive definite, or its arithmetic met NaN/inf (the
#: single inversion then raises NonFiniteError with the likely cause).
_LEFT_OVER = (1, 3)


def invert_compiled(template, plan, stack, items, threads, bar, g, convergence, iterations):
    """Invert ``stack[items]`` by ``plan`` into the rows ``items`` of ``g``, ``convergence``, ``iterations``.

    ``bar`` is a tqdm bar over the items.
    """
    model, system = template.penalty_model, template.system
    if plan.solver == "superlu" or items.size == 0:
        for i in items:
            invert_alone(template, stack[i], i, "compiled", g, convergence, iterations)
            bar.update(1)
        return
    prepared = prepare_system(plan, system, model.stencil_reach)  # W formed once, for the template

    Y = np.empty((items.size, model.size))
    coefficients = None if prepared.basis is None else np.empty((items.size, len(prepared.basis.kept)))
    for row, i in enumerate(items):
        work = template.with_data(stack[i])
        Y[row] = np.ravel(system.right_hand_side(work.mcomp, getattr(work, "Y", None)))
        if coefficients is not None:
            coefficients[row] = prepared.coefficients(np.ravel(work.mcomp))

    def worker():
        return _core.Iteration(model, y=np.zeros(model.size), maxloop=template.maxloop,
                               conv_limit=template.conv_limit, system=prepared.linear_system())

    workers = [worker()]
    # A solve already split over the cores (a band in two halves) does as well one item at a
    # time as one item a core, and is not slowed by a second item's traffic through memory.
    if workers[0].parallel_parts == 1:
        workers += [worker() for _ in range(min(threads, items.size) - 1)]
    g_start = None if template.g_guess is None else np.ravel(template.g_guess)

    def progress(finished):
        bar.update(finished - bar.n)

    g_rows, conv_rows, its, status = _core.invert_batch(workers, Y, coefficients, g_start, progress)
    g[items], convergence[items], iterations[items] = g_rows, conv_rows, its
    for i in items[np.isin(status, _LEFT_OVER)]:
        invert_alone(template, stack[i], i, "compiled", g, convergence, iterations)
