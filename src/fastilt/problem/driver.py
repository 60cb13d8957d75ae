"""The iteration driven from Python: the fallback, user solvers and SuperLU (the compiled core
runs its own loop for its built-in solvers).

One driver for both penalty assemblers (:class:`fastilt.fallback.PythonPenalties`
and the core's, through :class:`fastilt.compiled.CompiledPenalties`): each has
``reset()`` (back to the starting Γ), ``assemble(g, iteration)`` (Γ of this
iteration from ``g``), ``gamma()`` (that Γ, sparse) and ``zero_crossing_state``.
"""

import numpy as np

from ..guards.finite import require_finite

__all__ = ["iterate", "relative_change"]


def relative_change(g, previous):
    """``‖g − previous‖ / ‖g‖`` as the compiled core computes it.

    0/0 is 0 (g stays zero: all-zero data converge at once) and x/0 is inf;
    norms whose squares overflow are taken again scaled by a power of two.
    """
    with np.errstate(over="ignore"):
        change, norm = np.linalg.norm(g - previous), np.linalg.norm(g)
    if not (np.isfinite(change) and np.isfinite(norm)):
        largest = max(np.max(np.abs(g)), np.max(np.abs(g - previous)))
        scale = 2.0 ** -np.frexp(largest)[1]
        change, norm = np.linalg.norm((g - previous) * scale), np.linalg.norm(g * scale)
    if norm == 0:
        return 0.0 if change == 0 else float("inf")
    return float(change / norm)


def iterate(penalties, solve, g_guess, maxloop, conv_limit, on_iteration=None):
    """ILTpy's fixed-point iteration: rebuild Γ from g, solve, stop on a small relative change.

    Starts from ``g_guess``, else from the solve with the starting Γ
    (``alpha_00 I / mean(alpha_0)``).  ``solve(gamma) -> g``;
    ``on_iteration(i, g, gamma_factory)`` is called after every solve and with
    ``i = -1`` for the start (storage of intermediate results, progress).
    Returns the final ``g`` and ``Γ``, the convergence list (``None`` after an
    early stop) and the zero-crossing state ``Cz``.  A NaN or infinite Γ or g
    raises :class:`~fastilt.errors.NonFiniteError` at once.
    """
    on_iteration = on_iteration or (lambda *args: None)
    penalties.reset()
    gamma = penalties.gamma()
    g = g_guess if g_guess is not None else solve(gamma)
    require_finite(g, "g", -1)
    on_iteration(-1, g, lambda gamma=gamma: gamma)
    convergence = [None] * maxloop
    for i in range(maxloop):
        penalties.assemble(g, i)  # raises NonFiniteError for a NaN or infinite Γ
        gamma = penalties.gamma()
        g_next = solve(gamma)
        require_finite(g_next, "g", i)
        convergence[i] = relative_change(g_next, g)
        g = g_next
        on_iteration(i, g, lambda gamma=gamma: gamma)
        if convergence[i] < conv_limit:
            break
    return g, gamma, convergence, penalties.zero_crossing_state
