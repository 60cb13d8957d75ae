"""Compatibility with ILTpy as users install it: which release fastilt follows.

``versions`` holds the switch between ILTpy 1.0.0 and 1.1.0 behaviour
(:func:`set_iltpy_version`); the ``fastilt run`` and ``fastilt compare``
commands (:mod:`fastilt.cli`) build on the modules beside it.
"""

from .versions import ILTPY_VERSIONS, iltpy_version, set_iltpy_version

__all__ = ["ILTPY_VERSIONS", "iltpy_version", "set_iltpy_version"]
