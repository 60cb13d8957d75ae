"""The memory pre-flight of ``IltData.invert``: which solution path runs, and its peak memory.

Called before anything large is allocated; the byte counts are those of
:mod:`fastilt.guards.memory`, the path is decided as ``invert`` decides it
(:func:`fastilt.compiled.solver_for_structure`), from the structure of ``W``
(:func:`fastilt.forward_model.normal_matrix_pattern`) and of Γ
(:func:`fastilt.directions.gamma_stencil`) without forming either.
"""

from .. import backends
from ..forward_model import normal_matrix_pattern
from .memory import iteration_bytes, require, solve_bytes

__all__ = ["solution_layout", "require_inversion_memory"]

WAYS_OUT = (
    "use fewer tau points, compress=True (fewer data rows), a smaller maxloop or another solver "
    "(invert(solver=...): 'lowrank' for data inverted in every dimension, 'band' or 'cholmod' for "
    "sparse kernels; the compiled backend)"
)


def solution_layout(iltdata, backend, solver, w_bandwidth, stencil_reach):
    """The linear-solve layout ``invert`` will use (see :func:`fastilt.guards.memory.solve_bytes`)."""
    if iltdata.alt_g != 0 and (backend == "python" or callable(solver)):
        return "data-space"
    if callable(solver):
        return "user"
    if backend == "python":
        return "superlu" if w_bandwidth is not None else "python-dense"
    n = int(iltdata.Nxtot)
    if backends.compiled.use_low_rank(solver or "auto", n, iltdata._kronecker_form()):
        return "lowrank"
    return backends.compiled.solver_for_structure(solver or "auto", n, w_bandwidth, stencil_reach)


def require_inversion_memory(iltdata, backend, solver):
    """``MemoryError`` up front when the chosen solution path of ``iltdata`` cannot fit in memory."""
    n = int(iltdata.Nxtot)
    shape = tuple(int(k) for k in iltdata.Nx)
    w_sparse = iltdata.sparse_kernels  # K0comp or, for alt_g 0, only W is kept
    # A dense W has n² entries; the pattern of a sparse one follows from the blocks.
    entries, bandwidth = normal_matrix_pattern(iltdata.kernel_blocks) if w_sparse else (n * n, None)
    slots, reach = iltdata.penalty_model.stencil
    layout = solution_layout(iltdata, backend, solver, bandwidth, reach)
    data_size = int(iltdata.mcomp.size)
    parts = {
        f"the linear solves ({layout})": solve_bytes(layout, n, entries, bandwidth or 0, slots, data_size),
        **iteration_bytes(n, slots, len(iltdata.directions), int(iltdata.maxloop)),
    }
    if iltdata.alt_g != 0 and layout != "data-space" and not w_sparse:
        parts["the dense operator A"] = 8 * data_size * n  # W is formed from it
    require(parts, f"inverting {n} unknowns (tau grid {shape}) with solver '{layout}'", WAYS_OUT)
