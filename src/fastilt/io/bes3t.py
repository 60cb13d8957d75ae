"""Bruker BES3T (Xepr/Elexsys EPR): a ``.DSC`` descriptor and a bare binary ``.DTA``.

The ``.DSC`` gives the layout (``BSEQ`` byte order, ``IKKF`` real/complex, ``IRFMT``
item type, ``XPTS``/``XMIN``/``XWID`` ...); x varies fastest in the ``.DTA``.
The result is (x, y): the x axis (e.g. the pulse spacing) first, because
only later dimensions can be left un-inverted.  Complex traces are phased one
trace (column) at a time, the phase drifts between scans, with
:func:`~fastilt.io.measurement.zero_order_phase`.  Time axes are converted to
seconds; an index axis (``YUNI 'index'``, e.g. repeated scans) gets the
Identity kernel.  A field (G, mT, T) or frequency axis gets no relaxation
kernel: a field sweep or a spectrum is no relaxation curve.

The experiment is labelled as the descriptor's ``EXPT`` states it (``PLS``:
pulsed, ``CW``: continuous wave).  Traces (columns) that are all zero, the
planned scans an aborted acquisition never recorded, are listed in
``metadata["empty_traces"]`` and left out of noise estimates.
"""

import numpy as np

from .measurement import TIME_UNITS, Axis, measurement, phased
from .numbers import header_number

FORMAT = "BES3T"
DESCRIPTION = "Bruker BES3T EPR data (.DSC + .DTA)"

_ITEM_TYPES = {"D": "f8", "F": "f4", "I": "i4", "S": "i2", "C": "i1"}
_BYTE_ORDER = {"BIG": ">", "LIT": "<"}
#: EXPT of the standard parameter layer -> the experiment's label
_EXPERIMENTS = {"PLS": "pulsed EPR trace", "CW": "CW EPR spectrum"}
_FIELD = "a magnetic-field sweep is a spectrum, not a relaxation curve: there is no relaxation kernel to invert"
_FREQUENCY = "a frequency axis is a spectrum, not a relaxation curve: there is no relaxation kernel to invert"
_NO_RELAXATION = {"G": _FIELD, "mT": _FIELD, "T": _FIELD, "Hz": _FREQUENCY, "kHz": _FREQUENCY,
                  "MHz": _FREQUENCY, "GHz": _FREQUENCY}


def _companion(path, suffix):
    """``path`` with ``suffix`` in the case the folder has (``.DTA``/``.dta``)."""
    for candidate in (path.with_suffix(suffix.upper()), path.with_suffix(suffix.lower())):
        if candidate.is_file():
            return candidate
    return path.with_suffix(suffix.upper())


def recognises(path):
    return path.is_file() and path.suffix.upper() in (".DSC", ".DTA")


def descriptor(path):
    """The ``KEY value`` lines of a ``.DSC`` (descriptor and standard layers), quotes removed."""
    values = {}
    for line in path.read_bytes().decode("latin-1").splitlines():
        if line.startswith("#DSL"):
            break  # the device layer (PulseSPEL text, ...) is not needed for reading
        key, _, value = line.partition("\t") if "\t" in line else line.partition(" ")
        if key and key[0].isalpha():
            values[key] = value.strip().strip("'")
    return values


def _axis(dsc, letter, source):
    if dsc.get(f"{letter}TYP") != "IDX":
        raise ValueError(f"{source}: {letter}TYP {dsc.get(f'{letter}TYP')!r} is not supported "
                         "(fastilt reads linear IDX axes)")
    n, low, width = (header_number(dsc.get(f"{letter}{key}"), source, f"{letter}{key}", kind)
                     for key, kind in (("PTS", int), ("MIN", float), ("WID", float)))
    unit, name = dsc.get(f"{letter}UNI", ""), dsc.get(f"{letter}NAM", letter)
    values = np.linspace(low, low + width, n)
    if unit in TIME_UNITS:
        return Axis(values * TIME_UNITS[unit], name, "s", "Exponential")
    if unit == "index":
        return Axis(values, name, "index", "Identity")
    why = _NO_RELAXATION.get(unit, f"an axis in {unit!r} is not a time axis")
    return Axis(values, name, unit, None, why=why)


def _empty_traces(z, shape):
    """Indices of the traces (columns of a 2D data set) that are exactly zero: never acquired."""
    if len(shape) < 2:
        return []
    return [int(i) for i in np.flatnonzero(~z.reshape(shape, order="F").any(axis=0))]


def read(path):
    dsc_file, dta_file = _companion(path, ".DSC"), _companion(path, ".DTA")
    for needed in (dsc_file, dta_file):
        if not needed.is_file():
            raise FileNotFoundError(f"{path}: its companion file {needed.name} is missing "
                                    "(BES3T data need both .DSC and .DTA)")
    dsc = descriptor(dsc_file)
    if dsc.get("ZTYP", "NODATA") != "NODATA" or dsc.get("IKKF") not in ("REAL", "CPLX"):
        raise ValueError(f"{dsc_file}: only one-channel 1D/2D data (IKKF REAL or CPLX, no z axis) are supported")
    axes = [_axis(dsc, "X", dsc_file)]
    if dsc.get("YTYP", "NODATA") != "NODATA":
        axes.append(_axis(dsc, "Y", dsc_file))
    complex_data = dsc["IKKF"] == "CPLX"
    dtype = np.dtype(_BYTE_ORDER[dsc.get("BSEQ", "BIG")] + _ITEM_TYPES[dsc.get("IRFMT", "D")])
    shape = tuple(a.values.size for a in axes)
    expected = int(np.prod(shape)) * (2 if complex_data else 1) * dtype.itemsize
    size = dta_file.stat().st_size
    if size != expected:
        raise ValueError(f"{dta_file}: {size} bytes, but {dsc_file.name} describes {shape} "
                         f"{'complex' if complex_data else 'real'} {dtype.name} values ({expected} bytes); "
                         "the file is truncated or does not belong to this descriptor")
    # x varies fastest in the file: Fortran order gives (x, y), the inverted time axis first
    values = np.fromfile(dta_file, dtype=dtype).astype(float)
    z = values + 0j if not complex_data else values[0::2] + 1j * values[1::2]
    header = {key: dsc[key] for key in ("EXPT", "MWFQ", "TITL", "DATE", "TIME") if key in dsc}
    expt = dsc.get("EXPT")
    experiment = _EXPERIMENTS.get(expt, f"EPR data (EXPT {expt!r})" if expt else "EPR data (EXPT not stated)")
    notes = []
    if expt == "PLS" and axes[0].unit == "s":
        notes.append("a two-pulse echo forms at 2*tau: for a Hahn echo decay the decay variable is 2 * t")
    empty = _empty_traces(z, shape)
    if empty:
        notes.append(f"{len(empty)} of {shape[1]} traces are all zero (indices {empty[0]}..{empty[-1]}): planned "
                     "but not acquired (an aborted acquisition); left out of noise estimates")
    record = dict(header=header, notes=notes, empty_traces=empty)
    if not complex_data:
        return measurement(dta_file, FORMAT, experiment, values.reshape(shape, order="F"), axes, **record)
    real, imaginary, phase = phased(z.reshape(shape, order="F"), 0, axis=0)
    return measurement(dta_file, FORMAT, experiment, real, axes, phase=phase, imaginary=imaginary, **record)
