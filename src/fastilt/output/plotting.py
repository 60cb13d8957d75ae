"""ILTpy-compatible import path ``fastilt.output.plotting`` (``iltplot``).

``iltplot`` lives in :mod:`fastilt.plotting`; it is imported on first access so
that importing this module does not require matplotlib.
"""

__all__ = ["iltplot"]


def __getattr__(name):
    if name in __all__:
        from .. import plotting

        return getattr(plotting, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
