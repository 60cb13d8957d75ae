"""ILTpy-compatible import path ``fastilt.input`` (ILTpy's ``iltpy.input``).

Thin re-exports only; see :mod:`fastilt.loading` for the implementation.
"""

from . import loaders
from .loaders import iltload

__all__ = ["loaders", "iltload"]
