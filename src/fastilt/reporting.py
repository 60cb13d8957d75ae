"""Reports of an inversion: text summary, ``.param`` fit settings and ``.npz`` arrays.

:func:`~fastilt.iltreport` (also ``IltData.report``) writes, for a report path
``<folder>/<name>.txt``:

``<name>.txt``
    a text report: fastilt version, timings, a summary (shapes, iterations,
    residual statistics), the arrays (data, t, tau, g, fit, residuals and, where
    set, dim_ndim, sigma, g_guess), the kernels with their formulas and the fit
    parameters.  The section markers (``# --- ARRAYS ---``, ``# --- KERNEL ---``,
    ``# --- PARAMETERS ---``, ...) and array headers are those of ILTpy's report.
``<name>.param`` (``parameters_to_file=True``)
    the fit parameters as JSON; ``IltData.init(tau, kernel, parameters=path)``
    reads it back (tau, kernel, sigma, dim_ndim and g_guess are not in it, as
    in ILTpy: pass them again).
``<name>.npz`` (``save_arrays=True``)
    the object's arrays, by ``level``: 0 its ndarray attributes, 1 also lists
    of ndarrays (as ``<attribute>_dim<i>``), 2 also sparse matrices (densified;
    the file is then compressed).

Without a path the report is ``iltpy_<YYYYmmdd_HHMMSS>.txt`` in the current
folder, the name ILTpy gives it; a folder gets that file name inside it; a path
without a suffix gets ``.txt``.  All files of one report are written to
temporary files in the destination folder first and renamed into place only
when every one of them is complete, so an error leaves no partial file behind.
"""

import io
import json
import numbers
import os
import pprint
import secrets
from datetime import datetime
from pathlib import Path

import numpy as np

from ._logging import get_logger
from ._version import __version__
from .compat import iltpy_version

from .errors import NotInvertedError
from .quality import diagnose
from .validation import is_sparse

__all__ = ["iltreport", "NotInvertedError", "report_paths", "DEFAULT_PREFIX"]

logger = get_logger("reporting")

#: File name prefix of reports written without a file name (ILTpy's).
DEFAULT_PREFIX = "iltpy_"

# fit_dict entries written in other sections of the report, not as parameters.
_NOT_PARAMETERS = ("tau", "kernel", "Cz", "sigma", "dim_ndim", "g_guess")


# ----------------------------------------------------------------- file names
def report_paths(filepath=None, now=None):
    """The ``.txt``, ``.param`` and ``.npz`` paths of a report, resolved as in ILTpy.

    Parameters
    ----------
    filepath : str or path-like, optional
        ``None`` means ``./iltpy_<timestamp>.txt``; an existing folder (or a
        path ending in a separator) gets that file name inside it; a name
        without a suffix gets ``.txt``.
    now : datetime.datetime, optional
        The time of the default file name (default: now).

    Returns
    -------
    dict
        ``"report"``, ``"param"`` and ``"npz"``: ``pathlib.Path`` objects
        with the same stem.

    Raises
    ------
    FileNotFoundError
        The folder does not exist.
    ValueError
        A ``.param`` or ``.npz`` report name (it would collide with those files).
    TypeError
        ``filepath`` is not a str or path-like.

    Examples
    --------
    >>> from datetime import datetime
    >>> from fastilt.reporting import report_paths
    >>> paths = report_paths(now=datetime(2024, 5, 17, 9, 30, 0))
    >>> paths["report"].name, paths["param"].name
    ('iltpy_20240517_093000.txt', 'iltpy_20240517_093000.param')
    >>> report_paths("sample_3")["npz"].name
    'sample_3.npz'
    """
    stamp = (now or datetime.now()).strftime("%Y%m%d_%H%M%S")
    default_name = f"{DEFAULT_PREFIX}{stamp}.txt"
    if filepath is None:
        path = Path.cwd() / default_name
    else:
        if not isinstance(filepath, (str, os.PathLike)):
            raise TypeError(f"filepath must be a str or path-like object, got {type(filepath).__name__}")
        text = os.fspath(filepath)
        path = Path(text)
        if path.is_dir() or text.endswith(("/", os.sep)) or path.name == "":
            path = path / default_name
        elif path.suffix == "":
            path = path.with_suffix(".txt")
    if path.suffix.lower() in (".param", ".npz"):
        raise ValueError(
            f"the report file {path.name!r} would collide with the {path.suffix} file written "
            "beside it; give the report a .txt name (or no suffix)"
        )
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"Folder does not exist: {folder}")
    return {"report": path, "param": path.with_suffix(".param"), "npz": path.with_suffix(".npz")}


