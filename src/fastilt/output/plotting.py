"""ILTpy-compatible import path ``fastilt.output.plotting`` (``iltplot``)."""

from ..plotting import iltplot

__all__ = ["iltplot"]
