"""The ILTpy release whose behaviour fastilt follows where 1.0.0 and 1.1.0 differ.

The two releases give the same distributions; they differ in what scripts can
observe: how ``iltstats`` draws its noise (1.0.0: NumPy's global random state
seeded with ``random_seed``; 1.1.0: one ``numpy.random.default_rng``), the
``solver_type`` values and which attributes are private.  The default is the
newest release; ``FASTILT_ILTPY_VERSION=1.0.0`` in the environment or
:func:`set_iltpy_version` selects the older behaviour.
"""

import os

__all__ = ["ILTPY_VERSIONS", "LATEST", "iltpy_version", "set_iltpy_version"]

#: The ILTpy releases fastilt reproduces, oldest first.
ILTPY_VERSIONS = ("1.0.0", "1.1.0")
LATEST = ILTPY_VERSIONS[-1]
ENVIRONMENT_VARIABLE = "FASTILT_ILTPY_VERSION"

_chosen = None  # set_iltpy_version's choice; None: the environment, else LATEST


def _normalise(version, source):
    text = str(version).strip()
    for known in ILTPY_VERSIONS:
        # "1.1" and "1.1.0" name the same release
        if text in (known, known.rsplit(".", 1)[0]):
            return known
    raise ValueError(f"{source}: ILTpy version {version!r} is not one fastilt follows; choose one of {', '.join(ILTPY_VERSIONS)}")


def iltpy_version():
    """The ILTpy release fastilt behaves as: ``"1.0.0"`` or ``"1.1.0"``.

    Examples
    --------
    >>> import fastilt
    >>> fastilt.iltpy_version() in fastilt.compat.ILTPY_VERSIONS
    True
    """
    if _chosen is not None:
        return _chosen
    from_environment = os.environ.get(ENVIRONMENT_VARIABLE)
    if from_environment:
        return _normalise(from_environment, ENVIRONMENT_VARIABLE)
    return LATEST


def set_iltpy_version(version):
    """Follow ILTpy ``version`` where its releases differ; returns the previous choice, to restore it.

    Parameters
    ----------
    version : str or None
        ``"1.0.0"`` or ``"1.1.0"`` (``"1.0"``, ``"1.1"`` too); None goes back to
        the environment variable ``FASTILT_ILTPY_VERSION``, else the newest.

    Returns
    -------
    str or None
        The choice before this call: a release, or None where none was set
        (the environment variable or the newest release was followed).
        Passing it back restores exactly what was followed.

    Raises
    ------
    ValueError
        A release fastilt does not follow.

    Examples
    --------
    >>> import fastilt
    >>> previous = fastilt.set_iltpy_version("1.0.0")
    >>> fastilt.iltpy_version()
    '1.0.0'
    >>> _ = fastilt.set_iltpy_version(previous)
    """
    global _chosen
    previous = _chosen
    _chosen = None if version is None else _normalise(version, "set_iltpy_version")
    return previous
