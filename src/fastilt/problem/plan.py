"""One plan per inversion: which linear solver runs, in which layout, and the memory it takes.

:func:`plan_inversion` is where the solver is chosen, once: the memory guard
reads the plan's bytes (:func:`fastilt.guards.preflight.require_plan_memory`),
the backend runs it, a batch plans once for all its items, and
``IltData.solver`` records what ran.  The choice reads the structure of ``W``
(:attr:`NormalEquations.pattern`) and of Γ (the penalty model's stencil)
without forming either.
"""

from dataclasses import dataclass, field

from .. import backends
from ..guards.memory import iteration_bytes, solve_bytes

__all__ = ["InversionPlan", "plan_inversion", "choose_solver"]

#: Largest system solved densely by "auto" (a dense Cholesky of 3000 unknowns
#: costs ~9 GFlop; beyond that the structure pays).
DENSE_LIMIT = 3000
#: Smallest fully inverted system that "auto" solves in the low-rank form:
#: about where it overtakes the dense solve (docs/performance.md).
LOW_RANK_MIN = 500
#: Widest band of ``W + Γ`` that "auto" gives the band solver.
BAND_LIMIT = 200


@dataclass(frozen=True)
class InversionPlan:
    """What one ``invert`` runs.

    ``solver``: ``"dense"``, ``"band"``, ``"cholmod"``, ``"superlu"``,
    ``"lowrank"`` (compiled core), ``"user"`` (a callable), ``"python-dense"``
    (the fallback's dense solve) or ``"data-space"`` (alt_g 2/4/6/8 in Python);
    ``from_block``: the band solver reads the one block ``B`` of ``W = I ⊗ B``;
    ``parts``: bytes held at once, by what holds them.
    """

    backend: str
    solver: str
    from_block: bool = False
    parts: dict = field(default_factory=dict, compare=False)

    @property
    def bytes(self):
        return sum(self.parts.values())


def _have_cholmod():
    return backends.compiled is not None and backends.compiled.HAVE_CHOLMOD


def _by_structure(name, n, w_bandwidth, stencil_reach):
    """A normal-equation solver for ``name`` (``"auto"`` or a solver) from ``W``'s and Γ's bandwidths."""
    if name != "auto":
        if name == "cholmod" and not _have_cholmod():
            raise ValueError("solver='cholmod' needs fastilt built with CHOLMOD (libsuitesparse-dev)")
        return name
    if w_bandwidth is None:  # W dense
        return "dense" if n <= DENSE_LIMIT else ("cholmod" if _have_cholmod() else "dense")
    bandwidth = max(w_bandwidth, stencil_reach)
    if n <= DENSE_LIMIT and bandwidth > n // 8:
        return "dense"
    if bandwidth <= BAND_LIMIT:
        return "band"
    return "cholmod" if _have_cholmod() else "superlu"


def _low_rank(name, n, kronecker_blocks):
    """Does ``name`` mean the low-rank form here?"""
    if name == "lowrank":
        if not _have_cholmod():
            raise ValueError("solver='lowrank' needs fastilt built with CHOLMOD (libsuitesparse-dev)")
        if kronecker_blocks is None:
            raise ValueError("solver='lowrank' needs data inverted in every dimension, without sigma "
                             "weights or a static baseline (W must be a Kronecker product)")
        return True
    return name == "auto" and kronecker_blocks is not None and n >= LOW_RANK_MIN and _have_cholmod()


def choose_solver(system, stencil_reach, backend, solver):
    """``(solver, from_block)``: the one place where the solver of an inversion is chosen.

    ``solver`` is what ``invert`` was given (validated by
    :func:`fastilt.backends.check_solver`): None, a name or a callable.
    """
    if system.alt_g != 0 and (backend == "python" or callable(solver)):
        return "data-space", False
    if callable(solver):
        return "user", False
    w_bandwidth = system.pattern[1]
    if backend == "python":
        return ("superlu" if w_bandwidth is not None else "python-dense"), False
    name, n = solver or "auto", system.size
    if _low_rank(name, n, system.kronecker_blocks):
        return "lowrank", False
    block = system.repeated_block
    if block is not None and _by_structure(name, n, block.shape[0] - 1, stencil_reach) == "band":
        return "band", True
    return _by_structure(name, n, w_bandwidth, stencil_reach), False


def plan_inversion(system, model, backend, solver, maxloop, data_size):
    """The :class:`InversionPlan` of inverting ``system`` with ``model``'s Γ (see :func:`choose_solver`)."""
    name, from_block = choose_solver(system, model.stencil_reach, backend, solver)
    n = system.size
    entries, bandwidth = system.pattern
    slots = model.stencil[0]
    parts = {
        f"the linear solves ({name})": solve_bytes(name, n, entries, bandwidth or 0, slots, data_size),
        **iteration_bytes(n, slots, len(model.directions), int(maxloop)),
    }
    if system.alt_g != 0 and name != "data-space" and not system.sparse:
        parts["the dense operator A"] = 8 * data_size * n  # W is formed from it
    return InversionPlan(backend, name, from_block, parts)
