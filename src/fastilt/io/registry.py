"""Which reader handles a file or folder: recognised by content, not by name alone."""

from pathlib import Path

from . import bes3t, bruker_topspin, geospec, minispec, spinsolve, tecmag, tecmag_text

__all__ = ["READERS", "detect", "read", "supported_formats"]

#: Reader modules, each with FORMAT, DESCRIPTION, recognises(path) and read(path).
READERS = (geospec, spinsolve, tecmag, tecmag_text, minispec, bruker_topspin, bes3t)


def supported_formats():
    """One line per readable instrument format, for messages and ``fastilt info``.

    Returns
    -------
    list of str
        A description of each format, in the order in which :func:`detect`
        tries them.  ILTpy's text folders (``data.txt`` + ``dim1.txt``) are
        read by :func:`fastilt.iltload` itself and are not listed.

    Examples
    --------
    >>> import fastilt.io
    >>> for line in fastilt.io.supported_formats():
    ...     print(line)
    GeoSpec / GIT Systems text export (.txt starting with [GITData])
    Magritek Spinsolve folder (acqu.par + T1IRT2.dat / DT2.dat / T2T2.dat)
    Tecmag TNMR binary (.tnt)
    Tecmag TNMR Data Point Listing text export (.txt)
    Bruker minispec .dps export (index, time in ms, amplitude)
    Bruker TopSpin pseudo-2D experiment folder (ser + acqus + vdlist, vclist or difflist)
    Bruker BES3T EPR data (.DSC + .DTA)
    """
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
    """Which reader handles ``path``, recognised by content (not by the name alone).

    Parameters
    ----------
    path : str or Path
        An instrument file, an instrument folder (Spinsolve, TopSpin), or a
        folder holding exactly one instrument data set (e.g. one export).

    Returns
    -------
    reader : module or None
        The reader module of :mod:`fastilt.io` (its ``FORMAT`` names the
        format), or None when nothing is recognised.
    path : Path
        What the reader reads: ``path`` itself, or the one instrument file
        found in the folder ``path``.

    Raises
    ------
    ValueError
        ``path`` is a folder holding several instrument data sets.

    Examples
    --------
    A folder holding a Bruker minispec export (``.dps``: index, time in ms,
    amplitude) and a note, written here to a temporary folder:

    >>> import tempfile
    >>> from pathlib import Path
    >>> import fastilt.io
    >>> with tempfile.TemporaryDirectory() as name:
    ...     folder = Path(name)
    ...     _ = (folder / "cpmg.dps").write_text("0\\t0.2\\t99.0\\n1\\t0.4\\t98.0\\n")
    ...     _ = (folder / "notes.txt").write_text("not instrument data")
    ...     reader, found = fastilt.io.detect(folder)  # the folder's one instrument file
    ...     unknown, _ = fastilt.io.detect(folder / "notes.txt")
    >>> reader.FORMAT, found.name
    ('minispec', 'cpmg.dps')
    >>> unknown is None
    True
    """
    path = Path(path)
    reader = _reader(path)
    if reader is None and path.is_dir():
        return _single_file(path)
    return reader, path


def read(path):
    """Read an instrument file or folder: the data in physical units, the axes and the metadata.

    Most users call ``fastilt.iltload(data_path=path)``, which reads instrument
    files through this function and returns an :class:`~fastilt.IltData`
    whose ``metadata`` is the dict described here.

    Parameters
    ----------
    path : str or Path
        An instrument file or folder, recognised by :func:`detect`.

    Returns
    -------
    dict
        ``data`` (real array: the signal after phasing), ``dims`` (one sampling
        vector per dimension, in SI units: s, s/m^2, Hz), ``dataset_type``
        (the format), ``filepath`` (the file read) and ``metadata``:
        ``format``, ``experiment``, ``axes`` (name, unit and suggested kernel
        per dimension), ``kernels``, ``parameters`` (suggested fit parameters,
        e.g. ``sb`` for an inversion recovery), ``phase_deg`` and
        ``imaginary`` (complex signals: the zero-order phase applied and the
        imaginary part left), ``instrument_results``, ``header`` and ``notes``.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist, or a companion file is missing (a BES3T
        ``.DTA``, a Spinsolve data file).
    ValueError
        The file is not recognised, or is truncated or inconsistent; the
        message names the file.
    ImportError
        A Bruker TopSpin or Tecmag file without nmrglue installed
        (``pip install 'fastilt[io]'``).

    See Also
    --------
    fastilt.iltload : ``iltload(data_path=path)`` reads instrument files too.
    zero_order_phase : the phase convention of complex signals.

    Examples
    --------
    A Bruker minispec export (``.dps``: index, time in ms, amplitude):

    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> import fastilt.io
    >>> t_ms = 0.2 * np.arange(1, 201)
    >>> rows = np.column_stack([np.arange(200), t_ms, 100 * np.exp(-t_ms / 20)])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "cpmg.dps"
    ...     np.savetxt(path, rows, delimiter="\\t")
    ...     record = fastilt.io.read(path)
    >>> record["metadata"]["format"], record["metadata"]["experiment"]
    ('minispec', 'CPMG (T2)')
    >>> record["metadata"]["axes"]
    [{'name': 'echo time', 'unit': 's', 'kernel': 'Exponential'}]
    >>> record["dims"][0][:3]    # seconds
    array([0.0002, 0.0004, 0.0006])
    """
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