def _check_targets(paths):
    """A report file whose name is taken by a folder cannot be written: say so before writing any."""
    for path in paths:
        if path.is_dir():
            raise IsADirectoryError(f"cannot write the report file {path}: a folder of that name exists")


# --------------------------------------------------------------- atomic files
class _StagedFiles:
    """Write files under temporary names beside their targets; rename all on success.

    Used as a context manager: ``open`` gives a handle to a temporary file in
    the target's folder; leaving the block normally renames every temporary
    file onto its target with ``os.replace`` (atomic per file), leaving it with
    an exception deletes them, so no target is ever left half-written.
    """

    def __init__(self):
        self._staged = []

    @staticmethod
    def _temporary_name(target, kind="tmp"):
        return target.with_name(f".{target.name}.{secrets.token_hex(6)}.{kind}")

    def open(self, target, binary=False):
        target = Path(target)
        while True:
            temporary = self._temporary_name(target)
            try:
                # 0o666 filtered by the umask: the same permissions as a normally created file.
                descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:  # pragma: no cover - 48 random bits
                continue
            break
        self._staged.append((temporary, target))
        if binary:
            return os.fdopen(descriptor, "wb")
        return os.fdopen(descriptor, "w", encoding="utf-8", newline="\n")

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self._commit()
        else:
            self._discard()
        return False

    def _commit(self):
        """Rename every temporary onto its target; if one rename fails, undo those done.

        Existing targets are first moved aside and restored on failure, so the
        report is all or nothing: every file is new, or every file is as before.
        """
        placed = []  # (target, its previous version moved aside, or None)
        try:
            for temporary, target in self._staged:
                backup = None
                if target.is_file() or target.is_symlink():
                    backup = self._temporary_name(target, "old")
                    os.replace(target, backup)
                placed.append((target, backup))
                os.replace(temporary, target)
        except BaseException:
            for target, backup in reversed(placed):
                try:
                    if backup is not None:
                        os.replace(backup, target)
                    elif target.is_file():
                        os.unlink(target)
                except OSError:  # pragma: no cover - best effort while failing
                    pass
            self._discard()
            raise
        for _, backup in placed:
            if backup is not None:
                os.unlink(backup)

    def _discard(self):
        for temporary, _ in self._staged:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass


def _stage(staged, target, writer, *args, binary=False):
    """Write ``target`` through ``writer(handle, *args)`` into a staged temporary file."""
    handle = staged.open(target, binary=binary)
    try:
        writer(handle, *args)
        handle.flush()
        os.fsync(handle.fileno())
    finally:
        handle.close()


# ------------------------------------------------------------------- content
def _as_table(array):
    """2D view for ``np.savetxt``: arrays beyond 2D keep axis 0 and merge the rest (C order)."""
    array = np.asarray(array)
    if array.ndim > 2:
        array = array.reshape(array.shape[0], -1)
    return array


def _array_block(title, array, dim=None):
    array = _as_table(array)
    lines = ["", title] + ([f"Dim {dim}"] if dim is not None else []) + [f"Shape : {array.shape}", ""]
    buffer = io.StringIO()
    np.savetxt(buffer, array, header="\n".join(lines))
    return buffer.getvalue()


def _describe(array):
    array = np.asarray(array, dtype=float)
    return (
        f"shape {array.shape}, min {array.min():.6g}, max {array.max():.6g}, "
        f"mean {array.mean():.6g}, std {array.std():.6g}"
    )


def _iterations(iltdata):
    convergence = list(getattr(iltdata, "convergence", None) or [])
    done = [c for c in convergence if c is not None]
    maxloop = getattr(iltdata, "maxloop", len(convergence))
    if not done:
        return "unknown"
    text = f"{len(done)} of maxloop {maxloop}"
    if len(done) < maxloop:
        text += " (stopped at the convergence limit)"
    return text + f"; last relative change of g {done[-1]:.3e}"


def _kernel_lines(iltdata, parameters):
    kernels = getattr(iltdata, "kernel", None) or parameters.get("kernel")
    kernels = kernels if isinstance(kernels, (list, tuple)) else [kernels]
    lines = []
    for d, kernel in enumerate(kernels):
        name = kernel if isinstance(kernel, str) else getattr(kernel, "name", repr(kernel))
        lines.append(f"# Kernel name Dim {d} : {name}")
        formula = getattr(kernel, "kernel_str", None)
        if formula is not None:
            lines.append(f"# Kernel function Dim {d} : {formula}")
    return lines


