"""Bruker TopSpin pseudo-2D experiment folders (``ser``, ``acqus``, ``vdlist``/``vclist``), read with nmrglue.

Each FID is cut to its ``TD`` points (the file pads to 1 KiB blocks), the digital
filter's group delay is removed (nmrglue), and the FID is Fourier transformed
(no apodisation, no DC correction).  All spectra get one zero-order phase:
:func:`~fastilt.io.measurement.zero_order_phase` of the spectra's integrals,
positive at the longest delay.  The indirect axis is the ``vdlist`` (seconds;
suffixes n, u, m accepted) or the ``vclist`` (loop counts).  The result is
(delays, frequency): invert the first dimension, keep the spectral one
(Identity kernel), i.e. a pseudo-2D inversion.
"""

import re
import warnings

import numpy as np

from ._nmrglue import nmrglue
from .measurement import Axis, measurement, rotate, unit_scale, zero_order_phase
from .numbers import header_number

FORMAT = "Bruker TopSpin"
DESCRIPTION = "Bruker TopSpin pseudo-2D experiment folder (ser + acqus + vdlist or vclist)"
#: AQ_mod values whose data are complex (re, im) pairs
_COMPLEX_MODES = (1, 3)
#: a vdlist entry: a number and an optional time unit (nmrglue's reader turns "5ms" into "5e-3s" and fails)
_DELAY = re.compile(r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-zµ]*)")


def _folder(path):
    return path if path.is_dir() else path.parent


def recognises(path):
    folder = _folder(path)
    return (folder / "acqus").is_file() and ((folder / "ser").is_file() or (folder / "fid").is_file())


def _delay(text, source, line):
    """A vdlist entry, ``20.000m`` or ``1.306`` (seconds; suffixes n, u, m, s and ns, us, ms)."""
    match = _DELAY.fullmatch(text)
    if match is None:
        raise ValueError(f"{source}, line {line}: {text!r} is not a delay (expected a number with an "
                         "optional unit n, u, m or s, e.g. 20m)")
    return float(match[1]) * (unit_scale(match[2], f"{source}, line {line}") if match[2] else 1.0)


def _loop_count(text, source, line):
    return header_number(text, f"{source}, line {line}", "the loop count", int)


def _list_file(path, entry):
    """The entries of a TopSpin list file, one per non-blank line, each read by ``entry(text, path, line)``."""
    lines = path.read_text(encoding="latin-1").splitlines()
    return np.array([entry(line.strip(), path, number)
                     for number, line in enumerate(lines, start=1) if line.strip()], dtype=float)


def _variable_list(folder, rows):
    """The indirect axis: vdlist (delays, s) or vclist (loop counts)."""
    if (folder / "vdlist").is_file():
        values = _list_file(folder / "vdlist", _delay)
        axis, source = ("variable delay (vdlist)", "s", "Exponential"), folder / "vdlist"
    elif (folder / "vclist").is_file():
        values = _list_file(folder / "vclist", _loop_count)
        axis, source = ("loop count (vclist)", "count", None), folder / "vclist"
    else:
        raise FileNotFoundError(f"{folder}: a pseudo-2D experiment needs its vdlist or vclist, found neither")
    if values.size < rows:
        raise ValueError(f"{source} has {values.size} entries but {folder / 'ser'} holds {rows} FIDs")
    return Axis(values[:rows], *axis)


def read(path):
    ng = nmrglue(path, DESCRIPTION)
    folder = _folder(path)
    if not (folder / "ser").is_file():
        raise ValueError(f"{folder}: a 1D experiment (fid); fastilt reads pseudo-2D experiments (ser)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nmrglue warns that chemical-shift referencing is not applied
        try:
            dic, data = ng.bruker.read(str(folder))
        except Exception as error:  # nmrglue reports a short ser as a reshape/value error
            raise ValueError(f"{folder / 'ser'}: truncated or not matching acqus/acqu2s "
                             f"({type(error).__name__}: {error})") from None
    acqus = dic["acqus"]
    if acqus.get("AQ_mod") not in _COMPLEX_MODES or data.ndim != 2:
        raise ValueError(f"{folder}: expected complex pseudo-2D data (AQ_mod 1 or 3, a ser of FIDs), "
                         f"got AQ_mod {acqus.get('AQ_mod')} and data of shape {data.shape}")
    td = acqus["TD"] // 2
    if data.shape[1] < td:
        raise ValueError(f"{folder / 'ser'}: FIDs of {data.shape[1]} points, but acqus TD = {acqus['TD']}")
    delays = _variable_list(folder, data.shape[0])
    fids = ng.bruker.remove_digital_filter(dic, data[:, :td])
    spectra = np.fft.fftshift(np.fft.fft(fids, axis=1), axes=1)
    frequency = np.fft.fftshift(np.fft.fftfreq(spectra.shape[1], d=1.0 / acqus["SW_h"]))
    phase = zero_order_phase(spectra.sum(axis=1), int(np.argmax(delays.values)))
    phased = rotate(spectra, phase)
    header = {key: acqus.get(key) for key in ("PULPROG", "SFO1", "SW_h", "TD", "NS", "DECIM", "DSPFVS", "GRPDLY")}
    return measurement(
        folder, FORMAT, "pseudo-2D spectra vs variable delay", phased.real,
        [delays, Axis(frequency, "frequency offset from the carrier", "Hz", "Identity")],
        phase=phase, imaginary=phased.imag, header=header,
        notes=["frequency: numpy fftfreq order, not chemical-shift referenced"],
    )
