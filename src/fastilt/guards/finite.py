"""NaN and infinity: checks before the inversion and in every iteration of the Python loops.

The compiled loop makes the same per-iteration checks in C++
(``csrc/core/iteration.cpp``, ``penalty.cpp``) and raises the same
:class:`~fastilt.errors.NonFiniteError`; :func:`with_likely_cause` then adds
what in the user's settings most likely caused it.
"""

import numpy as np

from ..errors import NonFiniteError
from ..penalty_model import starting_scale
from ..validation import all_finite, is_sparse

__all__ = [
    "require_finite",
    "check_noise_weights",
    "check_penalty_scale",
    "require_finite_input",
    "with_likely_cause",
]


def _when(iteration):
    return "at the start" if iteration < 0 else f"at iteration {iteration}"


def require_finite(values, quantity, iteration):
    """Raise :class:`NonFiniteError` if ``values`` (an array or sparse matrix) holds NaN or inf."""
    data = values.data if is_sparse(values) else values
    if not all_finite(data):
        raise NonFiniteError(f"{quantity} is NaN or infinite {_when(iteration)}", quantity, iteration)


def check_noise_weights(sigma):
    """``1/sigma²`` (the weights of a weighted fit) must be finite."""
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        weights = 1.0 / sigma**2
    if not np.all(np.isfinite(weights)):
        k = np.unravel_index(int(np.argmax(~np.isfinite(weights))), sigma.shape)
        index = ", ".join(str(int(i)) for i in k)
        raise NonFiniteError(
            f"sigma[{index}] = {float(sigma[k]):g} is so small that the weight 1/sigma² overflows; "
            "scale the data and sigma together so that sigma is nearer 1"
        )


def check_penalty_scale(alpha_0, delta_q, alpha_00):
    """The largest penalty weight ``1/(alpha_0 ΔQ⁵)`` and ``Γ0 = alpha_00/mean(alpha_0)`` must be finite."""
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        floor = alpha_0 * delta_q**5
        largest = 1.0 / floor
        start = starting_scale(alpha_00, alpha_0)
    if not all_finite(largest):
        k = int(np.argmax(~np.isfinite(largest)))
        raise NonFiniteError(
            f"alpha_0 = {float(alpha_0[k]):g} is too small for this tau grid: alpha_0·ΔQ⁵ = "
            f"{float(floor[k]):g} (ΔQ = {float(delta_q[k]):g}) makes the largest penalty weight "
            "1/(alpha_0·ΔQ⁵) overflow; use a larger alpha_0 (default 1e-4)"
        )
    if not np.isfinite(start):
        raise NonFiniteError(
            f"alpha_00 / mean(alpha_0) = {alpha_00:g} / {float(np.mean(alpha_0)):g} overflows "
            "(the starting regularisation Γ0); use values nearer the defaults (alpha_00 1, alpha_0 1e-4)"
        )


def require_finite_input(values, name):
    """``values``, formed from the data (``Y``, ``W``, ...), must be finite; returns them."""
    data = values.data if is_sparse(values) else np.asarray(values)
    if not all_finite(data):
        raise NonFiniteError(
            f"{name} overflows: the data (or 1/sigma², the kernel values) are too large for double "
            "precision; scale the data so that the noise has unit standard deviation"
        )
    return values


def _scales(iltdata):
    parts = [f"|data| up to {float(np.max(np.abs(iltdata.data))):.3g}"]
    sigma = getattr(iltdata, "sigma", None)
    if sigma is not None:
        parts.append(f"sigma down to {float(np.min(sigma)):.3g}")
    parts.append(f"alpha_0 = {float(np.min(iltdata.alpha_0)):.3g}")
    parts.append(f"alpha_00 = {float(iltdata.alpha_00):.3g}")
    return ", ".join(parts)


def with_likely_cause(error, iltdata, user_solver):
    """``error`` (from an iteration loop) with the likely cause in this inversion's settings.

    Errors raised up front (no ``quantity``) already name their cause and are returned as they are.
    """
    if error.quantity is None:
        return error
    if error.quantity == "g" and user_solver:
        cause = "the user solver returned NaN or inf for (W + Γ) g = Y, or the scale of the problem"
    elif error.quantity == "g":
        cause = "the scale of the problem"
    else:
        cause = "the regularisation weights overflow at the scale of the problem"
    return NonFiniteError(
        f"{error}; likely cause: {cause} ({_scales(iltdata)}). Scale the data to unit noise and keep "
        "the alpha parameters near their defaults. No result was stored.",
        error.quantity,
        error.iteration,
    )
