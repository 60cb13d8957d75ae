"""Exception types of fastilt.

fastilt raises the most specific built-in exception for bad input (``TypeError``
for a wrong type, ``FileNotFoundError`` for a missing file, ...).  Where ILTpy
1.0.0 raised a different built-in type for the same mistake, the exception is
of a class deriving from both, so ``except ValueError`` clauses written for
ILTpy keep catching it.
"""

__all__ = ["ArgumentTypeError", "DataFilesNotFoundError", "NonFiniteError", "NotInvertedError"]


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


class NonFiniteError(FloatingPointError, ValueError):
    """The arithmetic of an inversion met NaN or infinity.

    Raised up front for values that pass their range checks but overflow
    (``1/sigma²``, the weights of ``alpha_0``, data near the float maximum)
    and during the iteration as soon as ``Γ`` or ``g`` is not finite; no
    result is stored then.  ``quantity`` is ``"g"`` or ``"Gamma"`` (None up
    front) and ``iteration`` the iteration (-1: the start).  A
    ``FloatingPointError`` as in ILTpy, which lets NumPy raise on overflow;
    also a ``ValueError``: the cause is a value given to fastilt.
    """

    def __init__(self, message, quantity=None, iteration=None):
        super().__init__(message)
        self.quantity = quantity
        self.iteration = iteration
