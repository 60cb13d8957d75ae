"""ILTpy-compatible import path ``fastilt.input.loaders`` (``iltload``)."""

from ..loading import iltload

__all__ = ["iltload"]
