"""``iltload``: data and sampling vectors into an :class:`~fastilt.IltData`."""

import warnings
from pathlib import Path

import numpy as np

from . import io as instruments
from . import validation as check
from .errors import ArgumentTypeError, DataFilesNotFoundError
from .inversion import IltData
from .quality.noise import NoiseEstimate, estimate_noise, measurement_noise

__all__ = ["iltload"]

def _is_text_folder(path):
    """ILTpy's layout: a folder with data.txt or dim1.txt (read as before, never as an instrument)."""
    return path.is_dir() and any((path / name).exists() for name in ("data.txt", "dim1.txt"))


def _dim_index(path):
    suffix = path.stem[3:]
    return int(suffix) if suffix.isdigit() else 0


def _read_table(path):
    """The numbers of a text file (rows of whitespace-separated values); errors name the file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # an empty file: reported below
            table = np.loadtxt(path, ndmin=1)
    except ValueError as err:  # a non-numeric token, ragged rows, undecodable bytes
        raise ValueError(f"{path} could not be read as a table of numbers: {err}") from None
    if table.size == 0:
        raise ValueError(f"{path} holds no numbers")
    return check.as_finite_array(table, str(path))


def _with_noise(record):
    """An instrument record with ``metadata["noise"]``: its noise level (:func:`fastilt.quality.measurement_noise`)."""
    metadata = record["metadata"]
    metadata["noise"] = measurement_noise(record["data"], record["dims"][0], metadata.get("imaginary"),
                                          metadata.get("empty_traces", ()))
    if metadata["noise"] is None:
        metadata["notes"].append("noise not estimated: fewer than 10 points along every axis")
    return record


def _load_folder(folder):
    """A folder with ``data.txt`` and ``dim1.txt``, ``dim2.txt``, ... (one per dimension)."""
    data = _read_table(folder / "data.txt")
    dim_files = sorted(folder.glob("dim*.txt"), key=_dim_index)
    dims = [_read_table(path).ravel() for path in dim_files]
    sizes = tuple(d.size for d in dims)
    if sizes != data.shape:
        names = ", ".join(p.name for p in dim_files)
        raise ValueError(
            f"Shape mismatch: data.txt has shape {data.shape} but the dimension files "
            f"({names}) have sizes {sizes}"
        )
    return {"dataset_type": "TXT", "filepath": folder, "data": data, "dims": dims}


def _sampling_vectors(t):
    """``t`` as a list of sampling vectors, one per dimension (trailing ones may be missing)."""
    if isinstance(t, np.ndarray):
        return [t]
    if isinstance(t, (list, tuple)):
        if len(t) == 0:
            raise ValueError("t is an empty list; give one sampling vector per dimension")
        if all(np.ndim(v) == 0 for v in t):
            return [np.asarray(t)]  # a plain list of scalars is one sampling vector
        return list(t)
    raise ArgumentTypeError(
        f"t must be a 1D numpy array or a list of them, got {type(t).__name__}"
    )


def _unit_noise(record, noise):
    """``record`` with its data divided by their noise level (``iltload(noise=...)``), and that level."""
    if isinstance(noise, str):
        if noise != "auto":
            raise ValueError(f"noise must be 'auto', a positive number or a NoiseEstimate, not {noise!r}")
        metadata = record.get("metadata", {})
        if metadata.get("noise") is not None:  # an instrument file: measured as it was read
            noise = metadata["noise"]
        else:
            noise = estimate_noise(record["data"], np.ravel(record["dims"][0]) if record["dims"] else None,
                                   imaginary=metadata.get("imaginary"))
    elif not isinstance(noise, NoiseEstimate):
        sigma = check.as_number(noise, "noise")
        if not sigma > 0 or not np.isfinite(sigma):
            raise ValueError(f"noise must be a positive finite noise standard deviation, got {noise!r}")
        noise = NoiseEstimate(float(sigma), 0.0, "given", "the noise sd given to iltload")
    scaled = dict(record, data=np.asarray(record["data"], dtype=float) / noise.sigma, noise=noise)
    if "imaginary" in record.get("metadata", {}):
        scaled["metadata"] = dict(record["metadata"], imaginary=record["metadata"]["imaginary"] / noise.sigma)
    return scaled


def iltload(data=None, t=None, f=None, data_path=None, *, noise=None):
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
        Folder holding ``data.txt`` and ``dim1.txt`` (``dim2.txt``, ...), or an
        instrument file or folder (see :mod:`fastilt.io`): the data come in
        physical units with ``metadata`` (experiment, axes, suggested kernels).
    noise : None, "auto", float or NoiseEstimate, optional
        fastilt's opt-in (ILTpy scales nothing): divide the data by their noise
        standard deviation, so that the noise has the unit variance the
        regularisation is calibrated for.  ``"auto"`` measures it
        (:func:`fastilt.estimate_noise`; an instrument file's own estimate,
        ``metadata["noise"]``), a number gives it.  The scale is kept as
        ``IltData.noise``: ``g``, ``fit`` and ``residuals`` come out in noise
        units, times ``noise.sigma`` in the data's units, as the report and
        :func:`fastilt.iltplot` give them.

    Returns
    -------
    IltData
        The data and sampling vectors, not yet initialised: call
        :meth:`IltData.init` next.

    Raises
    ------
    FileNotFoundError
        ``data_path`` does not exist, or lacks ``data.txt`` / ``dim1.txt``
        (the latter also a ``ValueError``, as in ILTpy).
    ValueError
        Missing ``data``/``t``, data of more than 3 dimensions, empty data,
        NaN or inf, or ``t`` whose lengths do not match the data; an instrument
        file that is not recognised, truncated or inconsistent, or a text file
        of ``data_path`` that is not a table of numbers (the message names the
        file).
    TypeError
        Non-numeric or complex data, ``t`` that is not an array or a list.

    See Also
    --------
    IltData.init : kernels, tau grids and fit parameters.

    Examples
    --------
    From arrays: a decay sampled at ``t``, scaled so that its noise has unit
    variance.

    >>> import numpy as np
    >>> import fastilt as ilt
    >>> t = np.linspace(0.001, 1, 200)
    >>> s = 100 * np.exp(-t / 0.05) + np.random.default_rng(0).normal(size=t.size)
    >>> data = ilt.iltload(data=s, t=t)
    >>> data.data.shape, data.initialized
    ((200,), False)

    Data in their own units, scaled to unit noise on loading (the scale is kept):

    >>> raw = ilt.iltload(data=300 * s, t=t, noise="auto")
    >>> raw.noise.method, round(raw.noise.sigma / 300, 1), round(float(raw.data.max() / s.max()), 1)
    ('tail', 1.0, 1.0)

    From a folder of text files, ``data.txt`` and ``dim1.txt``:

    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     np.savetxt(Path(folder) / "data.txt", s)
    ...     np.savetxt(Path(folder) / "dim1.txt", t)
    ...     loaded = ilt.iltload(data_path=folder)
    >>> loaded.dataset_type, np.allclose(loaded.data, s)
    ('TXT', True)

    Pseudo-2D data (8 decays of 200 points): the sampling vector of the second,
    not inverted, dimension may be left out.

    >>> rows = ilt.iltload(data=np.tile(s, (8, 1)).T, t=[t])
    >>> [ti.size for ti in rows.t]
    [200, 8]
    """
    if data_path is not None:
        folder = Path(data_path)
        if not folder.exists():
            raise FileNotFoundError(f"{folder} was not found.")
        if not _is_text_folder(folder) and (folder.is_file() or instruments.detect(folder)[0]):
            record = _with_noise(instruments.read(folder))
            return IltData(record if noise is None else _unit_noise(record, noise))
        missing = [name for name in ("data.txt", "dim1.txt") if not (folder / name).is_file()]
        if missing:
            raise DataFilesNotFoundError(
                f"iltload could not find {' and '.join(missing)} in {folder}; "
                "the folder must contain data.txt and dim1.txt (dim2.txt, ... for more dimensions) "
                "or be an instrument folder: " + "; ".join(instruments.supported_formats())
            )
        record = _load_folder(folder.resolve())
        return IltData(record if noise is None else _unit_noise(record, noise))

    if t is None:
        t = f
    if data is None or t is None:
        raise ValueError("Either `data_path` or both `data` and `t` (or `f`) must be provided.")
    # The data and the sampling vectors are checked once, by IltData.
    dims = _sampling_vectors(t)
    record = {"dataset_type": "ndarray", "filepath": Path.cwd(), "data": data, "dims": dims}
    if noise is None:
        return IltData(record)
    checked = IltData(record)  # the data and the sampling vectors checked before they are measured
    return IltData(_unit_noise({**record, "data": checked.data, "dims": checked.t}, noise))
