"""ILTpy-compatible import path ``fastilt.output.reporting`` (``iltreport``).

``iltreport`` lives in :mod:`fastilt.reporting`; it is imported on first access.
"""

__all__ = ["iltreport"]


def __getattr__(name):
    if name in __all__:
        from .. import reporting

        return getattr(reporting, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
