"""ILTpy-compatible import path ``fastilt.output`` (ILTpy's ``iltpy.output``).

``fastilt.output.plotting.iltplot`` and ``fastilt.output.reporting.iltreport``
re-export :mod:`fastilt.plotting` and :mod:`fastilt.reporting`; they are
imported on first use, so matplotlib is only needed for plotting.
"""

__all__ = ["plotting", "reporting"]


def __getattr__(name):
    if name in __all__:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
