"""The items of a stack: what is checked before any work, and their status codes."""

import numbers
import os

import numpy as np

from ..errors import ArgumentTypeError, InvalidItemError

__all__ = ["INVERTED", "NOT_FINITE", "ALL_ZERO", "REASONS", "ON_INVALID", "item_status", "check_items", "check_on_invalid",
           "resolve_threads"]

#: ``BatchResult.status`` of an item: inverted, or masked and why.
INVERTED, NOT_FINITE, ALL_ZERO = 0, 1, 2
REASONS = {NOT_FINITE: "contains NaN or infinite values", ALL_ZERO: "is all zero"}
ON_INVALID = ("raise", "mask")


def item_status(stack):
    """Status code of every item (row along axis 0) of the float array ``stack``."""
    rows = stack.reshape(stack.shape[0], -1)
    status = np.full(stack.shape[0], INVERTED, dtype=np.int8)
    status[~np.any(rows, axis=1)] = ALL_ZERO
    status[~np.all(np.isfinite(rows), axis=1)] = NOT_FINITE
    return status


def check_items(status, on_invalid, offset=0):
    """Raise :class:`InvalidItemError` naming the bad items unless ``on_invalid == "mask"``.

    ``offset`` is the index of ``status[0]`` in the whole stack (a Dask chunk).
    """
    bad = {offset + int(i): REASONS[int(status[i])] for i in np.flatnonzero(status != INVERTED)}
    if not bad or on_invalid == "mask":
        return
    shown = "; ".join(f"item {i} {why}" for i, why in list(bad.items())[:5])
    more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
    raise InvalidItemError(
        f"{len(bad)} data item(s) cannot be inverted: {shown}{more}. "
        "Remove them, or pass on_invalid='mask' to get NaN rows for them (listed in result.masked).",
        bad,
    )


def check_on_invalid(on_invalid):
    if on_invalid not in ON_INVALID:
        raise ValueError(f"on_invalid must be one of {ON_INVALID}, got {on_invalid!r}")


def resolve_threads(n_jobs, items):
    """Threads for ``n_jobs`` (joblib's convention: -1 all cores, -2 all but one, ...), at most ``items``."""
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise ArgumentTypeError(f"n_jobs must be an integer, got {type(n_jobs).__name__}")
    if n_jobs == 0:
        raise ValueError("n_jobs must not be 0 (use 1 for one thread, -1 for all cores)")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    threads = int(n_jobs) if n_jobs > 0 else max(cores + 1 + int(n_jobs), 1)
    return max(min(threads, items), 1)
