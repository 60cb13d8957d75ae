"""Exception types of fastilt.

fastilt raises the most specific built-in exception for bad input (``TypeError``
for a wrong type, ``FileNotFoundError`` for a missing file, ...).  Where ILTpy
1.0.0 raised a different built-in type for the same mistake, the exception is
of a class deriving from both, so ``except ValueError`` clauses written for
ILTpy keep catching it.
"""

__all__ = ["ArgumentTypeError", "DataFilesNotFoundError", "InvalidItemError", "NotInvertedError"]


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type.

    A ``TypeError``; also a ``ValueError`` because ILTpy raised ``ValueError``
    for these arguments (``reinitialize``, ``parameters``, ``t``, ``solver``).
    """


class DataFilesNotFoundError(FileNotFoundError, ValueError):
    """``iltload(data_path=...)``: the folder exists but lacks ``data.txt`` or ``dim1.txt``.

    A ``FileNotFoundError``; also a ``ValueError`` because ILTpy raised
    ``ValueError`` in this case.
    """


class NotInvertedError(RuntimeError, ValueError):
    """A report was asked for before ``invert()``.

    A ``RuntimeError``; also a ``ValueError``, which ILTpy raised here.
    """


class InvalidItemError(ValueError):
    """``invert_many``: items of the stack that cannot be inverted (NaN/inf or all zero).

    ``items`` maps each such item's index (in the whole stack) to the reason.
    """

    def __init__(self, message, items):
        super().__init__(message)
        self.items = dict(items)

    def __reduce__(self):  # raised in Dask workers: must survive pickling
        return type(self), (self.args[0], self.items)
