"""``fastilt.input.loaders``: fastilt's earlier spelling of ILTpy's ``iltpy.input.loader``, kept for old scripts."""

from .loader import iltload

__all__ = ["iltload"]
