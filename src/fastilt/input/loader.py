"""ILTpy's import path ``fastilt.input.loader`` (``iltpy.input.loader``: ``iltload``)."""

from ..loading import iltload

__all__ = ["iltload"]