def _json_value(value):
    """JSON encoder fallback: NumPy scalars and arrays, tuples, paths."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"parameter value {value!r} of type {type(value).__name__} cannot be written to JSON")


def _report_parameters(iltdata):
    parameters = dict(getattr(iltdata, "fit_dict", {}) or {})
    return {k: v for k, v in parameters.items() if k not in _NOT_PARAMETERS}, parameters


def _text_report(iltdata, parameters, fit_dict):
    residuals = np.asarray(iltdata.residuals, dtype=float)
    out = [
        "# --- FASTILT ---",
        f"# fastilt report generated on {datetime.now()}",
        f"# fastilt version : {__version__} (ILTpy {iltpy_version()} compatible)",
        f"# Time taken for initialization : {getattr(iltdata, 'initialization_time', None)} seconds",
        f"# Time taken for inversion : {getattr(iltdata, 'inversion_time', None)} seconds",
        "# --- ---",
        "# --- SUMMARY ---",
        f"# Data : {_describe(iltdata.data)}",
        f"# g : {_describe(iltdata.g)}",
        f"# Fit : {_describe(iltdata.fit)}",
        f"# Residuals (fit - data) : {_describe(residuals)}",
        f"# Iterations : {_iterations(iltdata)}",
        f"# Solver : {getattr(iltdata, 'solver_type', 'unknown')} (ILTpy {iltpy_version()}'s name)"
        + (f", ran {iltdata.solver}" if getattr(iltdata, "solver", None) else "")
        + (f", backend {iltdata.backend}" if getattr(iltdata, "backend", None) else ""),
    ]
    for d, tau in enumerate(iltdata.tau):
        tau = np.ravel(tau)
        out.append(f"# tau Dim {d} : {tau.size} points from {tau.min():.6g} to {tau.max():.6g}")
    scale = getattr(iltdata, "noise", None)
    if scale is not None:  # iltload(noise=...): the arrays below are in noise units
        out.append(f"# Units : data divided by the noise, {scale}; g, fit and residuals below are in noise "
                   f"units, times {scale.sigma:.6g} in the data's units")
    noise = getattr(iltdata, "metadata", {}).get("noise")
    if noise is not None and noise is not scale:  # read from an instrument file (quality.measurement_noise)
        out.append(f"# Noise of the file read : {noise}")
    diagnosis = diagnose(iltdata)  # in noise units: the data are at unit noise (ILTpy's convention)
    out.append(f"# Diagnosis : {'every check ok' if diagnosis.ok else f'{len(diagnosis.warnings)} warning(s)'}")
    out += [f"#   {line}" for line in str(diagnosis).splitlines()[1:]]
    out.append("# --- ---")
    out.append("# --- ARRAYS ---")
    text = "\n".join(out) + "\n"

    blocks = [_array_block("Data", iltdata.data)]
    blocks += [_array_block("T", np.ravel(t), dim=d) for d, t in enumerate(iltdata.t)]
    blocks += [_array_block("TAU", np.ravel(tau), dim=d) for d, tau in enumerate(iltdata.tau)]
    blocks.append(_array_block("G", iltdata.g))
    blocks.append(_array_block("FIT", iltdata.fit))
    blocks.append(_array_block("RESIDUALS", residuals))
    dim_ndim = getattr(iltdata, "dim_ndim", None)
    if dim_ndim is not None:
        blocks.append(_array_block("DIM_NDIM", np.ravel(np.asarray(dim_ndim, dtype=float))))
    if getattr(iltdata, "sigma", None) is not None:
        blocks.append(_array_block("SIGMA", iltdata.sigma))
    if getattr(iltdata, "g_guess", None) is not None:
        blocks.append(_array_block("G_GUESS", np.ravel(iltdata.g_guess)))
    text += "".join(blocks)

    tail = ["# --- ---", "# --- KERNEL ---"]
    tail += _kernel_lines(iltdata, fit_dict)
    tail += ["# --- ---", "# --- PARAMETERS ---", pprint.pformat(parameters, sort_dicts=False)]
    tail += ["# --- ---", "# --- END OF REPORT ---"]
    return text + "\n".join(tail) + "\n"


def _collect_arrays(iltdata, level):
    """The arrays saved at ``level`` (ILTpy's selection), keyed by attribute name."""
    # Attributes ILTpy forms in init and fastilt on first use: formed here, so
    # that a report holds what ILTpy's would.
    formed_on_use = ("Vbc", "W") if iltdata.alt_g == 0 else ("Vbc",)
    for name in formed_on_use + (("Gamma2",) if iltdata.inverted else ()):
        getattr(iltdata, name)
    arrays = {}
    for name, value in vars(iltdata).items():
        if isinstance(value, np.ndarray):
            if value.dtype != object:  # object arrays would need pickle to load
                arrays[name] = value
        elif level >= 1 and isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value):
            for i, item in enumerate(value):
                if item.dtype != object:
                    arrays[f"{name}_dim{i}"] = item
        elif level >= 2 and is_sparse(value):
            arrays[name] = value.toarray()
    return arrays


