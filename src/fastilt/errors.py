"""Exception types of fastilt.

fastilt raises the most specific built-in exception for bad input (``TypeError``
for a wrong type, ``FileNotFoundError`` for a missing file, ...).  Where ILTpy
1.0.0 raised a different built-in type for the same mistake, the exception is
of a class deriving from both, so ``except ValueError`` clauses written for
ILTpy keep catching it.
"""

__all__ = ["ArgumentTypeError", "DataFilesNotFoundError", "InvalidItemError", "NonFiniteError", "NotInvertedError"]


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type.

    A ``TypeError``; also a ``ValueError`` because ILTpy raised ``ValueError``
    for these arguments (``reinitialize``, ``parameters``, ``t``, ``solver``).

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> try:
    ...     ilt.iltload(data=np.ones(3), t="0 1 2")
    ... except TypeError as err:
    ...     print(type(err).__name__, isinstance(err, ValueError))
    ArgumentTypeError True
    """


class DataFilesNotFoundError(FileNotFoundError, ValueError):
    """``iltload(data_path=...)``: the folder exists but lacks ``data.txt`` or ``dim1.txt``.

    A ``FileNotFoundError``; also a ``ValueError`` because ILTpy raised
    ``ValueError`` in this case.

    Examples
    --------
    >>> import tempfile
    >>> import fastilt as ilt
    >>> with tempfile.TemporaryDirectory() as empty_folder:
    ...     try:
    ...         ilt.iltload(data_path=empty_folder)
    ...     except FileNotFoundError as err:
    ...         print(type(err).__name__, isinstance(err, ValueError))
    DataFilesNotFoundError True
    """


class NotInvertedError(RuntimeError, ValueError):
    """A report was asked for before ``invert()``.

    A ``RuntimeError``; also a ``ValueError``, which ILTpy raised here.

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> t = np.linspace(0.001, 1, 50)
    >>> data = ilt.iltload(data=np.exp(-t / 0.1), t=t)
    >>> data.init(np.logspace(-3, 1, 20), ilt.Exponential())
    >>> try:
    ...     data.report()
    ... except RuntimeError as err:
    ...     print(type(err).__name__, isinstance(err, ValueError))
    NotInvertedError True
    """


class InvalidItemError(ValueError):
    """``invert_many``: items of the stack that cannot be inverted (NaN/inf or all zero).

    ``items`` maps each such item's index (in the whole stack) to the reason.
    A ``ValueError``; raised before any item is inverted (for a Dask array:
    when its chunk is computed).  ``on_invalid="mask"`` inverts the other
    items instead.

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> from fastilt.errors import InvalidItemError
    >>> t = np.linspace(0.001, 1, 50)
    >>> stack = np.array([np.exp(-t / 0.1), np.zeros_like(t), np.exp(-t / 0.3)])
    >>> try:
    ...     ilt.invert_many(stack, t, np.logspace(-3, 1, 20), ilt.Exponential(), verbose=0)
    ... except InvalidItemError as err:
    ...     print(err.items, isinstance(err, ValueError))
    {1: 'is all zero'} True
    """

    def __init__(self, message, items):
        super().__init__(message)
        self.items = dict(items)

    def __reduce__(self):  # raised in Dask workers: must survive pickling
        return type(self), (self.args[0], self.items)


class NonFiniteError(FloatingPointError, ValueError):
    """The arithmetic of an inversion met NaN or infinity.

    Raised up front for values that pass their range checks but overflow
    (``1/sigma²``, the weights of ``alpha_0``, data near the float maximum)
    and during the iteration as soon as ``Γ`` or ``g`` is not finite; no
    result is stored then.  ``quantity`` is ``"g"`` or ``"Gamma"`` (None up
    front) and ``iteration`` the iteration (-1: the start).  A
    ``FloatingPointError`` as in ILTpy, which lets NumPy raise on overflow;
    also a ``ValueError``: the cause is a value given to fastilt.

    Examples
    --------
    A user solver that returns NaN is stopped at its first answer, and the
    object keeps no result:

    >>> import numpy as np
    >>> import fastilt as ilt
    >>> from fastilt.errors import NonFiniteError
    >>> t = np.linspace(0.001, 1, 50)
    >>> data = ilt.iltload(data=100 * np.exp(-t / 0.1), t=t)
    >>> data.init(np.logspace(-3, 1, 20), ilt.Exponential())
    >>> try:
    ...     data.invert(solver=lambda A, b: np.full(b.shape, np.nan), verbose=0)
    ... except NonFiniteError as err:
    ...     print(err.quantity, err.iteration, data.inverted)
    g -1 False
    """

    def __init__(self, message, quantity=None, iteration=None):
        super().__init__(message)
        self.quantity = quantity
        self.iteration = iteration

    def __reduce__(self):  # raised in Dask workers: must survive pickling
        return type(self), (self.args[0], self.quantity, self.iteration)
