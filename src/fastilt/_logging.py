"""The package logger ``logging.getLogger("fastilt")``.

fastilt logs through the standard :mod:`logging` module under the name
``"fastilt"`` (modules use it or a child such as ``"fastilt.statistics"``).  As
a library it only attaches a :class:`logging.NullHandler`: nothing is printed,
and no "No handlers could be found" message appears, unless the application
configures logging.  To see fastilt's messages::

    import logging
    logging.basicConfig()
    logging.getLogger("fastilt").setLevel(logging.DEBUG)

Unlike ILTpy, fastilt never sets a level or adds a stream handler on its own
logger, and never changes NumPy's global floating-point error state.
"""

import logging

__all__ = ["LOGGER_NAME", "logger", "get_logger"]

#: Name of the package logger (ILTpy used ``"iltpy_logger"``).
LOGGER_NAME = "fastilt"

logger = logging.getLogger(LOGGER_NAME)
if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
    logger.addHandler(logging.NullHandler())


def get_logger(name=None):
    """The package logger, or its child ``fastilt.<name>``."""
    return logger if not name else logger.getChild(name)