def _write_text(handle, text):
    handle.write(text)


def _write_param(handle, parameters):
    json.dump(parameters, handle, indent=0, default=_json_value)
    handle.write("\n")


def _write_npz(handle, arrays, compressed):
    (np.savez_compressed if compressed else np.savez)(handle, **arrays)


# ------------------------------------------------------------------ the API
def iltreport(iltdata, filepath=None, save_arrays=False, level=0, parameters_to_file=False):
    """Write the report of an inverted :class:`~fastilt.IltData` (see the module docs).

    Parameters
    ----------
    iltdata : IltData
        An inverted data set.
    filepath : str or path-like, optional
        The report file, or its folder; default ``./iltpy_<timestamp>.txt``.
    save_arrays : bool, default False
        Also write ``<name>.npz`` with the object's arrays.
    level : {0, 1, 2}, default 0
        What the ``.npz`` holds: 0 ndarray attributes; 1 also lists of ndarrays;
        2 also sparse matrices as dense arrays (compressed file).
    parameters_to_file : bool, default False
        Also write the fit parameters to ``<name>.param`` (JSON), readable by
        ``IltData.init(parameters=path)``.

    Returns
    -------
    dict
        The paths written (``"report"``, and ``"param"``/``"npz"`` when written).

    Raises
    ------
    NotInvertedError
        (a ``RuntimeError`` and ``ValueError``) ``iltdata`` is not inverted.
    FileNotFoundError
        The destination folder does not exist.
    IsADirectoryError
        A file of the report (``.txt``, ``.param`` or ``.npz``) is the name of a
        folder; nothing is written.
    ValueError
        ``level`` is not 0, 1 or 2.

    Examples
    --------
    >>> import numpy as np
    >>> import fastilt as ilt
    >>> t = np.linspace(0.001, 1, 200)
    >>> noise = np.random.default_rng(0).normal(size=t.size)
    >>> data = ilt.iltload(data=100 * np.exp(-t / 0.05) + noise, t=t)
    >>> data.init(np.logspace(-3, 1, 50), ilt.Exponential())
    >>> data.invert(verbose=0)
    >>> import tempfile
    >>> from pathlib import Path
    >>> from fastilt.reporting import iltreport
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = iltreport(data, Path(folder) / "decay", save_arrays=True)
    ...     text = paths["report"].read_text()
    ...     arrays = sorted(np.load(paths["npz"]).files)
    Results saved at ...
    >>> "# --- PARAMETERS ---" in text, "g" in arrays and "residuals" in arrays
    (True, True)
    """
    if not getattr(iltdata, "inverted", False):
        raise NotInvertedError("This dataset is not inverted. Use IltData.invert() first.")
    if isinstance(level, bool) or not isinstance(level, numbers.Integral) or level not in (0, 1, 2):
        raise ValueError(f"level must be one of 0, 1 or 2, got {level!r}.")
    paths = report_paths(filepath)

    parameters, fit_dict = _report_parameters(iltdata)
    text = _text_report(iltdata, parameters, fit_dict)
    param_text = None
    if parameters_to_file:
        buffer = io.StringIO()
        _write_param(buffer, parameters)  # fails here, before any file, if not JSON-able
        param_text = buffer.getvalue()
    arrays = _collect_arrays(iltdata, level) if save_arrays else None

    _check_targets(
        [paths["report"]] + ([paths["param"]] if parameters_to_file else []) + ([paths["npz"]] if save_arrays else [])
    )
    written = {"report": paths["report"]}
    with _StagedFiles() as staged:
        _stage(staged, paths["report"], _write_text, text)
        if param_text is not None:
            _stage(staged, paths["param"], _write_text, param_text)
            written["param"] = paths["param"]
        if arrays is not None:
            _stage(staged, paths["npz"], _write_npz, arrays, level == 2, binary=True)
            written["npz"] = paths["npz"]
    folder = paths["report"].absolute().parent
    logger.info("report written: %s", ", ".join(str(p) for p in written.values()))
    print(f"Results saved at {folder}")
    return written
