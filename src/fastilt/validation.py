"""Checks of user input, run before any heavy work."""

import numbers

import numpy as np

from .errors import ArgumentTypeError

__all__ = [
    "as_finite_array",
    "check_bool",
    "check_int",
    "check_positive",
    "check_fraction",
    "check_increasing",
    "as_vector",
]


def as_finite_array(value, name, allow_empty=False):
    """``value`` as a float array; rejects non-numeric, empty, NaN and inf input."""
    try:
        array = np.asarray(value)
    except Exception as err:  # ragged lists and the like
        raise ValueError(f"{name} could not be read as an array: {err}") from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == bool
    ):
        raise TypeError(f"{name} must be numeric, got dtype {array.dtype}")
    if np.iscomplexobj(array):
        raise TypeError(f"{name} must be real; invert real and imaginary parts separately")
    if array.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s)")
    return array


def check_bool(value, name):
    """``value`` must be a bool (``ArgumentTypeError``, a TypeError, otherwise)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_int(value, name, minimum=None):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_positive(value, name, allow_zero=False):
    """A positive (or non-negative) finite real number, or an array of them."""
    array = as_finite_array(value, name)
    if np.any(array < 0) or (not allow_zero and np.any(array == 0)):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return value


def check_fraction(value, name):
    array = as_finite_array(value, name)
    if np.any(array < 0) or np.any(array > 1):
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return value


def as_vector(value, name):
    """A finite 1-D float array from ``value``; a column or row vector is accepted.

    Rejects arrays with more than one non-singleton axis (``ValueError``).
    """
    array = as_finite_array(value, name)
    if array.ndim > 1 and max(array.shape) != array.size:
        raise ValueError(f"{name} must be one-dimensional, got an array of shape {array.shape}")
    return array.astype(float).ravel()


def check_increasing(values, name, hint=""):
    """``values`` (1-D) must be strictly increasing; ``hint`` is appended to the message."""
    steps = np.diff(values)
    if np.any(steps <= 0):
        k = int(np.argmax(steps <= 0))
        raise ValueError(
            f"{name} must be strictly increasing, but {name}[{k + 1}] = {float(values[k + 1]):g} "
            f"follows {name}[{k}] = {float(values[k]):g}{hint}"
        )
    return values
