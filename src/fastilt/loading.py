"""``iltload``: data and sampling vectors into an :class:`~fastilt.IltData`."""

from pathlib import Path

import numpy as np

from .inversion import IltData

__all__ = ["iltload"]


def _load_folder(folder):
    """A folder with ``data.txt`` and ``dim1.txt``, ``dim2.txt``, ... (one per dimension)."""
    data = np.loadtxt(folder / "data.txt", ndmin=1)
    dim_files = sorted(folder.glob("dim*.txt"), key=lambda p: int(p.stem[3:]) if p.stem[3:].isdigit() else 0)
    dims = [np.loadtxt(path, ndmin=1).ravel() for path in dim_files]
    sizes = tuple(d.size for d in dims)
    if sizes != data.shape:
        raise ValueError(
            f"Shape mismatch: data.txt has shape {data.shape} but the dim files have sizes {sizes}"
        )
    return {"dataset_type": "TXT", "filepath": folder, "data": data, "dims": dims}


def iltload(data=None, t=None, f=None, data_path=None):
    """Create an :class:`IltData` from arrays or from a folder of text files.

    Parameters
    ----------
    data : array_like
        1D to 3D data (size-1 dimensions are squeezed).
    t : ndarray or list of ndarray
        Sampling vector(s), one per dimension; a missing vector of a
        non-inverted (pseudo) dimension is filled with ``1..N``.
    f : ndarray or list of ndarray
        Alias of ``t`` for impedance data (frequencies).
    data_path : str or Path
        Folder holding ``data.txt`` and ``dim1.txt`` (``dim2.txt``, ...).
    """
    if data_path is not None:
        folder = Path(data_path)
        if not folder.exists():
            raise FileNotFoundError(f"{folder} was not found.")
        if not ((folder / "data.txt").is_file() and (folder / "dim1.txt").is_file()):
            raise FileNotFoundError(f"{folder} must contain data.txt and dim1.txt")
        return IltData(_load_folder(folder.resolve()))

    if t is None:
        t = f
    if data is None or t is None:
        raise ValueError("Either `data_path` or both `data` and `t` (or `f`) must be provided.")
    if isinstance(t, (list, tuple)):
        dims = list(t)
    elif isinstance(t, np.ndarray):
        dims = [t]
    else:
        raise TypeError(f"t must be a 1D numpy array or a list of them, got {type(t).__name__}")
    return IltData({"dataset_type": "ndarray", "filepath": Path.cwd(), "data": data, "dims": dims})
