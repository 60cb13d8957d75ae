"""ILTpy-compatible import path ``fastilt.fit.inversion`` (``iltpy.fit.inversion``)."""

from ..inversion import IltData

__all__ = ["IltData"]
