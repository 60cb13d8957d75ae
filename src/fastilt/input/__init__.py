"""ILTpy-compatible import path ``fastilt.input`` (ILTpy's ``iltpy.input``).

Thin re-exports only; see :mod:`fastilt.loading` for the implementation.
``loader`` is the module name of ILTpy's releases; ``loaders`` is kept for
scripts written against fastilt's earlier spelling.
"""

from . import loader, loaders
from .loader import iltload

__all__ = ["loader", "loaders", "iltload"]
