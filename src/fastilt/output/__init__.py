"""ILTpy-compatible import path ``fastilt.output`` (ILTpy's ``iltpy.output``).

Thin re-exports of :mod:`fastilt.plotting` (``iltplot``) and
:mod:`fastilt.reporting` (``iltreport``); neither imports matplotlib before a
figure is made.
"""

from . import plotting, reporting

__all__ = ["plotting", "reporting"]
