"""Which reader handles a file or folder: recognised by content, not by name alone."""

from pathlib import Path

from . import bes3t, bruker_topspin, geospec, minispec, spinsolve, tecmag

__all__ = ["READERS", "detect", "read", "supported_formats"]

#: Reader modules, each with FORMAT, DESCRIPTION, recognises(path) and read(path).
READERS = (geospec, spinsolve, tecmag, minispec, bruker_topspin, bes3t)


def supported_formats():
    """One line per readable format, for messages and ``fastilt info``."""
    return [reader.DESCRIPTION for reader in READERS]


def _reader(path):
    return next((reader for reader in READERS if reader.recognises(path)), None)


def _single_file(folder):
    """The one instrument data set among a folder's files (e.g. a folder holding one .txt export)."""
    found = {}
    for path in sorted(folder.iterdir()):
        reader = _reader(path) if path.is_file() else None
        if reader is not None:
            found.setdefault((reader, path.with_suffix("")), path)  # .DSC and .DTA: one data set
    if len(found) > 1:
        names = ", ".join(path.name for path in found.values())
        raise ValueError(f"{folder} holds several instrument data sets ({names}); name one of them")
    return next(((reader, path) for (reader, _), path in found.items()), (None, folder))


def detect(path):
    """``(reader module, path to read)`` for ``path``: the reader is None when nothing is recognised.

    A folder that is no instrument folder itself is searched for exactly one
    instrument file.
    """
    path = Path(path)
    reader = _reader(path)
    if reader is None and path.is_dir():
        return _single_file(path)
    return reader, path


def read(path):
    """Read an instrument file or folder into an ``iltload`` record (see :mod:`.measurement`)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} was not found.")
    reader, path = detect(path)
    if reader is None:
        raise ValueError(
            f"{path} is not a recognised instrument file or folder; fastilt reads ILTpy text folders "
            "(data.txt + dim1.txt) and: " + "; ".join(supported_formats())
        )
    return reader.read(path)
