"""ILTpy-compatible import path ``fastilt.output.reporting`` (``iltreport``)."""

from ..reporting import iltreport

__all__ = ["iltreport"]
