"""The memory pre-flight of an inversion: the plan's bytes against the memory available.

Called before anything large is allocated; the bytes are those of the
:class:`~fastilt.problem.plan.InversionPlan` (counted with
:mod:`fastilt.guards.memory`'s rules, from the structure of ``W`` and Γ without
forming either).
"""

from .memory import require

__all__ = ["require_plan_memory", "WAYS_OUT"]

WAYS_OUT = (
    "use fewer tau points, compress=True (fewer data rows), a smaller maxloop or another solver "
    "(invert(solver=...): 'lowrank' for data inverted in every dimension, 'band' or 'cholmod' for "
    "sparse kernels; the compiled backend)"
)


def require_plan_memory(plan, shape, extra=None, what=None):
    """``MemoryError`` up front when ``plan`` (for a tau grid of ``shape``) cannot fit in memory.

    ``extra``: more parts held at the same time (a batch's items and threads),
    ``what``: the work named in the message.
    """
    n = 1
    for k in shape:
        n *= int(k)
    what = what or f"inverting {n} unknowns (tau grid {tuple(int(k) for k in shape)}) with solver '{plan.solver}'"
    require({**plan.parts, **(extra or {})}, what, WAYS_OUT)
