"""Checks of user input, run before any heavy work."""

import math
import numbers
import sys

import numpy as np

from .errors import ArgumentTypeError

try:
    from ._linalg import row_summary as _compiled_row_summary
except ImportError:  # built without the extensions: NumPy's sum decides
    _compiled_row_summary = None

__all__ = [
    "INT32_MIN",
    "INT32_MAX",
    "as_finite_array",
    "as_number",
    "as_per_axis",
    "check_bool",
    "check_int",
    "check_verbose",
    "check_positive",
    "check_fraction",
    "is_increasing",
    "not_increasing_error",
    "as_vector",
    "all_finite",
    "is_sparse",
    "MAX_NDIM",
    "check_data_dimensions",
]

#: Largest data dimensionality fastilt (and ILTpy) inverts.
MAX_NDIM = 3

#: Range of the C++ ``int`` that iteration counts, schedule indices and
#: moving-maximum windows are passed as: larger values would wrap silently.
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def _describe(value, width=60):
    """``type: repr`` of a value, the repr shortened for messages."""
    text = repr(value)
    if len(text) > width:
        text = text[: width - 3] + "..."
    return f"{type(value).__name__} {text}"


def as_finite_array(value, name, allow_empty=False):
    """``value`` as a float array; rejects non-numeric, empty, NaN and inf input."""
    try:
        array = np.asarray(value)
    except Exception as err:  # ragged lists and the like
        raise ValueError(f"{name} could not be read as an array: {err}") from None
    kind = array.dtype.kind  # b(ool), i(nt), u(int), f(loat), c(omplex): the numeric kinds
    if kind not in "biufc":
        raise TypeError(f"{name} must be numeric (a number or an array of numbers), got {_describe(value)}")
    if kind == "c":
        raise TypeError(f"{name} must be real; invert real and imaginary parts separately")
    if array.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty")
    if kind == "f" and not all_finite(array):  # integers and bools are finite
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s)")
    return array


def check_data_dimensions(data):
    """Rejects a scalar and data with more than :data:`MAX_NDIM` dimensions larger than 1."""
    if data.ndim == 0:
        raise ValueError(f"data must be an array (1D to {MAX_NDIM}D), got a scalar")
    squeezed = [n for n in data.shape if n != 1] or [1]
    if len(squeezed) > MAX_NDIM:
        raise ValueError(
            f"data with shape {data.shape} has {len(squeezed)} dimensions larger than 1; "
            f"fastilt inverts 1D to {MAX_NDIM}D data"
        )


def all_finite(array):
    """Are all entries of ``array`` finite?

    One pass and no temporary array.  A contiguous float64 array goes to the
    compiled core's one-pass check (no overflow warning for huge finite
    values, no first NumPy reduction in a process).  Otherwise a NaN or
    infinite entry makes the sum NaN or infinite, so a finite sum settles
    it; only a sum that overflows (or a non-finite entry) takes the
    entry-wise test.
    """
    if _compiled_row_summary is not None and array.dtype == np.float64 and array.flags.c_contiguous:
        return _compiled_row_summary(array.reshape(1, -1))[0]
    with np.errstate(over="ignore", invalid="ignore"):
        # np.add.reduce, not np.sum: the same sum without np.sum's Python wrapper.
        return bool(np.isfinite(np.add.reduce(array, axis=None))) or bool(np.isfinite(array).all())


def is_sparse(value):
    """Is ``value`` a SciPy sparse array or matrix?  (``scipy.sparse.issparse``.)

    By the two base classes: ``issparse`` is an ABC check, whose first call
    for each type in a process is slow (docs/performance.md).  Nothing is
    sparse before ``scipy.sparse`` has been imported, which fastilt does only
    where it needs it.
    """
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and isinstance(value, (sparse.sparray, sparse.spmatrix))


def _is_plain_finite(value):
    # Python's own finite float, or int in NumPy's int64 range (not bool):
    # checked without building an array or asking the numbers ABCs, which
    # cost more than the check itself in the many scalar settings of init.
    # Anything else (a larger int too, an object array for NumPy) takes the
    # array checks and their messages.
    if type(value) is float:
        return math.isfinite(value)
    return type(value) is int and -(2**63) <= value < 2**63


def check_bool(value, name):
    """``value`` must be a bool (``ArgumentTypeError``, a TypeError, otherwise)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_int(value, name, minimum=None, maximum=INT32_MAX):
    """An integer (Python or NumPy) in ``[minimum, maximum]``; the default maximum is a C++ int's."""
    if type(value) is not int and (isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return int(value)


def check_verbose(value, name="verbose", allow_bool=True):
    """A verbosity level: an integer, or a bool where ``allow_bool`` (``ArgumentTypeError`` otherwise)."""
    if type(value) is int:
        return value
    if isinstance(value, (bool, np.bool_)) and not allow_bool:
        raise ArgumentTypeError(f"{name} must be an integer (0: silent), got {value!r}")
    if not isinstance(value, (numbers.Integral, np.bool_)):
        raise ArgumentTypeError(f"{name} must be an integer (0: silent) or a bool, got {value!r}")
    return int(value)


def as_number(value, name):
    """A single finite real number (NumPy scalars and 0-d arrays too); lists are rejected."""
    if _is_plain_finite(value):
        return float(value)
    scalar = isinstance(value, numbers.Real) or (
        isinstance(value, (np.ndarray, np.generic)) and np.ndim(value) == 0
    )
    if not scalar:
        raise TypeError(f"{name} must be a single number, got {_describe(value)}")
    return float(as_finite_array(value, name))


def as_per_axis(value, name, ndim):
    """ILTpy's per-axis numbers: one number for every axis, or a list of ``ndim`` of them."""
    if _is_plain_finite(value):  # the usual case, without the array checks
        return np.array([float(value)] * ndim)
    array = as_finite_array(value, name).astype(float)
    if array.ndim == 0:
        return np.array([float(array)] * ndim)
    if array.ndim == 1 and array.size == ndim:
        return array
    raise ValueError(
        f"{name} must be a number or a list of {ndim} number(s), one per axis of the "
        f"{ndim}-dimensional data, got {value!r}"
    )


def check_positive(value, name, allow_zero=False):
    """A positive (or non-negative) finite real number, or an array of them."""
    if _is_plain_finite(value) and (value > 0 or (allow_zero and value == 0)):
        return value
    array = as_finite_array(value, name)
    if np.any(array < 0) or (not allow_zero and np.any(array == 0)):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return value


def check_fraction(value, name):
    """A single number in [0, 1]."""
    if not 0 <= as_number(value, name) <= 1:
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


def is_increasing(values):
    """Is the 1-D ``values`` strictly increasing (NaN nowhere)?

    By counting the steps up: ``count_nonzero`` is a plain C function, while
    the first logical reduction (``np.all``) in a process pays a set-up.
    """
    return values.size < 2 or np.count_nonzero(values[1:] > values[:-1]) == values.size - 1


def not_increasing_error(values, name, hint=""):
    """The ``ValueError`` for ``values`` that are not strictly increasing (see :func:`is_increasing`).

    It names the first step that does not go up; ``hint`` is appended.
    """
    k = int(np.argmax(np.diff(values) <= 0))
    return ValueError(
        f"{name} must be strictly increasing, but {name}[{k + 1}] = {float(values[k + 1]):g} "
        f"follows {name}[{k}] = {float(values[k]):g}{hint}"
    )
